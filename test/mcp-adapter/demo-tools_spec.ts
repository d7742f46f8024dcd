/**
 * The `npm start` demo as a user meets it: a real SDK client connects to the
 * printed `MCP endpoint:` URL, lists the tools and calls every one of them
 * successfully, each result valid against the tool's listed outputSchema.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { demoProfile } from '../../simulator/profile';
import { startDemoProcess, type DemoProcess } from '../support/demo-process';
import { waitFor } from '../support/services';
import {
    ALL_TOOLS,
    assertDriftIsCaught,
    contractClient,
    type ContractClient,
    type ToolName,
} from './contract';

describe('demo (npm start): every MCP tool through the printed endpoint', function () {
    this.timeout(60000);
    let demo: DemoProcess;
    let contract: ContractClient;

    before(async function () {
        // Free ports everywhere (--port 0 --mqtt-port 0 --mcp-port 0): no clash with 1880/1883/3917.
        demo = await startDemoProcess({ devices: 2, intervalMs: 300 });
        let url = '';
        await waitFor('the demo to print its MCP endpoint', async () => {
            url = /^MCP endpoint: (\S+)$/m.exec(demo.output())?.[1] ?? '';
            return url !== '';
        });
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
        const client = new Client({ name: 'demo-contract-test', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(url)));
        contract = await contractClient(client);
    });

    after(async function () {
        await contract?.client.close();
        if (demo) assert.equal(await demo.stop(), 0, demo.output());
    });

    it('calls each of the thirteen tools successfully', async function () {
        assert.deepEqual([...contract.tools.keys()].sort(), [...ALL_TOOLS]);
        // The demo runs two devices of the demo profile (numbers and a text sensor).
        const expected = 2 * demoProfile().sensors.length;
        await waitFor('both demo devices with all their readings', async () => {
            const all = await contract.ok<{ readings: unknown[] }>('read_all_sensors', {});
            return all.data.readings.length === expected;
        });
        const device = 'demo-0000';
        const calls: [ToolName, Record<string, unknown>][] = [
            ['list_devices', {}],
            ['query_devices', { sensor_type: 'temperature', online: true }],
            ['get_device_info', { device_id: device }],
            ['read_sensor', { device_id: device, sensor: 'temperature', history_minutes: 5, max_points: 10 }],
            ['read_all_sensors', { sensors: ['humidity'] }],
            ['read_device_sensors', { device_id: device }],
            ['control_actuator', { device_id: device, actuator: 'dimmer', action: 'set', value: 30 }],
            ['configure_device', { device_id: device, publish_interval_ms: 1000, timeout_s: 5 }],
            ['device_diagnostics', { device_id: device, timeout_s: 5 }],
            ['get_alerts', {}],
            ['get_system_status', {}],
            ['get_device_metrics', {}],
            ['get_command_log', { device_id: device }],
        ];
        for (const [name, args] of calls) await contract.ok(name, args);
        assert.deepEqual([...contract.succeeded].sort(), [...ALL_TOOLS]);
        const list = contract.outputs.get('list_devices')?.[0] as { devices: { device_id: string }[] };
        assert.deepEqual(list.devices.map((d) => d.device_id).sort(), ['demo-0000', 'demo-0001']);
        const control = contract.outputs.get('control_actuator')?.[0];
        assert.deepEqual([control?.outcome, control?.state], ['applied', 30]);
        const diagnostics = contract.outputs.get('device_diagnostics')?.[0] as {
            result: { overall: string };
        };
        assert.equal(diagnostics.result.overall, 'ok');
        assertDriftIsCaught(contract);
    });
});
