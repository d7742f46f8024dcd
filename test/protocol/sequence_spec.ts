import assert from 'node:assert/strict';
import { SequenceTracker } from '../../protocol/src';

describe('SequenceTracker', () => {
    it('counts nothing lost for consecutive messages', () => {
        const t = new SequenceTracker();
        t.observe('d', 'capabilities', 0);
        for (let seq = 1; seq <= 100; seq++) assert.equal(t.observe('d', 'sensor_data', seq).lost, 0);
    });

    it('counts a gap as lost messages', () => {
        const t = new SequenceTracker();
        t.observe('d', 'capabilities', 0);
        t.observe('d', 'sensor_data', 1);
        assert.equal(t.observe('d', 'sensor_data', 5).lost, 3);
    });

    it('counts across the uint32 wrap', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 4294967294);
        assert.equal(t.observe('d', 'sensor_data', 4294967295).lost, 0);
        assert.equal(t.observe('d', 'sensor_data', 0).lost, 0);
        assert.equal(t.observe('d', 'sensor_data', 3).lost, 2);
    });

    it('flags a QoS 1 redelivery as a duplicate', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 10);
        const again = t.observe('d', 'actuator_status', 10);
        assert.deepEqual([again.duplicate, again.lost], [true, 0]);
    });

    it('gives back a lost message that arrives late', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 10);
        assert.equal(t.observe('d', 'sensor_data', 13).lost, 2);
        const late = t.observe('d', 'sensor_data', 11);
        assert.deepEqual([late.late, late.lost], [true, -1]);
        assert.equal(t.observe('d', 'sensor_data', 14).lost, 0);
    });

    it('restarts on live capabilities (reboot) without counting loss', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 5000);
        const caps = t.observe('d', 'capabilities', 0);
        assert.deepEqual([caps.reset, caps.lost], [true, 0]);
        assert.equal(t.observe('d', 'sensor_data', 1).lost, 0);
    });

    it('treats a far jump back as a restart, not as late', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 900000);
        const back = t.observe('d', 'sensor_data', 3);
        assert.deepEqual([back.reset, back.late, back.lost], [true, false, 0]);
        assert.equal(t.observe('d', 'sensor_data', 4).lost, 0);
    });

    it('ignores retained replays and status messages', () => {
        const t = new SequenceTracker();
        t.observe('d', 'capabilities', 0, true);
        t.observe('d', 'status', undefined);
        assert.equal(t.size, 0);
        t.observe('d', 'sensor_data', 700);
        assert.equal(t.observe('d', 'actuator_status', 3, true).lost, 0);
        assert.equal(t.observe('d', 'sensor_data', 701).lost, 0);
    });

    it('keeps devices apart and forgets them', () => {
        const t = new SequenceTracker();
        t.observe('a', 'sensor_data', 1);
        t.observe('b', 'sensor_data', 100);
        assert.equal(t.observe('a', 'sensor_data', 2).lost, 0);
        t.forget('a');
        assert.equal(t.size, 1);
    });
});
