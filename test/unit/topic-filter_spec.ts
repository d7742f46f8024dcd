import assert from 'node:assert/strict';
import { compileTopicFilter } from '../../nodes/lib/topic-filter';

/** [filter, topic, matches] (MQTT 3.1.1 § 4.7, 5.0 § 4.8.2). */
const CASES: [string, string, boolean][] = [
    ['devices/#', 'devices/d1/sensors/t/data', true],
    ['devices/#', 'devices', true],
    ['devices/#', 'devices2/d1', false],
    ['devices/#', 'other/devices/d1', false],
    ['devices/d1/#', 'devices/d10/status', false],
    ['devices/+/sensors/+/data', 'devices/d1/sensors/t/data', true],
    ['devices/+/sensors/+/data', 'devices/d1/sensors/t/data/x', false],
    ['devices/+/sensors/+/data', 'devices/d1/sensors/data', false],
    ['devices/+/sensors/+/data', 'devices/d1/status', false],
    ['devices/+/status', 'devices//status', true],
    ['devices/+/#', 'devices/d1', true],
    ['devices/+/#', 'devices', false],
    ['a/b', 'a/b', true],
    ['a/b', 'a/b/', false],
    ['+', 'a', true],
    ['+', 'a/b', false],
    ['#', 'anything/at/all', true],
    ['#', '$SYS/broker/uptime', false],
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['$share/g1/devices/+/sensors/+/data', 'devices/d1/sensors/t/data', true],
    ['$share/g1/devices/+/sensors/+/data', 'devices/d1/status', false],
    ['$share/g1/#', 'devices/d1', true],
];

describe('unit: compileTopicFilter', () => {
    for (const [filter, topic, expected] of CASES) {
        it(`${filter} ${expected ? 'matches' : 'does not match'} ${topic}`, () => {
            assert.equal(compileTopicFilter(filter)(topic), expected);
        });
    }
});
