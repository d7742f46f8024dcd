/**
 * Bounded in-memory recent history: a ring of the last N points per sensor.
 * The default HistoryStore when no InfluxDB is configured. Columns in typed
 * arrays keep thousands of sensors cheap.
 */
import type { Reading } from '@mcp-mqtt-bridge/protocol';
import type { HistoryPoint, HistoryQuery, HistoryStore, StoreStatus } from '../history-store';

/** How a point's reading is kept: numbers unboxed in a column, the rest by tag (strings aside). */
const enum Held {
    Number = 0,
    True = 1,
    False = 2,
    Null = 3,
    Text = 4,
}

/**
 * The last `capacity` points of one sensor. Numbers, times and qualities live
 * unboxed in typed arrays: a reading kept in a plain array would be a heap
 * object the garbage collector copies and promotes for every message of the
 * hot path. Strings (text sensors) get their own column, made when first needed.
 */
class Ring {
    private readonly times: Float64Array;
    private readonly numbers: Float64Array;
    /** NaN: the point had no quality. */
    private readonly qualities: Float64Array;
    private readonly held: Uint8Array;
    private texts: (string | undefined)[] | undefined;
    private next = 0;
    private size = 0;

    constructor(private readonly capacity: number) {
        // One allocation for all four columns: a fleet's first readings create thousands of rings at once.
        const bytes = new ArrayBuffer(capacity * (3 * Float64Array.BYTES_PER_ELEMENT + 1));
        this.times = new Float64Array(bytes, 0, capacity);
        this.numbers = new Float64Array(bytes, capacity * 8, capacity);
        this.qualities = new Float64Array(bytes, capacity * 16, capacity);
        this.held = new Uint8Array(bytes, capacity * 24, capacity);
    }

    push(time: number, reading: Reading, quality: number | undefined): void {
        const i = this.next;
        this.times[i] = time;
        this.qualities[i] = quality === undefined ? NaN : quality;
        if (typeof reading === 'number') {
            this.held[i] = Held.Number;
            this.numbers[i] = reading;
        } else if (typeof reading === 'string') {
            this.held[i] = Held.Text;
            (this.texts ??= new Array<string | undefined>(this.capacity))[i] = reading;
        } else {
            this.held[i] = reading === null ? Held.Null : reading ? Held.True : Held.False;
        }
        // A string the slot held is released with it, not when the slot's next string comes.
        if (this.texts !== undefined && this.held[i] !== Held.Text) this.texts[i] = undefined;
        this.next = (i + 1) % this.capacity;
        if (this.size < this.capacity) this.size++;
    }

    private readingAt(i: number): Reading {
        switch (this.held[i] as Held) {
            case Held.Number:
                return this.numbers[i];
            case Held.True:
                return true;
            case Held.False:
                return false;
            case Held.Null:
                return null;
            case Held.Text:
                return this.texts?.[i] ?? null;
        }
    }

    /** The newest `limit` points at or after sinceMs, oldest first. */
    select(sinceMs: number, limit: number): HistoryPoint[] {
        const picked: HistoryPoint[] = [];
        for (let n = 1; n <= this.size && picked.length < limit; n++) {
            const i = (this.next - n + this.capacity) % this.capacity;
            if (this.times[i] < sinceMs) continue;
            const point: HistoryPoint = { time: this.times[i], reading: this.readingAt(i) };
            const quality = this.qualities[i];
            if (!Number.isNaN(quality)) point.quality = quality;
            picked.push(point);
        }
        // Arrival order, then a stable sort: equal device timestamps keep the order they came in.
        return picked.reverse().sort((a, b) => a.time - b.time);
    }
}

export class MemoryHistory implements HistoryStore {
    readonly kind = 'memory' as const;
    /** Rings by device, then sensor: no key string to build per point (the hot path). */
    private readonly rings = new Map<string, Map<string, Ring>>();
    private written = 0;

    constructor(private readonly pointsPerSensor: number) {}

    record(deviceId: string, sensor: string, time: number, reading: Reading, quality?: number): void {
        let bySensor = this.rings.get(deviceId);
        if (bySensor === undefined) {
            bySensor = new Map();
            this.rings.set(deviceId, bySensor);
        }
        let ring = bySensor.get(sensor);
        if (ring === undefined) {
            ring = new Ring(this.pointsPerSensor);
            bySensor.set(sensor, ring);
        }
        ring.push(time, reading, quality);
        this.written++;
    }

    forget(deviceId: string): void {
        this.rings.delete(deviceId);
    }

    query(q: HistoryQuery): Promise<HistoryPoint[]> {
        const ring = this.rings.get(q.deviceId)?.get(q.sensor);
        return Promise.resolve(ring ? ring.select(q.sinceMs, q.limit) : []);
    }

    storeStatus(): StoreStatus {
        return {
            kind: 'memory',
            connected: true,
            buffered: 0,
            written: this.written,
            dropped: 0,
            retries: 0,
        };
    }
}
