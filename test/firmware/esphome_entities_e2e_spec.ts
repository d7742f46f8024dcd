/**
 * Every new ESPHome entity kind end to end through the real glue: mcpb-esphome-device
 * (components/mcp_bridge/mcp_bridge.cpp linked against the ESPHome 2026.x stand-ins, ESPHome's
 * MQTT client over libmosquitto) on the test bed's Mosquitto, commanded through a real Node-RED
 * registry's HTTP API. A valid command becomes the right ESPHome call, is acknowledged by the
 * device with its id and shows in the registry; an invalid one is refused by the registry with
 * its code before anything is sent: no message on the device's command topic, no call.
 *
 * Refusals come first in each test and a valid command closes it: the commands the registry
 * sent and the calls the entities received since the previous valid command must then be
 * exactly that command's (one connection, QoS 1: an earlier message would have come first).
 */
import assert from 'node:assert/strict';
import { startRegistryRuntime, type RegistryRuntime } from '../mcp-adapter/registry-runtime';
import { sharedServices, waitFor } from '../support/services';
import {
    buildDevice,
    ESPHOME_DEVICE_BINARY,
    Recorder,
    startDevice,
    type DeviceProcess,
} from './device-harness';

/** One line of the device's stdout: the ESPHome call an entity received. */
interface EspCall {
    entity: string;
    call: string;
    value?: unknown;
}

type Command = { action: string; value?: unknown };
type Answer = { status: number; body: Record<string, unknown> };
type DeviceDetail = {
    online: boolean;
    capabilities?: { actuators: string[] };
    actuator_states: Record<string, { state: unknown; last_command?: { command_id: string } }>;
};

describe('firmware: every ESPHome entity kind through the glue, a real broker and the registry', function () {
    this.timeout(20000);
    const id = `esphome_${process.pid}_${Date.now()}`;
    let runtime: RegistryRuntime;
    let recorder: Recorder;
    let device: DeviceProcess;
    let callsSeen = 0;
    let commandsSeen = 0;

    const deviceUrl = () => `${runtime.adminUrl}mcp-bridge/registries/registry/devices/${id}`;

    async function detail(): Promise<DeviceDetail> {
        return (await (await fetch(deviceUrl())).json()) as DeviceDetail;
    }

    before(async function () {
        this.timeout(240000);
        buildDevice(ESPHOME_DEVICE_BINARY);
        const { mqttUrl } = sharedServices();
        runtime = await startRegistryRuntime(mqttUrl);
        recorder = await Recorder.start(mqttUrl, id);
        device = startDevice(mqttUrl, id, [], ESPHOME_DEVICE_BINARY);
        await waitFor(
            'the ESPHome host device online in the registry with its capabilities',
            async () => {
                const res = await fetch(deviceUrl());
                if (res.status !== 200) return false;
                const d = (await res.json()) as DeviceDetail;
                return d.online && (d.capabilities?.actuators.includes('note') ?? false);
            },
            10000,
        ).catch((e: Error) => {
            throw new Error(`${e.message}\n${device.output()}`);
        });
    });

    after(async () => {
        await device?.stop();
        await runtime?.stop();
        if (!recorder) return;
        // Leave no retained device behind for other suites that subscribe to devices/#.
        const retained = new Set(
            recorder.messages.filter((m) => m.retained || m.topic.endsWith('/status')).map((m) => m.topic),
        );
        for (const suffix of ['capabilities', 'status', 'config']) retained.add(`devices/${id}/${suffix}`);
        for (const topic of retained) await recorder.client.publishAsync(topic, '', { qos: 1, retain: true });
        await recorder.stop();
    });

    function calls(): EspCall[] {
        return device
            .stdout()
            .split('\n')
            .filter((line) => line.startsWith('{'))
            .map((line) => JSON.parse(line) as EspCall);
    }

    /** Ids of the commands that reached the broker on the device's command topics, in order. */
    function commandsSent(): string[] {
        return recorder.messages
            .filter((m) => m.topic.endsWith('/cmd'))
            .map((m) => (JSON.parse(m.text) as { id: string }).id);
    }

    async function post(actuator: string, command: Command): Promise<Answer> {
        const res = await fetch(`${deviceUrl()}/actuators/${actuator}/commands`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(command),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    }

    /** What the device did with one command the registry sent: its answer, and its calls. */
    async function deviceHandled(actuator: string, commandId: string, callCount: number) {
        const ack = await recorder.next(`actuators/${actuator}/status`, (b) => b.command_id === commandId);
        await waitFor(
            `${callCount} ESPHome call(s) for ${commandId}`,
            async () => calls().length >= callsSeen + callCount,
            5000,
        );
        const made = calls().slice(callsSeen);
        const sent = commandsSent().slice(commandsSeen);
        callsSeen += made.length;
        commandsSeen += sent.length;
        assert.deepEqual(sent, [commandId], 'only this command reached the device since the last one');
        return { ack, made };
    }

    /** Sent, applied by exactly `expected` ESPHome calls, acknowledged with its id, shown by the registry. */
    async function expectApplied(
        actuator: string,
        command: Command,
        expected: EspCall[],
        state: unknown,
    ): Promise<Record<string, unknown>> {
        const { status, body } = await post(actuator, command);
        assert.equal(status, 200, `${actuator} ${JSON.stringify(command)}: ${JSON.stringify(body)}`);
        assert.equal(body.outcome, 'applied');
        assert.deepEqual(body.state, state);
        const commandId = body.command_id as string;
        const { ack, made } = await deviceHandled(actuator, commandId, expected.length);
        assert.equal(ack.result, 'applied');
        assert.deepEqual(ack.state, state);
        assert.deepEqual(made, expected, `${actuator} ${JSON.stringify(command)}: the ESPHome calls`);
        const shown = (await detail()).actuator_states[actuator];
        assert.deepEqual(shown.state, state);
        assert.equal(shown.last_command?.command_id, commandId);
        return ack;
    }

    /** Refused by the registry with `code`; checked as not sent by the next expectApplied. */
    async function expectRefused(actuator: string, command: Command, code: string): Promise<void> {
        const { status, body } = await post(actuator, command);
        assert.equal(status, 422, `${actuator} ${JSON.stringify(command)}: ${JSON.stringify(body)}`);
        assert.equal(body.outcome, 'invalid');
        assert.equal(body.code, code, JSON.stringify(body));
        assert.match(body.message as string, new RegExp(`^${code}`));
    }

    const call = (entity: string, name: string, value?: unknown): EspCall =>
        value === undefined ? { entity, call: name } : { entity, call: name, value };

    it('climate: mode (with its action), target temperature, two-point targets, fan mode, preset', async () => {
        const room = (name: string, value: unknown) => [call('Living Room', `climate.set_${name}`, value)];
        await expectRefused('living_room', { action: 'set', value: 'dry' }, 'BAD_VALUE');
        await expectRefused('living_room_target_temperature', { action: 'set', value: 35 }, 'OUT_OF_RANGE');
        await expectRefused('living_room_target_temperature', { action: 'set', value: 21.3 }, 'BAD_VALUE');
        await expectRefused('living_room_fan_mode', { action: 'set', value: 'turbo' }, 'BAD_VALUE');
        await expectRefused('living_room_preset', { action: 'set', value: 'party' }, 'BAD_VALUE');
        await expectRefused('heat_pump_target_temperature_low', { action: 'set', value: 5 }, 'OUT_OF_RANGE');
        await expectRefused(
            'heat_pump_target_temperature_high',
            { action: 'set', value: 24.25 },
            'BAD_VALUE',
        );
        await expectRefused('living_room', { action: 'on' }, 'UNSUPPORTED_ACTION');
        for (const [mode, action] of [
            ['heat', 'heating'],
            ['cool', 'cooling'],
        ]) {
            const esphomeMode = `CLIMATE_MODE_${mode.toUpperCase()}`;
            const set = { action: 'set', value: mode };
            const ack = await expectApplied('living_room', set, room('mode', esphomeMode), mode);
            assert.equal(
                (ack.attributes as { action: string }).action,
                action,
                'the climate action attribute',
            );
        }
        await expectApplied(
            'living_room_target_temperature',
            { action: 'set', value: 21.5 },
            room('target_temperature', 21.5),
            21.5,
        );
        await expectApplied(
            'living_room_fan_mode',
            { action: 'set', value: 'high' },
            room('fan_mode', 'CLIMATE_FAN_HIGH'),
            'high',
        );
        await expectApplied(
            'living_room_preset',
            { action: 'set', value: 'eco' },
            room('preset', 'CLIMATE_PRESET_ECO'),
            'eco',
        );
        await expectApplied(
            'heat_pump_target_temperature_low',
            { action: 'set', value: 18.2 },
            [call('Heat Pump', 'climate.set_target_temperature_low', 18.2)],
            18.2,
        );
        await expectApplied(
            'heat_pump_target_temperature_high',
            { action: 'set', value: 24.5 },
            [call('Heat Pump', 'climate.set_target_temperature_high', 24.5)],
            24.5,
        );
    });

    it('cover: open, position, stop, tilt, close', async () => {
        const door = (name: string, value?: unknown) => [call('Garage Door', `cover.${name}`, value)];
        await expectRefused('garage_door', { action: 'set', value: 140 }, 'OUT_OF_RANGE');
        await expectRefused('garage_door', { action: 'toggle' }, 'UNSUPPORTED_ACTION');
        await expectRefused('garage_door', { action: 'set' }, 'MISSING_VALUE');
        await expectRefused('garage_door_tilt', { action: 'set', value: -5 }, 'OUT_OF_RANGE');
        await expectApplied('garage_door', { action: 'open' }, door('set_position', 1), 100);
        await expectApplied('garage_door', { action: 'set', value: 40 }, door('set_position', 0.4), 40);
        await expectApplied('garage_door', { action: 'stop' }, door('set_command_stop'), 40);
        await expectApplied('garage_door_tilt', { action: 'set', value: 25 }, door('set_tilt', 0.25), 25);
        await expectApplied('garage_door', { action: 'close' }, door('set_position', 0), 0);
    });

    it('fan: speed (on), oscillation, direction, off', async () => {
        const fan = (name: string, value: unknown) => call('Ceiling Fan', `fan.${name}`, value);
        await expectRefused('ceiling_fan', { action: 'set', value: 4 }, 'OUT_OF_RANGE');
        await expectRefused('ceiling_fan', { action: 'set', value: 1.5 }, 'BAD_VALUE');
        await expectRefused('ceiling_fan_direction', { action: 'set', value: 'sideways' }, 'BAD_VALUE');
        await expectRefused('ceiling_fan_oscillation', { action: 'set', value: true }, 'UNSUPPORTED_ACTION');
        await expectRefused('ceiling_fan_oscillation', { action: 'on', value: 'yes' }, 'BAD_VALUE');
        await expectApplied(
            'ceiling_fan',
            { action: 'set', value: 2 },
            [fan('set_state', true), fan('set_speed', 2)],
            2,
        );
        await expectApplied(
            'ceiling_fan_oscillation',
            { action: 'on' },
            [fan('set_oscillating', true)],
            true,
        );
        await expectApplied(
            'ceiling_fan_direction',
            { action: 'set', value: 'reverse' },
            [fan('set_direction', 'FanDirection::REVERSE')],
            'reverse',
        );
        await expectApplied('ceiling_fan', { action: 'off' }, [fan('set_state', false)], 0);
    });

    it('lock: lock, unlock, open; open refused on a lock whose traits do not support it', async () => {
        await expectRefused('back_door', { action: 'open' }, 'UNSUPPORTED_ACTION');
        await expectRefused('front_door', { action: 'set', value: 'locked' }, 'UNSUPPORTED_ACTION');
        await expectApplied(
            'front_door',
            { action: 'lock' },
            [call('Front Door', 'lock.set_state', 'LOCK_STATE_LOCKED')],
            'locked',
        );
        await expectApplied(
            'front_door',
            { action: 'unlock' },
            [call('Front Door', 'lock.set_state', 'LOCK_STATE_UNLOCKED')],
            'unlocked',
        );
        await expectApplied('front_door', { action: 'open' }, [call('Front Door', 'lock.open')], 'unlocked');
        await expectApplied(
            'back_door',
            { action: 'lock' },
            [call('Back Door', 'lock.set_state', 'LOCK_STATE_LOCKED')],
            'locked',
        );
    });

    it('valve: open, position, close; stop refused on a valve without it', async () => {
        const valve = (value: number) => [call('Irrigation', 'valve.set_position', value)];
        await expectRefused('irrigation', { action: 'stop' }, 'UNSUPPORTED_ACTION');
        await expectRefused('irrigation', { action: 'set', value: 101 }, 'OUT_OF_RANGE');
        await expectApplied('irrigation', { action: 'open' }, valve(1), 100);
        await expectApplied('irrigation', { action: 'set', value: 30 }, valve(0.3), 30);
        await expectApplied('irrigation', { action: 'close' }, valve(0), 0);
    });

    it('text sensor and event states reach the registry as string readings; date, time and datetime as actuator states', async () => {
        const expected = { wifi_ssid: 'Home "5G" ✓', doorbell: 'double_press' };
        type Readings = { readings?: Record<string, { reading: unknown }> };
        let readings: Readings['readings'] = {};
        await waitFor('the string readings in the registry', async () => {
            readings = ((await (await fetch(deviceUrl())).json()) as Readings).readings ?? {};
            return Object.keys(expected).every((s) => readings?.[s] !== undefined);
        });
        for (const [sensor, text] of Object.entries(expected))
            assert.equal(readings[sensor].reading, text, sensor);
        // The states mcpb-esphome-device gives them at boot (restored from flash, on a real device).
        const states = (await detail()).actuator_states;
        assert.equal(states.holiday?.state, '2026-12-24');
        assert.equal(states.wake_up?.state, '06:05:00');
        assert.equal(states.next_service?.state, '2027-03-01T14:30:09');
        const caps = ((await (await fetch(deviceUrl())).json()) as { capabilities: { metadata: object } })
            .capabilities.metadata as Record<
            string,
            { value_type?: string; options?: string[]; format?: string; supported_actions?: string[] }
        >;
        assert.deepEqual(caps.doorbell.options, ['single_press', 'double_press']);
        assert.equal(caps.wifi_ssid.value_type, 'string');
        assert.equal(caps.holiday.format, 'date');
        assert.equal(caps.wake_up.format, 'time');
        assert.equal(caps.next_service.format, 'date-time');
        assert.deepEqual(caps.next_service.supported_actions, ['set']);
    });

    it('date, time and datetime: set_date/set_time/set_datetime; a value not in the format refused by the registry', async () => {
        await expectRefused('holiday', { action: 'set', value: '2026-13-40' }, 'BAD_VALUE');
        await expectRefused('holiday', { action: 'set', value: 'tomorrow' }, 'BAD_VALUE');
        await expectRefused('wake_up', { action: 'set', value: '25:00' }, 'BAD_VALUE');
        await expectRefused('next_service', { action: 'set', value: '2027-02-30T08:00:00' }, 'BAD_VALUE');
        const refused = await post('next_service', { action: 'set', value: '2027-03-01 14:30' });
        assert.match(refused.body.message as string, /YYYY-MM-DDTHH:MM:SS/);
        await expectApplied(
            'holiday',
            { action: 'set', value: '2027-01-06' },
            [call('Holiday', 'date.set_date', '2027-01-06')],
            '2027-01-06',
        );
        await expectApplied(
            'wake_up',
            { action: 'set', value: '07:45:30' },
            [call('Wake Up', 'time.set_time', '07:45:30')],
            '07:45:30',
        );
        await expectApplied(
            'next_service',
            { action: 'set', value: '2028-02-29T09:00:00' },
            [call('Next Service', 'datetime.set_datetime', '2028-02-29T09:00:00')],
            '2028-02-29T09:00:00',
        );
    });

    it('text: set_value; longer than max_length refused by the registry, shorter than min_length by the device', async () => {
        await expectRefused('note', { action: 'set', value: 'this is far too long for it' }, 'OUT_OF_RANGE');
        await expectRefused('note', { action: 'set', value: 42 }, 'BAD_VALUE');
        // min_length is not in the protocol: the registry sends it, the glue refuses it uncalled.
        const short = await post('note', { action: 'set', value: 'x' });
        assert.equal(short.body.outcome, 'rejected', JSON.stringify(short.body));
        assert.equal(short.body.code, 'APPLY_FAILED');
        const { ack, made } = await deviceHandled('note', short.body.command_id as string, 0);
        assert.equal(ack.result, 'rejected');
        assert.deepEqual(made, [], 'the text entity was not called');
        await expectApplied(
            'note',
            { action: 'set', value: 'buy milk' },
            [call('Note', 'text.set_value', 'buy milk')],
            'buy milk',
        );
    });
});
