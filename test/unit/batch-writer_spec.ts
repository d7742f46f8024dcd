import assert from 'node:assert/strict';
import { BatchWriter, type BatchWriterOptions } from '../../nodes/lib/influx/batch-writer';
import { WriteError, type InfluxWriter } from '../../nodes/lib/influx/write-error';
import { fakeTimers, flush } from './support/wire';

interface Call {
    body: string;
    /** the body as handed over: its memory may be reused once the write succeeded */
    raw: Buffer;
    signal: AbortSignal;
    resolve(): void;
    reject(err: unknown): void;
}

/** An InfluxDB client whose writes stay open until the test settles them. */
class FakeClient implements InfluxWriter {
    readonly calls: Call[] = [];
    write(body: Buffer, signal: AbortSignal): Promise<void> {
        return new Promise((resolve, reject) =>
            this.calls.push({ body: body.toString(), raw: body, signal, resolve, reject }),
        );
    }
    get bodies(): string[] {
        return this.calls.map((c) => c.body);
    }
}

const OPTIONS: BatchWriterOptions = {
    batchSize: 3,
    flushIntervalMs: 1000,
    maxBufferedPoints: 100,
    maxInFlight: 1,
    maxRetries: 2,
    retryInitialMs: 1000,
    retryMaxMs: 3000,
};

function setup(options: Partial<BatchWriterOptions> = {}) {
    const client = new FakeClient();
    const writer = new BatchWriter(client, { ...OPTIONS, ...options });
    return { client, writer };
}

const unavailable = () => WriteError.fromStatus(503, 'overloaded');

describe('unit: BatchWriter', () => {
    let clock: ReturnType<typeof fakeTimers>;
    beforeEach(() => {
        clock = fakeTimers({ date: true, now: 1_700_000_000_000 });
    });
    afterEach(() => clock.restore());

    it('writes a batch as soon as it is full, and counts it written once the write succeeds', async () => {
        const { client, writer } = setup();
        for (const line of ['a', 'b']) writer.add(line);
        assert.equal(client.calls.length, 0);
        writer.add('c');
        assert.deepEqual(client.bodies, ['a\nb\nc']);
        assert.deepEqual([writer.stats().buffered, writer.stats().written], [3, 0]);
        client.calls[0]?.resolve();
        await flush();
        assert.deepEqual([writer.stats().buffered, writer.stats().written], [0, 3]);
        assert.equal(writer.idle(), true);
    });

    it('collects a later batch in a written body’s memory, never in one waiting for a retry', async () => {
        const { client, writer } = setup({ maxInFlight: 2 });
        // Lines in parts (the hot path) that fill a body's buffer: one with much room left is
        // copied down to its size, and the copy is not recycled.
        const text = (n: number) => `sensor_data,device_id=d${n},tag=${'x'.repeat(1300)} reading=${n} ${n}`;
        const add = (n: number) => {
            const [prefix, fields] = text(n).split(' reading');
            writer.startLine(Buffer.from(prefix as string));
            writer.ascii(` reading${fields}`);
            writer.endLine();
        };
        for (let n = 0; n < 6; n++) add(n); // A and B in flight
        const [a, b] = client.calls;
        b?.reject(unavailable());
        a?.resolve();
        await flush();
        for (let n = 6; n < 9; n++) add(n); // C: in A's memory
        const c = client.calls.find((call) => call.body.startsWith(text(6)));
        assert.ok(a && b && c);
        assert.equal(c.raw.buffer, a.raw.buffer, 'the written body’s memory was not reused');
        assert.notEqual(c.raw.buffer, b.raw.buffer);
        clock.tick(3000); // B's retry
        await flush();
        const retried = client.calls.filter((call) => call.body === b.body);
        assert.equal(retried.length, 2);
        assert.equal(b.raw.toString(), b.body, 'a batch waiting for its retry was written over');
        assert.equal(c.raw.toString(), c.body);
    });

    it('writes a partial batch when the flush interval ends', () => {
        const { client, writer } = setup();
        writer.add('a');
        clock.tick(999);
        writer.add('b');
        assert.equal(client.calls.length, 0);
        clock.tick(1);
        assert.deepEqual(client.bodies, ['a\nb']);
    });

    it('keeps at most maxInFlight writes open', async () => {
        const { client, writer } = setup({ batchSize: 1, maxInFlight: 2 });
        for (const line of ['a', 'b', 'c', 'd']) writer.add(line);
        assert.deepEqual(client.bodies, ['a', 'b']);
        client.calls[1]?.resolve();
        await flush();
        assert.deepEqual(client.bodies, ['a', 'b', 'c']);
    });

    it('holds no more than maxBufferedPoints (waiting and in flight) and counts the rest dropped', async () => {
        const { client, writer } = setup({ batchSize: 2, maxBufferedPoints: 4 });
        const kept = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => writer.add(l));
        assert.deepEqual(kept, [true, true, true, true, false, false]);
        assert.deepEqual([writer.stats().buffered, writer.stats().dropped], [4, 2]);
        client.calls[0]?.resolve();
        await flush();
        assert.equal(writer.add('g'), true, 'room again once a batch is written');
    });

    it('retries a transient failure after a backoff, and reports the outage meanwhile', async () => {
        const { client, writer } = setup({ batchSize: 1 });
        writer.add('a');
        writer.add('b');
        client.calls[0]?.reject(unavailable());
        await flush();
        const stats = writer.stats();
        assert.deepEqual([stats.connected, stats.retries, stats.buffered], [false, 1, 2]);
        assert.match(stats.lastError ?? '', /503: overloaded/);
        clock.tick(799); // the first delay is retryInitialMs ± 20 %
        assert.equal(client.calls.length, 1, 'nothing is sent during the backoff');
        clock.tick(401);
        assert.deepEqual(client.bodies, ['a', 'a'], 'the failed batch goes first');
        client.calls[1]?.resolve();
        await flush();
        assert.deepEqual(client.bodies, ['a', 'a', 'b']);
        assert.deepEqual([writer.stats().connected, writer.stats().written], [true, 1]);
    });

    it('waits as long as the server asks (Retry-After)', async () => {
        const { client, writer } = setup({ batchSize: 1 });
        writer.add('a');
        client.calls[0]?.reject(WriteError.fromStatus(429, '', '5'));
        await flush();
        clock.tick(4999);
        assert.equal(client.calls.length, 1);
        clock.tick(1);
        assert.equal(client.calls.length, 2);
    });

    it('backs off exponentially up to retryMaxMs, then drops the batch after maxRetries', async () => {
        const { client, writer } = setup({
            batchSize: 1,
            maxRetries: 3,
            retryInitialMs: 1000,
            retryMaxMs: 1500,
        });
        writer.add('a');
        const delays: [number, number][] = [
            [800, 1200], // 1000 ± 20 %
            [1200, 1800], // min(2000, 1500) ± 20 %
            [1200, 1800],
        ];
        // A server that answers with an error (not an unreachable one, which is probed): backoff.
        for (const [attempt, [low, high]] of delays.entries()) {
            client.calls[attempt]?.reject(unavailable());
            await flush();
            clock.tick(low - 1);
            assert.equal(client.calls.length, attempt + 1, `retry ${attempt + 1} not before ${low} ms`);
            clock.tick(high - low + 1);
            assert.equal(client.calls.length, attempt + 2, `retry ${attempt + 1} by ${high} ms`);
        }
        client.calls[3]?.reject(unavailable());
        await flush();
        assert.deepEqual(
            [writer.stats().retries, writer.stats().dropped, writer.stats().buffered],
            [3, 1, 0],
        );
        assert.equal(writer.idle(), true);
    });

    it('drops a batch the server refused (4xx) without retrying', async () => {
        const { client, writer } = setup({ batchSize: 1 });
        writer.add('bad line');
        client.calls[0]?.reject(WriteError.fromStatus(400, 'unable to parse'));
        await flush();
        assert.deepEqual([writer.stats().dropped, writer.stats().retries], [1, 0]);
        clock.tick(10000);
        assert.equal(client.calls.length, 1);
    });

    it('on close(), writes what it holds once, and retries nothing', async () => {
        const { client, writer } = setup({ batchSize: 2 });
        writer.add('a');
        writer.add('b');
        client.calls[0]?.resolve();
        await flush();
        writer.add('c');
        const closed = writer.close(5000);
        await flush();
        assert.deepEqual(client.bodies, ['a\nb', 'c'], 'what it held is written at once');
        client.calls[1]?.reject(unavailable());
        await closed;
        assert.equal(client.calls.length, 2, 'no retry while closing');
        assert.deepEqual([writer.stats().written, writer.stats().dropped], [2, 1]);
        assert.equal(writer.add('d'), false, 'a closed writer takes nothing');
        assert.equal(writer.idle(), true);
    });

    it('on close(), aborts writes still open at the deadline and counts their points dropped', async () => {
        const { client, writer } = setup({ batchSize: 2 });
        writer.add('a');
        writer.add('b');
        writer.add('c');
        let done = false;
        const closed = writer.close(2000).then(() => (done = true));
        await flush();
        assert.equal(done, false);
        clock.tick(2000);
        await closed;
        assert.equal(client.calls[0]?.signal.aborted, true);
        assert.deepEqual(
            [writer.stats().written, writer.stats().dropped, writer.stats().buffered],
            [0, 3, 0],
        );
        client.calls[0]?.resolve(); // too late: already counted
        await flush();
        assert.equal(writer.stats().written, 0);
        assert.equal(writer.idle(), true);
    });

    it('emits change when counters move', async () => {
        const { client, writer } = setup({ batchSize: 1, maxBufferedPoints: 1 });
        let changes = 0;
        writer.on('change', () => changes++);
        writer.add('a');
        writer.add('b');
        assert.equal(changes, 1, 'the drop');
        client.calls[0]?.resolve();
        await flush();
        assert.equal(changes, 2, 'the write');
    });
});
