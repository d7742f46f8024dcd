/**
 * Leases and the device's own loop guard, end to end: mcpb-device (the firmware core on
 * libmosquitto) on a real Mosquitto. A leased command is acknowledged with its end and the
 * device reverts by itself when it ends, also while the broker is gone; a state change sooner
 * than min_interval_ms is refused with RATE_LIMITED and retry_after_ms.
 */
import assert from 'node:assert/strict';
import { decode, encodeCommand, validateCommand, type CapabilitiesPayload } from '../../protocol/src';
import { sharedServices, startMosquitto, waitFor, type RunningService } from '../support/services';
import { buildDevice, Recorder, startDevice, type DeviceProcess } from './device-harness';

let counter = 0;

describe('firmware: leases and the minimum interval on mcpb-device', function () {
    this.timeout(20000);
    let id: string;
    let recorder: Recorder;
    let device: DeviceProcess | undefined;

    before(function () {
        this.timeout(240000);
        buildDevice();
    });

    async function launch(url: string): Promise<CapabilitiesPayload> {
        id = `fwlease_${process.pid}_${++counter}`;
        recorder = await Recorder.start(url, id);
        device = startDevice(url, id);
        const caps = await recorder.next('capabilities').catch((e: Error) => {
            throw new Error(`${e.message}\n${device?.output()}`);
        });
        await recorder.next('config');
        return caps as unknown as CapabilitiesPayload;
    }

    afterEach(async () => {
        await device?.stop();
        device = undefined;
        const topics = new Set(recorder.messages.filter((m) => m.retained).map((m) => m.topic));
        for (const a of ['led', 'dimmer', 'mode', 'restart', 'door'])
            topics.add(`devices/${id}/actuators/${a}/status`);
        for (const t of [
            ...topics,
            `devices/${id}/capabilities`,
            `devices/${id}/config`,
            `devices/${id}/status`,
        ])
            await recorder.client.publishAsync(t, '', { qos: 1, retain: true }).catch(() => undefined);
        await recorder.stop().catch(() => undefined);
    });

    /** Every device message decoded cleanly (the new fields are in the schemas). */
    function assertDecoded(): void {
        for (const m of recorder.on('status').filter((x) => x.topic.includes('/actuators/')))
            assert.ok(m.decoded.ok, `${m.topic}: ${m.decoded.ok ? '' : m.decoded.error.message}\n${m.text}`);
    }

    it('declares leases and the loop guard; validateCommand applies them', async () => {
        const caps = await launch(sharedServices().mqttUrl);
        assert.equal(decode(`devices/${id}/capabilities`, JSON.stringify(caps)).ok, true);
        const meta = caps.metadata as Record<string, Record<string, unknown>>;
        assert.equal(meta.led.max_lease_s, 3600);
        assert.equal(meta.dimmer.safe_state, 0);
        assert.equal(meta.door.min_interval_ms, 2000);
        assert.equal(meta.door.max_reversals, 4);
        const tooLong = validateCommand(caps, 'led', { action: 'on', lease_s: 3601 });
        assert.equal(tooLong.ok ? 'ok' : tooLong.error.code, 'LEASE_TOO_LONG');
        const none = validateCommand(caps, 'mode', { action: 'set', value: 'eco', lease_s: 5 });
        assert.equal(none.ok ? 'ok' : none.error.code, 'LEASE_NOT_SUPPORTED');
    });

    it('lease_s on the LED: applied with its end, then the device reports the old state with no further command', async () => {
        await launch(sharedServices().mqttUrl);
        const sentAt = Date.now();
        await recorder.publish(
            'actuators/led/cmd',
            JSON.stringify(encodeCommand('l-1', 'on', undefined, { lease_s: 0.6 })),
            id,
        );
        const ack = await recorder.next('actuators/led/status', (b) => b.command_id === 'l-1');
        assert.equal(ack.result, 'applied');
        assert.equal(ack.state, true);
        assert.equal(ack.lease_command_id, 'l-1');
        assert.ok(Number(ack.lease_remaining_ms) > 0 && Number(ack.lease_remaining_ms) <= 600);
        assert.equal(ack.lease_reverts_to, false);
        assert.equal(typeof ack.lease_until, 'number'); // the host device has a clock
        const expired = await recorder.next('actuators/led/status', (b) => b.reason === 'lease_expired');
        assert.ok(Date.now() - sentAt >= 550, 'reverted before the lease ended');
        assert.equal(expired.state, false);
        assert.equal(expired.lease_command_id, 'l-1');
        assert.equal(expired.command_id, undefined);
        assertDecoded();
    });

    it('door: a second change within min_interval_ms is RATE_LIMITED with retry_after_ms', async () => {
        await launch(sharedServices().mqttUrl);
        await recorder.publish('actuators/door/cmd', JSON.stringify({ id: 'd-1', action: 'on' }), id);
        assert.equal(
            (await recorder.next('actuators/door/status', (b) => b.command_id === 'd-1')).result,
            'applied',
        );
        // 20 flips in a burst: none of them changes the door again.
        for (let i = 0; i < 20; i++) {
            const action = i % 2 === 0 ? 'off' : 'on';
            await recorder.publish('actuators/door/cmd', JSON.stringify({ id: `d-f${i}`, action }), id);
        }
        await recorder.next('actuators/door/status', (b) => b.command_id === 'd-f19');
        const answers = recorder
            .bodies('actuators/door/status')
            .filter((b) => String(b.command_id).startsWith('d-f'));
        assert.equal(answers.length, 20);
        for (const [i, a] of answers.entries()) {
            assert.equal(a.state, true);
            if (i % 2 === 1) {
                assert.equal(a.result, 'applied'); // "on" changes nothing
                continue;
            }
            assert.equal(a.result, 'rejected');
            assert.equal(a.code, 'RATE_LIMITED');
            assert.ok(
                Number(a.retry_after_ms) > 0 && Number(a.retry_after_ms) <= 2000,
                String(a.retry_after_ms),
            );
        }
        assertDecoded();
    });

    describe('with a broker that goes away', () => {
        let broker: RunningService;
        before(async () => {
            broker = await startMosquitto();
        });
        after(async () => {
            await broker.stop();
        });

        it('reverts the leased dimmer while disconnected and publishes the revert on reconnect', async () => {
            await launch(broker.url);
            await recorder.publish(
                'actuators/dimmer/cmd',
                JSON.stringify(encodeCommand('l-2', 'set', 60, { lease_s: 1 })),
                id,
            );
            const ack = await recorder.next('actuators/dimmer/status', (b) => b.command_id === 'l-2');
            assert.equal(ack.lease_reverts_to, 0); // the declared safe state
            await broker.stop();
            await recorder.stop().catch(() => undefined);
            // The device reverts on its own clock, with nobody to tell.
            await waitFor(
                'the device to end the lease',
                async () => /lease ended/.test(device?.output() ?? ''),
                10000,
            );
            broker = await startMosquitto({ port: broker.port });
            recorder = await Recorder.start(broker.url, id);
            const expired = await recorder.next(
                'actuators/dimmer/status',
                (b) => b.reason === 'lease_expired',
                10000,
            );
            assert.equal(expired.state, 0);
            assert.equal(expired.lease_command_id, 'l-2');
            const snapshot = await recorder.next(
                'actuators/dimmer/status',
                (b) => b.reason === undefined && b.command_id === undefined,
            );
            assert.equal(snapshot.state, 0);
            assert.equal(snapshot.lease_command_id, undefined);
            assertDecoded();
        });
    });
});
