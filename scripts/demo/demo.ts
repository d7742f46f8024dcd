/**
 * The main job: an MQTT broker (embedded Aedes unless one is given), Node-RED
 * 4.1 embedded with this package loaded from the repository, the demo flow and
 * a simulated fleet, and the MCP adapter on Streamable HTTP over the flow's
 * registry. startDemo() returns the URLs and a stop() that ends everything in
 * reverse order.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAdapter } from '../../mcp-adapter/src';
import { redactSecrets } from '../../mcp-adapter/src/redact';
import { Fleet } from '../../simulator/fleet';
import { demoProfile } from '../../simulator/profile';
import { adminAuthSetting, demoCredentials, type DemoCredentials } from './demo-auth';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import { DEMO_REGISTRY_ID, demoFlow } from './demo-flow';
import { startEmbeddedNodeRed } from './embedded-node-red';
import { isAddressInUse, portInUse } from './listen';

export interface DemoOptions {
    /** Node-RED HTTP port (0 = any free port). */
    port: number;
    /** Port of the embedded broker (0 = any free port); ignored with mqttUrl. */
    mqttPort: number;
    /** Address the embedded broker listens on; beyond 127.0.0.1 LAN devices need the device password. */
    mqttListen?: string;
    /** An existing broker instead of the embedded one. */
    mqttUrl?: string;
    /** InfluxDB URL (v1 API); in-memory history without it. */
    influxUrl?: string;
    devices: number;
    /** The registry's device cap. */
    maxDevices?: number;
    /** Reading interval of each simulated device. */
    intervalMs: number;
    /** Node-RED user directory; a fresh temporary one by default (removed on stop). */
    userDir?: string;
    /** MCP Streamable HTTP port (0 = any free port); default DEFAULT_MCP_PORT. */
    mcpPort?: number;
    /** Also load FlowFuse Dashboard 2 (a dev dependency; left out of the palette by default). */
    dashboard?: boolean;
    log?: (line: string) => void;
    /** Join this MQTT share group for the high-rate topics (another instance may share the stream). */
    shareGroup?: string;
}

export const DEFAULT_MCP_PORT = 3917;

export interface RunningDemo {
    editorUrl: string;
    adminUrl: string;
    mqttUrl: string;
    registryId: string;
    /** The MCP adapter's Streamable HTTP endpoint. */
    mcpUrl: string;
    /** The user directory's flows.json was kept (not replaced by the demo flow). */
    keptFlows: boolean;
    /** Ids of the simulated devices. */
    devices: string[];
    /** The editor login and the adapter's registry token (Node-RED runs with adminAuth). */
    credentials: DemoCredentials;
    stop(): Promise<void>;
}

/**
 * A kept flows.json still has the demo's broker node: point it at this run's broker
 * (the embedded broker's port may differ between runs). Nothing else is touched.
 */
function pointDemoBrokerAt(flowsFile: string, mqttUrl: string): void {
    let flows: unknown;
    try {
        flows = JSON.parse(fs.readFileSync(flowsFile, 'utf8'));
    } catch {
        return; // Node-RED reports an unreadable flows file itself
    }
    if (!Array.isArray(flows)) return;
    const url = new URL(mqttUrl);
    const broker = (flows as Record<string, unknown>[]).find(
        (n) => n.id === 'demo-broker' && n.type === 'mqtt-broker',
    );
    if (!broker || (broker.broker === url.hostname && String(broker.port) === url.port)) return;
    broker.broker = url.hostname;
    broker.port = url.port;
    fs.writeFileSync(flowsFile, JSON.stringify(flows, null, 2));
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
    const log = options.log ?? ((line: string) => console.log(redactSecrets(line)));
    const cleanups: (() => Promise<void> | void)[] = [];
    const stop = async () => {
        for (const cleanup of cleanups.splice(0).reverse()) {
            await Promise.resolve()
                .then(cleanup)
                .catch((e: unknown) => log(`stop: ${(e as Error).message}`));
        }
    };
    try {
        let broker: EmbeddedBroker | undefined;
        let mqttUrl = options.mqttUrl;
        const credentials = demoCredentials(options.userDir);
        if (!mqttUrl) {
            broker = await startEmbeddedBroker(options.mqttPort, {
                host: options.mqttListen,
                devicePassword: credentials.devicePassword,
            });
            cleanups.push(() => broker?.stop());
            mqttUrl = broker.url;
        }

        const ownUserDir = !options.userDir;
        const userDir = options.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-demo-'));
        if (ownUserDir) cleanups.push(() => fs.rmSync(userDir, { recursive: true, force: true }));
        const prefix = 'demo';
        const flow = demoFlow({
            mqttUrl,
            influxUrl: options.influxUrl,
            firstDevice: `${prefix}-0000`,
            maxDevices: options.maxDevices,
            shareGroup: options.shareGroup,
        });
        const nodeRed = await startEmbeddedNodeRed({
            userDir,
            flow,
            port: options.port,
            log,
            adminAuth: adminAuthSetting(credentials),
            dashboard: options.dashboard,
            adjustKeptFlows: (file) => pointDemoBrokerAt(file, mqttUrl as string),
        });
        cleanups.push(() => nodeRed.stop());

        const fleet = new Fleet({
            url: mqttUrl,
            count: options.devices,
            prefix,
            publishIntervalMs: options.intervalMs,
            metricsIntervalMs: 30000,
            profile: demoProfile, // with a string sensor (status)
        });
        cleanups.push(() => fleet.stop());
        await fleet.start();

        const mcpPort = options.mcpPort ?? DEFAULT_MCP_PORT;
        const adapter = await startAdapter({
            registryUrl: nodeRed.url,
            registryId: DEMO_REGISTRY_ID,
            registryToken: credentials.adapterToken,
            http: true,
            port: mcpPort,
        }).catch((e: unknown) => {
            throw isAddressInUse(e) ? portInUse(mcpPort, '--mcp-port', 'the MCP endpoint') : e;
        });
        cleanups.push(() => adapter.close());

        return {
            editorUrl: nodeRed.url,
            adminUrl: nodeRed.url,
            mqttUrl,
            registryId: DEMO_REGISTRY_ID,
            mcpUrl: adapter.url as string,
            keptFlows: nodeRed.keptFlows,
            devices: fleet.devices.map((d) => d.id).sort(),
            credentials,
            stop,
        };
    } catch (e) {
        await stop();
        throw e;
    }
}
