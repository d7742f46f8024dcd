import assert from 'node:assert/strict';
import { LineBuffer } from '../../nodes/lib/influx/line-buffer';

/** What the body must be: the lines joined by newlines, as UTF-8. */
const expected = (lines: string[]) => Buffer.from(lines.join('\n'), 'utf8');

describe('unit: LineBuffer', () => {
    it('gives the lines joined by newlines as UTF-8, and starts again empty', () => {
        const lines = new LineBuffer(3);
        const batch = ['m,t=a v=1 1', 'm,t=b v=2 2', 'm,t=c v=3 3'];
        for (const line of batch) lines.add(line);
        assert.equal(lines.length, 3);
        assert.deepEqual(lines.take(), expected(batch));
        assert.equal(lines.length, 0);
        lines.add('m v=4 4');
        assert.deepEqual(lines.take(), expected(['m v=4 4']));
    });

    it('encodes text beyond ASCII, and a lone surrogate as U+FFFD, as a string body would be', () => {
        const lines = new LineBuffer(10);
        const batch = ['m,unit=°C v=1 1', 'm s="Grüße 🌡" 2', 'm s="\ud800" 3', '日本語'.repeat(100)];
        for (const line of batch) lines.add(line);
        assert.deepEqual(lines.take(), expected(batch));
    });

    it('grows for lines longer than it has room for, keeping what it holds', () => {
        const lines = new LineBuffer(2);
        const batch = ['a'.repeat(10), 'b'.repeat(100_000), 'c'.repeat(300_000)];
        for (const line of batch) lines.add(line);
        assert.deepEqual(lines.take(), expected(batch));
    });

    it('an empty take is an empty body', () => {
        assert.equal(new LineBuffer(5).take().length, 0);
    });

    it('a body holds about the memory of its bytes, also after a batch of longer lines', () => {
        const lines = new LineBuffer(2000);
        for (let i = 0; i < 2000; i++) lines.add(`sensor_data,device_id=d${i} reading=${i} ${i}`);
        const full = lines.take();
        // Backed by a buffer of about its size (a copy when the buffer had more than 1/8 unused).
        assert.ok(full.buffer.byteLength <= (full.length * 8) / 7 + 1, `${full.buffer.byteLength}`);
        // The next buffer is sized for 2,000 such lines; a batch of 3 (the flush timer) must not keep it.
        for (let i = 0; i < 3; i++) lines.add(`sensor_data,device_id=d${i} reading=${i} ${i}`);
        const small = lines.take();
        assert.ok(small.buffer.byteLength <= 8192, `${small.buffer.byteLength}`);
    });
});

describe('unit: LineBuffer, lines written in parts', () => {
    it('a line in parts is the bytes of the same line as a string, beside string lines', () => {
        const lines = new LineBuffer(4);
        lines.add('m,t=a v=1 1');
        lines.startLine(Buffer.from('sensor_data,device_id=d1,sensor=t,unit=°C'));
        for (const part of [' reading=', '-21.5', ',seq=', '7', 'i ', '1700000000000001']) lines.ascii(part);
        lines.endLine();
        lines.add('m,t=b v=2 2');
        assert.equal(lines.length, 3);
        assert.deepEqual(
            lines.take(),
            expected([
                'm,t=a v=1 1',
                'sensor_data,device_id=d1,sensor=t,unit=°C reading=-21.5,seq=7i 1700000000000001',
                'm,t=b v=2 2',
            ]),
        );
    });

    it('grows within a line written in parts, keeping its start', () => {
        const lines = new LineBuffer(1);
        const prefix = 'p'.repeat(5000);
        lines.startLine(Buffer.from(prefix));
        lines.ascii('x'.repeat(20_000));
        lines.endLine();
        assert.deepEqual(lines.take(), expected([prefix + 'x'.repeat(20_000)]));
    });
});

describe('unit: LineBuffer, recycled bodies', () => {
    const fill = (lines: LineBuffer, n: number, tag: string) => {
        for (let i = 0; i < n; i++) lines.add(`sensor_data,device_id=${tag}${i} reading=${i} ${i}`);
    };

    it('collects the next batch in a written body’s memory, and gives the right bytes', () => {
        const lines = new LineBuffer(1000);
        fill(lines, 1000, 'a');
        lines.take(); // the first batch teaches the size
        fill(lines, 1000, 'b');
        const written = lines.take();
        lines.recycle(written);
        fill(lines, 1000, 'c');
        const next = lines.take();
        assert.equal(next.buffer, written.buffer, 'the recycled memory holds the next batch');
        const want: string[] = [];
        for (let i = 0; i < 1000; i++) want.push(`sensor_data,device_id=c${i} reading=${i} ${i}`);
        assert.deepEqual(next, expected(want));
    });

    it('keeps as many spares as it was told, the newest first', () => {
        const lines = new LineBuffer(1000, 2);
        fill(lines, 1000, 'a');
        lines.take(); // the first batch teaches the size
        const bodies = ['b', 'c', 'd'].map((tag) => {
            fill(lines, 1000, tag);
            return lines.take();
        });
        for (const body of bodies) lines.recycle(body); // three back: b, the oldest, is not kept
        const next = ['e', 'f', 'g'].map((tag) => {
            fill(lines, 1000, tag);
            return lines.take().buffer;
        });
        assert.deepEqual(
            next.map((memory) => bodies.findIndex((body) => body.buffer === memory)),
            [2, 1, -1],
        );
    });

    it('never takes memory it did not allocate (a pooled buffer is shared with others)', () => {
        const lines = new LineBuffer(10);
        const shared = new ArrayBuffer(8192); // as Node's buffer pool: one memory, many buffers
        const other = Buffer.from(shared, 0, 16).fill(1);
        lines.recycle(Buffer.from(shared, 16, 16));
        lines.add('m v=2 2');
        assert.deepEqual(lines.take(), expected(['m v=2 2']));
        assert.deepEqual(other, Buffer.alloc(16, 1), 'a buffer sharing the memory was written over');
    });
});
