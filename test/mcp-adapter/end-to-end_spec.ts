/**
 * End to end: SDK clients (stdio and Streamable HTTP) → adapter → a real
 * Node-RED runtime with the pack → the shared Mosquitto → simulated devices.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import mqtt from 'mqtt';
import { ElicitRequestSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { startAdapter, type RunningAdapter } from '../../mcp-adapter/src/index';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { DeviceConnection, SimulatedDevice, type Misbehaviour } from '../../simulator';
import { sharedServices, waitFor } from '../support/services';
import {
    callResult,
    connectHttp,
    endpoint,
    connectStdio,
    structured,
    text,
    type StdioSession,
} from './harness';
import { startRegistryRuntime, type RegistryRuntime } from './registry-runtime';

interface Running {
    device: SimulatedDevice;
    connection: DeviceConnection;
    /** Its link was dropped on purpose: the device cannot clean up itself. */
    dropped?: boolean;
}

/** Removes a device's retained topics through a fresh connection, so later suites do not see it. */
async function clearRetainedOf(device: SimulatedDevice): Promise<void> {
    const client = await mqtt.connectAsync(sharedServices().mqttUrl);
    const retained = [
        'capabilities',
        'status',
        'config',
        ...device.capabilities.actuators.map((a) => `actuators/${a}/status`),
    ];
    for (const t of retained)
        await client.publishAsync(`devices/${device.id}/${t}`, '', { qos: 1, retain: true });
    await client.endAsync();
}

describe('mcp-adapter end to end (Node-RED registry, Mosquitto, simulated devices)', function () {
    this.timeout(30000);
    const prefix = `mcpa-${randomBytes(3).toString('hex')}`;
    const ids = {
        main: `${prefix}-main`,
        second: `${prefix}-second`,
        stubborn: `${prefix}-stubborn`,
        mute: `${prefix}-mute`,
        fragile: `${prefix}-fragile`,
    };
    const devices: Running[] = [];
    let runtime: RegistryRuntime;
    let stdio: StdioSession;
    let adapter: RunningAdapter;
    let http: Client;

    async function startDevice(id: string, misbehave?: Misbehaviour): Promise<Running> {
        const connection = await DeviceConnection.open(sharedServices().mqttUrl, `${id}-c`, id);
        const device = new SimulatedDevice(connection, {
            id,
            publishIntervalMs: 0,
            metricsIntervalMs: 0,
            misbehave,
        });
        await device.start();
        const running = { device, connection };
        devices.push(running);
        return running;
    }

    async function call(client: Client, name: string, args: Record<string, unknown>) {
        return callResult(await client.callTool({ name, arguments: args }));
    }

    before(async function () {
        runtime = await startRegistryRuntime(sharedServices().mqttUrl);
        await startDevice(ids.main);
        await startDevice(ids.second);
        await startDevice(ids.stubborn, { rejectCommands: { reason: 'door jammed', code: 'JAMMED' } });
        await startDevice(ids.mute, { ignoreCommands: true });
        await startDevice(ids.fragile);
        stdio = await connectStdio(['--registry-url', runtime.adminUrl, '--timeout', '3000']);
        adapter = await startAdapter({
            registryUrl: runtime.adminUrl,
            http: true,
            port: 0,
            logger: silentLogger,
        });
        http = await connectHttp(endpoint(adapter));
        await waitFor('all simulated devices online in the registry', async () => {
            const list = structured<{ devices: { online: boolean }[] }>(
                await call(stdio.client, 'list_devices', { search: prefix, online_only: true }),
            );
            return list.devices.length === 5;
        });
    });

    after(async function () {
        await http?.close();
        await stdio?.close();
        await adapter?.close();
        for (const { device, connection, dropped } of devices) {
            if (dropped) {
                await clearRetainedOf(device);
                continue;
            }
            await device.stop(true);
            await device.clearRetained();
            await connection.close(true);
        }
        await runtime?.stop();
    });

    it('lists devices with pagination and filters', async function () {
        const first = await call(stdio.client, 'list_devices', { search: prefix, limit: 2 });
        const page = structured<{ devices: { device_id: string }[]; total: number; next_cursor?: string }>(
            first,
        );
        assert.equal(page.total, 5);
        assert.equal(page.devices.length, 2);
        assert.ok(page.next_cursor);
        assert.match(text(first), /More devices: call again with cursor/);
        const rest = structured<{ devices: { device_id: string }[]; next_cursor?: string }>(
            await call(stdio.client, 'list_devices', { search: prefix, limit: 10, cursor: page.next_cursor }),
        );
        assert.equal(rest.devices.length, 3);
        assert.equal(rest.next_cursor, undefined);
        const all = [...page.devices, ...rest.devices].map((d) => d.device_id).sort();
        assert.deepEqual(all, Object.values(ids).sort());
        const byCapability = structured<{ devices: { device_id: string; location: string }[] }>(
            await call(stdio.client, 'query_devices', {
                actuator_type: 'door',
                location: 'kitchen',
                limit: 1000,
            }),
        );
        assert.ok(byCapability.devices.every((d) => d.location === 'kitchen'));
        assert.ok(byCapability.devices.some((d) => d.device_id === ids.main));
    });

    it('reads a sensor, its history and many sensors at once', async function () {
        const main = devices[0].device;
        for (const value of [20, 22, 24]) await main.publishReading('temperature', value);
        await waitFor('the last reading in the registry', async () => {
            const r = structured<{ reading: number }>(
                await call(stdio.client, 'read_sensor', { device_id: ids.main, sensor: 'temperature' }),
            );
            return r?.reading === 24;
        });
        const withHistory = await call(stdio.client, 'read_sensor', {
            device_id: ids.main,
            sensor: 'temperature',
            history_minutes: 10,
            max_points: 2,
        });
        assert.equal(withHistory.isError, undefined, text(withHistory));
        const r = structured<{
            unit: string;
            age_s: number;
            history: {
                stats: { min: number; max: number; count: number };
                points: unknown[];
                buckets?: { count: number }[];
                truncated: boolean;
            };
        }>(withHistory);
        assert.equal(r.unit, '°C');
        assert.ok(r.age_s >= 0 && r.age_s < 60);
        // More points than max_points: the window is downsampled, the stats still cover every point.
        assert.deepEqual(r.history.points, []);
        assert.ok(r.history.buckets && r.history.buckets.length <= 2);
        assert.equal(
            r.history.buckets.reduce((n, b) => n + b.count, 0),
            r.history.stats.count,
        );
        assert.equal(r.history.truncated, false);
        assert.match(text(withHistory), /History 10 min/);

        await devices[1].device.publishReadings();
        await main.publishReadings();
        await waitFor('four readings of both devices', async () => {
            const all = structured<{ readings: unknown[] }>(
                await call(stdio.client, 'read_all_sensors', { device_ids: [ids.main, ids.second] }),
            );
            return all.readings.length === 8;
        });
        const some = structured<{
            readings: { sensor: string }[];
            missing: { device_id: string; reason: string }[];
        }>(
            await call(http, 'read_all_sensors', {
                device_ids: [ids.main, `${prefix}-nobody`],
                sensors: ['humidity'],
            }),
        );
        assert.deepEqual(
            some.readings.map((x) => x.sensor),
            ['humidity'],
        );
        assert.equal(some.missing[0].device_id, `${prefix}-nobody`);
        const own = structured<{ readings: { sensor: string }[]; online: boolean }>(
            await call(http, 'read_device_sensors', { device_id: ids.main }),
        );
        assert.equal(own.online, true);
        assert.deepEqual(own.readings.map((x) => x.sensor).sort(), [
            'humidity',
            'light',
            'pressure',
            'temperature',
        ]);
    });

    it('explains unknown devices and sensors as tool errors', async function () {
        const device = await call(stdio.client, 'get_device_info', { device_id: `${prefix}-ghost` });
        assert.equal(device.isError, true);
        assert.match(text(device), /Unknown device .*list_devices/);
        const sensor = await call(stdio.client, 'read_sensor', { device_id: ids.main, sensor: 'co2' });
        assert.equal(sensor.isError, true);
        assert.match(text(sensor), /has no sensor 'co2'.*get_device_info/);
    });

    it('controls an actuator and returns the acknowledged state', async function () {
        const result = await call(stdio.client, 'control_actuator', {
            device_id: ids.main,
            actuator: 'dimmer',
            action: 'set',
            value: 40,
        });
        assert.equal(result.isError, undefined, text(result));
        const outcome = structured<{ outcome: string; state: number; command_id: string }>(result);
        assert.equal(outcome.outcome, 'applied');
        assert.equal(outcome.state, 40);
        assert.ok(outcome.command_id);
        assert.equal(devices[0].device.actuatorState.dimmer, 40);
        const info = structured<{ actuator_states: Record<string, { state: unknown }> }>(
            await call(http, 'get_device_info', { device_id: ids.main }),
        );
        assert.equal(info.actuator_states.dimmer.state, 40);
    });

    it('refuses an out-of-range value before anything reaches the device', async function () {
        const result = await call(stdio.client, 'control_actuator', {
            device_id: ids.main,
            actuator: 'dimmer',
            action: 'set',
            value: 150,
        });
        assert.equal(result.isError, true);
        assert.match(text(result), /OUT_OF_RANGE.*Nothing was sent.*get_device_info/s);
        assert.equal(devices[0].device.actuatorState.dimmer, 40);
    });

    it("reports a device's rejection with its reason", async function () {
        const result = await call(stdio.client, 'control_actuator', {
            device_id: ids.stubborn,
            actuator: 'led',
            action: 'on',
        });
        assert.equal(result.isError, true);
        assert.equal(structured<{ outcome: string }>(result).outcome, 'rejected');
        assert.match(text(result), /rejected the command \(JAMMED\): door jammed/);
    });

    it('reports a timeout when the device never answers', async function () {
        const result = await call(stdio.client, 'control_actuator', {
            device_id: ids.mute,
            actuator: 'led',
            action: 'on',
            timeout_s: 1,
        });
        assert.equal(result.isError, true);
        assert.equal(structured<{ outcome: string }>(result).outcome, 'timeout');
        assert.match(text(result), /may or may not have been applied/);
    });

    it('asks the user through elicitation: accept sends, decline does not', async function () {
        const answers: string[] = [];
        const asking = await connectHttp(endpoint(adapter), { capabilities: { elicitation: { form: {} } } });
        let reply: 'accept' | 'decline' = 'accept';
        asking.setRequestHandler(ElicitRequestSchema, (request) => {
            answers.push(request.params.message);
            return reply === 'accept'
                ? { action: 'accept', content: { confirm: true } }
                : { action: 'decline' };
        });
        try {
            const accepted = await call(asking, 'control_actuator', {
                device_id: ids.main,
                actuator: 'door',
                action: 'on',
            });
            assert.equal(structured<{ outcome: string }>(accepted).outcome, 'applied', text(accepted));
            assert.equal(devices[0].device.actuatorState.door, true);
            assert.match(answers[0], /Confirm: on on actuator 'door'/);
            reply = 'decline';
            // "on" again changes nothing, so the door's min_interval_ms (loop guard) lets it reach the question.
            const declined = await call(asking, 'control_actuator', {
                device_id: ids.main,
                actuator: 'door',
                action: 'on',
            });
            assert.equal(declined.isError, true);
            assert.match(text(declined), /declined.*NOT sent/);
            assert.equal(devices[0].device.actuatorState.door, true);
            assert.equal(answers.length, 2);
        } finally {
            await asking.close();
        }
    });

    it('refuses a confirmation-only command to a client without elicitation, unless the operator allows it', async function () {
        const refused = await call(http, 'control_actuator', {
            device_id: ids.second,
            actuator: 'door',
            action: 'on',
        });
        assert.equal(refused.isError, true);
        assert.match(text(refused), /cannot ask the user.*NOT sent.*--allow-unconfirmed/s);
        assert.equal(devices[1].device.actuatorState.door, false);
        const lenient = await startAdapter({
            registryUrl: runtime.adminUrl,
            http: true,
            port: 0,
            allowUnconfirmed: true,
            logger: silentLogger,
        });
        try {
            const client = await connectHttp(endpoint(lenient));
            const applied = await call(client, 'control_actuator', {
                device_id: ids.second,
                actuator: 'door',
                action: 'on',
            });
            assert.equal(structured<{ outcome: string }>(applied).outcome, 'applied', text(applied));
            assert.equal(devices[1].device.actuatorState.door, true);
            await client.close();
        } finally {
            await lenient.close();
        }
    });

    // Degraded and failed answers, and progress reported during a wait: tool-contract_spec.ts.
    it('runs diagnostics: a healthy device passes every check, a silent one times out', async function () {
        const result = await call(http, 'device_diagnostics', { device_id: ids.main });
        assert.equal(result.isError, undefined, text(result));
        const report = structured<{
            result: { overall: string; checks: { name: string; status: string }[] };
        }>(result).result;
        assert.equal(report.overall, 'ok');
        assert.deepEqual(
            report.checks.map((c) => `${c.name}:${c.status}`),
            ['memory:ok', 'mqtt:ok', 'sensors:ok', 'actuators:ok', 'capabilities:ok'],
        );
        const silent = await call(http, 'device_diagnostics', { device_id: ids.mute, timeout_s: 1 });
        assert.equal(silent.isError, true);
        assert.match(text(silent), /did not answer the diagnostics request/);
    });

    it('reports alerts, metrics and system status', async function () {
        await devices[1].device.publishError(
            'sensor_failure',
            'humidity sensor not responding',
            2,
            'humidity',
        );
        await waitFor('the device error as an alert', async () => {
            const a = structured<{ alerts: { error_type: string }[] }>(
                await call(http, 'get_alerts', { device_id: ids.second, min_severity: 2 }),
            );
            return a.alerts.some((x) => x.error_type === 'sensor_failure');
        });
        const status = await call(http, 'get_system_status', {});
        assert.equal(status.isError, undefined, text(status));
        assert.ok(structured<{ devices: { online: number } }>(status).devices.online >= 4);
        const metrics = structured<{ devices: { device_id: string; counters: { commands_sent: number } }[] }>(
            await call(http, 'get_device_metrics', { device_id: ids.main }),
        );
        assert.ok(metrics.devices[0].counters.commands_sent >= 2);
        const prompt = await http.getPrompt({
            name: 'investigate_alerts',
            arguments: { device_id: ids.second, min_severity: 'error' },
        });
        assert.match((prompt.messages[0].content as { text: string }).text, /humidity sensor not responding/);
    });

    it('completes device ids for the resource template and prompts', async function () {
        const ref = { type: 'ref/resource' as const, uri: 'iot://devices/{id}' };
        const done = await http.complete({ ref, argument: { name: 'id', value: `${prefix}-s` } });
        assert.deepEqual(done.completion.values.sort(), [ids.second, ids.stubborn]);
        const severity = await http.complete({
            ref: { type: 'ref/prompt', name: 'investigate_alerts' },
            argument: { name: 'min_severity', value: 'cr' },
        });
        assert.deepEqual(severity.completion.values, ['critical']);
        const resource = await http.readResource({ uri: `iot://devices/${ids.main}` });
        assert.equal(JSON.parse((resource.contents[0] as { text: string }).text).device_id, ids.main);
        await assert.rejects(http.readResource({ uri: `iot://devices/${prefix}-ghost` }), /not found/i);
    });

    it('pushes resources/updated for a subscribed device', async function () {
        const uri = `iot://devices/${ids.main}`;
        const updates: string[] = [];
        stdio.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
            updates.push(n.params.uri);
        });
        await stdio.client.subscribeResource({ uri });
        // The first notice comes when the adapter's event stream opens: from then on changes are followed.
        await waitFor('the event stream to open', async () => updates.length >= 1);
        const before = updates.length;
        await call(http, 'control_actuator', { device_id: ids.main, actuator: 'led', action: 'toggle' });
        await waitFor('resources/updated after the change', async () => updates.length > before);
        assert.ok(updates.every((u) => u === uri));
        await stdio.client.unsubscribeResource({ uri });
    });

    it('turns the last will into offline, mid-session', async function () {
        const fragile = devices[4];
        fragile.dropped = true;
        await fragile.connection.close(false); // link drops: the broker publishes the last will
        await waitFor('the device to go offline', async () => {
            const info = structured<{ online: boolean; offline_reason?: string }>(
                await call(stdio.client, 'get_device_info', { device_id: ids.fragile }),
            );
            return info.online === false;
        });
        const result = await call(stdio.client, 'control_actuator', {
            device_id: ids.fragile,
            actuator: 'led',
            action: 'on',
        });
        assert.equal(result.isError, true);
        assert.equal(structured<{ outcome: string }>(result).outcome, 'offline');
        assert.match(text(result), /offline; the command was NOT sent/);
    });

    it('survives the registry going away and recovers when it is back', async function () {
        const uri = 'iot://devices';
        const updates: string[] = [];
        http.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
            updates.push(n.params.uri);
        });
        await http.subscribeResource({ uri });
        await waitFor('the event stream to open', async () => updates.length >= 1);
        await runtime.goAway();
        const down = await call(stdio.client, 'list_devices', {});
        assert.equal(down.isError, true);
        assert.match(text(down), /Registry unreachable/);
        const downHttp = await call(http, 'get_device_info', { device_id: ids.main });
        assert.match(text(downHttp), /Registry unreachable/);
        const seen = updates.length;
        await runtime.comeBack();
        const up = await call(stdio.client, 'list_devices', { search: prefix });
        assert.equal(up.isError, undefined, text(up));
        // The event stream reconnects by itself and tells the subscriber to re-read.
        await waitFor('a resources/updated after the reconnect', async () => updates.length > seen);
        await http.unsubscribeResource({ uri });
    });
});
