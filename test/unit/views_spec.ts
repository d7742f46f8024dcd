import assert from 'node:assert/strict';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import {
    alertsMatching,
    detailOf,
    matchesFilter,
    metricsOf,
    sensorReadingOf,
    summaryOf,
} from '../../nodes/lib/registry/views';
import type { DeviceRecord } from '../../nodes/lib/registry/types';
import { SWITCH, capabilities, reading, status, wire } from './support/wire';

const T0 = 1_700_000_000_000;
const HOSTILE = ['__proto__', 'constructor', 'toString'];

function recordOf(reg: DeviceRegistry, id: string): DeviceRecord {
    const record = reg.devices.get(id);
    assert.ok(record, id);
    return record;
}

function kitchen(): DeviceRegistry {
    const reg = new DeviceRegistry();
    const extra = { name: 'Kitchen node', location: 'Kitchen', platform: 'esp32', device_type: 'climate' };
    const sensors = { temp: { unit: '°C', device_class: 'temperature' }, hum: { unit: '%' } };
    reg.ingest(capabilities('k1', { seq: 1, sensors, actuators: { led: SWITCH }, extra }), false, T0);
    reg.ingest(reading('k1', 'temp', 21.5, 2, { timestamp: 1_700_000_000 }), false, T0 + 500);
    return reg;
}

describe('unit: registry views', () => {
    describe('summaryOf()', () => {
        it('shows what the capabilities say, presence and last contact', () => {
            const reg = kitchen();
            assert.deepEqual(summaryOf(reg, recordOf(reg, 'k1')), {
                device_id: 'k1',
                name: 'Kitchen node',
                location: 'Kitchen',
                device_type: 'climate',
                firmware_version: '1.0.0',
                platform: 'esp32',
                online: true,
                last_seen_at: new Date(T0 + 500).toISOString(),
                sensors: ['temp', 'hum'],
                actuators: ['led'],
            });
        });

        it('lists the entities seen so far for a device without capabilities', () => {
            const reg = new DeviceRegistry();
            reg.ingest(status('bare', true), true, T0);
            reg.ingest(reading('bare', 'a', 1, 1), true, T0);
            reg.ingest(wire('devices/bare/actuators/relay/status', { seq: 2, state: false }), true, T0);
            const summary = summaryOf(reg, recordOf(reg, 'bare'));
            assert.deepEqual(
                [summary.sensors, summary.actuators, summary.last_seen_at, summary.name],
                [['a'], ['relay'], null, undefined],
            );
        });

        it('says nobody is online while the broker is down, and why a device is offline', () => {
            const reg = kitchen();
            reg.setBrokerState('down', T0);
            assert.deepEqual(
                [
                    summaryOf(reg, recordOf(reg, 'k1')).online,
                    summaryOf(reg, recordOf(reg, 'k1')).offline_reason,
                ],
                [false, 'broker'],
            );
            assert.equal(metricsOf(reg, recordOf(reg, 'k1')).online, false);
            reg.setBrokerState('connected', T0);
            reg.ingest(status('k1', false), false, T0);
            const s = summaryOf(reg, recordOf(reg, 'k1'));
            assert.deepEqual([s.online, s.offline_reason], [false, 'status']);
        });
    });

    describe('detailOf()', () => {
        it('shows readings, actuator states, counters and recent errors', () => {
            const reg = kitchen();
            reg.ingest(
                wire('devices/k1/actuators/led/status', {
                    seq: 3,
                    state: true,
                    command_id: 'c',
                    result: 'applied',
                }),
                false,
                T0 + 600,
            );
            const detail = detailOf(reg, recordOf(reg, 'k1'));
            assert.deepEqual(detail.readings, {
                temp: {
                    reading: 21.5,
                    unit: '°C',
                    timestamp: 1_700_000_000,
                    received_at: new Date(T0 + 500).toISOString(),
                },
            });
            assert.deepEqual(detail.actuator_states, {
                led: {
                    state: true,
                    updated_at: new Date(T0 + 600).toISOString(),
                    last_command: { command_id: 'c', result: 'applied' },
                },
            });
            assert.equal(detail.counters.messages, 3);
        });

        it('turns hostile entity names into own data properties and leaves Object.prototype alone', () => {
            const reg = new DeviceRegistry();
            const sensors = Object.fromEntries(HOSTILE.map((n) => [n, { unit: 'x' }]));
            const actuators = { hasOwnProperty: SWITCH, valueOf: SWITCH };
            reg.ingest(capabilities('declared', { seq: 1, sensors, actuators }), false, T0);
            // And a device that never announced capabilities (the undeclared path).
            reg.ingest(status('bare', true), false, T0);
            for (const id of ['declared', 'bare']) {
                HOSTILE.forEach((name, i) => reg.ingest(reading(id, name, i + 1, i + 2), false, T0));
            }
            reg.ingest(
                wire('devices/declared/actuators/hasOwnProperty/status', { seq: 9, state: true }),
                false,
                T0,
            );
            reg.ingest(wire('devices/bare/actuators/__proto__/status', { seq: 9, state: true }), false, T0);

            const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
            for (const id of ['declared', 'bare']) {
                const detail = detailOf(reg, recordOf(reg, id));
                assert.equal(Object.getPrototypeOf(detail.readings), Object.prototype, id);
                assert.deepEqual(Object.keys(detail.readings).sort(), [...HOSTILE].sort(), id);
                for (const [i, name] of HOSTILE.entries()) {
                    const own = Object.getOwnPropertyDescriptor(detail.readings, name);
                    assert.ok(own && 'value' in own, `${id}: ${name} is an own data property`);
                    assert.equal((own.value as { reading: number }).reading, i + 1, `${id}: ${name}`);
                }
                const json = JSON.parse(JSON.stringify(detail)) as { readings: object };
                assert.deepEqual(Object.keys(json.readings).sort(), [...HOSTILE].sort(), `${id} as JSON`);
            }
            const declared = detailOf(reg, recordOf(reg, 'declared'));
            assert.ok(Object.hasOwn(declared.actuator_states, 'hasOwnProperty'));
            assert.equal(
                typeof Object.prototype.hasOwnProperty.call(declared.actuator_states, 'x'),
                'boolean',
            );
            const bare = detailOf(reg, recordOf(reg, 'bare'));
            assert.ok(Object.hasOwn(bare.actuator_states, '__proto__'));
            assert.equal(Object.getPrototypeOf(bare.actuator_states), Object.prototype);

            assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeBefore);
            assert.equal(typeof ({} as { toString: unknown }).toString, 'function');
            assert.equal(({} as Record<string, unknown>).reading, undefined);
            assert.equal(({} as Record<string, unknown>).state, undefined);
        });

        it('refuses a reading for a hostile name the capabilities do not declare', () => {
            const reg = kitchen();
            for (const name of HOSTILE)
                assert.equal(reg.ingest(reading('k1', name, 1, 5), false, T0), false, name);
            assert.deepEqual(Object.keys(detailOf(reg, recordOf(reg, 'k1')).readings), ['temp']);
        });
    });

    it('sensorReadingOf() gives the age in tenths of a second and presence', () => {
        const reg = kitchen();
        const record = recordOf(reg, 'k1');
        const state = record.readings.get('temp');
        assert.ok(state);
        const view = sensorReadingOf(reg, record, 'temp', state, T0 + 500 + 1234);
        assert.deepEqual([view.age_s, view.online, view.sensor, view.reading], [1.2, true, 'temp', 21.5]);
        assert.equal(sensorReadingOf(reg, record, 'temp', state, T0).age_s, 0, 'never negative');
    });

    describe('matchesFilter()', () => {
        it('filters by presence, entity name or device class, location and text', () => {
            const reg = kitchen();
            reg.ingest(reading('other', 'temp', 1, 1), false, T0);
            reg.ingest(status('other', false), false, T0);
            const k1 = recordOf(reg, 'k1');
            const other = recordOf(reg, 'other');
            const match = (r: DeviceRecord, f: Parameters<typeof matchesFilter>[2]) =>
                matchesFilter(reg, r, f);
            assert.deepEqual([match(k1, { online: true }), match(other, { online: true })], [true, false]);
            assert.equal(match(other, { online: false }), true);
            assert.equal(match(k1, { sensor: 'temperature' }), true, 'by device class');
            assert.equal(match(k1, { sensor: 'hum' }), true);
            assert.equal(match(k1, { sensor: 'pressure' }), false);
            assert.equal(match(k1, { actuator: 'led' }), true);
            assert.equal(match(other, { actuator: 'led' }), false);
            assert.equal(match(k1, { location: 'kitchen' }), true);
            assert.equal(match(other, { location: 'kitchen' }), false);
            assert.equal(match(k1, { q: 'KITCHEN NODE' }), true);
            assert.equal(match(k1, { q: 'k1' }), true);
            assert.equal(match(k1, { q: 'garage' }), false);
            for (const name of HOSTILE) assert.equal(match(k1, { sensor: name }), false, name);
        });
    });

    it('alertsMatching() filters by minimum severity, time and device, newest first, up to a limit', () => {
        const reg = new DeviceRegistry();
        const error = (device: string, type: string, severity: number, ts: number) =>
            reg.ingest(
                wire(`devices/${device}/error`, {
                    seq: ts,
                    timestamp: ts,
                    error_type: type,
                    message: type,
                    severity,
                }),
                false,
                T0,
            );
        error('a', 'low', 0, 100);
        error('a', 'high', 3, 200);
        error('b', 'mid', 2, 300);
        error('b', 'mid2', 2, 400);
        const types = (f: Partial<Parameters<typeof alertsMatching>[1]>) =>
            alertsMatching(reg, { limit: 10, ...f }).map((a) => a.error_type);
        assert.deepEqual(types({}), ['mid2', 'mid', 'high', 'low']);
        assert.deepEqual(types({ severity: 2 }), ['mid2', 'mid', 'high']);
        assert.deepEqual(types({ since: 300 }), ['mid2', 'mid']);
        assert.deepEqual(types({ device: 'a' }), ['high', 'low']);
        assert.deepEqual(types({ limit: 1, device: 'a' }), ['high']);
    });
});
