/**
 * Bounded in-memory recent history: a ring of the last N points per sensor.
 * The default HistoryStore when no InfluxDB is configured. Columns in typed
 * arrays keep thousands of sensors cheap.
 */
import type { Reading } from '@mcp-mqtt-bridge/protocol';
import type { HistoryPoint, HistoryQuery, HistoryStore, StoreStatus } from '../history-store';

class Ring {
    private readonly times: Float64Array;
    private readonly readings: Reading[];
    private readonly qualities: (number | undefined)[];
    private next = 0;
    private size = 0;

    constructor(private readonly capacity: number) {
        this.times = new Float64Array(capacity);
        this.readings = new Array<Reading>(capacity);
        this.qualities = new Array<number | undefined>(capacity);
    }

    push(time: number, reading: Reading, quality: number | undefined): void {
        this.times[this.next] = time;
        this.readings[this.next] = reading;
        this.qualities[this.next] = quality;
        this.next = (this.next + 1) % this.capacity;
        if (this.size < this.capacity) this.size++;
    }

    /** The newest `limit` points at or after sinceMs, oldest first. */
    select(sinceMs: number, limit: number): HistoryPoint[] {
        const picked: HistoryPoint[] = [];
        for (let n = 1; n <= this.size && picked.length < limit; n++) {
            const i = (this.next - n + this.capacity) % this.capacity;
            if (this.times[i] < sinceMs) continue;
            const point: HistoryPoint = { time: this.times[i], reading: this.readings[i] };
            const quality = this.qualities[i];
            if (quality !== undefined) point.quality = quality;
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
