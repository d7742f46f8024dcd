/**
 * The bounded write pipeline shared by all store nodes of one InfluxDB server:
 * points are collected into batches (sealed by size or by the flush
 * interval), at most `maxInFlight` batches are written at once, transient
 * failures are retried with exponential backoff, and the number of points held
 * in memory (collecting + waiting + in flight) never exceeds
 * `maxBufferedPoints`. Every point that cannot be kept or written is counted
 * in `dropped`.
 *
 * While InfluxDB is unreachable (no answer at all) the writer is "down": it
 * keeps one batch in flight as a probe, retried every `probeIntervalMs` at
 * most (≤ 1 s), so delivery resumes within about a second of the server's
 * return; such failures do not use up a batch's retries (they say nothing
 * about the batch). With a spool, batches sealed while down go to disk
 * (bounded) instead of filling memory, and so do the batches over the memory
 * bound while InfluxDB is up but slower than the input; they go back to
 * InfluxDB once it answers. On close, what is still held is spooled rather
 * than dropped.
 */
import { EventEmitter } from 'node:events';
import { LineBuffer } from './line-buffer';
import type { Spool } from './spool';
import { WriteError, type InfluxWriter } from './write-error';

export interface BatchWriterOptions {
    batchSize: number;
    flushIntervalMs: number;
    maxBufferedPoints: number;
    maxInFlight: number;
    /** Attempts after the first before a batch is dropped. */
    maxRetries: number;
    retryInitialMs: number;
    retryMaxMs: number;
    /** While InfluxDB does not answer at all, retry (probe) at least this often. */
    probeIntervalMs?: number;
    /** Points held in memory above which 'buffer_high' is reported (default: half the bound). */
    highWaterPoints?: number;
}

/** What the writer reports to alert on (the server node turns these into registry alerts). */
export type WriterEvent =
    | { type: 'down'; error: string }
    | { type: 'up'; downForMs: number }
    | { type: 'buffer_high'; buffered: number; limit: number }
    | { type: 'dropped'; points: number; total: number; reason: string };

export interface WriterCounters {
    buffered: number;
    written: number;
    dropped: number;
    retries: number;
    /** false after a failed write until the next successful one */
    connected: boolean;
    lastError?: string;
    /** Points waiting in the on-disk spool (0 without one). */
    spooled: number;
    /** Epoch ms since when no write got through (set while not connected). */
    downSince?: number;
}

/**
 * Its points as one UTF-8 line-protocol body (LineBuffer): a batch that
 * waits (InfluxDB slower than the input, or down) holds bytes, not thousands
 * of line strings the garbage collector copies on every young-generation
 * pass, and a retry or the spool reuses it.
 */
interface Batch {
    body: Buffer;
    points: number;
    attempts: number;
    /** Set when the batch was read back from the spool: its file goes once written. */
    file?: string;
}

function sealed(lines: LineBuffer): Batch {
    const points = lines.length;
    return { body: lines.take(), points, attempts: 0 };
}

/** Emits 'change' (counters moved; listeners throttle their own updates). */
export class BatchWriter extends EventEmitter {
    private readonly collecting: LineBuffer;
    private readonly waiting: Batch[] = [];
    private inFlight = 0;
    private flushTimer: NodeJS.Timeout | undefined;
    private backoffTimer: NodeJS.Timeout | undefined;
    private closing = false;
    private readonly aborts = new Set<AbortController>();
    /** Batches in flight (to hand back to the spool on close). */
    private readonly sending = new Set<Batch>();
    private readonly counters: WriterCounters = {
        buffered: 0,
        written: 0,
        dropped: 0,
        retries: 0,
        connected: true,
        spooled: 0,
    };
    /** Failed attempts in a row where InfluxDB did not answer. */
    private unreachableStreak = 0;
    private high = false;
    /** Spool files read back and not yet written. */
    private readonly loaded = new Set<string>();
    private readonly probeMs: number;
    private readonly highWater: number;

    constructor(
        private readonly client: InfluxWriter,
        private readonly options: BatchWriterOptions,
        private readonly spool?: Spool,
    ) {
        super();
        this.setMaxListeners(0); // every store and decode node of the server listens
        this.collecting = new LineBuffer(options.batchSize, options.maxInFlight);
        this.probeMs = Math.min(1000, Math.max(10, options.probeIntervalMs ?? 1000));
        this.highWater = options.highWaterPoints ?? Math.floor(options.maxBufferedPoints / 2);
        this.counters.spooled = spool?.points ?? 0;
        // Points an earlier run spooled are delivered as soon as a slot is free.
        if (spool && spool.length > 0) setImmediate(() => this.pump());
    }

    /** Keeps one line-protocol point, or counts it as dropped when the buffer is full. */
    add(line: string): boolean {
        if (!this.accept()) return false;
        this.collecting.add(line);
        this.added();
        return true;
    }

    /** add() for a line written in parts (PointSink): false, and write no parts, when it is dropped. */
    startLine(prefix: Uint8Array): boolean {
        if (!this.accept()) return false;
        this.collecting.startLine(prefix);
        return true;
    }

    ascii(text: string): void {
        this.collecting.ascii(text);
    }

    text(text: string): void {
        this.collecting.text(text);
    }

    endLine(): void {
        this.collecting.endLine();
        this.added();
    }

    /** Room for one more point, or it is counted as dropped. */
    private accept(): boolean {
        if (this.spool && !this.closing && this.counters.buffered >= this.options.maxBufferedPoints) {
            // Full memory (InfluxDB down or slower than the input): what waits goes to the spool first.
            this.sealOnly();
            this.spill();
        }
        if (this.closing || this.counters.buffered >= this.options.maxBufferedPoints) {
            this.drop(1, this.closing ? 'closing' : 'buffer full');
            return false;
        }
        this.counters.buffered++;
        return true;
    }

    /** After a point went into the collecting batch: seal it when full, else make sure it is flushed. */
    private added(): void {
        if (this.collecting.length >= this.options.batchSize) this.seal();
        else if (this.flushTimer === undefined) {
            this.flushTimer = setTimeout(() => this.seal(), this.options.flushIntervalMs);
        }
        if (!this.high && this.counters.buffered >= this.highWater) {
            this.high = true;
            this.emit('event', {
                type: 'buffer_high',
                buffered: this.counters.buffered,
                limit: this.options.maxBufferedPoints,
            } satisfies WriterEvent);
        }
    }

    /** The bound on points held in memory. */
    get limit(): number {
        return this.options.maxBufferedPoints;
    }

    stats(): WriterCounters {
        return { ...this.counters };
    }

    /** True when nothing is held, in flight or scheduled. */
    idle(): boolean {
        return (
            this.counters.buffered === 0 &&
            this.loaded.size === 0 &&
            (this.spool?.length ?? 0) === 0 &&
            this.inFlight === 0 &&
            this.flushTimer === undefined &&
            this.backoffTimer === undefined
        );
    }

    /**
     * Stops taking points, writes what it can within `deadlineMs` (one attempt per
     * batch, no backoff; none while down), then aborts what is still in flight
     * and spools every point not written, or counts it as dropped without a
     * spool. Leaves no timer behind.
     */
    async close(deadlineMs: number): Promise<void> {
        this.closing = true;
        const batches = [...this.sending];
        this.sealOnly();
        this.clearBackoff();
        if (this.counters.connected) {
            this.pump();
            await this.settledOrDeadline(Date.now() + deadlineMs);
        }
        for (const abort of this.aborts) abort.abort();
        this.aborts.clear();
        this.clearBackoff();
        // Everything still held: in flight when aborted, waiting, collecting.
        const held = [...batches.filter((b) => this.sending.has(b)), ...this.waiting];
        this.sending.clear();
        this.waiting.length = 0;
        if (this.collecting.length) held.push(sealed(this.collecting));
        for (const batch of held) {
            if (batch.file !== undefined) continue; // still on disk
            if (!this.spool?.put(batch.body, batch.points)) this.counters.dropped += batch.points;
        }
        this.counters.buffered = 0;
        this.counters.spooled = this.spool?.points ?? 0;
        this.loaded.clear();
        this.emit('change');
    }

    /** Resolves when no batch waits or is in flight, or at the deadline. */
    private settledOrDeadline(deadline: number): Promise<void> {
        return new Promise((resolve) => {
            const finish = () => {
                clearTimeout(timer);
                this.off('settled', check);
                resolve();
            };
            const check = () => {
                const done = this.inFlight === 0 && (this.waiting.length === 0 || !this.counters.connected);
                if (done || Date.now() >= deadline) finish();
            };
            const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
            this.on('settled', check);
            check();
        });
    }

    /** Moves the collecting points into a batch waiting to be written. */
    private seal(): void {
        this.sealOnly();
        this.pump();
    }

    private sealOnly(): void {
        if (this.flushTimer !== undefined) {
            clearTimeout(this.flushTimer);
            this.flushTimer = undefined;
        }
        if (this.collecting.length === 0) return;
        this.waiting.push(sealed(this.collecting));
        if (!this.counters.connected) this.spill();
    }

    /**
     * Moves waiting batches to the spool, newest first. While down: every one
     * but the next probe (memory stays small, and a crash loses nothing
     * spooled). While up but slower than the input: only until the memory
     * bound has room again, since a spooled point costs a deflate, a file and
     * a read more than one sent from memory. A batch read back from the spool
     * is still on disk: it only leaves memory.
     */
    private spill(): void {
        if (!this.spool || this.closing) return;
        const all = !this.counters.connected;
        while (this.waiting.length > 1 && (all || this.counters.buffered >= this.options.maxBufferedPoints)) {
            const batch = this.waiting[this.waiting.length - 1];
            if (batch.file === undefined && !this.spool.put(batch.body, batch.points)) return; // spool full: keep in memory
            this.waiting.pop();
            this.counters.buffered -= batch.points;
            if (batch.file !== undefined) this.loaded.delete(batch.file);
        }
        this.counters.spooled = this.spool.points;
        this.updateHigh();
    }

    private pump(): void {
        // Down: one probe at a time; up: up to maxInFlight, the spool filling free slots.
        if (this.closing && !this.counters.connected) return; // close() spools the rest
        const limit = this.counters.connected ? this.options.maxInFlight : 1;
        while (this.inFlight < limit && this.backoffTimer === undefined) {
            const batch =
                this.waiting.shift() ??
                (this.counters.connected || this.inFlight === 0 ? this.fromSpool() : undefined);
            if (!batch) return;
            this.send(batch);
        }
    }

    /** The oldest spooled batch not yet in memory; its points count as buffered while they are. */
    private fromSpool(): Batch | undefined {
        if (!this.spool || this.spool.length === this.loaded.size || this.closing) return undefined;
        const taken = this.spool.take(this.loaded, (points, err) => {
            this.drop(points, `unreadable spool file: ${err.message}`);
        });
        this.counters.spooled = this.spool.points;
        if (!taken) return undefined;
        this.loaded.add(taken.name);
        this.counters.buffered += taken.points;
        return { body: taken.body, points: taken.points, attempts: 0, file: taken.name };
    }

    private send(batch: Batch): void {
        this.inFlight++;
        this.sending.add(batch);
        const abort = new AbortController();
        this.aborts.add(abort);
        this.client.write(batch.body, abort.signal).then(
            () => this.succeeded(batch, abort),
            (err: unknown) => this.failed(batch, abort, WriteError.from(err)),
        );
    }

    private succeeded(batch: Batch, abort: AbortController): void {
        this.finish(batch, abort);
        if (abort.signal.aborted) return; // close() counted it
        this.counters.buffered -= batch.points;
        this.counters.written += batch.points;
        if (batch.file !== undefined) {
            this.loaded.delete(batch.file);
            this.spool?.ack(batch.file);
            this.counters.spooled = this.spool?.points ?? 0;
        } else {
            // InfluxDB read the whole body to answer: its memory can hold the next batch.
            this.collecting.recycle(batch.body);
        }
        this.unreachableStreak = 0;
        if (!this.counters.connected) {
            const since = this.counters.downSince ?? Date.now();
            this.counters.connected = true;
            this.counters.downSince = undefined;
            // The rest of a backoff was for a server that is back.
            this.clearBackoff();
            this.emit('event', { type: 'up', downForMs: Date.now() - since } satisfies WriterEvent);
        }
        this.updateHigh();
        this.afterWrite();
    }

    private failed(batch: Batch, abort: AbortController, error: WriteError): void {
        this.finish(batch, abort);
        if (abort.signal.aborted) return; // close() counts it
        if (this.counters.connected) {
            this.counters.connected = false;
            this.counters.downSince = Date.now();
            this.emit('event', { type: 'down', error: error.message } satisfies WriterEvent);
        }
        this.counters.lastError = error.message;
        // No answer at all: the batch is fine, the server is away. Probe often, keep the batch.
        const unreachable = error.retriable && error.status === undefined;
        if (unreachable) this.unreachableStreak++;
        if (!error.retriable || (!unreachable && batch.attempts >= this.options.maxRetries)) {
            this.counters.buffered -= batch.points;
            if (batch.file !== undefined) {
                this.loaded.delete(batch.file);
                this.spool?.ack(batch.file);
                this.counters.spooled = this.spool?.points ?? 0;
            }
            this.drop(batch.points, error.message);
        } else {
            if (!unreachable) batch.attempts++;
            this.counters.retries++;
            this.waiting.unshift(batch);
            this.spill();
            const wait = unreachable
                ? Math.min(this.probeMs, this.delayFor(this.unreachableStreak))
                : (error.retryAfterMs ?? this.delayFor(batch.attempts));
            this.backOff(wait);
        }
        this.afterWrite();
    }

    private finish(batch: Batch, abort: AbortController): void {
        this.inFlight--;
        this.sending.delete(batch);
        this.aborts.delete(abort);
    }

    private drop(points: number, reason: string): void {
        this.counters.dropped += points;
        this.emit('change');
        this.emit('event', {
            type: 'dropped',
            points,
            total: this.counters.dropped,
            reason,
        } satisfies WriterEvent);
    }

    /** Re-arms the high-water report once the buffer is back under half the mark. */
    private updateHigh(): void {
        if (this.high && this.counters.buffered < this.highWater / 2) this.high = false;
    }

    private afterWrite(): void {
        this.emit('change');
        this.emit('settled');
        this.pump();
    }

    /** Exponential backoff with jitter: initial · 2^(attempt-1), at most retryMaxMs. */
    private delayFor(attempt: number): number {
        const { retryInitialMs, retryMaxMs } = this.options;
        const base = Math.min(retryMaxMs, retryInitialMs * 2 ** (attempt - 1));
        return Math.round(base * (0.8 + Math.random() * 0.4));
    }

    private backOff(ms: number): void {
        if (this.backoffTimer !== undefined || this.closing) return;
        this.backoffTimer = setTimeout(() => {
            this.backoffTimer = undefined;
            this.pump();
        }, ms);
    }

    private clearBackoff(): void {
        if (this.backoffTimer !== undefined) clearTimeout(this.backoffTimer);
        this.backoffTimer = undefined;
    }
}
