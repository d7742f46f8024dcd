/**
 * A bounded on-disk spool for line-protocol batches the writer cannot deliver
 * (InfluxDB unreachable): one deflated file per batch, oldest delivered
 * first, deleted only once InfluxDB has taken it. Files left by an earlier run
 * (a Node-RED restart during an outage) are picked up at start. Costs one
 * deflate and one write per batch (thousands of points), never per point.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const SUFFIX = '.lp.z';
/** `<sequence>-<points>.lp.z` */
const NAME = /^(\d+)-(\d+)\.lp\.z$/;

interface SpoolFile {
    name: string;
    points: number;
    bytes: number;
}

export class Spool {
    private readonly files: SpoolFile[] = [];
    private next = 0;
    private bytesHeld = 0;
    private pointsHeld = 0;

    constructor(
        readonly dir: string,
        readonly maxBytes: number,
    ) {
        fs.mkdirSync(dir, { recursive: true });
        const found: (SpoolFile & { seq: number })[] = [];
        for (const name of fs.readdirSync(dir)) {
            const m = NAME.exec(name);
            if (!m) {
                // A temp file of an interrupted write: never complete, never counted.
                if (name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { force: true });
                continue;
            }
            const bytes = fs.statSync(path.join(dir, name)).size;
            found.push({ name, seq: Number(m[1]), points: Number(m[2]), bytes });
        }
        found.sort((a, b) => a.seq - b.seq);
        for (const f of found) {
            this.files.push({ name: f.name, points: f.points, bytes: f.bytes });
            this.bytesHeld += f.bytes;
            this.pointsHeld += f.points;
            this.next = Math.max(this.next, f.seq + 1);
        }
    }

    get points(): number {
        return this.pointsHeld;
    }

    get bytes(): number {
        return this.bytesHeld;
    }

    /** Files waiting, oldest first (by name). */
    get length(): number {
        return this.files.length;
    }

    /** Writes one batch (its line-protocol body); false when it would exceed the size bound or the disk refused it. */
    put(body: Buffer, points: number): boolean {
        const data = zlib.deflateRawSync(body, { level: 1 });
        if (this.bytesHeld + data.length > this.maxBytes) return false;
        const name = `${String(this.next++).padStart(12, '0')}-${points}${SUFFIX}`;
        const file = path.join(this.dir, name);
        try {
            fs.writeFileSync(`${file}.tmp`, data);
            fs.renameSync(`${file}.tmp`, file);
        } catch {
            fs.rmSync(`${file}.tmp`, { force: true });
            return false;
        }
        this.files.push({ name, points, bytes: data.length });
        this.bytesHeld += data.length;
        this.pointsHeld += points;
        return true;
    }

    /**
     * The oldest batch not yet handed out, read back; it stays on disk (and
     * counted) until ack(). Undefined when there is none; a file that cannot
     * be read is removed and reported through `unreadable`.
     */
    take(
        skip: ReadonlySet<string>,
        unreadable: (points: number, err: Error) => void,
    ): { name: string; body: Buffer; points: number } | undefined {
        for (const f of this.files) {
            if (skip.has(f.name)) continue;
            try {
                const body = zlib.inflateRawSync(fs.readFileSync(path.join(this.dir, f.name)));
                return { name: f.name, body, points: f.points };
            } catch (e) {
                this.ack(f.name);
                unreadable(f.points, e as Error);
                return this.take(skip, unreadable);
            }
        }
        return undefined;
    }

    /** Forgets a delivered (or unreadable) batch. */
    ack(name: string): void {
        const at = this.files.findIndex((f) => f.name === name);
        if (at < 0) return;
        const [f] = this.files.splice(at, 1);
        this.bytesHeld -= f.bytes;
        this.pointsHeld -= f.points;
        fs.rmSync(path.join(this.dir, name), { force: true });
    }
}
