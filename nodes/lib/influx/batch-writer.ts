/**
 * The bounded write pipeline shared by all store nodes of one InfluxDB server:
 * points are collected into batches (sealed by size or by the flush
 * interval), at most `maxInFlight` batches are written at once, transient
 * failures are retried with exponential backoff, and the number of points held
 * (collecting + waiting + in flight) never exceeds `maxBufferedPoints`. Every
 * point that cannot be kept or written is counted in `dropped`.
 */
import { EventEmitter } from 'node:events';
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
}

export interface WriterCounters {
    buffered: number;
    written: number;
    dropped: number;
    retries: number;
    /** false after a failed write until the next successful one */
    connected: boolean;
    lastError?: string;
}

interface Batch {
    lines: string[];
    attempts: number;
}

/** Emits 'change' (counters moved; listeners throttle their own updates). */
export class BatchWriter extends EventEmitter {
    private collecting: string[] = [];
    private readonly waiting: Batch[] = [];
    private inFlight = 0;
    private flushTimer: NodeJS.Timeout | undefined;
    private backoffTimer: NodeJS.Timeout | undefined;
    private closing = false;
    private readonly aborts = new Set<AbortController>();
    private readonly counters: WriterCounters = {
        buffered: 0,
        written: 0,
        dropped: 0,
        retries: 0,
        connected: true,
    };

    constructor(
        private readonly client: InfluxWriter,
        private readonly options: BatchWriterOptions,
    ) {
        super();
    }

    /** Keeps one line-protocol point, or counts it as dropped when the buffer is full. */
    add(line: string): boolean {
        if (this.closing || this.counters.buffered >= this.options.maxBufferedPoints) {
            this.counters.dropped++;
            this.emit('change');
            return false;
        }
        this.counters.buffered++;
        const batch = this.collecting;
        batch.push(line);
        if (batch.length >= this.options.batchSize) this.seal();
        else if (this.flushTimer === undefined) {
            this.flushTimer = setTimeout(() => this.seal(), this.options.flushIntervalMs);
        }
        return true;
    }

    stats(): WriterCounters {
        return { ...this.counters };
    }

    /** True when nothing is held, in flight or scheduled. */
    idle(): boolean {
        return (
            this.counters.buffered === 0 &&
            this.inFlight === 0 &&
            this.flushTimer === undefined &&
            this.backoffTimer === undefined
        );
    }

    /**
     * Stops taking points, writes what it can within `deadlineMs` (one attempt per
     * batch, no backoff), then aborts what is still in flight and counts every
     * point not written as dropped. Leaves no timer behind.
     */
    async close(deadlineMs: number): Promise<void> {
        this.closing = true;
        this.seal();
        this.clearBackoff();
        this.pump();
        await this.settledOrDeadline(Date.now() + deadlineMs);
        for (const abort of this.aborts) abort.abort();
        this.aborts.clear();
        this.clearBackoff();
        this.counters.dropped += this.counters.buffered;
        this.counters.buffered = 0;
        this.waiting.length = 0;
        this.collecting = [];
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
                if ((this.inFlight === 0 && this.waiting.length === 0) || Date.now() >= deadline) finish();
            };
            const timer = setTimeout(finish, Math.max(0, deadline - Date.now()));
            this.on('settled', check);
            check();
        });
    }

    /** Moves the collecting points into a batch waiting to be written. */
    private seal(): void {
        if (this.flushTimer !== undefined) {
            clearTimeout(this.flushTimer);
            this.flushTimer = undefined;
        }
        if (this.collecting.length === 0) return;
        this.waiting.push({ lines: this.collecting, attempts: 0 });
        this.collecting = [];
        this.pump();
    }

    private pump(): void {
        while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
            if (this.backoffTimer !== undefined) return;
            const batch = this.waiting.shift() as Batch;
            this.send(batch);
        }
    }

    private send(batch: Batch): void {
        this.inFlight++;
        const abort = new AbortController();
        this.aborts.add(abort);
        this.client.write(batch.lines.join('\n'), abort.signal).then(
            () => this.succeeded(batch, abort),
            (err: unknown) => this.failed(batch, abort, WriteError.from(err)),
        );
    }

    private succeeded(batch: Batch, abort: AbortController): void {
        this.finish(abort);
        if (abort.signal.aborted) return; // close() counted it
        this.counters.buffered -= batch.lines.length;
        this.counters.written += batch.lines.length;
        this.counters.connected = true;
        this.afterWrite();
    }

    private failed(batch: Batch, abort: AbortController, error: WriteError): void {
        this.finish(abort);
        if (abort.signal.aborted) return; // close() counts it
        this.counters.connected = false;
        this.counters.lastError = error.message;
        if (!error.retriable || this.closing || batch.attempts >= this.options.maxRetries) {
            this.counters.buffered -= batch.lines.length;
            this.counters.dropped += batch.lines.length;
        } else {
            batch.attempts++;
            this.counters.retries++;
            this.waiting.unshift(batch);
            this.backOff(error.retryAfterMs ?? this.delayFor(batch.attempts));
        }
        this.afterWrite();
    }

    private finish(abort: AbortController): void {
        this.inFlight--;
        this.aborts.delete(abort);
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
