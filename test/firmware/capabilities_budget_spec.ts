/**
 * The capabilities of the 32-entity reference device (firmware-esphome-component/host/sim/
 * reference_device.cpp), as the C++ core writes them: under ESPHome's 4 KB ESP32 MQTT buffer,
 * and accepted by the protocol's own decode() both as printed and as retained on a real broker.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
    decode,
    mergeCapabilitiesParts,
    validateCommand,
    type CapabilitiesPayload,
} from '../../protocol/src';
import { sharedServices } from '../support/services';
import { buildDevice, DEVICE_BINARY, Recorder, startDevice, type DeviceProcess } from './device-harness';

/** ESPHome's MQTT_BUFFER_SIZE on ESP32; the whole PUBLISH packet must fit. */
const ESP32_MQTT_BUFFER = 4096;

function decodeCapabilities(deviceId: string, bytes: Buffer): CapabilitiesPayload {
    const result = decode(`devices/${deviceId}/capabilities`, bytes);
    assert.ok(result.ok, `capabilities failed to decode: ${result.ok ? '' : result.error.message}`);
    assert.equal(result.message.kind, 'capabilities');
    return result.message.payload as CapabilitiesPayload;
}

describe('firmware: capabilities of the 32-entity reference device', function () {
    this.timeout(20000);

    before(function () {
        this.timeout(240000);
        buildDevice();
    });

    it('fit the ESP32 MQTT buffer and decode with the protocol decoder', () => {
        const id = 'livingroom-controller-01';
        const printed = execFileSync(
            DEVICE_BINARY,
            ['--id', id, '--profile', 'reference32', '--print-capabilities'],
            { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } },
        );
        const topic = `devices/${id}/capabilities`;
        const packetBytes = 1 + 2 + 2 + Buffer.byteLength(topic) + 2 + printed.length; // header, length, topic, packet id
        assert.ok(packetBytes <= ESP32_MQTT_BUFFER, `capabilities packet is ${packetBytes} bytes`);
        const caps = decodeCapabilities(id, printed);
        assert.equal(caps.sensors.length + caps.actuators.length, 32);
        assert.equal(Object.keys(caps.metadata).length, 32);
        // Enough metadata for the server to validate commands against.
        const ok = validateCommand(caps, 'target_temperature', { action: 'set', value: 21.5 });
        assert.equal(ok.ok, true);
        const offStep = validateCommand(caps, 'target_temperature', { action: 'set', value: 21.3 });
        assert.equal(offStep.ok ? 'ok' : offStep.error.code, 'BAD_VALUE');
        const badMode = validateCommand(caps, 'mode', { action: 'set', value: 'turbo' });
        assert.equal(badMode.ok ? 'ok' : badMode.error.code, 'BAD_VALUE');
        const lock = validateCommand(caps, 'door_lock', { action: 'on' });
        assert.equal(lock.ok ? 'ok' : lock.error.code, 'CONFIRMATION_REQUIRED');
        const press = validateCommand(caps, 'restart', { action: 'press' });
        assert.equal(press.ok, true);
    });

    it('a 64-entity device with 32-character ids announces every entity in parts under 4 KB', () => {
        const id = 'livingroom-controller-01';
        const printed = execFileSync(
            DEVICE_BINARY,
            ['--id', id, '--profile', 'large64', '--print-capabilities'],
            { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } },
        );
        const lines = printed.toString('utf8').trimEnd().split('\n');
        assert.ok(lines.length >= 2, `${lines.length} part(s)`);
        const topic = `devices/${id}/capabilities`;
        const parts = lines.map((line) => {
            const bytes = Buffer.from(line);
            const packetBytes = 1 + 2 + 2 + Buffer.byteLength(topic) + 2 + bytes.length;
            assert.ok(packetBytes <= ESP32_MQTT_BUFFER, `a capabilities part is ${packetBytes} bytes`);
            return decodeCapabilities(id, bytes);
        });
        const merged = mergeCapabilitiesParts(parts);
        assert.ok(merged.ok, merged.ok ? '' : merged.reason);
        if (!merged.ok) return;
        assert.equal(merged.capabilities.sensors.length + merged.capabilities.actuators.length, 64);
        for (const key of [...merged.capabilities.sensors, ...merged.capabilities.actuators])
            assert.equal(key.length, 32);
        const climate = merged.capabilities.actuators.find((a) =>
            a.startsWith('actuator_heating_valve_room_0_'),
        );
        assert.ok(climate !== undefined);
        const set = validateCommand(merged.capabilities, climate, { action: 'set', value: 21.5 });
        assert.equal(set.ok, true);
        const tooHot = validateCommand(merged.capabilities, climate, { action: 'set', value: 40 });
        assert.equal(tooHot.ok ? 'ok' : tooHot.error.code, 'OUT_OF_RANGE');
    });

    it('are retained on a real broker and the reference device applies commands', async () => {
        const id = `fw32_${process.pid}`;
        const mqttUrl = sharedServices().mqttUrl;
        const recorder = await Recorder.start(mqttUrl, id);
        let device: DeviceProcess | undefined;
        try {
            device = startDevice(mqttUrl, id, ['--profile', 'reference32']);
            await recorder.next('capabilities');
            const retained = recorder.on('capabilities')[0];
            const caps = decodeCapabilities(id, Buffer.from(retained.text));
            assert.equal(caps.actuators.length, 16);
            await recorder.publish(
                'actuators/ceiling_light/cmd',
                JSON.stringify({ id: 'ref-1', action: 'set', value: 30 }),
                id,
            );
            const answer = await recorder.next(
                'actuators/ceiling_light/status',
                (b) => b.command_id === 'ref-1',
            );
            assert.equal(answer.result, 'applied');
            assert.equal(answer.state, 30);
        } finally {
            await device?.stop();
            // Leave nothing retained for suites that subscribe to devices/#.
            const topics = new Set([`devices/${id}/capabilities`, `devices/${id}/config`]);
            for (const m of recorder.messages)
                if (m.retained || m.topic.endsWith('/status')) topics.add(m.topic);
            for (const topic of topics)
                await recorder.client.publishAsync(topic, '', { qos: 1, retain: true });
            await recorder.stop();
        }
    });
});
