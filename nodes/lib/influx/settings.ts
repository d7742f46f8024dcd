/** The server config node's settings: defaults, and numbers parsed and bounded once. */
import type { BatchWriterOptions } from './batch-writer';
import type { ConnectionSettings } from './client';

export type ApiVersion = 'v1' | 'v2';

/** As the editor stores them (numbers may arrive as strings). */
export interface InfluxServerConfig {
    apiVersion?: string;
    url?: string;
    database?: string;
    retentionPolicy?: string;
    createDatabase?: boolean;
    org?: string;
    bucket?: string;
    batchSize?: number | string;
    flushIntervalMs?: number | string;
    maxBufferedPoints?: number | string;
    maxInFlight?: number | string;
    maxRetries?: number | string;
    retryInitialMs?: number | string;
    retryMaxMs?: number | string;
    timeoutMs?: number | string;
    closeTimeoutMs?: number | string;
    /** On-disk spool for points InfluxDB cannot take, in MB (0 = off). */
    spoolMb?: number | string;
}

export interface InfluxCredentials {
    user?: string;
    password?: string;
    token?: string;
}

export const DEFAULTS = {
    apiVersion: 'v1' as ApiVersion,
    url: 'http://127.0.0.1:8086',
    database: 'iot',
    batchSize: 5000,
    flushIntervalMs: 1000,
    maxBufferedPoints: 100_000,
    maxInFlight: 2,
    maxRetries: 10,
    retryInitialMs: 1000,
    retryMaxMs: 30_000,
    timeoutMs: 10_000,
    closeTimeoutMs: 5000,
    /**
     * On by default: batches are deflated (~10 bytes per point), so 256 MB hold
     * well over an hour at 1,000 points/s, and the disk is only written while
     * InfluxDB is unreachable. Needs Node-RED's user directory.
     */
    spoolMb: 256,
    /** While InfluxDB does not answer, probe it this often (bounded to ≤ 1 s). */
    probeIntervalMs: 1000,
};

export interface ServerSettings {
    apiVersion: ApiVersion;
    connection: ConnectionSettings;
    writer: BatchWriterOptions;
    closeTimeoutMs: number;
    /** Spool bound in bytes; 0 = no spool. */
    spoolBytes: number;
}

function int(value: number | string | undefined, fallback: number, min: number, max: number): number {
    const n = typeof value === 'string' ? (value.trim() === '' ? NaN : Number(value)) : (value ?? NaN);
    if (!Number.isFinite(n)) return fallback;
    return Math.min(max, Math.max(min, Math.round(n)));
}

export function serverSettings(
    config: InfluxServerConfig,
    credentials: InfluxCredentials = {},
): ServerSettings {
    const apiVersion: ApiVersion = config.apiVersion === 'v2' ? 'v2' : 'v1';
    const batchSize = int(config.batchSize, DEFAULTS.batchSize, 1, 100_000);
    const maxInFlight = int(config.maxInFlight, DEFAULTS.maxInFlight, 1, 16);
    const retryInitialMs = int(config.retryInitialMs, DEFAULTS.retryInitialMs, 10, 600_000);
    return {
        apiVersion,
        connection: {
            url: (config.url ?? '').trim() || DEFAULTS.url,
            database: (config.database ?? '').trim() || (apiVersion === 'v1' ? DEFAULTS.database : ''),
            retentionPolicy: (config.retentionPolicy ?? '').trim(),
            createDatabase: config.createDatabase !== false,
            org: (config.org ?? '').trim(),
            bucket: (config.bucket ?? '').trim(),
            user: credentials.user || undefined,
            password: credentials.password || undefined,
            token: credentials.token || undefined,
            timeoutMs: int(config.timeoutMs, DEFAULTS.timeoutMs, 100, 600_000),
            maxSockets: maxInFlight + 1, // one spare for history queries
        },
        writer: {
            batchSize,
            flushIntervalMs: int(config.flushIntervalMs, DEFAULTS.flushIntervalMs, 10, 3_600_000),
            maxBufferedPoints: int(
                config.maxBufferedPoints,
                DEFAULTS.maxBufferedPoints,
                batchSize,
                100_000_000,
            ),
            maxInFlight,
            maxRetries: int(config.maxRetries, DEFAULTS.maxRetries, 0, 1_000_000),
            retryInitialMs,
            retryMaxMs: int(config.retryMaxMs, DEFAULTS.retryMaxMs, retryInitialMs, 3_600_000),
            probeIntervalMs: DEFAULTS.probeIntervalMs,
        },
        closeTimeoutMs: int(config.closeTimeoutMs, DEFAULTS.closeTimeoutMs, 0, 600_000),
        spoolBytes: int(config.spoolMb, DEFAULTS.spoolMb, 0, 1_000_000) * 1024 * 1024,
    };
}
