/**
 * The seam between the registry and the stores that keep sensor history:
 * the registry's bounded in-memory history, or InfluxDB through an
 * mcpb-influx-server config node. The registry answers history queries through
 * whichever is configured.
 */
import type { Reading } from '@mcp-mqtt-bridge/protocol';
import type { WindowQuery, WindowSummary } from './history-window';

export interface HistoryPoint {
    /** Milliseconds since the epoch (device time when the device sent one). */
    time: number;
    reading: Reading;
    quality?: number;
}

export interface HistoryQuery {
    deviceId: string;
    sensor: string;
    /** Inclusive lower bound, ms since the epoch. */
    sinceMs: number;
    /** At most this many points, the newest ones, returned oldest first. */
    limit: number;
}

export type StoreKind = 'memory' | 'sqlite' | 'influxdb-v1' | 'influxdb-v2';

export interface StoreStatus {
    kind: StoreKind;
    connected: boolean;
    /** Points waiting in the bounded write buffer. */
    buffered: number;
    written: number;
    /** Points dropped because the buffer was full or retries were exhausted. */
    dropped: number;
    retries: number;
    lastError?: string;
}

export interface HistoryStore {
    readonly kind: StoreKind;
    query(q: HistoryQuery): Promise<HistoryPoint[]>;
    /**
     * Statistics over the whole window, the points or buckets that fit the
     * budget, and the gaps, computed by the store (SQL for SQLite). Stores
     * without it are summarised from query() (history-window.ts).
     */
    summarize?(q: WindowQuery): Promise<WindowSummary>;
    storeStatus(): StoreStatus;
}
