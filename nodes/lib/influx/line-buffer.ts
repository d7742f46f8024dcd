/**
 * The batch being collected, as the UTF-8 request body it becomes: each
 * line-protocol line is encoded into one growing Buffer as it comes. Kept as
 * an array of strings, a batch costs a join at seal (every line a rope of
 * template pieces to flatten) and a second pass to encode the joined string
 * for the socket: the writer's path took 2.10 CPU µs per point that way and
 * 1.33 this way (building the line included; README, "Measured numbers"). Bytes
 * also leave the garbage collector nothing to copy while the batch waits.
 *
 * Sensor readings (the hot path) write their line in parts instead: the
 * series' prefix as cached bytes, then numbers as ASCII (text as UTF-8), with
 * no line string at all. Timed inside the pipeline benchmark's drain (Node 24),
 * writing a line string cost 1.5–2 µs per point, about 1.2 of them V8
 * flattening the template's rope on its way to the encoder.
 *
 * A body InfluxDB has taken comes back (recycle) as the next batch's buffer:
 * a fresh batch-sized buffer is slow on first write (page faults), which in
 * the same drain made the write 1.8 instead of 1.1 µs per point. At most
 * `maxSpares` are kept (the writer: one per write in flight, since bodies come
 * back while the next batches fill). Both changes together: the drain's CPU
 * per message went from 13–14 to 10–12 µs (README, "Measured numbers").
 */

import type { PointSink } from './message-points';

/** A body never starts larger than this, whatever the learned line size (a few huge lines). */
const MAX_START_BYTES = 4 * 1024 * 1024;
const MIN_START_BYTES = 4096;
/** Room for lines a little longer than the last batch's. */
const HEADROOM = 1.1;
/** A sealed body that leaves more than this share of its buffer unused is copied to its size. */
const MAX_UNUSED_SHARE = 1 / 8;
const NEWLINE = 0x0a;
const NONE: Buffer = Buffer.alloc(0);

/** A PointSink that never drops: the batch writer's collecting batch. */
export class LineBuffer implements PointSink {
    /** Allocated on the first line (or a spare): an idle writer holds none but its spares. */
    private bytes = NONE;
    private used = 0;
    private count = 0;
    /** The first allocation, learned from the bytes per line of the last batch. */
    private startBytes = MIN_START_BYTES;
    /** A written body's buffer, for the next batch. */
    private readonly spares: Buffer[] = [];
    /** Buffers this line buffer allocated: only those come back as spares (a pooled one is shared). */
    private readonly owned = new WeakSet<ArrayBufferLike>();

    /**
     * `expectedLines`: the batch size, to size the buffer from the bytes per line seen so far;
     * `maxSpares`: written bodies kept for the next batches.
     */
    constructor(
        private readonly expectedLines: number,
        private readonly maxSpares = 1,
    ) {}

    /** Lines held. */
    get length(): number {
        return this.count;
    }

    add(line: string): true {
        this.startLine(NONE);
        this.text(line);
        this.endLine();
        return true;
    }

    /** Starts a line written in parts: `prefix` is its first bytes (UTF-8). End it with endLine(). */
    startLine(prefix: Uint8Array): true {
        const most = prefix.length + 1;
        if (this.used + most > this.bytes.length) this.grow(this.used + most);
        const bytes = this.bytes;
        let at = this.used;
        if (this.count > 0) bytes[at++] = NEWLINE;
        // Byte by byte (a prefix is a few dozen): in a CPU profile of the drain, set() was no cheaper.
        for (let i = 0; i < prefix.length; i++) bytes[at++] = prefix[i] as number;
        this.used = at;
        return true;
    }

    /** Appends `text` to the line started, byte per character: ASCII only (numbers, field keys). */
    ascii(text: string): void {
        if (this.used + text.length > this.bytes.length) this.grow(this.used + text.length);
        const bytes = this.bytes;
        let at = this.used;
        for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
        this.used = at;
    }

    /** Appends `text` to the line started, as UTF-8 (any text: escaped string fields, tags). */
    text(text: string): void {
        // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2).
        const most = text.length * 3;
        if (this.used + most > this.bytes.length) this.grow(this.used + most);
        this.used += this.bytes.write(text, this.used);
    }

    endLine(): void {
        this.count++;
    }

    /** A body taken earlier that nobody reads any more (written): its memory may hold the next batch. */
    recycle(body: Buffer): void {
        if (!this.owned.has(body.buffer)) return;
        if (this.spares.length >= this.maxSpares) this.spares.shift(); // the oldest goes
        this.spares.push(Buffer.from(body.buffer, 0, body.buffer.byteLength));
    }

    /** The body of the lines held (newline-separated); the buffer starts again empty. */
    take(): Buffer {
        const full = this.bytes;
        const used = this.used;
        if (this.count > 0) {
            const start = Math.ceil((used / this.count) * this.expectedLines * HEADROOM);
            this.startBytes = Math.min(MAX_START_BYTES, Math.max(MIN_START_BYTES, start));
        }
        this.bytes = NONE;
        this.used = 0;
        this.count = 0;
        const body = full.subarray(0, used);
        // A batch may wait (InfluxDB slow or down): it should not hold memory it does not use.
        if (full.length - used <= full.length * MAX_UNUSED_SHARE) return body;
        const copy = Buffer.from(body);
        this.recycle(full); // sized for a whole batch: the next one's
        return copy;
    }

    private grow(needed: number): void {
        const size = Math.max(needed, this.bytes.length * 2, this.startBytes);
        const spare = this.used === 0 ? this.spares.pop() : undefined;
        if (spare !== undefined) {
            // Near the learned size: a little smaller still fits most batches (the size has 10%
            // headroom), much larger would have the body copied down to its size at take().
            const fits = spare.length >= Math.max(needed, size * 0.9);
            if (fits && spare.length <= size / (1 - MAX_UNUSED_SHARE)) {
                this.bytes = spare;
                return;
            }
        }
        const bigger = Buffer.allocUnsafeSlow(size);
        this.owned.add(bigger.buffer);
        this.bytes.copy(bigger, 0, 0, this.used);
        this.bytes = bigger;
    }
}
