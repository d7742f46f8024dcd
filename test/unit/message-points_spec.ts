import assert from 'node:assert/strict';
import { MessagePoints } from '../../nodes/lib/influx/message-points';
import { wire } from './support/wire';

const KINDS = { actuators: true, errors: true, metrics: true };

function lines(write: (sink: { add(line: string): boolean }) => void): string[] {
    const out: string[] = [];
    write({ add: (line) => out.push(line) > 0 });
    return out;
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
        points.writeMessage(sensorReading('d1', 't', 1, '°C'), 0, { add: () => true }, home);
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
        points.writeMessage(sensorReading('d1', 't', 1), 0, { add: () => true }, home);
        assert.deepEqual(Object.keys(home), ['reading']);
        assert.equal(JSON.stringify(home), '{"reading":1}');
    });
});
