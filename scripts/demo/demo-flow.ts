/**
 * The flow the demo deploys: the core mqtt-broker config node feeding
 * mcpb-decode (its own subscription, the faster mode) into the registry,
 * a route by kind to debug nodes, inject buttons driving mcpb-command, and,
 * when --influx is given, decode writing readings to InfluxDB itself (the
 * pack's default and fastest storage path).
 */
import { coreBrokerNode } from '../lib/core-broker-node';

export const DEMO_REGISTRY_ID = 'demo-registry';

export interface DemoFlowOptions {
    mqttUrl: string;
    influxUrl?: string;
    firstDevice: string;
    /** The registry's device cap (the node's default when absent). */
    maxDevices?: number;
    /** MQTT share group for the high-rate topics (several instances on one broker: docs/scale-out.md). */
    shareGroup?: string;
}

/**
 * What the editor saves for a button-only inject node: without `repeat` (and the
 * rest) Node-RED 4.1's editor marks it invalid ("Invalid repeat value").
 */
const INJECT_DEFAULTS = { repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '' };

export function demoFlow(options: DemoFlowOptions): object[] {
    const tab = 'demo-tab';
    const flow: object[] = [
        { id: tab, type: 'tab', label: 'MCP-MQTT Bridge demo' },
        coreBrokerNode('demo-broker', options.mqttUrl, 'demo broker'),
        {
            id: DEMO_REGISTRY_ID,
            type: 'mcpb-registry',
            name: 'demo devices',
            ...(options.maxDevices ? { maxDevices: options.maxDevices } : {}),
            broker: 'demo-broker',
            offlineTimeout: 300,
            historyPoints: 500,
            persist: true,
            ...(options.shareGroup ? { shareGroup: options.shareGroup } : {}),
            ...(options.influxUrl ? { influx: 'demo-influx' } : {}),
        },
        {
            id: 'demo-comment',
            type: 'comment',
            z: tab,
            name: 'Simulated devices → decode → registry; route by kind; inject buttons send commands',
            x: 330,
            y: 40,
            wires: [],
        },
        {
            id: 'demo-decode',
            type: 'mcpb-decode',
            z: tab,
            name: 'decode devices/#',
            broker: 'demo-broker',
            topic: 'devices/#',
            qos: '1',
            registry: DEMO_REGISTRY_ID,
            influx: options.influxUrl ? 'demo-influx' : '',
            x: 150,
            y: 120,
            wires: [['demo-route']],
        },
        {
            id: 'demo-route',
            type: 'mcpb-route',
            z: tab,
            name: 'by kind',
            checkall: 'false',
            rules: [
                { t: 'kind', v: 'sensor_data' },
                { t: 'kind', v: 'sensor_batch' },
                { t: 'kind', v: 'error' },
                { t: 'else' },
            ],
            outputs: 4,
            x: 360,
            y: 120,
            wires: [['demo-readings'], ['demo-readings'], ['demo-errors'], []],
        },
        {
            id: 'demo-readings',
            type: 'debug',
            z: tab,
            name: 'readings',
            active: false,
            tosidebar: true,
            complete: 'payload',
            x: 570,
            y: 100,
            wires: [],
        },
        {
            id: 'demo-errors',
            type: 'debug',
            z: tab,
            name: 'device errors',
            active: true,
            tosidebar: true,
            complete: 'true',
            x: 580,
            y: 140,
            wires: [],
        },
        {
            id: 'demo-led-on',
            type: 'inject',
            z: tab,
            name: `${options.firstDevice} led on`,
            ...INJECT_DEFAULTS,
            props: [{ p: 'payload' }],
            payload: `{"device":"${options.firstDevice}","actuator":"led","action":"on"}`,
            payloadType: 'json',
            x: 170,
            y: 220,
            wires: [['demo-command']],
        },
        {
            id: 'demo-dim',
            type: 'inject',
            z: tab,
            name: `${options.firstDevice} dimmer 150 (invalid)`,
            ...INJECT_DEFAULTS,
            props: [{ p: 'payload' }],
            payload: `{"device":"${options.firstDevice}","actuator":"dimmer","action":"set","value":150}`,
            payloadType: 'json',
            x: 190,
            y: 260,
            wires: [['demo-command']],
        },
        {
            id: 'demo-command',
            type: 'mcpb-command',
            z: tab,
            name: 'command',
            registry: DEMO_REGISTRY_ID,
            x: 420,
            y: 240,
            wires: [['demo-applied'], ['demo-failed']],
        },
        {
            id: 'demo-applied',
            type: 'debug',
            z: tab,
            name: 'confirmed',
            active: true,
            tosidebar: true,
            complete: 'payload',
            x: 590,
            y: 220,
            wires: [],
        },
        {
            id: 'demo-failed',
            type: 'debug',
            z: tab,
            name: 'not done',
            active: true,
            tosidebar: true,
            complete: 'payload',
            x: 590,
            y: 260,
            wires: [],
        },
        {
            id: 'demo-catch',
            type: 'catch',
            z: tab,
            name: 'decode errors',
            scope: ['demo-decode'],
            uncaught: false,
            x: 150,
            y: 320,
            wires: [['demo-bad']],
        },
        {
            id: 'demo-bad',
            type: 'debug',
            z: tab,
            name: 'bad messages',
            active: true,
            tosidebar: true,
            complete: 'error',
            x: 370,
            y: 320,
            wires: [],
        },
    ];
    if (options.influxUrl) {
        flow.push({
            id: 'demo-influx',
            type: 'mcpb-influx-server',
            name: 'demo influx',
            apiVersion: 'v1',
            url: options.influxUrl,
            database: 'iot',
            createDatabase: true,
        });
    }
    return flow;
}
