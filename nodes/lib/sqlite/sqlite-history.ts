/**
 * The embedded, persistent history: readings and the events that explain gaps
 * in one SQLite file in the Node-RED user directory (docs/history.md).
 *
 * - Hot path: record() only appends to a bounded in-memory queue (columns);
 *   a full queue drops the point and counts it. A timer (or a full batch)
 *   writes the queue in one transaction with prepared statements.
 * - Schema: `series` (device, sensor) -> id, so a reading row is five numbers
 *   (and a text for string readings); `readings(series, t, v, k, q, s)` with an index on (series, t) that every
 *   history query uses; `events(device, t, kind, reason, n)`.
 * - Retention: by age (per series, through the index) and by size (oldest
 *   rows by arrival first, then incremental vacuum gives pages back).
 * - Aggregation in SQL: window statistics, buckets and gaps (window functions).
 */
import type { Reading } from '@mcp-mqtt-bridge/protocol';
import type { HistoryPoint, HistoryQuery, HistoryStore, StoreStatus } from '../history-store';
import { STORE_EVENTS, type HistoryEvent, type HistoryEventLog } from '../history-events';
import {
    MAX_GAPS,
    bucketWidthMs,
    gapThresholdMs,
    type WindowBucket,
    type WindowQuery,
    type WindowStats,
    type WindowSummary,
} from '../history-window';
import {
    openDatabase,
    type BindingName,
    type BindingPreference,
    type SqlDatabase,
    type SqlStatement,
    type SqlValue,
} from './binding';

export interface SqliteHistoryOptions {
    file: string;
    /** Readings and events older than this are deleted. */
    retentionDays: number;
    /** The database is kept below this size (bytes), oldest readings deleted first. */
    maxBytes: number;
    /** How often the queue is written. */
    flushIntervalMs?: number;
    /** A flush starts as soon as this many points wait. */
    batchSize?: number;
    /** Points that may wait; beyond, new points are dropped and counted. */
    maxQueue?: number;
    /** How often retention runs. */
    retentionIntervalMs?: number;
    binding?: BindingPreference;
    now?: () => number;
}

/** 2: column s (string readings); a schema-1 file gets it on open. */
const SCHEMA_VERSION = 2;

/**
 * Reading kinds in column k: v holds the number (booleans as 0/1); a string reading
 * (text sensor, event, date/time) is in s with v NULL, so MIN/MAX/AVG/COUNT(v) skip it.
 */
const K_NUMBER = 0;
const K_BOOLEAN = 1;
const K_NULL = 2;
const K_STRING = 3;

function encode(r: Reading): [SqlValue, number, SqlValue] {
    if (typeof r === 'number') return [r, K_NUMBER, null];
    if (typeof r === 'boolean') return [r ? 1 : 0, K_BOOLEAN, null];
    if (typeof r === 'string') return [null, K_STRING, r];
    return [null, K_NULL, null];
}

function decodeReading(v: SqlValue, k: SqlValue, s?: SqlValue): Reading {
    if (k === K_STRING) return typeof s === 'string' ? s : null;
    if (k === K_BOOLEAN) return v === 1;
    if (k === K_NULL || v === null) return null;
    return Number(v);
}

const num = (v: SqlValue | undefined): number | null => (v === null || v === undefined ? null : Number(v));

export class SqliteHistory implements HistoryStore, HistoryEventLog {
    readonly kind = 'sqlite' as const;
    readonly binding: BindingName;
    private readonly db: SqlDatabase;
    private readonly now: () => number;
    private readonly batchSize: number;
    private readonly maxQueue: number;
    private readonly seriesIds = new Map<string, Map<string, number>>();
    // The queue, as columns.
    private qDevice: string[] = [];
    private qSensor: string[] = [];
    private qTime: number[] = [];
    private qReading: Reading[] = [];
    private qQuality: (number | undefined)[] = [];
    private qEvents: HistoryEvent[] = [];
    private written = 0;
    private dropped = 0;
    private droppedSinceFlush = 0;
    private deletedByRetention = 0;
    private lastError: string | undefined;
    private flushTimer: NodeJS.Timeout | undefined;
    private retentionTimer: NodeJS.Timeout | undefined;
    private flushSoon: NodeJS.Immediate | undefined;
    private closed = false;
    private readonly stmt: Record<
        'insert' | 'insertSeries' | 'seriesId' | 'insertEvent' | 'recent' | 'allSeries' | 'ageDelete',
        SqlStatement
    >;

    constructor(private readonly options: SqliteHistoryOptions) {
        this.now = options.now ?? Date.now;
        this.batchSize = options.batchSize ?? 2000;
        this.maxQueue = options.maxQueue ?? 100000;
        const opened = openDatabase(options.file, options.binding);
        this.db = opened.db;
        this.binding = opened.binding;
        try {
            this.createSchema();
        } catch (e) {
            this.db.close();
            throw e;
        }
        this.stmt = {
            insert: this.db.prepare('INSERT INTO readings (series, t, v, k, q, s) VALUES (?, ?, ?, ?, ?, ?)'),
            insertSeries: this.db.prepare('INSERT OR IGNORE INTO series (device, sensor) VALUES (?, ?)'),
            seriesId: this.db.prepare('SELECT id FROM series WHERE device = ? AND sensor = ?'),
            insertEvent: this.db.prepare(
                'INSERT INTO events (device, t, kind, reason, n) VALUES (?, ?, ?, ?, ?)',
            ),
            recent: this.db.prepare(
                'SELECT t, v, k, q, s FROM readings WHERE series = ? AND t >= ? ORDER BY t DESC, rowid DESC LIMIT ?',
            ),
            allSeries: this.db.prepare('SELECT id FROM series'),
            ageDelete: this.db.prepare('DELETE FROM readings WHERE series = ? AND t < ?'),
        };
        this.addEvent({ device: STORE_EVENTS, time: this.now(), kind: 'start' });
        this.flushTimer = setInterval(() => this.flush(), options.flushIntervalMs ?? 500);
        this.flushTimer.unref();
        this.retentionTimer = setInterval(
            () => this.enforceRetention(),
            options.retentionIntervalMs ?? 60000,
        );
        this.retentionTimer.unref();
    }

    private createSchema(): void {
        const db = this.db;
        // auto_vacuum must be chosen before the first table exists; harmless afterwards.
        db.exec('PRAGMA auto_vacuum = INCREMENTAL');
        db.exec('PRAGMA journal_mode = WAL');
        db.exec('PRAGMA synchronous = NORMAL');
        db.exec('PRAGMA busy_timeout = 2000');
        db.exec(`
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS series (
                id INTEGER PRIMARY KEY,
                device TEXT NOT NULL,
                sensor TEXT NOT NULL,
                UNIQUE (device, sensor)
            );
            CREATE TABLE IF NOT EXISTS readings (
                series INTEGER NOT NULL,
                t INTEGER NOT NULL,
                v REAL,
                k INTEGER NOT NULL,
                q REAL,
                s TEXT
            );
            CREATE INDEX IF NOT EXISTS readings_by_series_time ON readings (series, t);
            CREATE TABLE IF NOT EXISTS events (
                device TEXT NOT NULL,
                t INTEGER NOT NULL,
                kind TEXT NOT NULL,
                reason TEXT,
                n INTEGER
            );
            CREATE INDEX IF NOT EXISTS events_by_device_time ON events (device, t);
        `);
        const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get();
        if (row === undefined) {
            db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(String(SCHEMA_VERSION));
        } else if (Number(row.value) < 2) {
            // Schema 1 had no string readings: add their column (older rows keep s NULL).
            const columns = db.prepare('PRAGMA table_info(readings)').all();
            if (!columns.some((c) => c.name === 's')) db.exec('ALTER TABLE readings ADD COLUMN s TEXT');
            db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(String(SCHEMA_VERSION));
        } else if (Number(row.value) > SCHEMA_VERSION) {
            throw new Error(
                `history file ${this.options.file} has schema ${String(row.value)}, newer than this release (${SCHEMA_VERSION})`,
            );
        }
    }

    /** The hot path: O(1), no I/O. */
    record(deviceId: string, sensor: string, time: number, reading: Reading, quality?: number): void {
        if (this.closed) return;
        if (this.qTime.length >= this.maxQueue) {
            this.dropped++;
            this.droppedSinceFlush++;
            return;
        }
        this.qDevice.push(deviceId);
        this.qSensor.push(sensor);
        this.qTime.push(time);
        this.qReading.push(reading);
        this.qQuality.push(quality);
        if (this.qTime.length >= this.batchSize && !this.flushSoon) {
            this.flushSoon = setImmediate(() => {
                this.flushSoon = undefined;
                this.flush();
            });
        }
    }

    addEvent(event: HistoryEvent): void {
        if (this.closed) return;
        this.qEvents.push(event);
    }

    get queued(): number {
        return this.qTime.length;
    }

    private seriesOf(device: string, sensor: string, create: boolean): number | undefined {
        let bySensor = this.seriesIds.get(device);
        const known = bySensor?.get(sensor);
        if (known !== undefined) return known;
        if (create) this.stmt.insertSeries.run(device, sensor);
        const row = this.stmt.seriesId.get(device, sensor);
        if (!row) return undefined;
        const id = Number(row.id);
        if (!bySensor) {
            bySensor = new Map();
            this.seriesIds.set(device, bySensor);
        }
        bySensor.set(sensor, id);
        return id;
    }

    /** Writes everything queued in one transaction. Synchronous; safe to call any time. */
    flush(): void {
        if (this.closed) return;
        const n = this.qTime.length;
        if (n === 0 && this.qEvents.length === 0 && this.droppedSinceFlush === 0) return;
        const [devices, sensors, times, readings, qualities] = [
            this.qDevice,
            this.qSensor,
            this.qTime,
            this.qReading,
            this.qQuality,
        ];
        const events = this.qEvents;
        this.qDevice = [];
        this.qSensor = [];
        this.qTime = [];
        this.qReading = [];
        this.qQuality = [];
        this.qEvents = [];
        if (this.droppedSinceFlush > 0) {
            events.push({
                device: STORE_EVENTS,
                time: this.now(),
                kind: 'dropped',
                count: this.droppedSinceFlush,
            });
            this.droppedSinceFlush = 0;
        }
        try {
            this.db.exec('BEGIN');
            try {
                for (let i = 0; i < n; i++) {
                    const series = this.seriesOf(devices[i], sensors[i], true) as number;
                    const [v, k, s] = encode(readings[i]);
                    const q = qualities[i];
                    this.stmt.insert.run(series, Math.round(times[i]), v, k, q === undefined ? null : q, s);
                }
                for (const e of events) {
                    this.stmt.insertEvent.run(
                        e.device,
                        Math.round(e.time),
                        e.kind,
                        e.reason ?? null,
                        e.count ?? null,
                    );
                }
                this.db.exec('COMMIT');
            } catch (e) {
                this.db.exec('ROLLBACK');
                // The series cache may name rows the rollback removed.
                this.seriesIds.clear();
                throw e;
            }
            this.written += n;
            this.lastError = undefined;
        } catch (e) {
            this.dropped += n;
            this.lastError = `write failed, ${n} point(s) dropped: ${(e as Error).message}`;
        }
    }

    /** Deletes what is older than the retention, then the oldest rows while the file is too big. */
    enforceRetention(): void {
        if (this.closed) return;
        this.flush();
        const cutoff = this.now() - this.options.retentionDays * 86400000;
        try {
            this.db.exec('BEGIN');
            let deleted = 0;
            for (const row of this.stmt.allSeries.all()) {
                const result = this.stmt.ageDelete.run(Number(row.id), cutoff) as {
                    changes?: number | bigint;
                };
                deleted += Number(result.changes ?? 0);
            }
            this.db.prepare('DELETE FROM events WHERE t < ?').run(cutoff);
            this.db.exec('COMMIT');
            this.deletedByRetention += deleted;
            for (let round = 0; round < 20 && this.usedBytes() > this.options.maxBytes; round++) {
                const span = this.db.prepare('SELECT MIN(rowid) lo, MAX(rowid) hi FROM readings').get();
                const lo = num(span?.lo);
                const hi = num(span?.hi);
                if (lo === null || hi === null) break;
                // The oldest tenth (by arrival) of what is left.
                const upTo = lo + Math.max(1, Math.floor((hi - lo + 1) / 10));
                const result = this.db.prepare('DELETE FROM readings WHERE rowid < ?').run(upTo) as {
                    changes?: number | bigint;
                };
                this.deletedByRetention += Number(result.changes ?? 0);
            }
            this.db.exec('PRAGMA incremental_vacuum');
        } catch (e) {
            try {
                this.db.exec('ROLLBACK');
            } catch {
                // not in a transaction
            }
            this.lastError = `retention failed: ${(e as Error).message}`;
        }
    }

    /** Bytes in use by live pages (free pages are reused before the file grows). */
    usedBytes(): number {
        const pages = num(this.db.prepare('PRAGMA page_count').get()?.page_count) ?? 0;
        const free = num(this.db.prepare('PRAGMA freelist_count').get()?.freelist_count) ?? 0;
        const size = num(this.db.prepare('PRAGMA page_size').get()?.page_size) ?? 4096;
        return (pages - free) * size;
    }

    query(q: HistoryQuery): Promise<HistoryPoint[]> {
        this.flush();
        const series = this.closed ? undefined : this.seriesOf(q.deviceId, q.sensor, false);
        if (series === undefined) return Promise.resolve([]);
        const rows = this.stmt.recent.all(series, Math.floor(q.sinceMs), q.limit);
        return Promise.resolve(rows.reverse().map(pointOf));
    }

    summarize(q: WindowQuery): Promise<WindowSummary> {
        this.flush();
        const series = this.closed ? undefined : this.seriesOf(q.deviceId, q.sensor, false);
        const from = Math.floor(q.fromMs);
        const to = Math.ceil(q.toMs);
        if (series === undefined) {
            const stats: WindowStats = {
                count: 0,
                numeric: 0,
                min: null,
                max: null,
                mean: null,
                last: null,
                firstMs: null,
                lastMs: null,
            };
            return Promise.resolve({ stats, points: [], gaps: [], gapThresholdMs: gapThresholdMs(stats) });
        }
        const where = 'WHERE series = ? AND t >= ? AND t <= ?';
        const agg = this.db
            .prepare(
                `SELECT COUNT(*) n, COUNT(v) nv, MIN(v) mn, MAX(v) mx, AVG(v) mean, MIN(t) t0, MAX(t) t1 FROM readings ${where}`,
            )
            .get(series, from, to);
        const lastRow = this.db
            .prepare(`SELECT v, k, s FROM readings ${where} ORDER BY t DESC, rowid DESC LIMIT 1`)
            .get(series, from, to);
        const stats: WindowStats = {
            count: num(agg?.n) ?? 0,
            numeric: num(agg?.nv) ?? 0,
            min: num(agg?.mn),
            max: num(agg?.mx),
            mean: num(agg?.mean),
            last: lastRow ? decodeReading(lastRow.v, lastRow.k, lastRow.s) : null,
            firstMs: num(agg?.t0),
            lastMs: num(agg?.t1),
        };
        const threshold = gapThresholdMs(stats);
        const gaps = this.db
            .prepare(
                `SELECT prev, t FROM (SELECT t, LAG(t) OVER (ORDER BY t) prev FROM readings ${where}) ` +
                    'WHERE t - prev > ? ORDER BY t LIMIT ?',
            )
            .all(series, from, to, threshold, MAX_GAPS)
            .map((r) => ({ fromMs: Number(r.prev), toMs: Number(r.t) }));
        const summary: WindowSummary = { stats, gaps, gapThresholdMs: threshold };
        if (stats.count <= q.maxPoints) {
            summary.points = this.db
                .prepare(`SELECT t, v, k, q, s FROM readings ${where} ORDER BY t, rowid`)
                .all(series, from, to)
                .map(pointOf);
            return Promise.resolve(summary);
        }
        const width = bucketWidthMs(from, to, q.maxPoints);
        const bucket = 'CAST((t - ?) / ? AS INTEGER)';
        const rows = this.db
            .prepare(
                `SELECT ${bucket} b, COUNT(*) n, MIN(v) mn, MAX(v) mx, AVG(v) mean FROM readings ${where} GROUP BY b ORDER BY b`,
            )
            .all(from, width, series, from, to);
        const lasts = new Map<number, Reading>();
        for (const r of this.db
            .prepare(
                `SELECT b, v, k, s FROM (SELECT ${bucket} b, v, k, s, ROW_NUMBER() OVER ` +
                    `(PARTITION BY ${bucket} ORDER BY t DESC, rowid DESC) rn FROM readings ${where}) WHERE rn = 1`,
            )
            .all(from, width, from, width, series, from, to)) {
            lasts.set(Number(r.b), decodeReading(r.v, r.k, r.s));
        }
        summary.bucketMs = width;
        summary.buckets = rows.map((r): WindowBucket => ({
            startMs: from + Number(r.b) * width,
            count: Number(r.n),
            min: num(r.mn),
            max: num(r.mx),
            mean: num(r.mean),
            last: lasts.get(Number(r.b)) ?? null,
        }));
        return Promise.resolve(summary);
    }

    eventsAround(device: string, fromMs: number, toMs: number): HistoryEvent[] {
        this.flush();
        if (this.closed) return [];
        const out: HistoryEvent[] = [];
        for (const who of [device, STORE_EVENTS]) {
            const before = this.db
                .prepare(
                    "SELECT device, t, kind, reason, n FROM events WHERE device = ? AND t < ? AND kind NOT IN ('lost', 'dropped') " +
                        'ORDER BY t DESC, rowid DESC LIMIT 1',
                )
                .get(who, fromMs);
            if (before) out.push(eventOf(before));
            for (const row of this.db
                .prepare(
                    'SELECT device, t, kind, reason, n FROM events WHERE device = ? AND t >= ? AND t <= ? ORDER BY t, rowid LIMIT 1000',
                )
                .all(who, fromMs, toMs)) {
                out.push(eventOf(row));
            }
        }
        return out.sort((a, b) => a.time - b.time);
    }

    /** Deletes a device's history (operator's "forget"). */
    forget(deviceId: string): void {
        if (this.closed) return;
        this.flush();
        this.db
            .prepare('DELETE FROM readings WHERE series IN (SELECT id FROM series WHERE device = ?)')
            .run(deviceId);
        this.db.prepare('DELETE FROM series WHERE device = ?').run(deviceId);
        this.db.prepare('DELETE FROM events WHERE device = ?').run(deviceId);
        this.seriesIds.delete(deviceId);
    }

    storeStatus(): StoreStatus {
        return {
            kind: 'sqlite',
            connected: !this.closed,
            buffered: this.qTime.length,
            written: this.written,
            dropped: this.dropped,
            retries: 0,
            ...(this.lastError ? { lastError: this.lastError } : {}),
        };
    }

    /** Rows deleted by retention since start (for tests and status). */
    get retentionDeleted(): number {
        return this.deletedByRetention;
    }

    /** Writes what is queued, records a stop, closes the file. */
    close(): void {
        if (this.closed) return;
        clearInterval(this.flushTimer);
        clearInterval(this.retentionTimer);
        if (this.flushSoon) clearImmediate(this.flushSoon);
        this.addEvent({ device: STORE_EVENTS, time: this.now(), kind: 'stop' });
        this.flush();
        this.closed = true;
        try {
            this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
        } catch {
            // another connection may hold the WAL; it is checkpointed on the next open
        }
        this.db.close();
    }
}

function pointOf(row: Record<string, SqlValue>): HistoryPoint {
    const point: HistoryPoint = { time: Number(row.t), reading: decodeReading(row.v, row.k, row.s) };
    if (row.q !== null && row.q !== undefined) point.quality = Number(row.q);
    return point;
}

function eventOf(row: Record<string, SqlValue>): HistoryEvent {
    const event: HistoryEvent = {
        device: String(row.device),
        time: Number(row.t),
        kind: String(row.kind) as HistoryEvent['kind'],
    };
    if (row.reason !== null && row.reason !== undefined) event.reason = String(row.reason);
    if (row.n !== null && row.n !== undefined) event.count = Number(row.n);
    return event;
}
