/**
 * The TypeScript simulator (what `npm start` runs) speaks leases and the loop guard like the
 * firmware: the LED reverts on its own when its lease ends, the door refuses a second move
 * within its min_interval_ms.
 */
import assert from 'node:assert/strict';
import { decode, encodeCommand, topics, type ActuatorStatusPayload } from '../../protocol/src';
import { DeviceConnection, SimulatedDevice } from '../../simulator';
import { Recorder } from '../firmware/device-harness';
import { sharedServices } from '../support/services';

describe('simulator: leases and the minimum interval', function () {
    this.timeout(15000);
    let recorder: Recorder;
    let connection: DeviceConnection;
    let device: SimulatedDevice;
    let id: string;
    let n = 0;

    beforeEach(async () => {
        id = `simlease_${process.pid}_${++n}`;
        recorder = await Recorder.start(sharedServices().mqttUrl, id);
        connection = await DeviceConnection.open(sharedServices().mqttUrl, `${id}-c`, id);
        device = new SimulatedDevice(connection, { id, publishIntervalMs: 0 });
        await device.start();
    });

    afterEach(async () => {
        await device.stop();
        await device.clearRetained();
        await connection.close();
        await recorder.stop();
    });

    const send = (actuator: string, body: object) =>
        recorder.client.publishAsync(topics.actuatorCommand(id, actuator), JSON.stringify(body), { qos: 1 });

    it('lease_s on the LED: applied with a lease end, then the old state again with no further command', async () => {
        await send('led', encodeCommand('s-1', 'on', undefined, { lease_s: 0.4 }));
        const ack = await recorder.next('actuators/led/status', (b) => b.command_id === 's-1');
        assert.equal(ack.result, 'applied');
        assert.equal(ack.state, true);
        assert.equal(ack.lease_command_id, 's-1');
        assert.ok(Number(ack.lease_remaining_ms) > 0 && Number(ack.lease_remaining_ms) <= 400);
        assert.equal(ack.lease_reverts_to, false);
        assert.ok(device.leaseOf('led'));
        const expired = await recorder.next('actuators/led/status', (b) => b.reason === 'lease_expired');
        assert.equal(expired.state, false);
        assert.equal(expired.lease_command_id, 's-1');
        assert.equal(expired.command_id, undefined);
        assert.equal(device.actuatorState.led, false);
        for (const m of recorder.on('status').filter((x) => x.topic.includes('/actuators/')))
            assert.ok(m.decoded.ok, m.text);
    });

    it('a plain command cancels the lease; a lease where none is declared is refused', async () => {
        await send('led', encodeCommand('s-2', 'on', undefined, { lease_s: 0.3 }));
        await recorder.next('actuators/led/status', (b) => b.command_id === 's-2');
        await send('led', encodeCommand('s-3', 'on'));
        const plain = await recorder.next('actuators/led/status', (b) => b.command_id === 's-3');
        assert.equal(plain.lease_command_id, undefined);
        assert.equal(device.leaseOf('led'), undefined);
        await send('mode', encodeCommand('s-4', 'set', 'boost', { lease_s: 5 }));
        const refused = await recorder.next('actuators/mode/status', (b) => b.command_id === 's-4');
        assert.equal(refused.code, 'LEASE_NOT_SUPPORTED');
        await send('led', encodeCommand('s-5', 'on', undefined, { lease_s: 7200 }));
        const tooLong = await recorder.next('actuators/led/status', (b) => b.command_id === 's-5');
        assert.equal(tooLong.code, 'LEASE_TOO_LONG');
        assert.equal(
            recorder.bodies('actuators/led/status').filter((b) => b.reason === 'lease_expired').length,
            0,
        );
    });

    it('the door refuses a second move within min_interval_ms: RATE_LIMITED with retry_after_ms', async () => {
        await send('door', { id: 's-6', action: 'on' });
        assert.equal(
            (await recorder.next('actuators/door/status', (b) => b.command_id === 's-6')).result,
            'applied',
        );
        await send('door', { id: 's-7', action: 'off' });
        const limited = await recorder.next('actuators/door/status', (b) => b.command_id === 's-7');
        assert.equal(limited.code, 'RATE_LIMITED');
        assert.ok(Number(limited.retry_after_ms) > 0 && Number(limited.retry_after_ms) <= 2000);
        assert.equal(limited.state, true);
        const raw = recorder.on('actuators/door/status').find((m) => m.text.includes('"s-7"'));
        const decoded = decode(raw?.topic ?? '', raw?.text ?? '');
        assert.ok(decoded.ok && (decoded.message.payload as ActuatorStatusPayload).retry_after_ms);
        await send('door', { id: 's-8', action: 'on' }); // no change: not refused
        assert.equal(
            (await recorder.next('actuators/door/status', (b) => b.command_id === 's-8')).result,
            'applied',
        );
    });
});
