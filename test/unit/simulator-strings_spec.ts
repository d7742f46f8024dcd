/**
 * The simulator's string sensors: a profile sensor declared value_type "string" (the demo's
 * text sensor `status`) reads one of its options, single and batched, in messages the
 * protocol's decoder accepts. No broker: the connection only records what is published.
 */
import assert from 'node:assert/strict';
import { decode, validateReading, type CapabilitiesPayload } from '../../protocol/src';
import type { DeviceConnection } from '../../simulator/connection';
import { SimulatedDevice } from '../../simulator/device';
import { defaultProfile, demoProfile, STATUS_TEXTS } from '../../simulator/profile';

function recordingConnection(): {
    connection: DeviceConnection;
    published: { topic: string; payload: string }[];
} {
    const published: { topic: string; payload: string }[] = [];
    const record = (topic: string, payload: string | Buffer) => {
        published.push({ topic, payload: payload.toString() });
    };
    const client = {
        connected: true,
        publish(topic: string, payload: string, _opts: unknown, done?: (e?: Error) => void) {
            record(topic, payload);
            done?.();
        },
        async publishAsync(topic: string, payload: string) {
            record(topic, payload);
        },
    };
    return { connection: { client, failures: 0 } as unknown as DeviceConnection, published };
}

describe('simulator: string sensors', () => {
    it('the demo profile declares status as a string sensor with options; the default one does not', () => {
        const demo = demoProfile(1);
        assert.deepEqual(demo.sensors, [...defaultProfile(1).sensors, 'status']);
        assert.deepEqual(demo.metadata.status, {
            value_type: 'string',
            kind: 'text_sensor',
            options: STATUS_TEXTS,
            description: 'What the climate unit is doing',
        });
        assert.ok(!defaultProfile().sensors.includes('status'));
    });

    for (const batch of [false, true]) {
        it(`reads one of its options as a string reading (${batch ? 'batch' : 'one message per sensor'})`, async () => {
            const { connection, published } = recordingConnection();
            const device = new SimulatedDevice(connection, {
                id: 'sim-str',
                profile: demoProfile(),
                publishIntervalMs: 0,
                batch,
            });
            const capabilities = { ...device.capabilities } as CapabilitiesPayload;
            const seen = new Set<unknown>();
            for (let i = 0; i < 40; i++) await device.publishReadings();
            for (const { topic, payload } of published) {
                const decoded = decode(topic, payload);
                assert.ok(decoded.ok, `${topic}: ${payload}`);
                const m = decoded.message;
                const readings =
                    m.kind === 'sensor_batch'
                        ? m.payload.readings.map((r) => [r.sensor, r.reading] as const)
                        : m.kind === 'sensor_data'
                          ? [[m.sensor ?? '', m.payload.value.reading] as const]
                          : [];
                for (const [sensor, reading] of readings) {
                    assert.ok(
                        validateReading(capabilities, sensor, reading).ok,
                        `${sensor}: ${String(reading)}`,
                    );
                    if (sensor === 'status') seen.add(reading);
                    else assert.equal(typeof reading, 'number', sensor);
                }
            }
            assert.ok(seen.size > 0, 'status was published');
            for (const text of seen) assert.ok(STATUS_TEXTS.includes(text as string), String(text));
        });
    }
});
