/**
 * mcpb-influx-server against real servers: InfluxDB down and back on the same
 * port, buffer overflow counted and shown, 4xx answers not retried, history
 * queries (and their injection safety), close() flushing and releasing.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import influxServerNode from '../../nodes/influx-server';
import influxStoreNode from '../../nodes/influx-store';
import registryNode from '../../nodes/registry';
import type { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { historyFlux } from '../../nodes/lib/influx/flux';
import type { InfluxServerNode } from '../../nodes/lib/influx/server-node';
import type { NodeStatus } from '../../nodes/lib/node-red-types';
import { freePort, sharedServices, startInfluxDB, waitFor, type RunningService } from '../support/services';
import { countPoints, influxql } from '../support/influxql';
import { helper } from './test-helper';

interface TestNode {
    receive(msg: object): void;
    status: { lastCall?: { args: [NodeStatus] } };
}

const NODES = [influxServerNode, influxStoreNode];
let dbCounter = 0;
const uniqueDb = () => `srv_${process.pid}_${Date.now()}_${dbCounter++}`;

function flow(server: Record<string, unknown>): object[] {
    return [
        { id: 'tab', type: 'tab' },
        { id: 'srv', type: 'mcpb-influx-server', apiVersion: 'v1', flushIntervalMs: 20, ...server },
        { id: 'store', type: 'mcpb-influx-store', z: 'tab', server: 'srv' },
    ];
}

const server = () => helper.getNode<TestNode>('srv') as unknown as InfluxServerNode;
const statusText = () => helper.getNode<TestNode>('store').status.lastCall?.args[0].text ?? '';

function send(count: number, device = 'esp32_a', firstSeq = 0, sensor = 's'): void {
    const store = helper.getNode<TestNode>('store');
    for (let i = 0; i < count; i++) {
        const seq = firstSeq + i;
        store.receive({
            kind: 'sensor_data',
            device,
            sensor,
            payload: { seq, timestamp: 1704067200 + seq, value: { reading: seq, quality: 90 } },
        });
    }
}

/** A VictoriaMetrics that demands HTTP basic auth (a real server answering 401). */
async function startProtectedVictoria(): Promise<{ url: string; stop(): Promise<void> }> {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-vm-auth-'));
    const child = spawn(
        '/usr/bin/victoria-metrics',
        [
            `-httpListenAddr=127.0.0.1:${port}`,
            `-storageDataPath=${dir}`,
            '-loggerLevel=ERROR',
            '-httpAuth.username=writer',
            '-httpAuth.password=right',
        ],
        { stdio: 'ignore' },
    );
    const exited = new Promise((r) => child.once('exit', r));
    const url = `http://127.0.0.1:${port}`;
    // /health stays open; everything else answers 401 without the right credentials
    await waitFor('protected victoria-metrics', async () => (await fetch(`${url}/health`)).status === 200);
    return {
        url,
        async stop() {
            child.kill('SIGTERM');
            await exited;
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

describe('mcpb-influx-server', function () {
    before(() => helper.init(require.resolve('node-red')));
    let influxUrl: string;
    before(function () {
        influxUrl = sharedServices().influxUrl;
    });
    beforeEach(() => helper.startServer());
    afterEach(async function () {
        await helper.unload();
        await helper.stopServer();
    });

    describe('InfluxDB unreachable, then back on the same port', function () {
        this.timeout(60000);
        let influx: RunningService | undefined;
        after(async () => influx?.stop());

        it('keeps the buffered points, counts and shows the overflow, and delivers the rest when it is back', async function () {
            influx = await startInfluxDB();
            const { port, url } = influx;
            await helper.load(
                NODES,
                flow({
                    url: influx.url,
                    database: 'outage',
                    batchSize: 5,
                    maxBufferedPoints: 10,
                    retryInitialMs: 50,
                    retryMaxMs: 200,
                    maxRetries: 100000,
                    timeoutMs: 2000,
                }),
            );
            send(3); // the database does not exist yet: created on the first write
            await waitFor('the first points', async () => (await countPoints(url, 'outage')) === 3);

            await influx.stop();
            send(25, 'esp32_a', 100);
            await waitFor('the overflow in the status', async () =>
                /buffered 10 · .*dropped 15$/.test(statusText()),
            );
            assert.equal(helper.getNode<TestNode>('store').status.lastCall?.args[0].fill, 'red');
            await waitFor('a failed retry', async () => server().storeStatus().retries >= 2);
            const during = server().storeStatus();
            assert.equal(during.connected, false);
            assert.match(during.lastError ?? '', /unreachable|ECONNREFUSED/);

            influx = await startInfluxDB({ port });
            await waitFor('the buffered points', async () => (await countPoints(url, 'outage')) === 10);
            const seqs = await influxql(influx.url, 'outage', 'SELECT seq FROM sensor_data');
            assert.deepEqual(
                seqs.map((r) => r.seq),
                [100, 101, 102, 103, 104, 105, 106, 107, 108, 109],
            );
            await waitFor(
                'status after recovery',
                async () =>
                    statusText() ===
                    'mcpb-influx-server.status.buffered 0 · mcpb-influx-server.status.dropped 15',
            );
            const after = server().storeStatus();
            assert.deepEqual(
                [after.buffered, after.dropped, after.written, after.connected],
                [0, 15, 13, true],
            );
        });
    });

    it("counts drops in the registry's totals (kept across restarts) and alerts once per burst", async function () {
        this.timeout(30000);
        const port = await freePort(); // nothing listens: every write fails
        await helper.load(
            [...NODES, registryNode],
            [
                ...flow({
                    url: `http://127.0.0.1:${port}`,
                    database: 'nowhere',
                    batchSize: 5,
                    maxBufferedPoints: 10,
                }),
                { id: 'reg', type: 'mcpb-registry', influx: 'srv', persist: false },
            ],
        );
        const registry = helper.getNode<{ registry: DeviceRegistry }>('reg').registry;
        send(25);
        await waitFor('the drops in the totals', async () => registry.counters.totals.storage_dropped === 15);
        await waitFor('the drop alert', async () =>
            registry.alerts.recent().some((a) => a.error_type === 'storage_dropped'),
        );
        const drops = registry.alerts.recent().filter((a) => a.error_type === 'storage_dropped');
        assert.equal(drops.length, 1);
        assert.match(drops[0].message, /15 point\(s\) dropped \(15 in all\)/);
    });

    it('does not retry a 4xx answer (missing database): the points are counted as dropped', async function () {
        await helper.load(
            NODES,
            flow({ url: influxUrl, database: uniqueDb(), createDatabase: false, retryInitialMs: 10 }),
        );
        send(4);
        await waitFor('4 dropped', async () => server().storeStatus().dropped === 4);
        const s = server().storeStatus();
        assert.equal(s.retries, 0);
        assert.equal(s.written, 0);
        assert.match(s.lastError ?? '', /404.*database not found/);
        await waitFor('the drop in the status', async () => /dropped 4$/.test(statusText()));
    });

    describe('bad credentials', function () {
        let vm: { url: string; stop(): Promise<void> };
        before(async () => {
            vm = await startProtectedVictoria();
        });
        after(async () => vm.stop());

        it('v1: a 401 is not retried, its points are counted as dropped', async function () {
            await helper.load(NODES, flow({ url: vm.url, database: 'x', retryInitialMs: 10 }), {
                srv: { user: 'writer', password: 'wrong' },
            });
            send(3);
            await waitFor('3 dropped', async () => server().storeStatus().dropped === 3);
            assert.equal(server().storeStatus().retries, 0);
            assert.match(server().storeStatus().lastError ?? '', /401/);
        });

        it('v1: the right credentials are accepted by the same server', async function () {
            await helper.load(NODES, flow({ url: vm.url, database: 'x' }), {
                srv: { user: 'writer', password: 'right' },
            });
            send(3);
            await waitFor('3 written', async () => server().storeStatus().written === 3);
        });

        it('v2: a rejected token is not retried, its points are counted as dropped', async function () {
            await helper.load(
                NODES,
                flow({ url: vm.url, apiVersion: 'v2', org: 'o', bucket: 'b', retryInitialMs: 10 }),
                {
                    srv: { token: 'wrong' },
                },
            );
            send(2);
            await waitFor('2 dropped', async () => server().storeStatus().dropped === 2);
            assert.equal(server().storeStatus().retries, 0);
            assert.match(server().storeStatus().lastError ?? '', /401/);
        });
    });

    describe('history queries (HistoryStore)', function () {
        const HOSTILE = [
            "x' OR 1=1 --",
            "victim' OR device_id =~ /.*/ OR 'a'='a",
            'a"b',
            '\\',
            "\\' OR 1=1 --",
            'x\nDROP DATABASE hist',
            "'; DROP DATABASE hist; SELECT '",
            '" OR ""="',
        ];

        it('returns the newest points, oldest first, with booleans, nulls and quality', async function () {
            const db = uniqueDb();
            await helper.load(NODES, flow({ url: influxUrl, database: db }));
            const store = helper.getNode<TestNode>('store');
            const readings = [1.5, true, null, 4.5, 5.5];
            readings.forEach((reading, seq) =>
                store.receive({
                    kind: 'sensor_data',
                    device: 'h1',
                    sensor: 'temp',
                    payload: { seq, timestamp: 1704067200 + seq, value: { reading, quality: 50 + seq } },
                }),
            );
            await waitFor('5 points', async () => (await countPoints(influxUrl, db)) === 5);
            const points = await server().query({ deviceId: 'h1', sensor: 'temp', sinceMs: 0, limit: 4 });
            assert.deepEqual(points, [
                { time: 1704067201000, reading: true, quality: 51 },
                { time: 1704067202000, reading: null, quality: 52 },
                { time: 1704067203000, reading: 4.5, quality: 53 },
                { time: 1704067204000, reading: 5.5, quality: 54 },
            ]);
            const since = await server().query({
                deviceId: 'h1',
                sensor: 'temp',
                sinceMs: 1704067204000,
                limit: 10,
            });
            assert.deepEqual(since, [{ time: 1704067204000, reading: 5.5, quality: 54 }]);
            assert.equal(server().kind, 'influxdb-v1');
            await assert.rejects(
                server().query({ deviceId: 'h1', sensor: 'temp', sinceMs: NaN, limit: 1 }),
                /sinceMs/,
            );
            await assert.rejects(
                server().query({ deviceId: 'h1', sensor: 'temp', sinceMs: 0, limit: 0 }),
                /limit/,
            );
        });

        it('InfluxQL: hostile device and sensor names match nothing, read no other series and run no statement', async function () {
            const db = uniqueDb();
            await helper.load(NODES, flow({ url: influxUrl, database: db, retentionPolicy: 'autogen' }));
            send(3, 'victim', 0, 's');
            send(1, 'a"b', 10, 's'); // the store itself escapes odd tag values too
            await waitFor('4 points', async () => (await countPoints(influxUrl, db)) === 4);
            for (const name of HOSTILE) {
                const byDevice = await server().query({
                    deviceId: name,
                    sensor: 's',
                    sinceMs: 0,
                    limit: 100,
                });
                const bySensor = await server().query({
                    deviceId: 'victim',
                    sensor: name,
                    sinceMs: 0,
                    limit: 100,
                });
                if (name === 'a"b')
                    assert.deepEqual(
                        byDevice.map((p) => p.reading),
                        [10],
                        'its own point, nothing else',
                    );
                else assert.deepEqual(byDevice, [], `device ${JSON.stringify(name)}`);
                assert.deepEqual(bySensor, [], `sensor ${JSON.stringify(name)}`);
            }
            const victim = await server().query({ deviceId: 'victim', sensor: 's', sinceMs: 0, limit: 100 });
            assert.equal(victim.length, 3);
            const databases = await influxql(influxUrl, db, 'SHOW DATABASES');
            assert.ok(
                databases.some((r) => r.name === db),
                'the database is still there',
            );
        });

        it('Flux: every hostile name stays inside one string literal', function () {
            const skeleton = (text: string) => text.replace(/"(?:[^"\\]|\\.)*"/gs, '"…"');
            const benign = skeleton(
                historyFlux({ deviceId: 'd', sensor: 's', sinceMs: 0, limit: 5 }, 'b').toString(),
            );
            assert.match(benign, /r\.device_id == "…" and r\.sensor == "…"/);
            for (const name of [...HOSTILE, '${danger}', 'x" or true or "']) {
                const query = historyFlux(
                    { deviceId: name, sensor: name, sinceMs: 0, limit: 5 },
                    name,
                ).toString();
                assert.equal(skeleton(query), benign, JSON.stringify(name));
            }
        });
    });

    describe('close()', function () {
        it('flushes what is buffered when the server is reachable', async function () {
            const db = uniqueDb();
            await helper.load(
                NODES,
                flow({ url: influxUrl, database: db, batchSize: 1000, flushIntervalMs: 600000 }),
            );
            send(7);
            assert.equal(server().storeStatus().buffered, 7);
            const srv = server();
            await helper.unload();
            assert.deepEqual(
                [srv.storeStatus().written, srv.storeStatus().dropped, srv.storeStatus().buffered],
                [7, 0, 0],
            );
            assert.equal(await countPoints(influxUrl, db), 7);
            assert.ok(srv.writer.idle());
        });

        it('gives up at its deadline when the server is unreachable, counts the rest as dropped and leaves nothing running', async function () {
            const sockets = () =>
                process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
            const before = sockets();
            const deadPort = await freePort();
            await helper.load(
                NODES,
                flow({
                    url: `http://127.0.0.1:${deadPort}`,
                    database: 'x',
                    closeTimeoutMs: 300,
                    retryInitialMs: 50,
                }),
            );
            send(7);
            await waitFor('a failed write', async () => server().storeStatus().retries >= 1);
            const srv = server();
            const started = Date.now();
            await helper.unload();
            assert.ok(Date.now() - started < 2000, `close took ${Date.now() - started} ms`);
            assert.deepEqual(
                [srv.storeStatus().written, srv.storeStatus().dropped, srv.storeStatus().buffered],
                [0, 7, 0],
            );
            assert.ok(srv.writer.idle(), 'no timer, nothing in flight');
            // closed handles leave the list on a later turn of the event loop
            await waitFor('no socket left open', async () => sockets() <= before, 2000);
        });
    });
});
