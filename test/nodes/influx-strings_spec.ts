/**
 * String readings (text sensors, events, dates) through the pack into a real InfluxDB 1.x and
 * back: mcpb-decode with an InfluxDB server writes them (real Node-RED runtime, real Mosquitto),
 * the server node's history query (HistoryStore.query) reads them back. A string is stored in
 * the string field `reading_text` and comes back as the same string, to the character; numbers
 * and booleans in the same series come back unchanged.
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

describe('string readings in InfluxDB 1.x through the pack', function () {
    const db = `strings_${process.pid}_${Date.now()}`;
    const device = `strings_${process.pid}_${Date.now()}`;
    const server = () => helper.getNode<InfluxServerNode>('srv');

    before(async () => {
        helper.init(require.resolve('node-red'));
        await influxql(sharedServices().influxUrl, db, `CREATE DATABASE "${db}"`);
        await helper.startServer();
    });
    after(async () => {
        await helper.unload();
        await helper.stopServer();
        await influxql(sharedServices().influxUrl, db, `DROP DATABASE "${db}"`);
    });

    it('stores strings in reading_text and reads every reading back unchanged', async () => {
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
                    flushIntervalMs: 20,
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
        const publisher = await mqtt.connectAsync(mqttUrl);
        const start = 1704067200;
        try {
            for (const [seq, reading] of READINGS.entries()) {
                await publisher.publishAsync(
                    `devices/${device}/sensors/status/data`,
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

        const points = await server().query({ deviceId: device, sensor: 'status', sinceMs: 0, limit: 100 });
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
            `SELECT "reading","reading_text","reading_bool","reading_null" FROM "sensor_data" WHERE "device_id"='${device}'`,
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
        assert.deepEqual(Object.fromEntries(types.map((t) => [t.fieldKey, t.fieldType])), {
            reading: 'float',
            reading_bool: 'boolean',
            reading_null: 'boolean',
            reading_text: 'string',
            seq: 'integer',
        });
    });
});
