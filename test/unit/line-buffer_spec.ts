import assert from 'node:assert/strict';
import { LineBuffer } from '../../nodes/lib/influx/line-buffer';

/** What the body must be: the lines joined by newlines, as UTF-8. */
const expected = (lines: string[]) => Buffer.from(lines.join('\n'), 'utf8');

describe('unit: LineBuffer', () => {
    it('gives the lines joined by newlines as UTF-8, and starts again empty', () => {
        const lines = new LineBuffer(3);
        const batch = ['m,t=a v=1 1', 'm,t=b v=2 2', 'm,t=c v=3 3'];
        for (const line of batch) lines.push(line);
        assert.equal(lines.length, 3);
        assert.deepEqual(lines.take(), expected(batch));
        assert.equal(lines.length, 0);
        lines.push('m v=4 4');
        assert.deepEqual(lines.take(), expected(['m v=4 4']));
    });

    it('encodes text beyond ASCII, and a lone surrogate as U+FFFD, as a string body would be', () => {
        const lines = new LineBuffer(10);
        const batch = ['m,unit=°C v=1 1', 'm s="Grüße 🌡" 2', 'm s="\ud800" 3', '日本語'.repeat(100)];
        for (const line of batch) lines.push(line);
        assert.deepEqual(lines.take(), expected(batch));
    });

    it('grows for lines longer than it has room for, keeping what it holds', () => {
        const lines = new LineBuffer(2);
        const batch = ['a'.repeat(10), 'b'.repeat(100_000), 'c'.repeat(300_000)];
        for (const line of batch) lines.push(line);
        assert.deepEqual(lines.take(), expected(batch));
    });

    it('an empty take is an empty body', () => {
        assert.equal(new LineBuffer(5).take().length, 0);
    });

    it('a body holds about the memory of its bytes, also after a batch of longer lines', () => {
        const lines = new LineBuffer(2000);
        for (let i = 0; i < 2000; i++) lines.push(`sensor_data,device_id=d${i} reading=${i} ${i}`);
        const full = lines.take();
        // Backed by a buffer of about its size (a copy when the buffer had more than 1/8 unused).
        assert.ok(full.buffer.byteLength <= (full.length * 8) / 7 + 1, `${full.buffer.byteLength}`);
        // The next buffer is sized for 2,000 such lines; a batch of 3 (the flush timer) must not keep it.
        for (let i = 0; i < 3; i++) lines.push(`sensor_data,device_id=d${i} reading=${i} ${i}`);
        const small = lines.take();
        assert.ok(small.buffer.byteLength <= 8192, `${small.buffer.byteLength}`);
    });
});
