/** npm start's demo: starts on free ports, loads the pack, serves devices, stops cleanly on SIGTERM. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startDemoProcess } from '../support/demo-process';
import { influxql } from '../support/influxql';
import { sharedServices, waitFor } from '../support/services';

describe('demo (scripts/demo/main.ts)', function () {
    this.timeout(60000);

    it('prints the editor URL, serves the simulated fleet through the registry API, and exits 0 on SIGTERM', async function () {
        const demo = await startDemoProcess({ devices: 3, intervalMs: 500 });
        let exitCode: number | null | undefined;
        try {
            const editor = demo.editorUrl;
            assert.match(editor, /^http:\/\/127\.0\.0\.1:\d+\/$/);
            assert.equal((await fetch(editor)).status, 200);
            const nodes = (await (
                await demo.api('nodes', { headers: { accept: 'application/json' } })
            ).json()) as { types: string[] }[];
            const types = nodes.flatMap((n) => n.types);
            for (const t of ['mcpb-registry', 'mcpb-decode', 'mcpb-route', 'mcpb-command'])
                assert.ok(types.includes(t), t);
            await waitFor(
                'three devices with readings',
                async () => {
                    const res = await demo.api('mcp-bridge/registries/demo-registry/readings');
                    const body = (await res.json()) as { readings: { device_id: string }[] };
                    return new Set(body.readings.map((r) => r.device_id)).size === 3;
                },
                20000,
            );
            const command = await demo.api(
                'mcp-bridge/registries/demo-registry/devices/demo-0001/actuators/led/commands',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ action: 'toggle' }),
                },
            );
            assert.equal(((await command.json()) as { outcome: string }).outcome, 'applied');

            await waitFor('the MCP endpoint line', async () => /"mcpServers"/.test(demo.output()));
            const mcpUrl = /^MCP endpoint: (http:\/\/127\.0\.0\.1:\d+\/mcp)$/m.exec(demo.output())?.[1];
            assert.ok(mcpUrl, demo.output());
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
            exitCode = await demo.stop();
        }
        assert.equal(exitCode, 0, demo.output());
        assert.match(demo.output(), /SIGTERM: stopping/);
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
                    const q = 'SHOW TAG VALUES FROM "sensor_data" WITH KEY = "device_id"';
                    const devices = (await influxql(influxUrl, 'iot', q).catch(() => [])).map((r) => r.value);
                    return devices.includes('demo-0000') && devices.includes('demo-0001');
                },
                20000,
            );
            const history = await demo.api(
                `mcp-bridge/registries/demo-registry/devices/demo-0000/sensors/temperature?history_minutes=5`,
            );
            const reading = (await history.json()) as { history?: { source: string; points: unknown[] } };
            assert.equal(reading.history?.source, 'influxdb');
            // The demo's text sensor: string readings, kept in InfluxDB and read back as strings.
            await waitFor('a string reading of the status sensor in the InfluxDB history', async () => {
                const status = (await (
                    await demo.api(
                        `mcp-bridge/registries/demo-registry/devices/demo-0000/sensors/status?history_minutes=5`,
                    )
                ).json()) as { reading?: unknown; history?: { points: { reading: unknown }[] } };
                const points = status.history?.points ?? [];
                return (
                    typeof status.reading === 'string' &&
                    points.length > 0 &&
                    points.every((p) => typeof p.reading === 'string')
                );
            });
        } finally {
            await demo.stop();
        }
    });

    it("with --user-dir, keeps the user's flows.json on the next start (the demo broker node follows the new broker port)", async function () {
        const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-demo-keep-'));
        try {
            const first = await startDemoProcess({
                devices: 1,
                intervalMs: 500,
                extraArgs: ['--user-dir', userDir],
            });
            assert.match(first.output(), /new, with the demo flow; later starts keep your edits/);
            assert.equal(await first.stop(), 0);

            const flowsFile = path.join(userDir, 'flows.json');
            const flows = JSON.parse(fs.readFileSync(flowsFile, 'utf8')) as Record<string, unknown>[];
            flows.push({
                id: 'user-note',
                type: 'comment',
                z: 'demo-tab',
                name: 'my own note',
                x: 600,
                y: 40,
                wires: [],
            });
            fs.writeFileSync(flowsFile, JSON.stringify(flows));

            const second = await startDemoProcess({
                devices: 1,
                intervalMs: 500,
                extraArgs: ['--user-dir', userDir],
            });
            try {
                assert.match(second.output(), /kept its flows\.json \(your flows, not the demo flow\)/);
                const deployed = (await (
                    await second.api('flows', { headers: { 'node-red-api-version': 'v2' } })
                ).json()) as { flows: { id: string; name?: string }[] };
                assert.equal(deployed.flows.find((n) => n.id === 'user-note')?.name, 'my own note');
                // The kept flow still works on this run's broker (another free port).
                await waitFor('a reading of demo-0000 through the kept flow', async () => {
                    const res = await second.api(
                        `mcp-bridge/registries/demo-registry/devices/demo-0000/sensors/temperature`,
                    );
                    const body = (await res.json()) as { age_s?: number };
                    return res.ok && typeof body.age_s === 'number' && body.age_s < 2;
                });
            } finally {
                await second.stop();
            }
        } finally {
            fs.rmSync(userDir, { recursive: true, force: true });
        }
    });

    it('names the flag when a port is taken', async function () {
        const taken = net.createServer();
        await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
        const port = (taken.address() as net.AddressInfo).port;
        try {
            for (const flag of ['--port', '--mcp-port', '--mqtt-port']) {
                const failure = await startDemoProcess({
                    devices: 1,
                    intervalMs: 500,
                    extraArgs: [flag, String(port)],
                }).then(
                    async (demo) => {
                        await demo.stop();
                        return undefined;
                    },
                    (e: unknown) => (e as Error).message,
                );
                assert.ok(failure, `the demo started although ${flag} ${port} is taken`);
                assert.match(
                    failure,
                    new RegExp(
                        `port ${port} \\(.+\\) is already in use: start with ${flag} <another port>, or ${flag} 0`,
                    ),
                );
                assert.doesNotMatch(failure, /EADDRINUSE/);
            }
        } finally {
            taken.close();
        }
    });
});
