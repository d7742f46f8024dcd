/**
 * mcpb-decode with an InfluxDB server selected writes readings itself (no
 * mcpb-influx-store hop): real Node-RED runtime, real Mosquitto, real InfluxDB 1.x.
 * String readings (text sensors, events, dates) go to the string field `reading_text` and
 * come back from the server node's history query (HistoryStore.query) as the same string.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import decodeNode from '../../nodes/decode';
import influxServerNode from '../../nodes/influx-server';
import type { InfluxServerNode } from '../../nodes/lib/influx/server-node';
import { coreBrokerNode } from '../../scripts/lib/core-broker-node';
import { influxql } from '../support/influxql';
import { sharedServices, waitFor } from '../support/services';
import { helper } from './test-helper';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the core node ships no types
const mqttNode = require('@node-red/nodes/core/network/10-mqtt.js') as unknown;

/** What one sensor sends, in order (one second apart), and must read back. */
const READINGS: (string | number | boolean | null)[] = [
    'idle',
    'He said "hi" \\ then left',
    'C:\\temp\\', // a trailing backslash
    '\\"', // an escaped quote, as text
    'tag=value,other=1 field="x"', // line protocol separators
    'Grüße 🌡️ — 温度 ✓ 👩‍👩‍👧',
    'a\\nb \\t', // backslash-n as text, not a newline
    'tab\there',
    '€'.repeat(255), // the protocol's longest string, 3 bytes a character
    '42', // a number as text stays text
    'true',
    '',
    21.5,
    -0.001,
    1e-7,
    123456789.125,
    0,
    true,
    false,
    null,
];

describe('mcpb-decode writing to InfluxDB directly', function () {
    const db = `decode_direct_${Date.now()}`;
    const device = `direct_${Date.now()}`;
    const stringDevice = `strings_${Date.now()}`;
    const server = () => helper.getNode<InfluxServerNode>('srv');

    before(async () => {
        helper.init(require.resolve('node-red'));
        await influxql(sharedServices().influxUrl, db, `CREATE DATABASE "${db}"`);
        await helper.startServer();
    });
    afterEach(() => helper.unload());
    after(async () => {
        await helper.stopServer();
        await influxql(sharedServices().influxUrl, db, `DROP DATABASE "${db}"`);
    });

    /** A broker node and mcpb-decode storing `devices/<device>/#` through server node `srv`; connected. */
    async function loadDecoder(device: string): Promise<void> {
        const { mqttUrl, influxUrl } = sharedServices();
        await helper.load(
            [mqttNode, decodeNode, influxServerNode],
            [
                coreBrokerNode('broker', mqttUrl),
                {
                    id: 'srv',
                    type: 'mcpb-influx-server',
                    apiVersion: 'v1',
                    url: influxUrl,
                    database: db,
                    flushIntervalMs: 50,
                },
                {
                    id: 'decode',
                    type: 'mcpb-decode',
                    broker: 'broker',
                    influx: 'srv',
                    topic: `devices/${device}/#`,
                    qos: '1',
                    wires: [[]],
                },
            ],
        );
        const broker = helper.getNode<{ connected: boolean }>('broker');
        await waitFor('the broker node to connect', async () => broker.connected);
    }

    it('stores every reading with device time, with nothing wired to its output', async () => {
        const { mqttUrl, influxUrl } = sharedServices();
        await loadDecoder(device);
        const publisher = await mqtt.connectAsync(mqttUrl);
        const topic = `devices/${device}/sensors/temperature/data`;
        try {
            let seq = 0;
            await waitFor('the first reading to be stored', async () => {
                await publisher.publishAsync(
                    topic,
                    JSON.stringify({
                        seq: seq++,
                        timestamp: 1704067200 + seq,
                        value: { reading: 20 + seq, unit: '°C' },
                    }),
                    { qos: 1 },
                );
                return server().storeStatus().written > 0;
            });
            const before = server().storeStatus().written;
            for (let i = 0; i < 50; i++) {
                seq++;
                await publisher.publishAsync(
                    topic,
                    JSON.stringify({
                        seq,
                        timestamp: 1704067200 + seq,
                        value: { reading: 20 + seq, unit: '°C' },
                    }),
                    { qos: 1 },
                );
            }
            await waitFor(
                '50 more points written',
                async () => server().storeStatus().written >= before + 50,
            );
            const rows = await influxql(
                influxUrl,
                db,
                `SELECT "reading" FROM "sensor_data" WHERE "device_id"='${device}' AND "sensor"='temperature'`,
                's',
            );
            assert.equal(rows.length, server().storeStatus().written);
            const last = rows[rows.length - 1];
            assert.deepEqual([last.time, last.reading], [1704067200 + seq, 20 + seq]);
            assert.equal(server().storeStatus().dropped, 0);
        } finally {
            await publisher.endAsync();
        }
    });

    it('stores string readings in reading_text and reads every reading back unchanged', async () => {
        const { mqttUrl, influxUrl } = sharedServices();
        await loadDecoder(stringDevice);
        const publisher = await mqtt.connectAsync(mqttUrl);
        const start = 1704067200;
        try {
            for (const [seq, reading] of READINGS.entries()) {
                await publisher.publishAsync(
                    `devices/${stringDevice}/sensors/status/data`,
                    JSON.stringify({ seq, timestamp: start + seq, value: { reading } }),
                    { qos: 1 },
                );
            }
            await waitFor(
                'every reading written',
                async () => server().storeStatus().written >= READINGS.length,
            );
        } finally {
            await publisher.endAsync();
        }
        assert.equal(server().storeStatus().dropped, 0);

        const points = await server().query({
            deviceId: stringDevice,
            sensor: 'status',
            sinceMs: 0,
            limit: 100,
        });
        assert.deepEqual(
            points.map((p) => p.reading),
            READINGS,
        );
        assert.deepEqual(
            points.map((p) => p.time),
            READINGS.map((_, seq) => (start + seq) * 1000),
        );

        // In InfluxDB: strings in the string field reading_text, numbers in the float field reading.
        const rows = await influxql(
            influxUrl,
            db,
            `SELECT "reading","reading_text","reading_bool","reading_null" FROM "sensor_data" WHERE "device_id"='${stringDevice}'`,
            's',
        );
        assert.equal(rows.length, READINGS.length);
        for (const [i, row] of rows.entries()) {
            const reading = READINGS[i];
            const column =
                typeof reading === 'string'
                    ? 'reading_text'
                    : typeof reading === 'number'
                      ? 'reading'
                      : 'reading_bool';
            if (reading === null) assert.equal(row.reading_null, true, `row ${i}`);
            else assert.equal(row[column], reading, `row ${i}: ${column}`);
        }
        const types = await influxql(influxUrl, db, 'SHOW FIELD KEYS FROM "sensor_data"');
        const typeOf = Object.fromEntries(types.map((t) => [t.fieldKey, t.fieldType]));
        assert.deepEqual(
            [typeOf.reading, typeOf.reading_bool, typeOf.reading_null, typeOf.reading_text],
            ['float', 'boolean', 'boolean', 'string'],
        );
    });
});
