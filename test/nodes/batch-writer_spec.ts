/**
 * The BatchWriter against a scripted InfluxDB: while it does not answer the
 * writer probes at most every second without using up retries, resumes at
 * once when it answers, spools to disk (bounded) instead of filling memory
 * (while it is only slow, just the overflow),
 * hands what it holds on close to the spool, delivers an earlier run's spool,
 * and reports down / up / buffer_high / dropped.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchWriter, type BatchWriterOptions, type WriterEvent } from '../../nodes/lib/influx/batch-writer';
import { Spool } from '../../nodes/lib/influx/spool';
import { WriteError } from '../../nodes/lib/influx/write-error';
import { waitFor } from '../support/services';

/** A server that is up or down; records every line it accepted and when each attempt came. */
class ScriptedServer {
    up = true;
    answer?: WriteError;
    /** Slow: writes are taken only when release() is called. */
    holding = false;
    private readonly held: (() => void)[] = [];
    readonly lines: string[] = [];
    readonly attempts: number[] = [];
    write(body: Buffer): Promise<void> {
        this.attempts.push(Date.now());
        if (!this.up) {
            return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        }
        if (this.answer) return Promise.reject(this.answer);
        const take = () => void this.lines.push(...body.toString().split('\n'));
        if (this.holding) return new Promise((resolve) => this.held.push(() => resolve(take())));
        take();
        return Promise.resolve();
    }
    release(): void {
        this.holding = false;
        for (const take of this.held.splice(0)) take();
    }
}

const OPTIONS: BatchWriterOptions = {
    batchSize: 10,
    flushIntervalMs: 20,
    maxBufferedPoints: 100,
    maxInFlight: 2,
    maxRetries: 0,
    retryInitialMs: 1000,
    retryMaxMs: 30000,
};

function points(from: number, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `m v=${from + i}i ${from + i}`);
}

describe('BatchWriter: outages', function () {
    this.timeout(20000);
    let dir: string;
    const writers: BatchWriter[] = [];
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-spool-test-'));
    });
    afterEach(async () => {
        for (const w of writers.splice(0)) await w.close(0);
        fs.rmSync(dir, { recursive: true, force: true });
    });
    const writer = (server: ScriptedServer, options: Partial<BatchWriterOptions> = {}, spool?: Spool) => {
        const w = new BatchWriter(server, { ...OPTIONS, ...options }, spool);
        writers.push(w);
        return w;
    };

    it('probes an unreachable server at most every second, keeps the batch (no retries used up) and resumes at once', async () => {
        const server = new ScriptedServer();
        const w = writer(server, { retryInitialMs: 200, probeIntervalMs: 300 });
        const events: WriterEvent[] = [];
        w.on('event', (e: WriterEvent) => events.push(e));
        server.up = false;
        for (const p of points(0, 10)) w.add(p);
        await waitFor('four failed probes', async () => server.attempts.length >= 4);
        const gaps = server.attempts.slice(1).map((t, i) => t - server.attempts[i]);
        assert.ok(
            gaps.every((g) => g <= 300 + 50),
            `probes every ${gaps.join(', ')} ms`,
        );
        assert.deepEqual([w.stats().dropped, w.stats().connected], [0, false]);
        assert.equal(events[0].type, 'down');
        server.up = true;
        const back = Date.now();
        await waitFor('the held points', async () => server.lines.length === 10);
        assert.ok(Date.now() - back <= 400, `resumed after ${Date.now() - back} ms`);
        assert.equal(events.at(-1)?.type, 'up');
        assert.deepEqual([w.stats().dropped, w.stats().connected, w.stats().buffered], [0, true, 0]);
    });

    it('still gives up on a batch the server answers with errors (maxRetries), and reports the drop', async () => {
        const server = new ScriptedServer();
        server.answer = new WriteError('InfluxDB answered 500', 500, true);
        const w = writer(server, { retryInitialMs: 10, maxRetries: 2 });
        const events: WriterEvent[] = [];
        w.on('event', (e: WriterEvent) => events.push(e));
        for (const p of points(0, 10)) w.add(p);
        await waitFor('the drop', async () => w.stats().dropped === 10);
        assert.equal(server.attempts.length, 3);
        assert.deepEqual(
            events.map((e) => e.type),
            ['down', 'dropped'],
        );
    });

    it('spools batches to disk while down (memory stays small), delivers them all once back, and removes the files', async () => {
        const server = new ScriptedServer();
        const spool = new Spool(dir, 10 * 1024 * 1024);
        const w = writer(server, { probeIntervalMs: 100 }, spool);
        server.up = false;
        const all = points(0, 1000); // ten times the memory bound
        for (const p of all) w.add(p);
        await waitFor('everything sealed', async () => w.stats().buffered + w.stats().spooled === 1000);
        assert.ok(w.stats().buffered <= 20, `memory holds ${w.stats().buffered}`);
        assert.ok(fs.readdirSync(dir).length >= 98);
        assert.equal(w.stats().dropped, 0);
        server.up = true;
        await waitFor('every point', async () => server.lines.length === 1000);
        assert.deepEqual([...server.lines].sort(), [...all].sort());
        await waitFor('an empty spool', async () => fs.readdirSync(dir).length === 0);
        assert.deepEqual([w.stats().dropped, w.stats().spooled, w.stats().buffered], [0, 0, 0]);
        assert.ok(w.idle());
    });

    it('while up but slower than the input, spools only what exceeds the memory bound', async () => {
        const server = new ScriptedServer();
        server.holding = true;
        const spool = new Spool(dir, 10 * 1024 * 1024);
        const w = writer(server, {}, spool);
        const all = points(0, 150); // 1.5 times the memory bound, nothing written yet
        for (const p of all) w.add(p);
        // Spilling every waiting batch at the bound would leave 80 in memory and 70 on disk.
        assert.deepEqual([w.stats().buffered, w.stats().spooled, w.stats().dropped], [100, 50, 0]);
        assert.equal(fs.readdirSync(dir).length, 5);
        assert.equal(w.stats().connected, true);
        server.release();
        await waitFor('every point', async () => server.lines.length === 150);
        assert.deepEqual([...server.lines].sort(), [...all].sort());
        await waitFor('an empty spool', async () => fs.readdirSync(dir).length === 0);
        assert.deepEqual([w.stats().dropped, w.stats().spooled, w.stats().buffered], [0, 0, 0]);
    });

    it('drops (and reports) only what exceeds both the spool and the memory bound', async () => {
        const server = new ScriptedServer();
        const spool = new Spool(dir, 1); // no file fits
        const w = writer(server, { probeIntervalMs: 100 }, spool);
        const events: WriterEvent[] = [];
        w.on('event', (e: WriterEvent) => events.push(e));
        server.up = false;
        for (const p of points(0, 150)) w.add(p);
        assert.deepEqual([w.stats().buffered, w.stats().dropped], [100, 50]);
        assert.ok(events.some((e) => e.type === 'buffer_high'));
        assert.equal(events.filter((e) => e.type === 'dropped').length, 50);
    });

    it('hands what it holds to the spool on close, and a new writer delivers it', async () => {
        const server = new ScriptedServer();
        server.up = false;
        const first = new BatchWriter(server, { ...OPTIONS, probeIntervalMs: 100 }, new Spool(dir, 1 << 20));
        for (const p of points(0, 25)) first.add(p);
        await waitFor('a failed write', async () => !first.stats().connected);
        await first.close(1000);
        assert.deepEqual([first.stats().dropped, first.stats().spooled], [0, 25]);
        assert.ok(first.idle() === false); // the spool still holds points
        server.up = true;
        const second = writer(server, {}, new Spool(dir, 1 << 20));
        assert.equal(second.stats().spooled, 25);
        await waitFor('the earlier run’s points', async () => server.lines.length === 25);
        assert.deepEqual([...server.lines].sort(), points(0, 25).sort());
        await waitFor('an empty spool', async () => second.stats().spooled === 0);
    });
});
