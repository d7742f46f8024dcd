/**
 * The firmware core end to end: mcpb-device (core + libmosquitto) on the test bed's real
 * Mosquitto. Everything it publishes must pass the protocol's own decode(); commands are
 * answered exactly once; bad input becomes a clear error and loses nothing else.
 */
import assert from 'node:assert/strict';
import {
    parseTopic,
    SequenceTracker,
    validateCommand,
    type CapabilitiesPayload,
    type DecodeResult,
    type MessageKind,
} from '../../protocol/src';
import { sharedServices, startMosquitto, waitFor, type RunningService } from '../support/services';
import { buildDevice, Recorder, startDevice, type DeviceProcess } from './device-harness';

const SERVER_KINDS = new Set<MessageKind>(['actuator_command', 'config_set', 'diagnostics_request']);
let counter = 0;

/** Every message the device sent decodes, and its seq numbers show no loss. */
function assertCleanDeviceTraffic(recorder: Recorder): void {
    const tracker = new SequenceTracker();
    let checked = 0;
    for (const m of recorder.messages) {
        const where = parseTopic(m.topic);
        if (where.ok && SERVER_KINDS.has(where.topic.kind)) continue; // what the tests sent, good or bad
        const d: DecodeResult = m.decoded;
        assert.ok(
            d.ok,
            `device message on ${m.topic} failed to decode: ${d.ok ? '' : d.error.message}\n${m.text}`,
        );
        checked++;
        const seq = (d.message.payload as { seq?: number }).seq;
        const seen = tracker.observe(d.message.deviceId, d.message.kind, seq, m.retained);
        assert.equal(seen.lost, 0, `seq ${seq} on ${m.topic} shows lost messages`);
    }
    assert.ok(checked > 0, 'no device messages recorded');
}

function commandAnswers(recorder: Recorder, id: string): Record<string, unknown>[] {
    return recorder.messages
        .filter((m) => m.topic.includes('/actuators/') && m.topic.endsWith('/status') && m.decoded.ok)
        .map((m) => (m.decoded.ok ? (m.decoded.message.payload as unknown as Record<string, unknown>) : {}))
        .filter((b) => b.command_id === id);
}

describe('firmware: mcpb-device on a real broker', function () {
    this.timeout(20000);
    let mqttUrl: string;
    let id: string;
    let recorder: Recorder;
    let device: DeviceProcess | undefined;
    const retainedTopics = new Set<string>();

    before(function () {
        this.timeout(240000);
        buildDevice();
        mqttUrl = sharedServices().mqttUrl;
    });

    async function launch(args: string[] = [], url = mqttUrl): Promise<void> {
        id = `fw_${process.pid}_${++counter}`;
        recorder = await Recorder.start(url, id);
        device = startDevice(url, id, args);
        await recorder.next('capabilities').catch((e: Error) => {
            throw new Error(`${e.message}\n${device?.output()}`);
        });
        await recorder.next('config');
    }

    afterEach(cleanup);

    /** Stops the device and clears what it left retained on the broker. */
    async function cleanup(): Promise<void> {
        await device?.stop();
        device = undefined;
        for (const m of recorder.messages)
            if (m.retained || m.topic.endsWith('status')) retainedTopics.add(m.topic);
        // Leave no retained device behind for other suites that subscribe to devices/#.
        for (const topic of [...retainedTopics, `devices/${id}/capabilities`, `devices/${id}/config`]) {
            await recorder.client.publishAsync(topic, '', { qos: 1, retain: true });
        }
        retainedTopics.clear();
        await recorder.stop();
    }

    it('announces itself: online, retained capabilities the server can validate commands against, states, config', async () => {
        await launch();
        await recorder.next('status', (b) => b.status === 'online');
        const caps = (await recorder.next('capabilities')) as unknown as CapabilitiesPayload;
        assert.equal(caps.device_id, id);
        assert.equal(caps.protocol, 1);
        assert.deepEqual(caps.sensors, ['temperature', 'humidity', 'motion']);
        assert.deepEqual(caps.actuators, ['led', 'dimmer', 'mode', 'restart', 'door']);
        assert.equal(validateCommand(caps, 'dimmer', { action: 'set', value: 50 }).ok, true);
        const tooBright = validateCommand(caps, 'dimmer', { action: 'set', value: 150 });
        assert.equal(tooBright.ok ? 'ok' : tooBright.error.code, 'OUT_OF_RANGE');
        const door = validateCommand(caps, 'door', { action: 'on' });
        assert.equal(door.ok ? 'ok' : door.error.code, 'CONFIRMATION_REQUIRED');
        for (const actuator of caps.actuators) await recorder.next(`actuators/${actuator}/status`);
        const late = await Recorder.start(mqttUrl, id);
        await late.next('capabilities');
        assert.equal(
            late.on('capabilities')[0].retained,
            true,
            'a later subscriber gets retained capabilities',
        );
        await late.stop();
        const config = await recorder.next('config');
        assert.deepEqual((config.config as { publish_interval_ms: number }).publish_interval_ms, 10000);
        assertCleanDeviceTraffic(recorder);
    });

    it('answers every command exactly once, echoing its id with the acknowledged state', async () => {
        await launch();
        await recorder.publish('actuators/led/cmd', JSON.stringify({ id: 'c-1', action: 'on' }), id);
        await recorder.publish(
            'actuators/dimmer/cmd',
            JSON.stringify({ id: 'c-2', action: 'set', value: 40 }),
            id,
        );
        await recorder.publish(
            'actuators/mode/cmd',
            JSON.stringify({ id: 'c-3', action: 'set', value: 'boost' }),
            id,
        );
        await recorder.publish('actuators/restart/cmd', JSON.stringify({ id: 'c-4', action: 'press' }), id);
        await recorder.publish('actuators/led/cmd', JSON.stringify({ id: 'c-5', action: 'toggle' }), id);
        // The last answer arrives after all earlier ones (one connection, QoS 1, in order).
        await recorder.next('actuators/led/status', (b) => b.command_id === 'c-5');
        const expected: [string, unknown][] = [
            ['c-1', true],
            ['c-2', 40],
            ['c-3', 'boost'],
            ['c-4', null],
            ['c-5', false],
        ];
        for (const [commandId, state] of expected) {
            const answers = commandAnswers(recorder, commandId);
            assert.equal(answers.length, 1, `${commandId} answered ${answers.length} times`);
            assert.equal(answers[0].result, 'applied');
            assert.deepEqual(answers[0].state, state);
        }
        assertCleanDeviceTraffic(recorder);
    });

    it('rejects commands the server should not have sent, with the validation code and the unchanged state', async () => {
        await launch();
        const send = (actuator: string, body: object) =>
            recorder.publish(`actuators/${actuator}/cmd`, JSON.stringify(body), id);
        await send('dimmer', { id: 'r-1', action: 'set', value: 150 });
        await send('dimmer', { id: 'r-2', action: 'set', value: 42.5 });
        await send('mode', { id: 'r-3', action: 'set', value: 'turbo' });
        await send('led', { id: 'r-4', action: 'set', value: true });
        await send('led', { id: 'r-5', action: 'ON' });
        await send('led', { id: 'r-6', action: 'on', device_id: 'somebody_else' });
        await send('restart', { id: 'r-7', action: 'press', value: 1 });
        await recorder.next('actuators/restart/status', (b) => b.command_id === 'r-7');
        const codes = [
            'OUT_OF_RANGE',
            'BAD_VALUE',
            'BAD_VALUE',
            'UNSUPPORTED_ACTION',
            'SCHEMA',
            'ID_MISMATCH',
            'BAD_VALUE',
        ];
        codes.forEach((code, i) => {
            const answers = commandAnswers(recorder, `r-${i + 1}`);
            assert.equal(answers.length, 1, `r-${i + 1} answered ${answers.length} times`);
            assert.equal(answers[0].result, 'rejected');
            assert.equal(answers[0].code, code);
            assert.match(String(answers[0].reason), new RegExp(`^${code}: `));
        });
        assert.equal(commandAnswers(recorder, 'r-1')[0].state, 0);
        assert.equal(commandAnswers(recorder, 'r-6')[0].state, false);
        assertCleanDeviceTraffic(recorder);
    });

    it('reports unreadable messages on /error, and keeps working', async () => {
        await launch();
        await recorder.publish('actuators/led/cmd', '{"id":"x-1","action":', id);
        await recorder.publish('actuators/led/cmd', JSON.stringify({ action: 'on', value: true }), id);
        await recorder.publish('actuators/relay/cmd', JSON.stringify({ id: 'x-2', action: 'on' }), id);
        await recorder.publish('actuators/led/cmd', Buffer.alloc(17000, 0x20), id);
        await recorder.publish('actuators/led/cmd', Buffer.from([0x7b, 0xff, 0x7d]), id);
        await recorder.publish('diagnostics/request', JSON.stringify({ checks: ['memory'] }), id);
        await recorder.next('error', (b) => b.error_type === 'schema' && b.component === undefined);
        const types = recorder.bodies('error').map((b) => b.error_type);
        assert.deepEqual(types, [
            'bad_json',
            'schema',
            'unknown_actuator',
            'too_large',
            'bad_json',
            'schema',
        ]);
        for (const e of recorder.bodies('error')) assert.equal(typeof e.message, 'string');
        assert.match(String(recorder.bodies('error')[2].message), /x-2/);
        // The unknown actuator's command is still answered once, on its status topic, not retained.
        const unknown = commandAnswers(recorder, 'x-2');
        assert.equal(unknown.length, 1, `x-2 answered ${unknown.length} times`);
        assert.equal(unknown[0].result, 'rejected');
        assert.equal(unknown[0].code, 'UNKNOWN_ACTUATOR');
        assert.equal(unknown[0].state, null);
        assert.match(String(unknown[0].reason), /^UNKNOWN_ACTUATOR: .*relay/);
        assert.equal(recorder.on('actuators/relay/status')[0].retained, false);
        const late = await Recorder.start(mqttUrl, id);
        // The broker sends a new subscriber's retained messages before anything published after
        // the subscription, so once our own probe command comes back they have all arrived.
        await late.publish('actuators/led/cmd', JSON.stringify({ id: 'x-probe', action: 'off' }), id);
        await late.next('actuators/led/cmd', (b) => b.id === 'x-probe');
        assert.ok(late.on('capabilities').length > 0, 'retained capabilities arrived first');
        assert.equal(late.on('actuators/relay/status').length, 0, 'no retained phantom actuator state');
        await late.stop();
        await recorder.publish('actuators/led/cmd', JSON.stringify({ id: 'x-3', action: 'on' }), id);
        const answer = await recorder.next('actuators/led/status', (b) => b.command_id === 'x-3');
        assert.equal(answer.result, 'applied');
        assertCleanDeviceTraffic(recorder);
    });

    it('publishes readings as one batch per interval; a NaN reading is null', async () => {
        await launch(['--publish-interval-ms', '200']);
        device?.send('sensor temperature 21.47');
        device?.send('binary motion true');
        const batch = await recorder.next('sensors/batch');
        const readings = batch.readings as { sensor: string; reading: unknown; unit?: string }[];
        assert.deepEqual(
            readings.map((r) => [r.sensor, r.reading, r.unit]),
            [
                ['temperature', 21.5, '°C'],
                ['motion', true, undefined],
            ],
        );
        device?.send('sensor temperature nan');
        const next = await recorder.next('sensors/batch', (b) =>
            (b.readings as { reading: unknown }[]).some((r) => r.reading === null),
        );
        assert.equal((next.readings as { sensor: string }[])[0].sensor, 'temperature');
        assertCleanDeviceTraffic(recorder);
    });

    it('config/set switches a sensor to streaming and answers on /config; unknown sensors are refused whole', async () => {
        await launch(['--publish-interval-ms', '60000']);
        const set = { id: 'cfg-1', streaming: { humidity: { enabled: true, interval_ms: 100 } } };
        await recorder.publish('config/set', JSON.stringify(set), id);
        const applied = await recorder.next('config', (b) => b.command_id === 'cfg-1');
        assert.equal(applied.result, 'applied');
        assert.deepEqual((applied.config as { streaming: unknown }).streaming, {
            humidity: { enabled: true, interval_ms: 100 },
        });
        device?.send('sensor humidity 55.2');
        const data = await recorder.next('sensors/humidity/data');
        assert.deepEqual(data.value, { reading: 55, unit: '%' });

        const bad = { id: 'cfg-2', publish_interval_ms: 1000, streaming: { pressure: { enabled: true } } };
        await recorder.publish('config/set', JSON.stringify(bad), id);
        const refused = await recorder.next('config', (b) => b.command_id === 'cfg-2');
        assert.equal(refused.result, 'rejected');
        assert.match(String(refused.reason), /pressure/);
        assert.equal((refused.config as { publish_interval_ms: number }).publish_interval_ms, 60000);
        assertCleanDeviceTraffic(recorder);
    });

    it('answers a diagnostics request and publishes metrics with its counters', async () => {
        await launch(['--metrics-interval-ms', '1000']);
        await recorder.publish('diagnostics/request', JSON.stringify({ id: 'diag-1' }), id);
        const result = await recorder.next('diagnostics/result', (b) => b.command_id === 'diag-1');
        const checks = result.checks as { name: string; status: string }[];
        assert.deepEqual(
            checks.map((c) => c.name),
            ['memory', 'mqtt', 'sensors', 'actuators', 'capabilities'],
        );
        // No reading has arrived yet (no --auto-ms): the sensors check fails, and says so.
        assert.equal(checks.find((c) => c.name === 'sensors')?.status, 'fail');
        assert.equal(result.overall, 'failed');
        const metrics = await recorder.next('metrics', (b) => Number(b.messages_received) >= 1);
        assert.ok(Number(metrics.messages_sent) >= 8, `messages_sent ${metrics.messages_sent}`);
        assert.equal(metrics.connection_failures, 0);
        assertCleanDeviceTraffic(recorder);
    });

    it('publishes a spontaneous state change, without a command id', async () => {
        await launch();
        device?.send('state led true');
        const status = await recorder.next('actuators/led/status', (b) => b.state === true);
        assert.equal(status.command_id, undefined);
        assertCleanDeviceTraffic(recorder);
    });

    it('a killed device is marked offline by its last will; a stopped one says offline itself', async () => {
        await launch();
        device?.process.kill('SIGKILL');
        await waitFor('last will', async () => recorder.on('status').some((m) => m.text === 'offline'));
        await cleanup();
        await launch();
        await device?.stop();
        await waitFor('shutdown message', async () =>
            recorder.on('status').some((m) => m.text === 'offline'),
        );
    });

    describe('with a broker that restarts', () => {
        let broker: RunningService;
        before(async () => {
            broker = await startMosquitto();
        });
        after(async () => {
            await broker.stop();
        });

        it('reconnects, announces itself again and counts the disconnect', async () => {
            await launch(['--metrics-interval-ms', '1000'], broker.url);
            await broker.stop();
            await recorder.stop().catch(() => undefined);
            broker = await startMosquitto({ port: broker.port });
            recorder = await Recorder.start(broker.url, id);
            const caps = await recorder.next('capabilities', () => true, 10000);
            assert.ok(Number(caps.seq) > 0, 'seq continues after a reconnect');
            await recorder.next('status', (b) => b.status === 'online');
            const metrics = await recorder.next('metrics', () => true, 5000);
            assert.equal(metrics.connection_failures, 1);
            assertCleanDeviceTraffic(recorder);
        });
    });
});
