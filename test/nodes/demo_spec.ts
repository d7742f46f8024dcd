/** npm start's demo: starts on free ports, loads the pack, serves devices, stops cleanly on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDemoProcess } from '../editor/demo-process';
import { sharedServices, waitFor } from '../support/services';

const root = path.resolve(__dirname, '../..');

describe('demo (scripts/demo/main.ts)', function () {
    this.timeout(60000);

    it('prints the editor URL, serves the simulated fleet through the registry API, and exits 0 on SIGTERM', async function () {
        assert.ok(
            fs.existsSync(path.join(root, 'dist/nodes/registry.js')),
            'run "npm run build" before the tests',
        );
        const child = spawn(
            process.execPath,
            [
                '-r',
                'tsx/cjs',
                'scripts/demo/main.ts',
                '--port',
                '0',
                '--mqtt-port',
                '0',
                '--devices',
                '3',
                '--interval',
                '500',
                '--mcp-port',
                '0',
            ],
            {
                cwd: root,
                stdio: ['ignore', 'pipe', 'pipe'],
            },
        );
        let output = '';
        child.stdout.on('data', (c: Buffer) => (output += c.toString()));
        child.stderr.on('data', (c: Buffer) => (output += c.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        try {
            await waitFor(
                'the editor URL',
                async () => /^Node-RED editor: http:\/\/127\.0\.0\.1:\d+\/$/m.test(output),
                30000,
            );
            assert.doesNotMatch(output, /did not load/);
            const editor = /^Node-RED editor: (\S+)$/m.exec(output)?.[1] as string;
            assert.equal((await fetch(editor)).status, 200);
            const nodes = (await (
                await fetch(`${editor}nodes`, { headers: { accept: 'application/json' } })
            ).json()) as { types: string[] }[];
            const types = nodes.flatMap((n) => n.types);
            for (const t of ['mcpb-registry', 'mcpb-decode', 'mcpb-route', 'mcpb-command'])
                assert.ok(types.includes(t), t);
            await waitFor(
                'three devices with readings',
                async () => {
                    const res = await fetch(`${editor}mcp-bridge/registries/demo-registry/readings`);
                    const body = (await res.json()) as { readings: { device_id: string }[] };
                    return new Set(body.readings.map((r) => r.device_id)).size === 3;
                },
                20000,
            );
            const command = await fetch(
                `${editor}mcp-bridge/registries/demo-registry/devices/demo-0001/actuators/led/commands`,
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ action: 'toggle' }),
                },
            );
            assert.equal(((await command.json()) as { outcome: string }).outcome, 'applied');

            const mcpUrl = /^MCP endpoint: (http:\/\/127\.0\.0\.1:\d+\/mcp)$/m.exec(output)?.[1];
            assert.ok(mcpUrl, output);
            assert.match(output, /"mcpServers"/);
            const client = new Client({ name: 'demo-test', version: '1.0.0' });
            await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)));
            try {
                const listed = await client.callTool({ name: 'list_devices', arguments: {} });
                const devices = (listed.structuredContent as { devices: { device_id: string }[] }).devices;
                assert.deepEqual(devices.map((d) => d.device_id).sort(), [
                    'demo-0000',
                    'demo-0001',
                    'demo-0002',
                ]);
            } finally {
                await client.close();
            }
        } finally {
            child.kill('SIGTERM');
        }
        assert.equal(await exited, 0, output);
        assert.match(output, /SIGTERM: stopping/);
    });

    it('with --influx, stores the readings of the fleet in InfluxDB (database iot)', async function () {
        const { influxUrl } = sharedServices();
        const demo = await startDemoProcess({
            devices: 2,
            intervalMs: 200,
            extraArgs: ['--influx', influxUrl],
        });
        try {
            await waitFor(
                'readings of both demo devices in InfluxDB',
                async () => {
                    const q = 'SELECT COUNT("reading") FROM "sensor_data" GROUP BY "device_id"';
                    const res = await fetch(`${influxUrl}/query?${new URLSearchParams({ db: 'iot', q })}`);
                    const body = (await res.json()) as {
                        results: { series?: { tags: { device_id: string } }[] }[];
                    };
                    const devices = (body.results[0]?.series ?? []).map((s) => s.tags.device_id);
                    return devices.includes('demo-0000') && devices.includes('demo-0001');
                },
                20000,
            );
            const history = await fetch(
                `${demo.editorUrl}mcp-bridge/registries/demo-registry/devices/demo-0000/sensors/temperature?history_minutes=5`,
            );
            const reading = (await history.json()) as { history?: { source: string; points: unknown[] } };
            assert.equal(reading.history?.source, 'influxdb');
        } finally {
            await demo.stop();
        }
    });
});
