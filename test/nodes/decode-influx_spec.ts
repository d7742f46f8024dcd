/**
 * mcpb-decode with an InfluxDB server selected writes readings itself (no
 * mcpb-influx-store hop): real Node-RED runtime, real Mosquitto, real InfluxDB 1.x.
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

describe('mcpb-decode writing to InfluxDB directly', function () {
    const db = `decode_direct_${Date.now()}`;
    const device = `direct_${Date.now()}`;

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

    it('stores every reading with device time, with nothing wired to its output', async () => {
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
        const publisher = await mqtt.connectAsync(mqttUrl);
        const topic = `devices/${device}/sensors/temperature/data`;
        const server = helper.getNode<InfluxServerNode>('srv');
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
                return server.storeStatus().written > 0;
            });
            const before = server.storeStatus().written;
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
            await waitFor('50 more points written', async () => server.storeStatus().written >= before + 50);
            const rows = await influxql(
                influxUrl,
                db,
                `SELECT "reading" FROM "sensor_data" WHERE "device_id"='${device}' AND "sensor"='temperature'`,
                's',
            );
            assert.equal(rows.length, server.storeStatus().written);
            const last = rows[rows.length - 1];
            assert.deepEqual([last.time, last.reading], [1704067200 + seq, 20 + seq]);
            assert.equal(server.storeStatus().dropped, 0);
        } finally {
            await publisher.endAsync();
        }
    });
});
