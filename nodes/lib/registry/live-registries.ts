/**
 * The deployed registry nodes, by id, for the admin HTTP routes (registered
 * once per runtime, so they must look registries up at request time).
 */
import type { HistoryEventLog } from '../history-events';
import type { HistoryStore } from '../history-store';
import type { DeviceRegistry } from './device-registry';
import type { DeviceRequests } from './device-requests';
import type { EventStream } from './event-stream';

export interface LiveRegistry {
    id: string;
    name: string;
    registry: DeviceRegistry;
    requests: DeviceRequests;
    events: EventStream;
    /** The store history queries go to: InfluxDB when configured, else memory. */
    store(): HistoryStore;
    /** Why data is missing: presence changes, losses, bridge restarts (history-events.ts). */
    historyEvents?: HistoryEventLog;
    /** Set when the configured history store could not be used (e.g. no SQLite binding). */
    historyNote?: string;
    mqttConnected(): boolean;
}

const live = new Map<string, LiveRegistry>();

export const liveRegistries = {
    add(entry: LiveRegistry): void {
        live.set(entry.id, entry);
    },
    remove(id: string): void {
        live.delete(id);
    },
    all(): LiveRegistry[] {
        return [...live.values()];
    },
    /** By id, or 'default': the first deployed one. */
    find(id: string): LiveRegistry | undefined {
        if (id === 'default') return live.values().next().value;
        return live.get(id);
    },
};
