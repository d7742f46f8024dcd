import assert from 'node:assert/strict';
import { LineBuffer } from '../../nodes/lib/influx/line-buffer';
import { MessagePoints } from '../../nodes/lib/influx/message-points';
import { wire } from './support/wire';

const KINDS = { actuators: true, errors: true, metrics: true };

/** The lines `write` puts into the writer's body, decoded back. */
function lines(write: (sink: LineBuffer) => void): string[] {
    const sink = new LineBuffer(10);
    write(sink);
    return sink.length === 0 ? [] : sink.take().toString('utf8').split('\n');
}

function sensorReading(device: string, sensor: string, seq: number, unit?: string) {
    return wire(`devices/${device}/sensors/${sensor}/data`, {
        seq,
        timestamp: 1_700_000_000,
        value: { reading: 20 + seq, ...(unit ? { unit } : {}) },
    });
}

describe('unit: MessagePoints with a per-sensor home (the decode node’s path)', () => {
    it('writes what it writes without one, and keeps one series across calls', () => {
        const plain = new MessagePoints(KINDS);
        const homed = new MessagePoints(KINDS);
        const home = {};
        for (let seq = 1; seq <= 3; seq++) {
            const message = sensorReading('d1', 't', seq, '°C');
            const expected = lines((sink) => plain.writeMessage(message, 0, sink));
            assert.deepEqual(
                lines((sink) => homed.writeMessage(message, 0, sink, home)),
                expected,
            );
        }
        // The same device time three times: the series' tie-break moved each point 1 µs on.
        assert.match(
            lines((sink) => homed.writeMessage(sensorReading('d1', 't', 4, '°C'), 0, sink, home))[0],
            / 1700000000000003$/,
        );
    });

    it('follows a unit change and never writes one sensor’s reading into another’s series', () => {
        const points = new MessagePoints(KINDS);
        const home = {};
        points.writeMessage(sensorReading('d1', 't', 1, '°C'), 0, new LineBuffer(10), home);
        const [kelvin] = lines((sink) =>
            points.writeMessage(sensorReading('d1', 't', 2, 'K'), 0, sink, home),
        );
        assert.match(kelvin, /^sensor_data,device_id=d1,sensor=t,unit=K /);
        // A home handed over for another sensor (or device) is not trusted.
        const [other] = lines((sink) => points.writeMessage(sensorReading('d2', 'h', 3, 'K'), 0, sink, home));
        assert.match(other, /^sensor_data,device_id=d2,sensor=h,unit=K /);
    });

    it('leaves nothing the home’s owner can see: no own enumerable key, nothing in its JSON', () => {
        const points = new MessagePoints(KINDS);
        const home = { reading: 1 };
        points.writeMessage(sensorReading('d1', 't', 1), 0, new LineBuffer(10), home);
        assert.deepEqual(Object.keys(home), ['reading']);
        assert.equal(JSON.stringify(home), '{"reading":1}');
    });
});

describe('unit: MessagePoints, numeric readings written in parts', () => {
    const numbers = [0, -0, 1, -1, 21.5, -273.15, 0.1 + 0.2, 1e21, 1.5e-7, 5e-324, Number.MAX_VALUE, 2 ** 53];

    it('writes every numeric reading exactly as its line-protocol string', () => {
        const points = new MessagePoints(KINDS);
        const want: string[] = [];
        const got: string[] = [];
        let seq = 0;
        for (const reading of numbers) {
            for (const quality of [undefined, 0.5, 100]) {
                seq++;
                const message = wire('devices/d1/sensors/t/data', {
                    seq,
                    timestamp: 1_700_000_000 + seq,
                    value: { reading, unit: '°C', ...(quality === undefined ? {} : { quality }) },
                });
                got.push(...lines((sink) => points.writeMessage(message, 0, sink, {})));
                const fields =
                    quality === undefined ? `reading=${reading}` : `reading=${reading},quality=${quality}`;
                want.push(
                    `sensor_data,device_id=d1,sensor=t,unit=°C ${fields},seq=${seq}i ${(1_700_000_000 + seq) * 1e6}`,
                );
            }
        }
        assert.deepEqual(got, want);
    });

    it('writes boolean, text and null readings, and a sensor_batch, through the same line writer', () => {
        const points = new MessagePoints(KINDS);
        const reading = (seq: number, value: unknown) =>
            wire('devices/d1/sensors/s/data', {
                seq,
                timestamp: 1_700_000_000 + seq,
                value: { reading: value },
            });
        const got = lines((sink) => {
            points.writeMessage(reading(1, true), 0, sink, {});
            points.writeMessage(reading(2, 'Grüße "drinnen"'), 0, sink, {});
            points.writeMessage(reading(3, null), 0, sink, {});
            points.writeMessage(
                wire('devices/d1/sensors/batch', {
                    seq: 4,
                    timestamp: 1_700_000_004,
                    readings: [
                        { sensor: 't', reading: 21.5, unit: '°C', quality: 0.9 },
                        { sensor: 'door', reading: false },
                    ],
                }),
                0,
                sink,
            );
        });
        assert.deepEqual(got, [
            'sensor_data,device_id=d1,sensor=s reading_bool=true,seq=1i 1700000001000000',
            'sensor_data,device_id=d1,sensor=s reading_text="Grüße \\"drinnen\\"",seq=2i 1700000002000000',
            'sensor_data,device_id=d1,sensor=s reading_null=true,seq=3i 1700000003000000',
            'sensor_data,device_id=d1,sensor=t,unit=°C reading=21.5,quality=0.9,seq=4i 1700000004000000',
            'sensor_data,device_id=d1,sensor=door reading_bool=false,seq=4i 1700000004000000',
        ]);
    });

    it('writes nothing of a point its sink drops, and goes on with the next', () => {
        const points = new MessagePoints(KINDS);
        const body = new LineBuffer(10);
        let room = 1;
        const sink = {
            add: (line: string) => room-- > 0 && body.add(line),
            startLine: (prefix: Uint8Array) => room-- > 0 && body.startLine(prefix),
            ascii: (text: string) => body.ascii(text),
            text: (text: string) => body.text(text),
            endLine: () => body.endLine(),
        };
        for (let seq = 1; seq <= 2; seq++) points.writeMessage(sensorReading('d1', 't', seq), 0, sink, {});
        assert.equal(body.length, 1);
        assert.match(body.take().toString(), /^sensor_data,device_id=d1,sensor=t reading=21,seq=1i \d+$/);
    });
});
