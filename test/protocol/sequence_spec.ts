import assert from 'node:assert/strict';
import { SEQ_MAX_GAP, SequenceTracker } from '../../protocol/src';

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

    it('counts a gap before re-announced capabilities (seq continues: reconnect, announce request) as loss', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 100);
        const caps = t.observe('d', 'capabilities', 151);
        assert.deepEqual([caps.reset, caps.lost], [false, 50]);
        assert.equal(t.observe('d', 'sensor_data', 152).lost, 0);
    });

    it('treats a far jump back as a restart, not as late', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 900000);
        const back = t.observe('d', 'sensor_data', 899000);
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

describe('SequenceTracker: hostile and redelivered counters', () => {
    it('counts a redelivery of an older message as a duplicate, not as -1 lost', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 10);
        t.observe('d', 'sensor_data', 11);
        const again = t.observe('d', 'sensor_data', 10);
        assert.deepEqual([again.duplicate, again.late, again.lost], [true, false, 0]);
    });

    it('counts a late message once; its redelivery is a duplicate', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 10);
        assert.equal(t.observe('d', 'sensor_data', 12).lost, 1);
        assert.equal(t.observe('d', 'sensor_data', 11).lost, -1);
        const again = t.observe('d', 'sensor_data', 11);
        assert.deepEqual([again.duplicate, again.lost], [true, 0]);
    });

    it('treats a forward jump beyond SEQ_MAX_GAP as a restart, not as billions lost', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 100);
        const jump = t.observe('d', 'sensor_data', 4_000_000_000);
        assert.deepEqual([jump.reset, jump.lost, jump.jumpedFrom], [true, 0, 100]);
        const back = t.observe('d', 'sensor_data', 101);
        assert.deepEqual([back.reset, back.lost], [false, 0], 'the old count resumes');
        assert.equal(t.observe('d', 'sensor_data', 102).lost, 0);
    });

    it('counts a gap up to SEQ_MAX_GAP as loss', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 0);
        assert.equal(t.observe('d', 'sensor_data', SEQ_MAX_GAP).lost, SEQ_MAX_GAP - 1);
    });

    it('treats seq 1 on a live device far ahead as a restart', () => {
        const t = new SequenceTracker();
        for (let s = 2000; s < 2208; s++) t.observe('d', 'sensor_data', s);
        const one = t.observe('d', 'sensor_data', 1);
        assert.deepEqual([one.reset, one.lost], [true, 0]);
    });

    it('saves and restores a count so a gap across a server restart is counted', () => {
        const a = new SequenceTracker();
        a.observe('d', 'sensor_data', 60);
        a.observe('d', 'sensor_data', 61);
        const saved = JSON.parse(JSON.stringify(a.stateOf('d')));
        const b = new SequenceTracker();
        b.restore('d', saved);
        assert.equal(b.observe('d', 'sensor_data', 94).lost, 32);
        assert.equal(b.observe('d', 'sensor_data', 61).duplicate, true);
    });

    it('keeps state for hostile device ids apart from Object.prototype', () => {
        const t = new SequenceTracker();
        for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
            t.observe(id, 'sensor_data', 1);
            assert.equal(t.observe(id, 'sensor_data', 3).lost, 1);
        }
        assert.equal(t.size, 4);
    });
});

describe('SequenceTracker: a stray seq does not poison the count', () => {
    it('resumes the old count when a forged seq 1 is followed by the real next one', () => {
        const t = new SequenceTracker();
        for (let s = 0; s <= 2207; s++) t.observe('d', 'sensor_data', s);
        assert.equal(t.observe('d', 'sensor_data', 1).reset, true);
        const next = t.observe('d', 'sensor_data', 2208);
        assert.deepEqual([next.lost, next.reset], [0, false]);
    });

    it('keeps the new count after a real unannounced reboot (0, 1, 2 ...)', () => {
        const t = new SequenceTracker();
        for (let s = 500; s <= 600; s++) t.observe('d', 'sensor_data', s);
        assert.equal(t.observe('d', 'sensor_data', 0).reset, true);
        assert.equal(t.observe('d', 'sensor_data', 1).lost, 0);
        assert.equal(t.observe('d', 'sensor_data', 2).lost, 0);
    });
});

describe('SequenceTracker: control plane and sensor stream on two connections', () => {
    it('takes a boot announcement that arrives after its first readings as no new boot, and counts nothing lost', () => {
        const t = new SequenceTracker();
        for (let s = 900; s < 950; s++) t.observe('d', 'sensor_data', s);
        // Reboot: capabilities 0, status, then readings 1..3 — the readings overtake the capabilities.
        assert.equal(t.observe('d', 'sensor_data', 1).reset, true, 'a jump back restarts the count');
        const caps = t.observe('d', 'capabilities', 0);
        assert.deepEqual([caps.reset, caps.lost, caps.late], [false, 0, false]);
        for (const s of [2, 3]) assert.equal(t.observe('d', 'sensor_data', s).lost, 0);
    });

    it('gives nothing back for a message from before the count began', () => {
        const t = new SequenceTracker();
        t.observe('d', 'sensor_data', 10);
        const early = t.observe('d', 'actuator_status', 8);
        assert.deepEqual([early.lost, early.late, early.duplicate], [0, false, false]);
        assert.equal(t.observe('d', 'sensor_data', 11).lost, 0);
    });

    it('still restarts on a real reboot of a device that sent only a few messages', () => {
        const t = new SequenceTracker();
        t.observe('d', 'capabilities', 0);
        for (let s = 1; s <= 20; s++) t.observe('d', 'sensor_data', s);
        const caps = t.observe('d', 'capabilities', 0);
        assert.equal(caps.reset, true);
        for (let s = 1; s <= 5; s++) {
            const r = t.observe('d', 'sensor_data', s);
            assert.deepEqual([r.lost, r.duplicate], [0, false]);
        }
    });
});
