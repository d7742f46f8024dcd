/**
 * A real Node-RED runtime (node-red-node-test-helper) with the core
 * mqtt-broker node, mcpb-registry and mcpb-decode on the shared Mosquitto.
 * The test helper does not serve its admin app on helper.url(), so the
 * registry API is served here on its own loopback port; stopping and
 * restarting that listener on the same port is the "registry unreachable"
 * outage the adapter must survive.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { coreBrokerNode } from '../../scripts/lib/core-broker-node';
import { helper } from '../nodes/test-helper';
import { waitFor } from '../support/services';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const mqttNode = require('@node-red/nodes/core/network/10-mqtt.js') as unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const registryNode = require('../../nodes/registry') as unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const decodeNode = require('../../nodes/decode') as unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const influxServerNode = require('../../nodes/influx-server') as unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const influxStoreNode = require('../../nodes/influx-store') as unknown;

type RequestListener = http.RequestListener;

export interface RegistryRuntime {
    /** Admin root serving /mcp-bridge/registries/... */
    adminUrl: string;
    /** Closes the API listener and drops its connections (event streams included). */
    goAway(): Promise<void>;
    /** Listens again on the same port. */
    comeBack(): Promise<void>;
    /** Registry event streams (GET …/events) open right now: what the adapter's subscriptions hold. */
    openEventStreams(): number;
    stop(): Promise<void>;
}

function listen(server: http.Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
}

function close(server: http.Server): Promise<void> {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
}

export interface RegistryRuntimeOptions {
    offlineTimeoutS?: number;
    /** The registry's device cap (default: the node's). */
    maxDevices?: number;
    /** Also store readings in this InfluxDB 1.x database, and answer history from it. */
    influx?: { url: string; database: string };
    /** The registry's loop guard policy (mcpb-registry setting loopGuard). */
    loopGuard?: string;
}

export async function startRegistryRuntime(mqttUrl: string, options: RegistryRuntimeOptions = {}) {
    let adminApp: RequestListener | undefined;
    const captureAdminApp = (RED: { httpAdmin: RequestListener }) => {
        adminApp = RED.httpAdmin;
    };
    // The test helper is shared: other specs switch it between Node-RED 4 and 5.
    helper.init(require.resolve('node-red'));
    await helper.startServer();
    const flow: Record<string, unknown>[] = [
        coreBrokerNode('broker', mqttUrl, 'test broker'),
        {
            id: 'registry',
            type: 'mcpb-registry',
            name: 'adapter test registry',
            broker: 'broker',
            offlineTimeout: options.offlineTimeoutS ?? 300,
            ...(options.maxDevices ? { maxDevices: options.maxDevices } : {}),
            persist: false,
            influx: options.influx ? 'influx' : '',
            loopGuard: options.loopGuard ?? '',
        },
        {
            id: 'decode',
            type: 'mcpb-decode',
            broker: 'broker',
            registry: 'registry',
            topic: 'devices/#',
            qos: 1,
            wires: [options.influx ? ['store'] : []],
        },
    ];
    if (options.influx) {
        flow.push(
            {
                id: 'influx',
                type: 'mcpb-influx-server',
                apiVersion: 'v1',
                url: options.influx.url,
                database: options.influx.database,
                createDatabase: true,
                flushIntervalMs: 100,
            },
            { id: 'store', type: 'mcpb-influx-store', server: 'influx', wires: [] },
        );
    }
    await helper.load(
        [mqttNode, registryNode, decodeNode, influxServerNode, influxStoreNode, captureAdminApp],
        flow,
    );
    const brokerNode = helper.getNode('broker') as { connected: boolean };
    await waitFor('the core mqtt-broker node to connect', async () => brokerNode.connected === true);

    const app = adminApp;
    if (!app) throw new Error('the test helper did not hand out its admin app');
    let eventStreams = 0;
    const server = http.createServer((req, res) => {
        if (new URL(req.url ?? '/', 'http://localhost').pathname.endsWith('/events')) {
            eventStreams++;
            res.once('close', () => eventStreams--);
        }
        app(req, res);
    });
    const port = await listen(server, 0);
    let up = true;
    const runtime: RegistryRuntime = {
        adminUrl: `http://127.0.0.1:${port}/`,
        async goAway() {
            if (up) await close(server);
            up = false;
        },
        async comeBack() {
            if (!up) await listen(server, port);
            up = true;
        },
        openEventStreams: () => eventStreams,
        async stop() {
            await runtime.goAway();
            await helper.unload();
            await helper.stopServer();
        },
    };
    return runtime;
}
