/**
 * The two Node-RED pipelines: the stock flow a user builds today with core
 * nodes and node-red-contrib-influxdb, and the pack's default flow.
 */
import { coreBrokerNode } from '../../scripts/lib/core-broker-node';
import type { PipelineConfig } from './ipc';

const TOPIC = 'devices/+/sensors/+/data';

function broker(c: PipelineConfig): Record<string, unknown> {
    return coreBrokerNode('n-broker', c.mqttUrl);
}

// Ids carry a prefix: an id equal to a node type (e.g. 'join') looks like a config-node cycle to Node-RED.

/** What the stock flow's function node does for every message. */
const TO_POINT = `
const p = msg.payload;
const parts = msg.topic.split('/');
msg.payload = {
    measurement: 'sensor_data',
    tags: { device_id: parts[1], sensor: parts[3], unit: p.value.unit },
    fields: { reading: p.value.reading, quality: p.value.quality, seq: p.seq },
    timestamp: new Date(p.timestamp * 1000),
};
return msg;`;

export function stockFlow(c: PipelineConfig): object[] {
    const influx = new URL(c.influxUrl);
    return [
        { id: 'tab', type: 'tab', label: 'stock' },
        broker(c),
        {
            id: 'n-influx',
            type: 'influxdb',
            hostname: influx.hostname,
            port: influx.port,
            protocol: 'http',
            database: c.database,
            name: '',
            usetls: false,
            influxdbVersion: '1.x',
        },
        {
            id: 'n-in',
            type: 'mqtt in',
            z: 'tab',
            topic: TOPIC,
            qos: '0',
            datatype: 'json',
            broker: 'n-broker',
            wires: [['n-fn']],
        },
        { id: 'n-fn', type: 'function', z: 'tab', func: TO_POINT, outputs: 1, wires: [['n-join']] },
        {
            id: 'n-join',
            type: 'join',
            z: 'tab',
            mode: 'custom',
            build: 'array',
            property: 'payload',
            propertyType: 'msg',
            key: 'topic',
            joiner: '\\n',
            joinerType: 'str',
            accumulate: false,
            timeout: '1',
            count: String(c.batchSize),
            wires: [['n-out']],
        },
        {
            id: 'n-out',
            type: 'influxdb batch',
            z: 'tab',
            influxdb: 'n-influx',
            precision: '',
            retentionPolicy: '',
            wires: [],
        },
    ];
}

/**
 * The pack's default flow: decode writes readings to InfluxDB itself. With
 * `storeNode`, the variant for flows that filter first: decode → store node.
 */
export function oursFlow(c: PipelineConfig, storeNode = false): object[] {
    const flow: object[] = [
        { id: 'tab', type: 'tab', label: 'ours' },
        broker(c),
        // The default configuration: persist on (snapshot in the user directory), default bounds.
        { id: 'n-registry', type: 'mcpb-registry', broker: 'n-broker', influx: 'n-influx', persist: true },
        {
            id: 'n-influx',
            type: 'mcpb-influx-server',
            apiVersion: 'v1',
            url: c.influxUrl,
            database: c.database,
            batchSize: c.batchSize,
        },
        {
            id: 'n-decode',
            type: 'mcpb-decode',
            z: 'tab',
            broker: 'n-broker',
            registry: 'n-registry',
            topic: 'devices/#',
            influx: storeNode ? '' : 'n-influx',
            wires: [storeNode ? ['n-store'] : []],
        },
    ];
    if (storeNode)
        flow.push({ id: 'n-store', type: 'mcpb-influx-store', z: 'tab', server: 'n-influx', wires: [] });
    return flow;
}
