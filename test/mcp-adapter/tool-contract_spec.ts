/**
 * The contract of every MCP tool, through real SDK clients (Streamable HTTP and
 * stdio) → the adapter → a real Node-RED registry → Mosquitto → simulated
 * devices: success paths and the main error paths, each result checked
 * against the outputSchema the client listed (by the SDK client itself and
 * again with ajv), errors as isError results.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import mqtt from 'mqtt';
import { startAdapter, type RunningAdapter } from '../../mcp-adapter/src/index';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { DeviceConnection, SimulatedDevice, type Misbehaviour } from '../../simulator';
import { sharedServices, waitFor } from '../support/services';
import {
    ALL_TOOLS,
    WRITE_TOOLS,
    assertDriftIsCaught,
    contractClient,
    type ContractClient,
    type ToolName,
} from './contract';
import { connectHttp, connectStdio, endpoint, text, type StdioSession } from './harness';
import { startRegistryRuntime, type RegistryRuntime } from './registry-runtime';

interface Running {
    device: SimulatedDevice;
    connection: DeviceConnection;
}

interface Outcome {
    outcome: string;
    code?: string;
    state?: unknown;
    config?: Record<string, unknown>;
    result?: {
        overall: string;
        checks: { name: string; status: string; detail?: string; value?: unknown }[];
    };
}

async function clearRetained(ids: string[], actuators: string[]): Promise<void> {
    const client = await mqtt.connectAsync(sharedServices().mqttUrl);
    for (const id of ids) {
        const topics = ['capabilities', 'status', 'config', ...actuators.map((a) => `actuators/${a}/status`)];
        for (const t of topics) await client.publishAsync(`devices/${id}/${t}`, '', { qos: 1, retain: true });
    }
    await client.endAsync();
}

describe('mcp-adapter tool contract (every tool, real SDK clients, real registry)', function () {
    this.timeout(30000);
    const prefix = `mcpc-${randomBytes(3).toString('hex')}`;
    const ids = {
        main: `${prefix}-main`,
        quiet: `${prefix}-quiet`,
        stubborn: `${prefix}-stubborn`,
        mute: `${prefix}-mute`,
        sick: `${prefix}-sick`,
        stuck: `${prefix}-stuck`,
        slow: `${prefix}-slow`,
        gone: `${prefix}-gone`,
    };
    const running = new Map<string, Running>();
    let runtime: RegistryRuntime;
    let adapter: RunningAdapter;
    let plain: ContractClient;
    let asking: ContractClient;
    let elicit: (message: string) => ElicitResult;
    const elicited: string[] = [];

    const device = (id: string) => running.get(id)?.device as SimulatedDevice;

    async function startDevice(id: string, misbehave?: Misbehaviour): Promise<Running> {
        const connection = await DeviceConnection.open(sharedServices().mqttUrl, `${id}-c`, id);
        const sim = new SimulatedDevice(connection, {
            id,
            publishIntervalMs: 0,
            metricsIntervalMs: 0,
            misbehave,
        });
        await sim.start();
        const r = { device: sim, connection };
        running.set(id, r);
        return r;
    }

    before(async function () {
        runtime = await startRegistryRuntime(sharedServices().mqttUrl);
        await startDevice(ids.main);
        await startDevice(ids.quiet);
        await startDevice(ids.stubborn, { rejectCommands: { reason: 'door jammed', code: 'JAMMED' } });
        await startDevice(ids.mute, { ignoreCommands: true });
        await startDevice(ids.sick, { failingSensors: ['humidity'] });
        await startDevice(ids.stuck, { stuckActuators: ['led'] });
        await startDevice(ids.slow, { holdDiagnostics: true });
        const gone = await startDevice(ids.gone);
        for (const id of [ids.main, ids.sick, ids.stuck, ids.gone]) await device(id).publishReadings();
        await device(ids.main).publishMetrics();
        adapter = await startAdapter({
            registryUrl: runtime.adminUrl,
            http: true,
            port: 0,
            logger: silentLogger,
        });
        plain = await contractClient(await connectHttp(endpoint(adapter)));
        const askingClient = await connectHttp(endpoint(adapter), {
            capabilities: { elicitation: { form: {} } },
        });
        askingClient.setRequestHandler(ElicitRequestSchema, (request) => {
            elicited.push(request.params.message);
            return elicit(request.params.message);
        });
        asking = await contractClient(askingClient);
        await waitFor('all simulated devices online with their readings', async () => {
            const list = await plain.ok<{ devices: unknown[] }>('list_devices', {
                search: prefix,
                online_only: true,
            });
            const r = await plain.call('read_sensor', { device_id: ids.gone, sensor: 'light' });
            return list.data.devices.length === Object.keys(ids).length && !r.isError;
        });
        await gone.device.stop(true);
        await gone.connection.close(true);
        running.delete(ids.gone);
        await waitFor('the stopped device offline', async () => {
            const info = await plain.ok<{ online: boolean }>('get_device_info', { device_id: ids.gone });
            return info.data.online === false;
        });
    });

    after(async function () {
        await plain?.client.close();
        await asking?.client.close();
        await adapter?.close();
        for (const { device: sim, connection } of running.values()) {
            await sim.stop(true);
            await connection.close(true);
        }
        await clearRetained(Object.values(ids), ['led', 'dimmer', 'mode', 'door']);
        await runtime?.stop();
    });

    it('lists exactly the thirteen tools, each with an outputSchema that is a closed object', async function () {
        assert.deepEqual([...plain.tools.keys()].sort(), [...ALL_TOOLS]);
        for (const tool of plain.tools.values()) {
            const schema = tool.outputSchema as { type: string; additionalProperties?: unknown };
            assert.equal(schema.type, 'object', tool.name);
            assert.equal(schema.additionalProperties, false, `${tool.name} output accepts unknown fields`);
        }
    });

    describe('devices', function () {
        it('list_devices: pages, filters, rejects bad arguments', async function () {
            const page = await plain.ok<{
                devices: unknown[];
                total: number;
                returned: number;
                next_cursor?: string;
            }>('list_devices', { search: prefix, limit: 3 });
            assert.equal(page.data.total, Object.keys(ids).length);
            assert.equal(page.data.returned, 3);
            assert.ok(page.data.next_cursor);
            const last = await plain.ok<{
                devices: { device_id: string; online: boolean }[];
                next_cursor?: string;
            }>('list_devices', { search: prefix, limit: 100, cursor: page.data.next_cursor });
            assert.equal(last.data.devices.length, Object.keys(ids).length - 3);
            assert.equal(last.data.next_cursor, undefined);
            const online = await plain.ok<{ total: number }>('list_devices', {
                search: prefix,
                online_only: true,
            });
            assert.equal(online.data.total, Object.keys(ids).length - 1);
            await plain.fails('list_devices', { limit: 0 }, /limit/);
        });

        it('query_devices: by sensor class, actuator and online state; an empty answer is no error', async function () {
            const humid = await plain.ok<{ devices: { device_id: string }[] }>('query_devices', {
                sensor_type: 'humidity',
                online: false,
                limit: 1000,
            });
            assert.ok(humid.data.devices.some((d) => d.device_id === ids.gone));
            assert.ok(!humid.data.devices.some((d) => d.device_id === ids.main));
            const none = await plain.ok<{ devices: unknown[]; total: number }>('query_devices', {
                actuator_type: `${prefix}-no-such-actuator`,
            });
            assert.equal(none.data.total, 0);
        });

        it('get_device_info: detail of an online and an offline device; unknown device', async function () {
            const info = await plain.ok<{
                online: boolean;
                capabilities: { actuators: string[] };
                readings: object;
            }>('get_device_info', { device_id: ids.main });
            assert.equal(info.data.online, true);
            assert.deepEqual(info.data.capabilities.actuators, ['led', 'dimmer', 'mode', 'door']);
            const gone = await plain.ok<{ online: boolean; offline_reason?: string }>('get_device_info', {
                device_id: ids.gone,
            });
            assert.equal(gone.data.online, false);
            assert.match(text(gone.result), /OFFLINE/);
            await plain.fails(
                'get_device_info',
                { device_id: `${prefix}-ghost` },
                /Unknown device .*list_devices/,
            );
            await plain.fails('get_device_info', { device_id: 'bad id!' }, /device_id/);
        });
    });

    describe('sensors', function () {
        it('read_sensor: current value, history, a broken sensor, an offline device', async function () {
            for (const value of [20, 22, 24]) await device(ids.main).publishReading('temperature', value);
            await waitFor('the last reading in the registry', async () => {
                const r = await plain.ok<{ reading: number }>('read_sensor', {
                    device_id: ids.main,
                    sensor: 'temperature',
                });
                return r.data.reading === 24;
            });
            const history = await plain.ok<{
                unit: string;
                history: {
                    stats: { max: number; count: number };
                    points: unknown[];
                    buckets?: { max: number }[];
                };
            }>('read_sensor', {
                device_id: ids.main,
                sensor: 'temperature',
                history_minutes: 10,
                max_points: 2,
            });
            assert.equal(history.data.unit, '°C');
            // The points do not fit a budget of two: at most two buckets, and stats over the whole window.
            assert.equal(history.data.history.points.length, 0);
            assert.ok((history.data.history.buckets?.length ?? 0) <= 2, JSON.stringify(history.data.history));
            assert.equal(Math.max(...(history.data.history.buckets ?? []).map((b) => b.max)), 24);
            assert.equal(history.data.history.stats.max, 24);
            assert.ok(history.data.history.stats.count >= 3, `count ${history.data.history.stats.count}`);
            const broken = await plain.ok<{ reading: null; quality: number }>('read_sensor', {
                device_id: ids.sick,
                sensor: 'humidity',
                history_minutes: 5,
            });
            assert.equal(broken.data.reading, null);
            assert.equal(broken.data.quality, 0);
            const stale = await plain.ok<{ online: boolean }>('read_sensor', {
                device_id: ids.gone,
                sensor: 'light',
            });
            assert.equal(stale.data.online, false);
            assert.match(text(stale.result), /OFFLINE, value may be stale/);
        });

        it('read_sensor: unknown device, unknown sensor, no reading yet, out-of-range arguments', async function () {
            await plain.fails(
                'read_sensor',
                { device_id: `${prefix}-ghost`, sensor: 'temperature' },
                /Unknown device/,
            );
            await plain.fails('read_sensor', { device_id: ids.main, sensor: 'co2' }, /has no sensor 'co2'/);
            await plain.fails(
                'read_sensor',
                { device_id: ids.quiet, sensor: 'temperature' },
                /has not reported a value yet/,
            );
            await plain.fails(
                'read_sensor',
                { device_id: ids.main, sensor: 'temperature', history_minutes: 10081 },
                /history_minutes/,
            );
        });

        it('read_all_sensors: many devices at once, with the reasons of missing values', async function () {
            const all = await plain.ok<{
                readings: { device_id: string; sensor: string }[];
                missing: { device_id: string; sensor: string; reason: string }[];
            }>('read_all_sensors', {
                device_ids: [ids.main, ids.quiet, `${prefix}-ghost`],
                sensors: ['temperature', 'co2'],
            });
            assert.deepEqual(
                all.data.readings.map((r) => `${r.device_id}/${r.sensor}`),
                [`${ids.main}/temperature`],
            );
            const reasons = new Set(all.data.missing.map((m) => m.reason));
            assert.deepEqual([...reasons].sort(), ['no_reading', 'unknown_device', 'unknown_sensor']);
        });

        it('read_device_sensors: every sensor, sensors without a value; unknown device', async function () {
            const own = await plain.ok<{ readings: { sensor: string }[]; sensors_without_value: string[] }>(
                'read_device_sensors',
                { device_id: ids.main },
            );
            assert.equal(own.data.readings.length, 4);
            const quiet = await plain.ok<{ readings: unknown[]; sensors_without_value: string[] }>(
                'read_device_sensors',
                { device_id: ids.quiet },
            );
            assert.equal(quiet.data.readings.length, 0);
            assert.equal(quiet.data.sensors_without_value.length, 4);
            const gone = await plain.ok<{ online: boolean }>('read_device_sensors', { device_id: ids.gone });
            assert.equal(gone.data.online, false);
            await plain.fails('read_device_sensors', { device_id: `${prefix}-ghost` }, /Unknown device/);
        });
    });

    describe('control_actuator', function () {
        const control = (client: ContractClient, args: Record<string, unknown>) =>
            client.call('control_actuator', args);

        it('applied: the acknowledged state', async function () {
            const r = await plain.ok<Outcome>('control_actuator', {
                device_id: ids.main,
                actuator: 'dimmer',
                action: 'set',
                value: 40,
            });
            assert.equal(r.data.outcome, 'applied');
            assert.equal(r.data.state, 40);
            assert.equal(device(ids.main).actuatorState.dimmer, 40);
        });

        it('invalid: out of range, unsupported action, unknown actuator, unknown device; nothing is sent', async function () {
            const before = device(ids.main).counts().commandsReceived;
            const range = await plain.fails<Outcome>(
                'control_actuator',
                { device_id: ids.main, actuator: 'dimmer', action: 'set', value: 150 },
                /OUT_OF_RANGE.*Nothing was sent/s,
            );
            assert.equal(range.data.outcome, 'invalid');
            await plain.fails(
                'control_actuator',
                { device_id: ids.main, actuator: 'mode', action: 'toggle' },
                /Invalid command \(UNSUPPORTED_ACTION\)/,
            );
            await plain.fails(
                'control_actuator',
                { device_id: ids.main, actuator: 'fan', action: 'on' },
                /Invalid command \(UNKNOWN_ACTUATOR\)/,
            );
            await plain.fails(
                'control_actuator',
                { device_id: `${prefix}-ghost`, actuator: 'led', action: 'on' },
                /Unknown device .*Nothing was sent/,
            );
            await plain.fails(
                'control_actuator',
                { device_id: ids.main, actuator: 'led', action: 'on', timeout_s: 31 },
                /timeout_s/,
            );
            assert.equal(device(ids.main).counts().commandsReceived, before);
            assert.equal(device(ids.main).actuatorState.dimmer, 40);
        });

        it('rejected by the device, with its reason', async function () {
            const r = await plain.fails<Outcome>(
                'control_actuator',
                { device_id: ids.stubborn, actuator: 'led', action: 'on' },
                /rejected the command \(JAMMED\): door jammed/,
            );
            assert.equal(r.data.outcome, 'rejected');
            assert.equal(r.data.state, false);
        });

        it('timeout: a silent device and a stuck actuator', async function () {
            const mute = await plain.fails<Outcome>(
                'control_actuator',
                { device_id: ids.mute, actuator: 'led', action: 'on', timeout_s: 1 },
                /may or may not have been applied/,
            );
            assert.equal(mute.data.outcome, 'timeout');
            const stuck = await plain.fails<Outcome>(
                'control_actuator',
                { device_id: ids.stuck, actuator: 'led', action: 'on', timeout_s: 1 },
                /No acknowledgement/,
            );
            assert.equal(stuck.data.outcome, 'timeout');
            assert.equal(device(ids.stuck).actuatorState.led, false);
            assert.equal(device(ids.stuck).counts().commandsReceived, 1);
        });

        it('offline: not sent', async function () {
            const r = await plain.fails<Outcome>(
                'control_actuator',
                { device_id: ids.gone, actuator: 'led', action: 'on' },
                /offline; the command was NOT sent/,
            );
            assert.equal(r.data.outcome, 'offline');
        });

        it('confirmation: accepted → applied; declined and cancelled → not_confirmed, nothing sent', async function () {
            const sim = device(ids.main);
            elicit = () => ({ action: 'accept', content: { confirm: true } });
            const accepted = await asking.ok<Outcome>('control_actuator', {
                device_id: ids.main,
                actuator: 'door',
                action: 'on',
            });
            assert.equal(accepted.data.outcome, 'applied');
            assert.equal(sim.actuatorState.door, true);
            assert.match(elicited.at(-1) ?? '', /Confirm: on on actuator 'door'/);
            const received = sim.counts().commandsReceived;
            // The door declares min_interval_ms 2000: switching it back at once is refused by the registry's
            // loop guard before anybody is asked (the user would confirm a command that cannot go through).
            const askedBefore = elicited.length;
            const tooSoon = await asking.fails<Outcome>(
                'control_actuator',
                { device_id: ids.main, actuator: 'door', action: 'off' },
                /Rate limited: .*NOT applied\. Wait at least/s,
            );
            assert.equal(tooSoon.data.outcome, 'rate_limited');
            assert.equal(elicited.length, askedBefore, 'nobody was asked');
            // Commands that change nothing pass the loop guard and still need the user.
            for (const [answer, code] of [
                [{ action: 'decline' }, 'DECLINED'],
                [{ action: 'cancel' }, 'CANCELLED'],
                [{ action: 'accept', content: { confirm: false } }, 'DECLINED'],
            ] as [ElicitResult, string][]) {
                elicit = () => answer;
                const asked = elicited.length;
                const r = await asking.fails<Outcome>(
                    'control_actuator',
                    { device_id: ids.main, actuator: 'door', action: 'on' },
                    /NOT sent/,
                );
                assert.equal(elicited.length, asked + 1);
                assert.equal(r.data.outcome, 'not_confirmed');
                assert.equal(r.data.code, code);
            }
            assert.equal(sim.counts().commandsReceived, received);
            assert.equal(sim.actuatorState.door, true);
        });

        it('confirmation: a client without elicitation gets a refusal and nothing is sent', async function () {
            const sim = device(ids.main);
            const received = sim.counts().commandsReceived;
            const r = await control(plain, { device_id: ids.main, actuator: 'door', action: 'on' });
            assert.equal(r.isError, true);
            assert.match(text(r), /cannot ask the user.*NOT sent/s);
            assert.equal((r.structuredContent as unknown as Outcome).code, 'CONFIRMATION_UNSUPPORTED');
            assert.equal(sim.counts().commandsReceived, received);
            assert.equal(sim.actuatorState.door, true);
        });
    });

    describe('configure_device', function () {
        it('applied: the configuration the device reports, streaming included', async function () {
            const r = await plain.ok<Outcome>('configure_device', {
                device_id: ids.main,
                publish_interval_ms: 2000,
                streaming: { temperature: { enabled: true, interval_ms: 1000 } },
            });
            assert.equal(r.data.outcome, 'applied');
            assert.equal(r.data.config?.publish_interval_ms, 2000);
            assert.deepEqual(r.data.config?.streaming, { temperature: { enabled: true, interval_ms: 1000 } });
            assert.equal(device(ids.main).config.publish_interval_ms, 2000);
        });

        it('reset_metrics resets the counters the device reports', async function () {
            await plain.ok('configure_device', { device_id: ids.sick, reset_metrics: true });
            await device(ids.sick).publishMetrics();
            await waitFor('the metrics after the reset', async () => {
                const m = await plain.ok<{
                    devices: { device_metrics: { sensor_read_errors?: number } | null }[];
                }>('get_device_metrics', { device_id: ids.sick });
                return m.data.devices[0].device_metrics?.sensor_read_errors === 0;
            });
        });

        it('out of range, offline, timeout, unknown device', async function () {
            await plain.fails(
                'configure_device',
                { device_id: ids.main, publish_interval_ms: 5 },
                /publish_interval_ms/,
            );
            const offline = await plain.fails<Outcome>(
                'configure_device',
                { device_id: ids.gone, publish_interval_ms: 2000 },
                /offline; nothing was sent/,
            );
            assert.equal(offline.data.outcome, 'offline');
            const timeout = await plain.fails<Outcome>(
                'configure_device',
                { device_id: ids.mute, publish_interval_ms: 2000, timeout_s: 1 },
                /No answer from .* within 1000 ms/,
            );
            assert.equal(timeout.data.outcome, 'timeout');
            await plain.fails(
                'configure_device',
                { device_id: `${prefix}-ghost`, publish_interval_ms: 2000 },
                /Unknown device/,
            );
        });
    });

    describe('device_diagnostics', function () {
        it('a healthy device: every check ok', async function () {
            const r = await plain.ok<Outcome>('device_diagnostics', { device_id: ids.main });
            assert.equal(r.data.outcome, 'completed');
            assert.equal(r.data.result?.overall, 'ok');
            assert.deepEqual(
                r.data.result?.checks.map((c) => `${c.name}:${c.status}`),
                ['memory:ok', 'mqtt:ok', 'sensors:ok', 'actuators:ok', 'capabilities:ok'],
            );
        });

        it('a broken sensor: degraded, naming the check', async function () {
            const r = await plain.ok<Outcome>('device_diagnostics', { device_id: ids.sick });
            assert.equal(r.data.result?.overall, 'degraded');
            const sensors = r.data.result?.checks.find((c) => c.name === 'sensors');
            assert.equal(sensors?.status, 'warn');
            assert.match(sensors?.detail ?? '', /1 of 4 sensors without a valid reading \(first: humidity\)/);
            assert.match(text(r.result), /degraded/);
            assert.match(text(r.result), /sensors: warn/);
        });

        it('a stuck actuator: failed; a subset of checks runs only those', async function () {
            const r = await plain.ok<Outcome>('device_diagnostics', { device_id: ids.stuck });
            assert.equal(r.data.result?.overall, 'failed');
            const actuators = r.data.result?.checks.find((c) => c.name === 'actuators');
            assert.equal(actuators?.status, 'fail');
            assert.match(actuators?.detail ?? '', /led: 1 commands ignored/);
            const subset = await plain.ok<Outcome>('device_diagnostics', {
                device_id: ids.stuck,
                checks: ['memory', 'sensors'],
            });
            assert.equal(subset.data.result?.overall, 'ok');
            assert.deepEqual(
                subset.data.result?.checks.map((c) => c.name),
                ['memory', 'sensors'],
            );
        });

        it('reports progress while it waits for a slow device', async function () {
            const sim = device(ids.slow);
            const progress: number[] = [];
            let released: Promise<number> | undefined;
            const r = await plain.ok<Outcome>(
                'device_diagnostics',
                { device_id: ids.slow, timeout_s: 5 },
                {
                    // The device answers only once the client heard of progress made during the wait.
                    onprogress: (p) => {
                        progress.push(p.progress);
                        // Not the notification the tool sends at once: one sent later, during the wait.
                        if (progress.length >= 2 && sim.diagnosticsWaiting > 0)
                            released ??= sim.releaseDiagnostics();
                    },
                },
            );
            assert.equal(await released, 1);
            assert.equal(r.data.outcome, 'completed');
            assert.ok(progress.length >= 2, `progress: ${progress.join(', ')}`);
            for (let i = 1; i < progress.length; i++)
                assert.ok(progress[i] > progress[i - 1], progress.join(', '));
        });

        it('timeout, offline, unknown device', async function () {
            const timeout = await plain.fails<Outcome>(
                'device_diagnostics',
                { device_id: ids.mute, timeout_s: 1 },
                /did not answer the diagnostics request within 1000 ms/,
            );
            assert.equal(timeout.data.outcome, 'timeout');
            const offline = await plain.fails<Outcome>(
                'device_diagnostics',
                { device_id: ids.gone },
                /offline; diagnostics were not requested/,
            );
            assert.equal(offline.data.outcome, 'offline');
            await plain.fails('device_diagnostics', { device_id: `${prefix}-ghost` }, /Unknown device/);
        });
    });

    describe('monitoring', function () {
        it('get_alerts: device errors and registry alerts, filtered', async function () {
            await device(ids.sick).publishError(
                'sensor_failure',
                'humidity sensor not responding',
                2,
                'humidity',
            );
            await waitFor('the device error as an alert', async () => {
                const a = await plain.ok<{ alerts: { error_type: string }[]; count: number }>('get_alerts', {
                    device_id: ids.sick,
                    min_severity: 2,
                });
                return a.data.alerts.some((x) => x.error_type === 'sensor_failure');
            });
            const offline = await plain.ok<{ alerts: { device_id: string; error_type: string }[] }>(
                'get_alerts',
                {
                    device_id: ids.gone,
                    since_minutes: 60,
                },
            );
            assert.ok(
                offline.data.alerts.some((a) => a.error_type === 'device_offline'),
                text(offline.result),
            );
            // An unknown device is an error, not a quiet device.
            await plain.fails('get_alerts', { device_id: `${prefix}-ghost` }, /Unknown device/);
            await plain.fails('get_alerts', { min_severity: 4 }, /min_severity/);
        });

        it('get_system_status: the one-call summary', async function () {
            const s = await plain.ok<{
                devices: { online: number; offline: number };
                mqtt: { connected: boolean };
            }>('get_system_status');
            assert.ok(s.data.devices.online >= Object.keys(ids).length - 1);
            assert.ok(s.data.devices.offline >= 1);
            assert.equal(s.data.mqtt.connected, true);
        });

        it("get_device_metrics: the registry's counters and the device's own; unknown device", async function () {
            const sim = device(ids.stuck);
            await sim.publishMetrics();
            await waitFor('the metrics of the stuck device', async () => {
                const m = await plain.ok<{
                    devices: {
                        counters: { commands_timed_out: number };
                        device_metrics: { commands_received?: number; messages_received?: number } | null;
                    }[];
                }>('get_device_metrics', { device_id: ids.stuck });
                const d = m.data.devices[0];
                return d.counters.commands_timed_out === 1 && d.device_metrics?.commands_received === 1;
            });
            const all = await plain.ok<{ devices: unknown[] }>('get_device_metrics');
            assert.ok(all.data.devices.length >= Object.keys(ids).length);
            await plain.fails('get_device_metrics', { device_id: `${prefix}-ghost` }, /Unknown device/);
        });

        it('get_command_log: the commands this client sent, with its name; bad filters fail', async function () {
            const log = await plain.ok<{
                entries: {
                    device_id: string;
                    outcome: string;
                    origin: { via: string; client?: { name: string } };
                }[];
                total: number;
            }>('get_command_log', { device_id: ids.main, limit: 200 });
            assert.ok(log.data.entries.length > 0);
            for (const e of log.data.entries) {
                assert.equal(e.device_id, ids.main);
                assert.deepEqual([e.origin.via, e.origin.client?.name], ['mcp', 'adapter-test']);
            }
            const applied = await plain.ok<{ entries: { outcome: string }[] }>('get_command_log', {
                device_id: ids.main,
                outcome: 'applied',
            });
            assert.ok(applied.data.entries.every((e) => e.outcome === 'applied'));
            await plain.fails('get_command_log', { outcome: 'exploded' }, /outcome/);
        });
    });

    describe('all tools', function () {
        it('every tool answers an unreachable registry with an isError result', async function () {
            const args: Record<ToolName, Record<string, unknown>> = {
                list_devices: {},
                query_devices: {},
                get_device_info: { device_id: ids.main },
                read_sensor: { device_id: ids.main, sensor: 'temperature' },
                read_all_sensors: {},
                read_device_sensors: { device_id: ids.main },
                control_actuator: { device_id: ids.main, actuator: 'led', action: 'on' },
                configure_device: { device_id: ids.main, publish_interval_ms: 3000 },
                device_diagnostics: { device_id: ids.main },
                get_alerts: {},
                get_system_status: {},
                get_device_metrics: {},
                get_command_log: {},
            };
            await runtime.goAway();
            try {
                for (const name of ALL_TOOLS) {
                    const r = await plain.fails(name, args[name], /Registry unreachable/);
                    assert.equal(r.result.structuredContent, undefined, name);
                }
            } finally {
                await runtime.comeBack();
            }
            await plain.ok('list_devices', { search: prefix });
        });

        it('exercised every tool on a success and an error path, and its checker catches drift', function () {
            assert.deepEqual([...plain.succeeded].sort(), [...ALL_TOOLS]);
            assert.deepEqual([...plain.failed].sort(), [...ALL_TOOLS]);
            assertDriftIsCaught(plain);
            assertDriftIsCaught(asking);
        });
    });

    describe('over stdio', function () {
        let stdio: StdioSession;
        let contract: ContractClient;

        before(async function () {
            stdio = await connectStdio(['--registry-url', runtime.adminUrl, '--verbose']);
            contract = await contractClient(stdio.client);
        });

        after(async function () {
            await stdio?.close();
        });

        it('every tool succeeds with valid structured content', async function () {
            const calls: [ToolName, Record<string, unknown>][] = [
                ['list_devices', { search: prefix }],
                ['query_devices', { sensor_type: 'temperature', limit: 1000 }],
                ['get_device_info', { device_id: ids.main }],
                ['read_sensor', { device_id: ids.main, sensor: 'temperature', history_minutes: 60 }],
                ['read_all_sensors', { device_ids: [ids.main, ids.quiet] }],
                ['read_device_sensors', { device_id: ids.main }],
                ['control_actuator', { device_id: ids.main, actuator: 'led', action: 'toggle' }],
                ['configure_device', { device_id: ids.main, metrics_interval_ms: 30000 }],
                ['device_diagnostics', { device_id: ids.main, timeout_s: 5 }],
                ['get_alerts', { min_severity: 1 }],
                ['get_system_status', {}],
                ['get_device_metrics', { device_id: ids.main }],
                ['get_command_log', { device_id: ids.main, limit: 5 }],
            ];
            for (const [name, args] of calls) await contract.ok(name, args);
            assert.deepEqual([...contract.succeeded].sort(), [...ALL_TOOLS]);
            assertDriftIsCaught(contract);
        });

        it('--verbose logs each registry request to stderr (never to stdout)', async function () {
            await contract.ok('get_device_info', { device_id: ids.main });
            assert.match(stdio.stderr(), /debug: registry GET \/devices\/[^ ]+ → 200 \(\d+ ms\)/);
        });
    });

    describe('read-only mode', function () {
        it('registers no tool that needs the registry write permission', async function () {
            const readOnly = await startAdapter({
                registryUrl: runtime.adminUrl,
                http: true,
                port: 0,
                readOnly: true,
                logger: silentLogger,
            });
            let client: Client | undefined;
            try {
                client = await connectHttp(endpoint(readOnly));
                const contract = await contractClient(client);
                const expected = ALL_TOOLS.filter((t) => !WRITE_TOOLS.includes(t));
                assert.deepEqual([...contract.tools.keys()].sort(), expected);
                for (const tool of contract.tools.values())
                    assert.equal(tool.annotations?.readOnlyHint, true);
                const r = await contract.client.callTool({
                    name: 'device_diagnostics',
                    arguments: { device_id: ids.main },
                });
                assert.equal(r.isError, true);
                assert.match(text(r), /not found/i);
            } finally {
                await client?.close();
                await readOnly.close();
            }
        });
    });
});
