/** What a server node needs from an InfluxDB API version: writes, history queries, release. */
import type { HistoryPoint, HistoryQuery, StoreKind } from '../history-store';
import type { InfluxWriter } from './write-error';

export interface InfluxClient extends InfluxWriter {
    readonly kind: Extract<StoreKind, 'influxdb-v1' | 'influxdb-v2'>;
    history(q: HistoryQuery): Promise<HistoryPoint[]>;
    /** Closes idle and open sockets. */
    close(): void;
}

export interface ConnectionSettings {
    url: string;
    /** v1: database (and optional retention policy) */
    database: string;
    retentionPolicy: string;
    /** v1: create the database when a write finds it missing */
    createDatabase: boolean;
    /** v2: organisation and bucket */
    org: string;
    bucket: string;
    user?: string;
    password?: string;
    token?: string;
    timeoutMs: number;
    maxSockets: number;
}

/** One history row from either API, turned into the registry's point shape. */
export function toHistoryPoint(
    time: number,
    reading: unknown,
    readingBool: unknown,
    quality: unknown,
    readingText?: unknown,
): HistoryPoint {
    const value =
        typeof reading === 'number'
            ? reading
            : typeof readingBool === 'boolean'
              ? readingBool
              : typeof readingText === 'string'
                ? readingText
                : null;
    const point: HistoryPoint = { time, reading: value };
    if (typeof quality === 'number') point.quality = quality;
    return point;
}
