import assert from 'node:assert/strict';
import { DEFAULT_REGISTRY_OPTIONS, DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { restoreSnapshot, snapshotOf } from '../../nodes/lib/registry/registry-snapshot';
import { SWITCH, capabilities, reading, wire } from './support/wire';

const T0 = 1_700_000_000_000;

/** Through JSON, as the snapshot file stores it. */
const roundTrip = (reg: DeviceRegistry): unknown => JSON.parse(JSON.stringify(snapshotOf(reg)));

function populated(): DeviceRegistry {
    const reg = new DeviceRegistry();
    const actuators = { door: { ...SWITCH, requires_confirmation: true }, led: SWITCH };
    reg.ingest(capabilities('d1', { seq: 1, sensors: { t: { unit: '°C' } }, actuators }), false, T0);
    reg.ingest(reading('d1', 't', 21.5, 2), false, T0 + 1);
    reg.ingest(reading('d1', 't', 22, 5), false, T0 + 2);
    reg.ingest(wire('devices/d1/actuators/led/status', { seq: 6, state: true }), false, T0 + 3);
    reg.ingest(wire('devices/d1/config', { seq: 7, config: { publish_interval_ms: 5000 } }), false, T0 + 4);
    reg.ingest(
        wire('devices/d1/error', { seq: 8, error_type: 'e', message: 'm', severity: 2 }),
        false,
        T0 + 5,
    );
    // The device stops declaring the confirmation: the registry remembers it (sticky).
    reg.ingest(
        capabilities('d1', { seq: 9, sensors: { t: {} }, actuators: { door: SWITCH, led: SWITCH } }),
        false,
        T0,
    );
    reg.ingest(reading('d1', 't', 23, 10), false, T0 + 6);
    reg.ingest(reading('d2', 'x', 1, 1), false, T0 + 7);
    return reg;
}

describe('unit: registry snapshot', () => {
    it('round-trips devices, readings, actuators, config, counters, alerts and totals', () => {
        const before = populated();
        before.counters.totals.storage_dropped = 25_656; // reported by the history store
        const after = new DeviceRegistry();
        restoreSnapshot(after, roundTrip(before), T0 + 1000);

        assert.deepEqual([...after.devices.keys()], ['d1', 'd2']);
        const was = before.devices.get('d1');
        const now = after.devices.get('d1');
        assert.ok(was && now);
        const json = (x: unknown): unknown => JSON.parse(JSON.stringify(x));
        assert.deepEqual([...now.readings], json([...was.readings]));
        assert.equal(now.readings.get('t')?.reading, 23);
        assert.deepEqual([...now.actuators], json([...was.actuators]));
        assert.equal(now.actuators.get('led')?.state, true);
        assert.deepEqual(now.config, was.config);
        assert.deepEqual(now.counters, was.counters);
        assert.deepEqual(now.errors, was.errors);
        assert.deepEqual(now.capabilities, was.capabilities);
        assert.equal(now.aliveSince, T0 + 1000, 'a restored device gets a fresh silence window');
        assert.deepEqual(after.alerts.recent(), before.alerts.recent());
        assert.deepEqual(json(after.counters.totals), json(before.counters.totals));
        assert.equal(after.counters.totals.lost, 2);
        assert.equal(after.counters.totals.storage_dropped, 25_656);
    });

    it('keeps a remembered confirmation requirement across a restart', () => {
        const after = new DeviceRegistry();
        restoreSnapshot(after, roundTrip(populated()), T0);
        assert.equal(after.safety.requiresConfirmation('d1', 'door', false), true);
        assert.equal(after.safety.requiresConfirmation('d1', 'led', false), false);
    });

    it('restores the sequence state, so a gap spanning the restart is counted', () => {
        const before = populated();
        const lostBefore = before.devices.get('d1')?.counters.lost ?? 0;
        const after = new DeviceRegistry();
        restoreSnapshot(after, roundTrip(before), T0);
        after.ingest(reading('d1', 't', 24, 14), false, T0 + 2000);
        assert.equal(after.devices.get('d1')?.counters.lost, lostBefore + 3);
        after.ingest(reading('d1', 't', 24, 14), false, T0 + 2001);
        assert.equal(
            after.devices.get('d1')?.counters.duplicates,
            1,
            'the window of seen seqs came back too',
        );
    });

    it('keeps restored devices without capabilities first in line for eviction', () => {
        const after = new DeviceRegistry({ ...DEFAULT_REGISTRY_OPTIONS, maxDevices: 2 });
        restoreSnapshot(after, roundTrip(populated()), T0);
        after.ingest(reading('d3', 'x', 1, 1), false, T0);
        assert.deepEqual([...after.devices.keys()], ['d1', 'd3']);
    });

    it('restores no more devices than the registry keeps', () => {
        const after = new DeviceRegistry({ ...DEFAULT_REGISTRY_OPTIONS, maxDevices: 1 });
        restoreSnapshot(after, roundTrip(populated()), T0);
        assert.deepEqual([...after.devices.keys()], ['d1']);
    });

    it('reads a version 1 snapshot (readings and actuators as objects, no sequence state)', () => {
        const v1 = {
            version: 1,
            devices: [
                {
                    id: 'old',
                    capabilities: null,
                    online: true,
                    lastSeen: T0,
                    aliveSince: T0,
                    readings: { t: { reading: 20, unit: '°C', timestamp: T0 / 1000, receivedAt: T0 } },
                    actuators: { led: { state: false, updatedAt: T0 } },
                    config: null,
                    metrics: null,
                    counters: { messages: 7 },
                    errors: [],
                },
                { notADevice: true },
            ],
            alerts: [
                {
                    device_id: 'old',
                    source: 'device',
                    error_type: 'e',
                    message: 'm',
                    severity: 1,
                    timestamp: 5,
                },
            ],
        };
        const reg = new DeviceRegistry();
        restoreSnapshot(reg, JSON.parse(JSON.stringify(v1)), T0 + 60_000);
        const d = reg.devices.get('old');
        assert.ok(d);
        assert.equal(reg.devices.size, 1);
        assert.equal(d.readings.get('t')?.reading, 20);
        assert.equal(d.actuators.get('led')?.state, false);
        assert.equal(d.counters.messages, 7);
        assert.equal(d.counters.lost, 0, 'counters missing from v1 start at zero');
        assert.equal(d.aliveSince, T0 + 60_000);
        assert.equal(reg.alerts.size, 1);
        reg.ingest(reading('old', 't', 1, 100), false, T0 + 60_001);
        assert.equal(d.counters.lost, 0, 'without saved sequence state nothing can be counted lost');
    });

    it('refuses what is no snapshot', () => {
        assert.throws(
            () => restoreSnapshot(new DeviceRegistry(), { version: 3, devices: [] }, T0),
            /version 3/,
        );
        assert.throws(() => restoreSnapshot(new DeviceRegistry(), null, T0), /unknown snapshot format/);
        assert.throws(
            () => restoreSnapshot(new DeviceRegistry(), { version: 2 }, T0),
            /unknown snapshot format/,
        );
    });
});
