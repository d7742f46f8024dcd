import assert from 'node:assert/strict';
import { decode, type DeviceChange, type DeviceMessage, type TopicMemo } from '@mcp-mqtt-bridge/protocol';
import {
    DEFAULT_REGISTRY_OPTIONS,
    DeviceRegistry,
    REGISTRY_ALERT_ID,
    type RegistryOptions,
} from '../../nodes/lib/registry/device-registry';
import { PART_TIMEOUT_MS } from '../../nodes/lib/registry/capabilities-assembler';
import { SWITCH, capabilities, capsPayload, reading, status, wire } from './support/wire';

const T0 = 1_700_000_000_000;

function registry(options: Partial<RegistryOptions> = {}): DeviceRegistry {
    return new DeviceRegistry({ ...DEFAULT_REGISTRY_OPTIONS, ...options });
}

function changes(reg: DeviceRegistry): [string, DeviceChange][] {
    const seen: [string, DeviceChange][] = [];
    reg.on('change', (id: string, change: DeviceChange) => seen.push([id, change]));
    return seen;
}

function alertTypes(reg: DeviceRegistry, deviceId?: string): string[] {
    return reg.alerts
        .recent()
        .filter((a) => deviceId === undefined || a.device_id === deviceId)
        .map((a) => a.error_type);
}

describe('unit: DeviceRegistry', () => {
    describe('ingest', () => {
        it('creates a device on its first message and records capabilities, online and lastSeen', () => {
            const reg = registry();
            const events = changes(reg);
            assert.equal(reg.ingest(capabilities('d1', { sensors: { t: { unit: '°C' } } }), false, T0), true);
            const d = reg.devices.get('d1');
            assert.ok(d);
            assert.deepEqual(d.capabilities?.sensors, ['t']);
            assert.equal(d.online, true);
            assert.equal(d.lastSeen, T0);
            assert.equal(d.counters.messages, 1);
            assert.equal(reg.counters.totals.messages, 1);
            assert.deepEqual(events, [
                ['d1', 'added'],
                ['d1', 'online'],
                ['d1', 'capabilities'],
            ]);
        });

        it('stores a reading with the unit its capabilities declare, and in the history', async () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: { unit: '°C' } } }), false, T0);
            reg.ingest(reading('d1', 't', 21.5, 2, { timestamp: 1_700_000_001 }), false, T0 + 1500);
            const state = reg.devices.get('d1')?.readings.get('t');
            assert.deepEqual(state, {
                reading: 21.5,
                unit: '°C',
                quality: undefined,
                timestamp: 1_700_000_001,
                receivedAt: T0 + 1500,
            });
            const points = await reg.history.query({ deviceId: 'd1', sensor: 't', sinceMs: 0, limit: 10 });
            assert.deepEqual(points, [{ time: 1_700_000_001_000, reading: 21.5 }]);
        });

        it('keeps string readings of string sensors (current value and history)', async () => {
            const reg = registry();
            reg.ingest(
                capabilities('d1', {
                    seq: 1,
                    sensors: { ssid: { value_type: 'string', kind: 'text_sensor' }, t: { unit: '°C' } },
                }),
                false,
                T0,
            );
            reg.ingest(reading('d1', 'ssid', 'Home "5G"', 2), false, T0 + 1000);
            reg.ingest(
                wire('devices/d1/sensors/batch', {
                    seq: 3,
                    readings: [
                        { sensor: 'ssid', reading: 'Office' },
                        { sensor: 't', reading: 20.5 },
                    ],
                }),
                false,
                T0 + 2000,
            );
            assert.equal(reg.devices.get('d1')?.readings.get('ssid')?.reading, 'Office');
            assert.equal(reg.devices.get('d1')?.readings.get('t')?.reading, 20.5);
            const points = await reg.history.query({ deviceId: 'd1', sensor: 'ssid', sinceMs: 0, limit: 10 });
            assert.deepEqual(
                points.map((p) => p.reading),
                ['Home "5G"', 'Office'],
            );
        });

        it('refuses a reading of the wrong type for its declared sensor: counted, alerted, not stored', async () => {
            const reg = registry();
            reg.ingest(
                capabilities('d1', {
                    seq: 1,
                    sensors: {
                        t: { unit: '°C' },
                        ssid: { value_type: 'string' },
                        button: { value_type: 'string', options: ['press'] },
                    },
                }),
                false,
                T0,
            );
            assert.equal(reg.ingest(reading('d1', 't', '21.5', 2), false, T0 + 1000), true);
            reg.ingest(reading('d1', 'ssid', 42, 3), false, T0 + 1000);
            reg.ingest(
                wire('devices/d1/sensors/batch', {
                    seq: 4,
                    readings: [
                        { sensor: 'button', reading: 'hold' },
                        { sensor: 't', reading: 'warm' },
                        { sensor: 'button', reading: 'press' },
                    ],
                }),
                false,
                T0 + 2000,
            );
            const d = reg.devices.get('d1');
            assert.equal(d?.readings.has('t'), false);
            assert.equal(d?.readings.has('ssid'), false);
            assert.equal(d?.readings.get('button')?.reading, 'press');
            assert.equal(reg.counters.totals.refused.reading_type, 4);
            assert.equal(d?.counters.decode_errors, 4);
            assert.ok(alertTypes(reg, 'd1').includes('reading_type'));
            const stored = await reg.history.query({ deviceId: 'd1', sensor: 't', sinceMs: 0, limit: 10 });
            assert.deepEqual(stored, []);
        });

        it('checks number readings again once new capabilities declare their sensor a string sensor', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: { unit: '°C' } } }), false, T0);
            reg.ingest(reading('d1', 't', 20, 2), false, T0 + 1000);
            reg.ingest(reading('d1', 't', 21, 3), false, T0 + 2000);
            const state = reg.devices.get('d1')?.readings.get('t');
            assert.equal(state?.reading, 21);
            // What the hot path keeps beside the state stays out of the snapshot.
            assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(state)) as object).sort(), [
                'reading',
                'receivedAt',
                'timestamp',
                'unit',
            ]);
            reg.ingest(
                capabilities('d1', { seq: 4, sensors: { t: { value_type: 'string' } } }),
                false,
                T0 + 3000,
            );
            reg.ingest(reading('d1', 't', 22, 5), false, T0 + 4000);
            assert.equal(reg.devices.get('d1')?.readings.has('t'), false);
            assert.equal(reg.counters.totals.refused.reading_type, 1);
        });

        it('takes the time of receipt when a reading carries no timestamp', () => {
            const reg = registry();
            reg.ingest(reading('d1', 't', 1, 1), false, T0 + 250);
            assert.equal(reg.devices.get('d1')?.readings.get('t')?.timestamp, (T0 + 250) / 1000);
        });

        it('refuses readings of undeclared sensors once capabilities exist, and says so', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: {} } }), false, T0);
            assert.equal(reg.ingest(reading('d1', 'humidity', 40, 2), false, T0), false);
            const d = reg.devices.get('d1');
            assert.equal(d?.readings.has('humidity'), false);
            assert.equal(d?.counters.decode_errors, 1);
            assert.equal(reg.counters.totals.refused.undeclared_sensor, 1);
            assert.deepEqual(alertTypes(reg, 'd1'), ['undeclared_sensor']);
            assert.match(d?.errors[0]?.message ?? '', /declare: t/);
        });

        it('keeps at most maxUndeclaredSensors sensors of a device without capabilities', () => {
            const reg = registry({ maxUndeclaredSensors: 2 });
            assert.equal(reg.ingest(reading('d1', 'a', 1, 1), false, T0), true);
            assert.equal(reg.ingest(reading('d1', 'b', 1, 2), false, T0), true);
            assert.equal(reg.ingest(reading('d1', 'c', 1, 3), false, T0), false);
            assert.equal(
                reg.ingest(reading('d1', 'a', 2, 4), false, T0),
                true,
                'a known sensor still updates',
            );
            assert.deepEqual([...(reg.devices.get('d1')?.readings.keys() ?? [])], ['a', 'b']);
        });

        it('drops readings of sensors that new capabilities no longer declare', () => {
            const reg = registry();
            reg.ingest(reading('d1', 'old', 1, 1), false, T0);
            reg.ingest(reading('d1', 'kept', 1, 2), false, T0);
            reg.ingest(capabilities('d1', { seq: 3, sensors: { kept: {} } }), false, T0);
            assert.deepEqual([...(reg.devices.get('d1')?.readings.keys() ?? [])], ['kept']);
        });

        it('applies a batch, refusing (and counting) readings of undeclared sensors', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { a: { unit: 'V' }, b: {} } }), false, T0);
            const batch = wire('devices/d1/sensors/batch', {
                seq: 2,
                timestamp: 1_700_000_100,
                readings: [
                    { sensor: 'a', reading: 3.3 },
                    { sensor: 'b', reading: true, timestamp: 1_700_000_099 },
                    { sensor: 'x', reading: 1 },
                ],
            });
            assert.equal(reg.ingest(batch, false, T0), true);
            const d = reg.devices.get('d1');
            assert.deepEqual(
                [d?.readings.get('a')?.reading, d?.readings.get('a')?.unit, d?.readings.get('a')?.timestamp],
                [3.3, 'V', 1_700_000_100],
            );
            assert.equal(d?.readings.get('b')?.timestamp, 1_700_000_099);
            assert.equal(d?.readings.has('x'), false);
            assert.equal(reg.counters.totals.refused.undeclared_sensor, 1);
        });

        it('records actuator states with the command they answer, and refuses undeclared actuators', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, actuators: { led: SWITCH } }), false, T0);
            const answer = wire('devices/d1/actuators/led/status', {
                seq: 2,
                state: true,
                command_id: 'c-1',
                result: 'rejected',
                reason: 'interlock',
            });
            reg.ingest(answer, false, T0 + 5);
            assert.deepEqual(reg.devices.get('d1')?.actuators.get('led'), {
                state: true,
                updatedAt: T0 + 5,
                lastCommand: { command_id: 'c-1', result: 'rejected', reason: 'interlock' },
            });
            reg.ingest(wire('devices/d1/actuators/fan/status', { seq: 3, state: false }), false, T0);
            assert.equal(reg.devices.get('d1')?.actuators.has('fan'), false);
            assert.equal(reg.counters.totals.refused.undeclared_actuator, 1);
        });

        it('keeps config state and metrics', () => {
            const reg = registry();
            const events = changes(reg);
            reg.ingest(
                wire('devices/d1/config', { seq: 1, config: { publish_interval_ms: 5000 } }),
                false,
                T0,
            );
            const metrics = {
                seq: 2,
                messages_sent: 10,
                messages_received: 2,
                connection_failures: 0,
                uptime_s: 60,
                free_heap: 100000,
            };
            reg.ingest(wire('devices/d1/metrics', metrics), false, T0);
            const d = reg.devices.get('d1');
            assert.deepEqual(d?.config, { publish_interval_ms: 5000 });
            assert.equal(d?.metrics?.free_heap, 100000);
            assert.ok(events.some(([, c]) => c === 'config'));
            assert.ok(events.some(([, c]) => c === 'metrics'));
        });

        it('takes the config announced with capabilities only while none is known', () => {
            const reg = registry();
            const extra = { config: { publish_interval_ms: 1000 } };
            reg.ingest(capabilities('d1', { seq: 1, extra }), false, T0);
            assert.deepEqual(reg.devices.get('d1')?.config, { publish_interval_ms: 1000 });
            reg.ingest(
                wire('devices/d1/config', { seq: 2, config: { publish_interval_ms: 7000 } }),
                false,
                T0,
            );
            reg.ingest(capabilities('d1', { seq: 3, extra }), false, T0);
            assert.deepEqual(reg.devices.get('d1')?.config, { publish_interval_ms: 7000 });
        });

        it('ignores messages the server sends (commands) instead of creating a device', () => {
            const reg = registry();
            const cmd = wire('devices/d9/actuators/led/cmd', { id: 'c-1', action: 'on' });
            assert.equal(reg.ingest(cmd, false, T0), true);
            assert.equal(reg.devices.size, 0);
        });
    });

    describe('online and offline', () => {
        it('takes a retained "online" as state but not as a sign of life', () => {
            const reg = registry();
            reg.ingest(status('d1', true), true, T0);
            const d = reg.devices.get('d1');
            assert.equal(d?.online, true);
            assert.equal(d?.lastSeen, null);
            reg.ingest(reading('d1', 't', 1, 5), true, T0 + 10);
            assert.equal(d?.lastSeen, null, 'a retained reading is no sign of life either');
        });

        it('goes offline on an "offline" status with an alert, once', () => {
            const reg = registry();
            reg.ingest(status('d1', true), false, T0);
            reg.ingest(status('d1', false), false, T0 + 1);
            reg.ingest(status('d1', false), false, T0 + 2);
            const d = reg.devices.get('d1');
            assert.deepEqual([d?.online, d?.offlineReason], [false, 'status']);
            assert.deepEqual(alertTypes(reg, 'd1'), ['device_offline']);
            assert.equal(reg.alerts.recent()[0]?.count, undefined, 'the second offline raised no repeat');
        });

        it('marks a device silent longer than the timeout offline on tick(), not before', () => {
            const reg = registry({ offlineTimeoutMs: 1000 });
            reg.ingest(reading('d1', 't', 1, 1), false, T0);
            reg.tick(T0 + 1000);
            assert.equal(reg.devices.get('d1')?.online, true);
            reg.tick(T0 + 1001);
            assert.deepEqual(
                [reg.devices.get('d1')?.online, reg.devices.get('d1')?.offlineReason],
                [false, 'timeout'],
            );
            reg.ingest(reading('d1', 't', 2, 2), false, T0 + 2000);
            assert.deepEqual(
                [reg.devices.get('d1')?.online, reg.devices.get('d1')?.offlineReason],
                [true, undefined],
            );
        });
    });

    describe('bounds', () => {
        it('at the device cap, evicts the oldest device that never announced capabilities', () => {
            const reg = registry({ maxDevices: 3 });
            reg.ingest(capabilities('announced'), false, T0);
            reg.ingest(reading('quiet-1', 't', 1, 1), false, T0);
            reg.ingest(reading('quiet-2', 't', 1, 1), false, T0);
            const events = changes(reg);
            assert.equal(reg.ingest(reading('new', 't', 1, 1), false, T0), true);
            assert.deepEqual([...reg.devices.keys()], ['announced', 'quiet-2', 'new']);
            assert.deepEqual(events.slice(0, 2), [
                ['quiet-1', 'removed'],
                ['new', 'added'],
            ]);
        });

        it('refuses a new device when every kept device announced capabilities', () => {
            const reg = registry({ maxDevices: 2 });
            reg.ingest(capabilities('a'), false, T0);
            reg.ingest(reading('b', 't', 1, 1), false, T0);
            reg.ingest(capabilities('b', { seq: 2, sensors: { t: {} } }), false, T0);
            assert.equal(reg.ingest(reading('c', 't', 1, 1), false, T0), false);
            assert.deepEqual([...reg.devices.keys()], ['a', 'b']);
            assert.equal(reg.counters.totals.refused.device_cap, 1);
            const alert = reg.alerts.recent()[0];
            assert.deepEqual([alert?.device_id, alert?.error_type], [REGISTRY_ALERT_ID, 'device_cap']);
        });

        it('keeps a restored device without capabilities evictable', () => {
            const reg = registry({ maxDevices: 1 });
            const other = registry();
            other.ingest(reading('restored', 't', 1, 1), false, T0);
            reg.adopt(other.devices.get('restored') as NonNullable<ReturnType<typeof other.devices.get>>);
            assert.equal(reg.ingest(reading('fresh', 't', 1, 1), false, T0), true);
            assert.deepEqual([...reg.devices.keys()], ['fresh']);
        });

        it('keeps at most maxDeviceErrors alerts per device, folding repeats', () => {
            const reg = registry({ maxDeviceErrors: 2 });
            const error = (type: string, seq: number) =>
                wire('devices/d1/error', { seq, error_type: type, message: `${type} happened`, severity: 1 });
            reg.ingest(error('a', 1), false, T0);
            reg.ingest(error('b', 2), false, T0);
            reg.ingest(error('a', 3), false, T0);
            reg.ingest(error('c', 4), false, T0);
            const errors = reg.devices.get('d1')?.errors ?? [];
            assert.deepEqual(
                errors.map((e) => [e.error_type, e.count]),
                [
                    ['c', undefined],
                    ['a', 2],
                ],
            );
        });
    });

    describe('alerts', () => {
        it('turns device error messages into alerts folded by type and component', () => {
            const reg = registry();
            const error = (seq: number, ts: number, component?: string) =>
                wire('devices/d1/error', {
                    seq,
                    timestamp: ts,
                    error_type: 'sensor_fault',
                    message: `read failed at ${ts}`,
                    severity: 2,
                    ...(component ? { component } : {}),
                });
            reg.ingest(error(1, 100), false, T0);
            reg.ingest(error(2, 200), false, T0);
            reg.ingest(error(3, 300, 'bme280'), false, T0);
            const alerts = reg.alerts.recent();
            assert.equal(alerts.length, 2);
            const folded = alerts.find((a) => a.component === undefined);
            assert.deepEqual(
                [folded?.count, folded?.first_at, folded?.message, folded?.source],
                [2, 100, 'read failed at 200', 'device'],
            );
        });

        it('counts decode errors per code and alerts on the device the topic names', () => {
            const reg = registry();
            reg.ingest(reading('d1', 't', 1, 1), false, T0);
            const bad = {
                code: 'BAD_JSON',
                message: 'BAD_JSON: nope',
                topic: 'devices/d1/status',
                deviceId: 'd1',
            };
            reg.recordDecodeError(bad as Parameters<DeviceRegistry['recordDecodeError']>[0], T0);
            reg.recordDecodeError(
                { ...bad, deviceId: undefined } as Parameters<DeviceRegistry['recordDecodeError']>[0],
                T0,
            );
            assert.equal(reg.counters.totals.decode_errors.BAD_JSON, 2);
            assert.equal(reg.devices.get('d1')?.counters.decode_errors, 1);
            assert.deepEqual(alertTypes(reg), ['decode_error']);
        });
    });

    describe('message loss', () => {
        it('counts a gap at once but alerts it only on the next tick()', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: {} } }), false, T0);
            reg.ingest(reading('d1', 't', 1, 2), false, T0);
            reg.ingest(reading('d1', 't', 1, 6), false, T0);
            assert.equal(reg.devices.get('d1')?.counters.lost, 3);
            assert.equal(reg.counters.totals.lost, 3);
            assert.deepEqual(alertTypes(reg, 'd1'), []);
            reg.tick(T0 + 1000);
            assert.deepEqual(alertTypes(reg, 'd1'), ['messages_lost']);
            assert.match(reg.alerts.recent()[0]?.message ?? '', /^3 message\(s\) from d1 lost/);
            reg.tick(T0 + 2000);
            assert.equal(reg.alerts.recent()[0]?.count, undefined, 'a gap is alerted once');
        });

        it('does not alert a gap that late messages filled before the tick', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: {} } }), false, T0);
            reg.ingest(reading('d1', 't', 1, 3), false, T0);
            reg.ingest(reading('d1', 't', 1, 2), false, T0);
            const d = reg.devices.get('d1');
            assert.deepEqual([d?.counters.lost, d?.counters.late], [0, 1]);
            reg.tick(T0 + 1000);
            assert.deepEqual(alertTypes(reg, 'd1'), []);
        });

        it('does not count a refused reading (undeclared sensor) as lost', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: {} } }), false, T0);
            assert.equal(reg.ingest(reading('d1', 'x', 1, 2), false, T0), false);
            reg.ingest(reading('d1', 't', 1, 3), false, T0);
            reg.tick(T0 + 1000);
            assert.equal(reg.devices.get('d1')?.counters.lost, 0);
            assert.equal(reg.counters.totals.lost, 0);
            assert.deepEqual(alertTypes(reg, 'd1'), ['undeclared_sensor']);
        });

        it('counts a redelivery as a duplicate, not as loss', () => {
            const reg = registry();
            reg.ingest(reading('d1', 't', 1, 7), false, T0);
            reg.ingest(reading('d1', 't', 1, 7), false, T0);
            assert.deepEqual(
                [reg.devices.get('d1')?.counters.duplicates, reg.counters.totals.duplicates],
                [1, 1],
            );
            assert.equal(reg.counters.totals.lost, 0);
        });

        it('reports a huge jump of seq as a restart of the counter, not as loss', () => {
            const reg = registry();
            reg.ingest(reading('d1', 't', 1, 10), false, T0);
            reg.ingest(reading('d1', 't', 1, 2_000_000), false, T0);
            assert.equal(reg.counters.totals.lost, 0);
            assert.deepEqual(alertTypes(reg, 'd1'), ['seq_restart']);
        });
    });

    describe('capabilities in parts', () => {
        const part = (index: number, count: number, seq: number, sensor: string) =>
            wire('devices/d1/capabilities', {
                ...capsPayload('d1', { seq, sensors: { [sensor]: {} } }),
                part: index,
                parts: count,
            });

        it('applies the document once every part arrived', () => {
            const reg = registry();
            reg.ingest(part(0, 2, 10, 'a'), false, T0);
            assert.equal(reg.devices.get('d1')?.capabilities, null);
            reg.ingest(part(1, 2, 11, 'b'), false, T0);
            assert.deepEqual(reg.devices.get('d1')?.capabilities?.sensors, ['a', 'b']);
        });

        it('alerts an announcement that never completes and keeps the previous capabilities', () => {
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { old: {} } }), false, T0);
            reg.ingest(part(0, 2, 2, 'a'), false, T0);
            reg.tick(T0 + PART_TIMEOUT_MS);
            assert.deepEqual(alertTypes(reg, 'd1'), []);
            reg.tick(T0 + PART_TIMEOUT_MS + 1);
            assert.deepEqual(alertTypes(reg, 'd1'), ['capabilities_incomplete']);
            assert.deepEqual(reg.devices.get('d1')?.capabilities?.sensors, ['old']);
        });
    });

    describe('broker state', () => {
        it('alerts when the broker goes down and when it comes back, with the duration', () => {
            const reg = registry();
            reg.ingest(reading('d1', 't', 1, 1), false, T0);
            const events = changes(reg);
            reg.setBrokerState('connected', T0);
            reg.setBrokerState('down', T0 + 1000);
            reg.setBrokerState('down', T0 + 1500);
            assert.equal(reg.brokerState, 'down');
            assert.equal(reg.brokerDownFor(T0 + 3000), 2000);
            reg.setBrokerState('connected', T0 + 3500);
            assert.equal(reg.brokerDownFor(T0 + 4000), 0);
            const [back, down] = reg.alerts.recent();
            assert.deepEqual([down?.error_type, down?.severity], ['broker_down', 2]);
            assert.deepEqual([back?.error_type, back?.severity], ['broker_down', 1]);
            assert.match(back?.message ?? '', /down for 2\.5 s/);
            assert.deepEqual(events, [
                ['d1', 'online'],
                ['d1', 'offline'],
                ['d1', 'online'],
            ]);
        });

        it('times nobody out while the broker is down, and restarts the silence window after', () => {
            const reg = registry({ offlineTimeoutMs: 1000 });
            reg.ingest(reading('d1', 't', 1, 1), false, T0);
            reg.setBrokerState('down', T0 + 100);
            reg.tick(T0 + 5000);
            assert.equal(reg.devices.get('d1')?.online, true);
            reg.setBrokerState('connected', T0 + 6000);
            reg.tick(T0 + 6900);
            assert.equal(reg.devices.get('d1')?.online, true, 'the window counts from the reconnect');
            reg.tick(T0 + 7001);
            assert.equal(reg.devices.get('d1')?.online, false);
        });
    });

    describe('forget()', () => {
        it('drops the device with its alerts, history, sequence and safety state', async () => {
            const actuators = { door: { ...SWITCH, requires_confirmation: true } };
            const reg = registry();
            reg.ingest(capabilities('d1', { seq: 1, sensors: { t: {} }, actuators }), false, T0);
            reg.ingest(reading('d1', 't', 1, 2), false, T0);
            reg.ingest(reading('d1', 't', 1, 9), false, T0);
            reg.ingest(
                wire('devices/d1/error', { seq: 10, error_type: 'x', message: 'x', severity: 3 }),
                false,
                T0,
            );
            reg.ingest(reading('d2', 't', 1, 1), false, T0);
            const events = changes(reg);

            assert.equal(reg.forget('d1'), true);
            assert.equal(reg.forget('d1'), false);
            assert.deepEqual(events, [['d1', 'removed']]);
            assert.deepEqual([...reg.devices.keys()], ['d2']);
            assert.deepEqual(alertTypes(reg, 'd1'), []);
            assert.equal(reg.safety.requiresConfirmation('d1', 'door', undefined), false);
            assert.deepEqual(
                await reg.history.query({ deviceId: 'd1', sensor: 't', sinceMs: 0, limit: 5 }),
                [],
            );
            reg.tick(T0 + 1000);
            assert.deepEqual(alertTypes(reg, 'd1'), [], 'the pending loss alert went with it');

            reg.ingest(reading('d1', 't', 1, 500), false, T0 + 2000);
            assert.equal(
                reg.devices.get('d1')?.counters.lost,
                0,
                'a device that comes back starts a new count',
            );
        });
    });

    describe('topic memo (what decode() keeps per topic)', () => {
        /** A reading as the decode node hands it over: the message and its topic's memo. */
        function memoReading(deviceId: string, value: number | string, seq: number) {
            const result = decode(
                `devices/${deviceId}/sensors/t/data`,
                JSON.stringify({ seq, value: { reading: value } }),
            );
            assert.ok(result.ok && result.memo);
            return { message: result.message, memo: result.memo };
        }

        function ingestWith(reg: DeviceRegistry, r: { message: DeviceMessage; memo: TopicMemo }): boolean {
            return reg.ingest(r.message, false, T0, r.memo);
        }

        /** Counts the registry's device-map lookups while `run` runs. */
        function deviceLookups(reg: DeviceRegistry, run: () => void): number {
            const original = reg.devices.get.bind(reg.devices);
            let calls = 0;
            reg.devices.get = (id: string) => {
                calls++;
                return original(id);
            };
            run();
            reg.devices.get = original;
            return calls;
        }

        it('finds the device and sensor of a known topic without a map lookup', () => {
            const reg = registry();
            ingestWith(reg, memoReading('memo-a', 1, 1));
            const lookups = deviceLookups(reg, () => ingestWith(reg, memoReading('memo-a', 2, 2)));
            assert.equal(lookups, 0);
            assert.equal(reg.devices.get('memo-a')?.readings.get('t')?.reading, 2);
            assert.equal(reg.devices.get('memo-a')?.counters.messages, 2);
        });

        it('a forgotten device that comes back gets the reading on its new record', () => {
            const reg = registry();
            ingestWith(reg, memoReading('memo-b', 1, 1));
            const old = reg.devices.get('memo-b');
            assert.ok(reg.forget('memo-b'));
            ingestWith(reg, memoReading('memo-b', 7, 2));
            const now = reg.devices.get('memo-b');
            assert.ok(now && now !== old);
            assert.equal(now.readings.get('t')?.reading, 7);
            assert.equal(old?.readings.get('t')?.reading, 1, 'the forgotten record is not written to');
        });

        it('a sensor state dropped by new capabilities is not written to', () => {
            const reg = registry();
            reg.ingest(capabilities('memo-c', { seq: 1, sensors: { t: {} } }), false, T0);
            ingestWith(reg, memoReading('memo-c', 1, 2));
            const dropped = reg.devices.get('memo-c')?.readings.get('t');
            // Redeclared as a string sensor: the numeric state no longer fits and is removed.
            const stringly = { t: { value_type: 'string' as const } };
            reg.ingest(capabilities('memo-c', { seq: 3, sensors: stringly }), false, T0);
            assert.equal(reg.devices.get('memo-c')?.readings.has('t'), false);
            ingestWith(reg, memoReading('memo-c', 'open', 4));
            assert.equal(reg.devices.get('memo-c')?.readings.get('t')?.reading, 'open');
            assert.equal(dropped?.reading, 1);
        });

        it('two registries fed the same topic keep their own records', () => {
            const one = registry();
            const two = registry();
            ingestWith(one, memoReading('memo-d', 1, 1));
            ingestWith(two, memoReading('memo-d', 2, 1));
            ingestWith(one, memoReading('memo-d', 3, 2));
            assert.equal(one.devices.get('memo-d')?.readings.get('t')?.reading, 3);
            assert.equal(two.devices.get('memo-d')?.readings.get('t')?.reading, 2);
            assert.equal(two.devices.get('memo-d')?.counters.messages, 1);
        });

        it('a memo holds one registry at a time: the next registry replaces a redeployed one', () => {
            const old = registry();
            const first = memoReading('memo-e', 1, 1);
            ingestWith(old, first);
            ingestWith(registry(), memoReading('memo-e', 2, 2));
            const held = Object.getOwnPropertySymbols(first.memo).map((key) => first.memo[key]);
            assert.equal(held.length, 1);
            assert.notEqual((held[0] as { owner: unknown }).owner, old);
        });
    });

    describe('safety', () => {
        it('alerts when capabilities try to lower a confirmation requirement, which stays', () => {
            const reg = registry();
            const strict = { door: { ...SWITCH, requires_confirmation: true } };
            reg.ingest(capabilities('d1', { seq: 1, actuators: strict }), false, T0);
            reg.ingest(capabilities('d1', { seq: 1, actuators: { door: SWITCH } }), false, T0);
            assert.deepEqual(alertTypes(reg, 'd1'), ['safety_lowered']);
            assert.equal(reg.safety.requiresConfirmation('d1', 'door', false), true);
        });
    });

    describe('countCommand()', () => {
        it('counts per device and the registry-wide commands sent', () => {
            const reg = registry();
            reg.ingest(reading('d1', 't', 1, 1), false, T0);
            for (const o of ['sent', 'sent', 'applied', 'rejected', 'timeout'] as const)
                reg.countCommand('d1', o);
            reg.countCommand('nobody', 'sent');
            const c = reg.devices.get('d1')?.counters;
            assert.deepEqual(
                [c?.commands_sent, c?.commands_applied, c?.commands_rejected, c?.commands_timed_out],
                [2, 1, 1, 1],
            );
            assert.equal(reg.counters.totals.commands_sent, 3);
        });
    });
});
