/**
 * `npm start`: the demo on a fresh machine. A thin CLI over startDemo();
 * Ctrl-C (SIGINT) or SIGTERM stops the fleet, Node-RED and the broker.
 */
import path from 'node:path';
import { Command } from 'commander';
import { formatClientConfigs, formatHttpClientConfigs } from '../../mcp-adapter/src';
import { redactSecrets } from '../../mcp-adapter/src/redact';
import { DEFAULT_MCP_PORT, startDemo } from './demo';

const integer = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
    return n;
};

/** What to try first, printed after start-up. */
function nextSteps(
    devices: string[],
    editorUrl: string,
    mcpUrl: string,
    keptFlows: boolean,
    intervalMs: number,
): string {
    const shown =
        devices.length > 4
            ? `${devices.slice(0, 3).join(', ')} … ${devices[devices.length - 1]}`
            : devices.join(', ');
    const first = devices[0] ?? 'demo-0000';
    return [
        'Try next:',
        `  1. Devices: ${shown} (simulated; a reading every ${intervalMs / 1000} s; the door actuator needs confirmation).`,
        `  2. Open ${editorUrl} and the "devices" tab of the right sidebar (its menu, or the action`,
        '     "Show the devices sidebar"): every device, live readings, actuator states and counters.',
        keptFlows
            ? '  3. Your kept flows are loaded; Import → Examples → @mcp-mqtt-bridge/node-red-iot-bridge has the example flows.'
            : `  3. Click the inject buttons "${first} led on" and "${first} dimmer 150 (invalid)" in the demo flow;
` + "     the debug sidebar shows the device's confirmation and the refusal with its reason.",
        `  4. A first MCP call (no model needed): npx mcpb-chat --mcp-url ${mcpUrl} --prompt /devices`,
        `     Chat with a model: npx mcpb-chat --mcp-url ${mcpUrl} --model <model> [--llm-base-url <OpenAI-compatible API>]`,
        'Ctrl-C stops everything.',
    ].join('\n');
}

async function main(): Promise<void> {
    const opts = new Command('npm start --')
        .description('Node-RED with the MCP-MQTT Bridge nodes, an MQTT broker and simulated devices')
        .option('--port <n>', 'Node-RED editor port (0 = any free port)', integer, 1880)
        .option('--mqtt-port <n>', 'embedded MQTT broker port (0 = any free port)', integer, 1883)
        .option('--mqtt <url>', 'use this MQTT broker instead of the embedded one')
        .option(
            '--mqtt-listen <addr>',
            'address the embedded broker listens on (e.g. 0.0.0.0 for ESP32s on your network; they then need the device password)',
            '127.0.0.1',
        )
        .option('--influx <url>', 'store history in this InfluxDB (v1 API) instead of memory')
        .option('--devices <n>', 'number of simulated devices', integer, 5)
        .option('--max-devices <n>', "the registry's device cap (new ids beyond it are refused)", integer)
        .option('--interval <ms>', 'reading interval of each device', integer, 5000)
        .option('--mcp-port <n>', 'MCP Streamable HTTP port (0 = any free port)', integer, DEFAULT_MCP_PORT)
        .option('--user-dir <dir>', 'keep Node-RED state in this directory (default: temporary)')
        .option(
            '--share-group <name>',
            'take a share of the sensor stream in this MQTT share group (with --mqtt; docs/scale-out.md)',
        )
        .option(
            '--dashboard',
            'also load FlowFuse Dashboard 2 (a dev dependency) for the example "Chart device history in Dashboard 2"',
        )
        .parse()
        .opts<{
            port: number;
            mqttPort: number;
            mqttListen: string;
            mqtt?: string;
            influx?: string;
            devices: number;
            maxDevices?: number;
            interval: number;
            mcpPort: number;
            userDir?: string;
            shareGroup?: string;
            dashboard?: boolean;
        }>();

    const demo = await startDemo({
        port: opts.port,
        mqttPort: opts.mqttPort,
        mqttListen: opts.mqttListen,
        mqttUrl: opts.mqtt,
        influxUrl: opts.influx,
        devices: opts.devices,
        maxDevices: opts.maxDevices,
        intervalMs: opts.interval,
        userDir: opts.userDir,
        mcpPort: opts.mcpPort,
        shareGroup: opts.shareGroup,
        dashboard: opts.dashboard === true,
    });
    // --mqtt may carry credentials (mqtt://user:password@host): never print them.
    console.log(`MQTT broker: ${redactSecrets(demo.mqttUrl)}`);
    console.log(`Registry API: ${demo.adminUrl}mcp-bridge/registries/${demo.registryId}/devices`);
    console.log(`Node-RED editor: ${demo.editorUrl}`);
    console.log(`Node-RED login: ${demo.credentials.username} / ${demo.credentials.password}`);
    if (!opts.mqtt && opts.mqttListen !== '127.0.0.1') {
        console.log(
            `Devices on your network: broker <this machine's address>:${new URL(demo.mqttUrl).port} ` +
                `(listening on ${opts.mqttListen}), user name = the device id, password ${demo.credentials.devicePassword} ` +
                '(firmware-esphome-component/examples/minimal.yaml: mqtt username/password)',
        );
    }
    console.log(`MCP endpoint: ${demo.mcpUrl}`);
    if (opts.dashboard) console.log(`Dashboard 2: ${demo.editorUrl}api/dashboard`);
    if (opts.userDir) {
        console.log(
            demo.keptFlows
                ? `User directory ${opts.userDir}: kept its flows.json (your flows, not the demo flow)`
                : `User directory ${opts.userDir}: new, with the demo flow; later starts keep your edits`,
        );
    }
    console.log('');
    console.log('MCP client configuration for the running HTTP endpoint:');
    console.log(formatHttpClientConfigs({ url: demo.mcpUrl, name: 'iot-devices' }));
    // A stdio client starts its own adapter process against the same registry.
    const cli = path.resolve(__dirname, '../../mcp-adapter/dist/src/cli.js');
    console.log(
        'Stdio MCP client configuration (same registry; the client starts its own adapter with the ' +
            "registry token, which grants only the registry's read and write permissions):",
    );
    console.log(
        formatClientConfigs({
            registryUrl: demo.adminUrl,
            registryId: demo.registryId,
            name: 'iot-devices',
            command: process.execPath,
            args: [cli],
            registryToken: demo.credentials.adapterToken,
        }),
    );
    console.log('');
    console.log(nextSteps(demo.devices, demo.editorUrl, demo.mcpUrl, demo.keptFlows, opts.interval));
    let stopping = false;
    const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal}: stopping`);
        demo.stop().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
    console.error(`demo failed: ${redactSecrets((e as Error).message)}`);
    process.exit(1);
});
