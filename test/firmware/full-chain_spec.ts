/**
 * The whole chain with the C++ core as the device: mcpb-device (core +
 * libmosquitto) → real Mosquitto → Node-RED (decode, registry, InfluxDB store)
 * → InfluxDB 1.x, and an MCP client through the adapter on top.
 */
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { silentLogger, startAdapter, type RunningAdapter } from '../../mcp-adapter/src';
import { connectHttp, endpoint, structured } from '../mcp-adapter/harness';
import { startRegistryRuntime, type RegistryRuntime } from '../mcp-adapter/registry-runtime';
import { countPoints } from '../support/influxql';
import { sharedServices, waitFor } from '../support/services';
import { buildDevice, startDevice, type DeviceProcess } from './device-harness';

interface DeviceInfo {
    online: boolean;
    sensors: string[];
    actuators: string[];
    offline_reason?: string;
}

describe('full chain: C++ host device → Mosquitto → Node-RED registry + InfluxDB → MCP client', function () {
    this.timeout(60000);
    const deviceId = `chain_${Date.now()}`;
    const database = `chain_${Date.now()}`;
    let runtime: RegistryRuntime;
    let adapter: RunningAdapter;
    let client: Client;
    let device: DeviceProcess;

    const info = async () =>
        structured<DeviceInfo>(
            await client.callTool({ name: 'get_device_info', arguments: { device_id: deviceId } }),
        );

    before(async function () {
        this.timeout(180000);
        buildDevice();
        const { mqttUrl, influxUrl } = sharedServices();
        runtime = await startRegistryRuntime(mqttUrl, { influx: { url: influxUrl, database } });
        adapter = await startAdapter({
            registryUrl: runtime.adminUrl,
            http: true,
            port: 0,
            logger: silentLogger,
        });
        client = await connectHttp(endpoint(adapter));
        device = startDevice(mqttUrl, deviceId, ['--publish-interval-ms', '200', '--auto-ms', '100']);
    });

    after(async () => {
        await device?.stop();
        await client?.close();
        await adapter?.close();
        await runtime?.stop();
        // Clear what the device left retained, so later suites on devices/# don't see it.
        const mqtt = await import('mqtt');
        const cleaner = await mqtt.connectAsync(sharedServices().mqttUrl);
        for (const suffix of ['capabilities', 'status', 'config']) {
            await cleaner.publishAsync(`devices/${deviceId}/${suffix}`, '', { qos: 1, retain: true });
        }
        for (const actuator of ['led', 'dimmer', 'mode', 'restart', 'door']) {
            await cleaner.publishAsync(`devices/${deviceId}/actuators/${actuator}/status`, '', {
                qos: 1,
                retain: true,
            });
        }
        await cleaner.endAsync();
    });

    it('the device appears in the registry with its capabilities, online', async () => {
        await waitFor('the device in the registry', async () => {
            const result = await client.callTool({
                name: 'get_device_info',
                arguments: { device_id: deviceId },
            });
            return !result.isError && structured<DeviceInfo>(result).online;
        });
        const device = await info();
        assert.deepEqual(device.sensors.slice(0, 3), ['temperature', 'humidity', 'motion']);
        assert.ok(device.actuators.includes('led') && device.actuators.includes('dimmer'));
    });

    it('readings reach the registry and InfluxDB with the device as tag', async () => {
        await waitFor('a temperature reading through MCP', async () => {
            const r = await client.callTool({
                name: 'read_sensor',
                arguments: { device_id: deviceId, sensor: 'temperature' },
            });
            return !r.isError && typeof structured<{ reading: unknown }>(r).reading === 'number';
        });
        const { influxUrl } = sharedServices();
        await waitFor('points in InfluxDB', async () => (await countPoints(influxUrl, database)) > 0);
    });

    it('a command through MCP is applied by the C++ core and confirmed with the new state', async () => {
        const result = await client.callTool({
            name: 'control_actuator',
            arguments: { device_id: deviceId, actuator: 'dimmer', action: 'set', value: 42 },
        });
        assert.ok(!result.isError, JSON.stringify(result));
        const outcome = structured<{ outcome: string; state: unknown; command_id: string }>(result);
        assert.equal(outcome.outcome, 'applied');
        assert.equal(outcome.state, 42);
        assert.match(outcome.command_id, /^[A-Za-z0-9_-]+$/);
    });

    it('an invalid command is refused with the reason, and nothing reaches the device', async () => {
        const result = await client.callTool({
            name: 'control_actuator',
            arguments: { device_id: deviceId, actuator: 'dimmer', action: 'set', value: 150 },
        });
        assert.equal(result.isError, true);
        assert.match(JSON.stringify(result.content), /OUT_OF_RANGE/);
        const detail = await fetch(`${runtime.adminUrl}mcp-bridge/registries/default/devices/${deviceId}`);
        const state = ((await detail.json()) as { actuator_states: Record<string, { state: unknown }> })
            .actuator_states.dimmer.state;
        assert.equal(state, 42);
    });

    it('killing the device process turns it offline through its last will', async () => {
        device.process.kill('SIGKILL');
        await waitFor('the device offline in the registry', async () => !(await info()).online, 20000);
        assert.equal((await info()).offline_reason, 'status');
    });
});
