/**
 * `npm start`: the demo on a fresh machine. A thin CLI over startDemo();
 * Ctrl-C (SIGINT) or SIGTERM stops the fleet, Node-RED and the broker.
 */
import path from 'node:path';
import { Command } from 'commander';
import { formatClientConfigs } from '../../mcp-adapter/src';
import { DEFAULT_MCP_PORT, startDemo } from './demo';

const integer = (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${v}`);
    return n;
};

async function main(): Promise<void> {
    const opts = new Command('npm start --')
        .description('Node-RED with the MCP-MQTT Bridge nodes, an MQTT broker and simulated devices')
        .option('--port <n>', 'Node-RED editor port (0 = any free port)', integer, 1880)
        .option('--mqtt-port <n>', 'embedded MQTT broker port (0 = any free port)', integer, 1883)
        .option('--mqtt <url>', 'use this MQTT broker instead of the embedded one')
        .option('--influx <url>', 'store history in this InfluxDB (v1 API) instead of memory')
        .option('--devices <n>', 'number of simulated devices', integer, 5)
        .option('--interval <ms>', 'reading interval of each device', integer, 5000)
        .option('--mcp-port <n>', 'MCP Streamable HTTP port (0 = any free port)', integer, DEFAULT_MCP_PORT)
        .option('--user-dir <dir>', 'keep Node-RED state in this directory (default: temporary)')
        .parse()
        .opts<{
            port: number;
            mqttPort: number;
            mqtt?: string;
            influx?: string;
            devices: number;
            interval: number;
            mcpPort: number;
            userDir?: string;
        }>();

    const demo = await startDemo({
        port: opts.port,
        mqttPort: opts.mqttPort,
        mqttUrl: opts.mqtt,
        influxUrl: opts.influx,
        devices: opts.devices,
        intervalMs: opts.interval,
        userDir: opts.userDir,
        mcpPort: opts.mcpPort,
    });
    console.log(`MQTT broker: ${demo.mqttUrl}`);
    console.log(`Registry API: ${demo.adminUrl}mcp-bridge/registries/${demo.registryId}/devices`);
    console.log(`Node-RED editor: ${demo.editorUrl}`);
    console.log(`MCP endpoint: ${demo.mcpUrl}`);
    // A stdio client starts its own adapter process against the same registry.
    const cli = path.resolve(__dirname, '../../mcp-adapter/dist/src/cli.js');
    console.log('Stdio MCP client configuration (same registry):');
    console.log(
        formatClientConfigs({
            registryUrl: demo.adminUrl,
            registryId: demo.registryId,
            name: 'iot-devices',
            command: process.execPath,
            args: [cli],
        }),
    );
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
    console.error(`demo failed: ${(e as Error).message}`);
    process.exit(1);
});
