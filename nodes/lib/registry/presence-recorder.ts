/**
 * Files the registry's presence changes and counted losses into a history
 * event log, so history answers can say why data is missing. Listens to the
 * registry's 'change' events (readings come as 'reading' events: it is not
 * called on the sensor hot path).
 */
import type { DeviceChange } from '@mcp-mqtt-bridge/protocol';
import type { HistoryEventLog } from '../history-events';
import type { DeviceRegistry } from './device-registry';

export class PresenceRecorder {
    /** Last presence filed per device, so repeats are not filed twice. */
    private readonly filed = new Map<string, 'online' | 'offline'>();
    /** Loss counter of each device when last seen. */
    private readonly lost = new Map<string, number>();
    private readonly listener: (id: string, change: DeviceChange) => void;

    constructor(
        private readonly registry: DeviceRegistry,
        private readonly log: HistoryEventLog & { forget?(device: string): void },
        private readonly now: () => number = Date.now,
    ) {
        // Counters restored from a snapshot are not new losses.
        for (const [id, record] of registry.devices) this.lost.set(id, record.counters.lost);
        this.listener = (id, change) => this.observe(id, change);
        registry.on('change', this.listener);
    }

    private observe(id: string, change: DeviceChange): void {
        const record = this.registry.devices.get(id);
        if (change === 'removed') {
            this.filed.delete(id);
            this.lost.delete(id);
            this.log.forget?.(id);
            return;
        }
        if (!record) return;
        const time = this.now();
        if (change === 'offline') {
            if (this.filed.get(id) === 'offline') return;
            this.filed.set(id, 'offline');
            const reason =
                this.registry.brokerState === 'down' ? 'broker' : (record.offlineReason ?? 'status');
            this.log.addEvent({ device: id, time, kind: 'offline', reason });
        } else if (change === 'online') {
            // The registry also says 'online' to every device when its broker is back; only the live ones are.
            if (!record.online || this.registry.brokerState === 'down') return;
            if (this.filed.get(id) === 'online') return;
            // A device first heard is not filed as coming back; it has no earlier history to explain.
            const was = this.filed.get(id);
            this.filed.set(id, 'online');
            if (was === undefined) return;
            this.log.addEvent({ device: id, time, kind: 'online' });
        } else if (change === 'error') {
            const now = record.counters.lost;
            const before = this.lost.get(id) ?? 0;
            this.lost.set(id, now);
            if (now > before) this.log.addEvent({ device: id, time, kind: 'lost', count: now - before });
        }
    }

    close(): void {
        this.registry.off('change', this.listener);
    }
}
