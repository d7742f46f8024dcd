/**
 * The batch being collected, as the UTF-8 request body it becomes: each
 * line-protocol line is encoded into one growing Buffer as it comes. Kept as
 * an array of strings, a batch costs a join at seal (every line a rope of
 * template pieces to flatten) and a second pass to encode the joined string
 * for the socket: the writer's path took 2.10 CPU µs per point that way and
 * 1.33 this way (building the line included; README, "Measured numbers"). Bytes
 * also leave the garbage collector nothing to copy while the batch waits.
 */

/** A body never starts larger than this, whatever the learned line size (a few huge lines). */
const MAX_START_BYTES = 4 * 1024 * 1024;
const MIN_START_BYTES = 4096;
/** Room for lines a little longer than the last batch's. */
const HEADROOM = 1.1;
/** A sealed body that leaves more than this share of its buffer unused is copied to its size. */
const MAX_UNUSED_SHARE = 1 / 8;
const NEWLINE = 0x0a;
const NONE = Buffer.alloc(0);

export class LineBuffer {
    /** Allocated on the first line: an idle writer holds none. */
    private bytes = NONE;
    private used = 0;
    private count = 0;
    /** The first allocation, learned from the bytes per line of the last batch. */
    private startBytes = MIN_START_BYTES;

    /** `expectedLines`: the batch size, to size the buffer from the bytes per line seen so far. */
    constructor(private readonly expectedLines: number) {}

    /** Lines held. */
    get length(): number {
        return this.count;
    }

    push(line: string): void {
        // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2).
        const most = line.length * 3 + 1;
        if (this.used + most > this.bytes.length) this.grow(this.used + most);
        if (this.count > 0) this.bytes[this.used++] = NEWLINE;
        this.used += this.bytes.write(line, this.used);
        this.count++;
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
        return full.length - used > full.length * MAX_UNUSED_SHARE ? Buffer.from(body) : body;
    }

    private grow(needed: number): void {
        const bigger = Buffer.allocUnsafe(Math.max(needed, this.bytes.length * 2, this.startBytes));
        this.bytes.copy(bigger, 0, 0, this.used);
        this.bytes = bigger;
    }
}
