/** npm start's demo: starts on free ports, loads the pack, serves devices, stops cleanly on SIGTERM. */
import assert from 'node:assert/strict';
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
