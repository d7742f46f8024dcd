/**
 * mcpb-influx-store + mcpb-influx-server in a real Node-RED runtime
 * (node-red-node-test-helper) writing to the suite's real InfluxDB 1.x (v1
 * API) and VictoriaMetrics (v2 write API): schema, times, batching, bad input.
 */
import assert from 'node:assert/strict';
import influxServerNode from '../../nodes/influx-server';
import influxStoreNode from '../../nodes/influx-store';
import type { InfluxServerNode } from '../../nodes/lib/influx/server-node';
import { sharedServices, waitFor } from '../support/services';
import { countPoints, influxql as influxqlRows } from '../support/influxql';
import { helper } from './test-helper';

interface TestNode {
    receive(msg: object): void;
    on(event: string, listener: (msg: Record<string, unknown>) => void): void;
}

/** Times as epoch microseconds: the store writes µs precision. */
const influxql = (url: string, db: string, q: string) => influxqlRows(url, db, q, 'u');

let dbCounter = 0;
const uniqueDb = () => `store_${process.pid}_${Date.now()}_${dbCounter++}`;

function flow(server: Record<string, unknown>, store: Record<string, unknown> = {}): object[] {
    return [
        { id: 'tab', type: 'tab' },
        { id: 'srv', type: 'mcpb-influx-server', apiVersion: 'v1', flushIntervalMs: 50, ...server },
        { id: 'store', type: 'mcpb-influx-store', z: 'tab', server: 'srv', ...store },
        { id: 'catcher', type: 'catch', z: 'tab', scope: null, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'tab' },
    ];
}

const sensorMsg = (device: string, sensor: string, payload: object, receivedAt = Date.now()) => ({
    topic: `devices/${device}/sensors/${sensor}/data`,
    kind: 'sensor_data',
    device,
    sensor,
    payload,
    receivedAt,
});

describe('mcpb-influx-store', function () {
    before(() => helper.init(require.resolve('node-red')));
    let influxUrl: string;
    let db: string;

    before(function () {
        influxUrl = sharedServices().influxUrl;
    });
    beforeEach(async function () {
        db = uniqueDb();
        await influxql(influxUrl, db, `CREATE DATABASE "${db}"`);
        await helper.startServer();
    });
    afterEach(async function () {
        await helper.unload();
        await helper.stopServer();
    });

    it('stores readings with device_id/sensor/unit tags, typed fields and the device time', async function () {
        await helper.load([influxServerNode, influxStoreNode], flow({ url: influxUrl, database: db }));
        const store = helper.getNode<TestNode>('store');
        store.receive(
            sensorMsg('esp32_a', 'temperature', {
                seq: 7,
                timestamp: 1704067200.25,
                value: { reading: 23.5, unit: '°C', quality: 98 },
            }),
        );
        store.receive(
            sensorMsg('esp32_a', 'motion', { seq: 8, timestamp: 1704067201, value: { reading: true } }),
        );
        store.receive(
            sensorMsg('esp32_a', 'humidity', { seq: 9, timestamp: 1704067202, value: { reading: null } }),
        );
        await waitFor('3 points', async () => (await countPoints(influxUrl, db)) === 3);

        const rows = await influxql(influxUrl, db, 'SELECT * FROM sensor_data ORDER BY time');
        assert.deepEqual(rows[0], {
            time: 1704067200250000,
            device_id: 'esp32_a',
            sensor: 'temperature',
            unit: '°C',
            reading: 23.5,
            reading_bool: null,
            reading_null: null,
            quality: 98,
            seq: 7,
        });
        assert.equal(rows[1].sensor, 'motion');
        assert.equal(rows[1].reading_bool, true);
        assert.equal(rows[1].reading, null);
        assert.equal(rows[1].time, 1704067201000000);
        assert.equal(rows[2].reading_null, true);
        assert.equal(rows[2].reading, null);
        const fieldTypes = await influxql(influxUrl, db, 'SHOW FIELD KEYS FROM sensor_data');
        assert.deepEqual(Object.fromEntries(fieldTypes.map((r) => [r.fieldKey, r.fieldType])), {
            quality: 'float',
            reading: 'float',
            reading_bool: 'boolean',
            reading_null: 'boolean',
            seq: 'integer',
        });
    });

    it('uses the receive time without a device time, and never lets points of one series overwrite each other', async function () {
        await helper.load([influxServerNode, influxStoreNode], flow({ url: influxUrl, database: db }));
        const store = helper.getNode<TestNode>('store');
        const receivedAt = Date.now();
        for (let seq = 0; seq < 5; seq++) {
            store.receive(sensorMsg('esp32_b', 'temperature', { seq, value: { reading: seq } }, receivedAt));
        }
        // A batch with two readings of one sensor and no time at all, plus one with its own time.
        store.receive({
            kind: 'sensor_batch',
            device: 'esp32_b',
            receivedAt,
            payload: {
                seq: 5,
                readings: [
                    { sensor: 'pressure', reading: 1013.2, unit: 'hPa' },
                    { sensor: 'pressure', reading: 1013.4, unit: 'hPa' },
                    { sensor: 'light', reading: 300, timestamp: 1704067300 },
                ],
            },
        });
        await waitFor('8 points', async () => (await countPoints(influxUrl, db)) === 8);
        const temps = await influxql(
            influxUrl,
            db,
            `SELECT reading FROM sensor_data WHERE sensor = 'temperature'`,
        );
        assert.deepEqual(
            temps.map((r) => r.reading),
            [0, 1, 2, 3, 4],
        );
        const first = temps[0].time as number;
        assert.equal(first, receivedAt * 1000);
        assert.deepEqual(
            temps.map((r) => (r.time as number) - first),
            [0, 1, 2, 3, 4],
        );
        const pressure = await influxql(
            influxUrl,
            db,
            `SELECT reading, unit FROM sensor_data WHERE sensor = 'pressure'`,
        );
        assert.deepEqual(
            pressure.map((r) => [r.reading, r.unit]),
            [
                [1013.2, 'hPa'],
                [1013.4, 'hPa'],
            ],
        );
        const light = await influxql(influxUrl, db, `SELECT reading FROM sensor_data WHERE sensor = 'light'`);
        assert.equal(light[0].time, 1704067300 * 1e6);
    });

    it('stores actuator states, device errors and metrics in their own measurements', async function () {
        await helper.load([influxServerNode, influxStoreNode], flow({ url: influxUrl, database: db }));
        const store = helper.getNode<TestNode>('store');
        store.receive({
            kind: 'actuator_status',
            device: 'esp32_c',
            actuator: 'relay',
            payload: { seq: 1, timestamp: 1704067200, state: true, command_id: 'c-1', result: 'applied' },
        });
        store.receive({
            kind: 'error',
            device: 'esp32_c',
            payload: {
                seq: 2,
                timestamp: 1704067201,
                error_type: 'sensor_read',
                message: 'a "bad" read',
                severity: 2,
            },
        });
        store.receive({
            kind: 'metrics',
            device: 'esp32_c',
            payload: {
                seq: 3,
                timestamp: 1704067202,
                messages_sent: 10,
                messages_received: 2,
                connection_failures: 0,
                uptime_s: 60,
                free_heap: 1234,
            },
        });
        store.receive({ kind: 'capabilities', device: 'esp32_c', payload: { seq: 0 } }); // not stored
        await waitFor('3 measurements', async () => {
            const counts = await Promise.all(
                ['actuator_state', 'device_error', 'device_metrics'].map((m) =>
                    countPoints(influxUrl, db, m),
                ),
            );
            return counts.every((c) => c === 1);
        });
        const [actuator] = await influxql(influxUrl, db, 'SELECT * FROM actuator_state');
        assert.equal(actuator.actuator, 'relay');
        assert.equal(actuator.device_id, 'esp32_c');
        assert.equal(actuator.state_bool, true);
        assert.equal(actuator.command_id, 'c-1');
        assert.equal(actuator.result, 'applied');
        const [error] = await influxql(influxUrl, db, 'SELECT * FROM device_error');
        assert.equal(error.error_type, 'sensor_read');
        assert.equal(error.message, 'a "bad" read');
        assert.equal(error.severity, 2);
        const [metrics] = await influxql(influxUrl, db, 'SELECT * FROM device_metrics');
        assert.equal(metrics.free_heap, 1234);
        assert.equal(metrics.uptime_s, 60);
        assert.equal(metrics.time, 1704067202 * 1e6);
        const measurements = await influxql(influxUrl, db, 'SHOW MEASUREMENTS');
        assert.deepEqual(measurements.map((r) => r.name).sort(), [
            'actuator_state',
            'device_error',
            'device_metrics',
        ]);
    });

    it('seals a batch when it is full, without waiting for the flush interval', async function () {
        await helper.load(
            [influxServerNode, influxStoreNode],
            flow({ url: influxUrl, database: db, batchSize: 3, flushIntervalMs: 600_000 }),
        );
        const store = helper.getNode<TestNode>('store');
        const server = helper.getNode<TestNode>('srv') as unknown as InfluxServerNode;
        for (let seq = 0; seq < 7; seq++) {
            store.receive(
                sensorMsg('esp32_d', 's', { seq, timestamp: 1704067200 + seq, value: { reading: seq } }),
            );
        }
        await waitFor('2 full batches', async () => (await countPoints(influxUrl, db)) === 6);
        // InfluxDB can answer a query with the points before the writer has read its write's answer.
        await waitFor('the writer to count them', async () => server.storeStatus().written === 6);
        const status = server.storeStatus();
        assert.equal(status.written, 6);
        assert.equal(status.buffered, 1, 'the 7th point waits for its batch to fill');
    });

    it('writes a partial batch when the flush interval ends', async function () {
        await helper.load(
            [influxServerNode, influxStoreNode],
            flow({ url: influxUrl, database: db, batchSize: 1000, flushIntervalMs: 100 }),
        );
        const store = helper.getNode<TestNode>('store');
        store.receive(sensorMsg('esp32_e', 's', { seq: 1, timestamp: 1704067200, value: { reading: 1 } }));
        store.receive(sensorMsg('esp32_e', 's', { seq: 2, timestamp: 1704067201, value: { reading: 2 } }));
        await waitFor('the timed flush', async () => (await countPoints(influxUrl, db)) === 2, 5000);
    });

    it('sends a message that is not a decoded device message to a Catch node and keeps working', async function () {
        await helper.load([influxServerNode, influxStoreNode], flow({ url: influxUrl, database: db }));
        const store = helper.getNode<TestNode>('store');
        const caught: Record<string, unknown>[] = [];
        helper.getNode<TestNode>('caught').on('input', (msg) => caught.push(msg));
        store.receive({ payload: 21.5 }); // raw mqtt-in output, no kind
        store.receive({ kind: 'sensor_data', payload: { seq: 1, value: { reading: 1 } } }); // no device
        store.receive({ kind: 'sensor_data', device: 'esp32_f', sensor: 's', payload: 'text' });
        store.receive(sensorMsg('esp32_f', 's', { seq: 1, timestamp: 1704067200, value: { reading: 1 } }));
        await waitFor('3 caught errors', async () => caught.length === 3);
        const messages = caught.map((m) => (m.error as { message: string }).message);
        assert.match(messages[0], /msg\.kind is missing/);
        assert.match(messages[1], /msg\.device is missing/);
        assert.match(messages[2], /not an object/);
        await waitFor('the good point', async () => (await countPoints(influxUrl, db)) === 1);
    });

    it('shows "no server" and fails messages when no server is configured', async function () {
        await helper.load(
            [influxServerNode, influxStoreNode],
            flow({ url: influxUrl, database: db }, { server: '' }),
        );
        const caught: Record<string, unknown>[] = [];
        helper.getNode<TestNode>('caught').on('input', (msg) => caught.push(msg));
        helper
            .getNode<TestNode>('store')
            .receive(sensorMsg('esp32_g', 's', { seq: 1, value: { reading: 1 } }));
        await waitFor('the error', async () => caught.length === 1);
        assert.match((caught[0].error as { message: string }).message, /errors\.no-server/);
    });

    it('writes through the v2 API (/api/v2/write) to a real server (VictoriaMetrics)', async function () {
        const { victoriaUrl } = sharedServices();
        const bucket = uniqueDb();
        await helper.load(
            [influxServerNode, influxStoreNode],
            flow({ url: victoriaUrl, apiVersion: 'v2', org: 'acme', bucket }),
            { srv: { token: 'not-checked-by-victoria' } },
        );
        const store = helper.getNode<TestNode>('store');
        const device = `v2dev_${Date.now()}`;
        const base = Math.floor(Date.now() / 1000) - 60;
        for (let seq = 0; seq < 3; seq++) {
            store.receive(
                sensorMsg(device, 'temperature', {
                    seq,
                    timestamp: base + seq,
                    value: { reading: 20 + seq, unit: 'C' },
                }),
            );
        }
        const server = helper.getNode<TestNode>('srv') as unknown as InfluxServerNode;
        await waitFor('3 points written', async () => server.storeStatus().written === 3);
        assert.equal(server.storeStatus().kind, 'influxdb-v2');
        let samples: { metric: Record<string, string>; values: number[]; timestamps: number[] }[] = [];
        await waitFor('the points in VictoriaMetrics', async () => {
            await fetch(`${victoriaUrl}/internal/force_flush`).then((r) => r.arrayBuffer());
            const match = `{__name__="sensor_data_reading",device_id="${device}"}`;
            const res = await fetch(
                `${victoriaUrl}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`,
            );
            const text = await res.text();
            samples = text.trim()
                ? text
                      .trim()
                      .split('\n')
                      .map((l) => JSON.parse(l))
                : [];
            return samples.length === 1 && samples[0].values.length === 3;
        });
        assert.equal(samples[0].metric.sensor, 'temperature');
        assert.equal(samples[0].metric.unit, 'C');
        assert.deepEqual(samples[0].values, [20, 21, 22]);
        assert.deepEqual(samples[0].timestamps, [base * 1000, (base + 1) * 1000, (base + 2) * 1000]);
    });
});
