import assert from 'node:assert/strict';
import type { CapabilitiesPart } from '@mcp-mqtt-bridge/protocol';
import { CapabilitiesAssembler, PART_TIMEOUT_MS } from '../../nodes/lib/registry/capabilities-assembler';
import { capsPayload } from './support/wire';

function part(index: number, count: number, seq: number, sensor: string): CapabilitiesPart {
    return { ...capsPayload('d', { seq, sensors: { [sensor]: { unit: 'V' } } }), part: index, parts: count };
}

describe('unit: CapabilitiesAssembler', () => {
    it('returns a single document at once', () => {
        const a = new CapabilitiesAssembler();
        const whole = capsPayload('d', { sensors: { t: {} } });
        assert.equal(a.add('d', whole, 0), whole);
        assert.equal(a.size, 0);
    });

    it('merges the parts of one announcement in any order', () => {
        const a = new CapabilitiesAssembler();
        assert.equal(a.add('d', part(2, 3, 12, 'c'), 0), undefined);
        assert.equal(a.add('d', part(0, 3, 10, 'a'), 1), undefined);
        const merged = a.add('d', part(1, 3, 11, 'b'), 2);
        assert.deepEqual(merged?.sensors.slice().sort(), ['a', 'b', 'c']);
        assert.deepEqual(merged?.metadata.b, { unit: 'V' });
        assert.equal(a.size, 0);
    });

    it('counts a repeated part once', () => {
        const a = new CapabilitiesAssembler();
        a.add('d', part(0, 2, 10, 'a'), 0);
        assert.equal(a.add('d', part(0, 2, 10, 'a'), 0), undefined);
        assert.ok(a.add('d', part(1, 2, 11, 'b'), 0));
    });

    it('drops an incomplete announcement when parts of another one arrive', () => {
        const a = new CapabilitiesAssembler();
        a.add('d', part(0, 2, 10, 'old-a'), 0);
        a.add('d', part(0, 2, 20, 'new-a'), 0);
        assert.equal(a.size, 1);
        const merged = a.add('d', part(1, 2, 21, 'new-b'), 0);
        assert.deepEqual(merged?.sensors.slice().sort(), ['new-a', 'new-b']);
    });

    it('keeps announcements of different devices apart', () => {
        const a = new CapabilitiesAssembler();
        a.add('d', part(0, 2, 10, 'a'), 0);
        a.add('e', part(0, 2, 10, 'a'), 0);
        assert.equal(a.size, 2);
        assert.ok(a.add('e', part(1, 2, 11, 'b'), 0));
        assert.equal(a.size, 1);
    });

    it('expires an announcement that stays incomplete, naming the device', () => {
        const a = new CapabilitiesAssembler();
        a.add('d', part(0, 2, 10, 'a'), 1000);
        assert.deepEqual(a.expire(1000 + PART_TIMEOUT_MS), []);
        assert.deepEqual(a.expire(1001 + PART_TIMEOUT_MS), ['d']);
        assert.equal(a.size, 0);
        assert.equal(a.add('d', part(1, 2, 11, 'b'), 2000 + PART_TIMEOUT_MS), undefined);
    });

    it('refuses announcements of more parts than any device needs', () => {
        const a = new CapabilitiesAssembler();
        assert.equal(a.add('d', part(0, 65, 10, 'a'), 0), undefined);
        assert.equal(a.size, 0);
    });

    it('forgets a device', () => {
        const a = new CapabilitiesAssembler();
        a.add('d', part(0, 2, 10, 'a'), 0);
        a.forget('d');
        assert.equal(a.size, 0);
    });
});
