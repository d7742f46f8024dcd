import assert from 'node:assert/strict';
import type { ActuatorMetadata, ActuatorValue } from '@mcp-mqtt-bridge/protocol';
import {
    LoopGuard,
    parseLoopGuardPolicy,
    predict,
    tighten,
    type GuardSubject,
} from '../../nodes/lib/registry/loop-guard';

const T0 = 1_700_000_000_000;
const RELAY: ActuatorMetadata = { value_type: 'boolean', supported_actions: ['on', 'off', 'toggle'] };

function subject(
    metadata: ActuatorMetadata,
    action: string,
    current: ActuatorValue | undefined,
    value?: ActuatorValue,
): GuardSubject {
    return {
        deviceId: 'd1',
        actuator: 'relay',
        metadata,
        action,
        current,
        ...(value !== undefined ? { value } : {}),
    };
}

/** Sends a command through the guard the way DeviceRequests does; returns the verdict. */
function send(guard: LoopGuard, s: GuardSubject, now: number, id: string, applied = true) {
    const verdict = guard.check(s, now);
    if (!verdict.allowed) return verdict;
    guard.sent(s, id, verdict.prediction, now);
    const change = verdict.prediction.changes
        ? { from: s.current, to: verdict.prediction.to ?? null }
        : undefined;
    guard.answered(s.deviceId, s.actuator, id, applied, change, now);
    return verdict;
}

describe('unit: loop guard', () => {
    describe('policy', () => {
        it('parses rules, tightens with them and reports lines it cannot use', () => {
            const { rules, problems } = parseLoopGuardPolicy(
                [
                    '# the garage',
                    'garage-*/door: min_interval_ms=5000, max_per_min=4',
                    '*/pump: max_reversals=3 flap_window_s=600; d1/relay: max_commands_per_min=2',
                    'bad line',
                    'd1/x: min_interval_ms=-1',
                    'd1/y: max_reversals=2',
                    'd1/z: colour=red',
                ].join('\n'),
            );
            assert.deepEqual(
                rules.map((r) => [r.glob, r.limits]),
                [
                    ['garage-*/door', { min_interval_ms: 5000, max_commands_per_min: 4 }],
                    ['*/pump', { max_reversals: 3, flap_window_s: 600 }],
                    ['d1/relay', { max_commands_per_min: 2 }],
                ],
            );
            assert.equal(problems.length, 4);
            assert.match(problems[1] ?? '', /min_interval_ms must be an integer/);
            assert.match(problems[2] ?? '', /go together/);
            assert.match(problems[3] ?? '', /unknown setting "colour"/);
        });

        it('never loosens the device: the stricter value of each limit wins', () => {
            assert.deepEqual(
                tighten(
                    { min_interval_ms: 1000, max_commands_per_min: 10, max_reversals: 5, flap_window_s: 60 },
                    { min_interval_ms: 500, max_commands_per_min: 20, max_reversals: 2, flap_window_s: 30 },
                ),
                { min_interval_ms: 1000, max_commands_per_min: 10, max_reversals: 2, flap_window_s: 60 },
            );
            const guard = new LoopGuard(
                parseLoopGuardPolicy('d1/*: min_interval_ms=100, max_per_min=3').rules,
            );
            assert.deepEqual(guard.limitsFor('d1', 'relay', { ...RELAY, min_interval_ms: 2000 }), {
                min_interval_ms: 2000,
                max_commands_per_min: 3,
            });
            assert.deepEqual(guard.limitsFor('d2', 'relay', RELAY), {}, 'the rule names d1 only');
        });
    });

    it('predicts what a command does to the state', () => {
        assert.deepEqual(predict('toggle', undefined, true), { changes: true, to: false });
        assert.deepEqual(predict('on', undefined, true), { changes: false, to: true });
        assert.deepEqual(predict('set', 5, 5), { changes: false, to: 5 });
        assert.deepEqual(predict('read', undefined, 3), { changes: false, to: 3 });
        assert.deepEqual(predict('open', undefined, null), { changes: true });
    });

    it('min_interval_ms: refuses a change too soon after the last one, with the exact wait', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, min_interval_ms: 1000 };
        assert.equal(send(guard, subject(meta, 'on', false), T0, 'c1').allowed, true);
        const v = guard.check(subject(meta, 'off', true), T0 + 300);
        assert.equal(v.allowed, false);
        assert.ok(!v.allowed);
        assert.equal(v.limit, 'min_interval');
        assert.equal(v.retryAfterMs, 700);
        assert.match(v.message, /changed state 300 ms ago \(min_interval_ms 1000\); retry in 700 ms/);
        assert.equal(
            guard.check(subject(meta, 'on', true), T0 + 300).allowed,
            true,
            'no change: not refused',
        );
        assert.equal(guard.check(subject(meta, 'off', true), T0 + 1000).allowed, true);
    });

    it('a toggle in flight counts: the next toggle is refused before the first is answered', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, min_interval_ms: 500 };
        const s = subject(meta, 'toggle', false);
        const first = guard.check(s, T0);
        assert.ok(first.allowed);
        guard.sent(s, 'c1', first.prediction, T0);
        const second = guard.check(s, T0 + 10);
        assert.equal(second.allowed, false);
        assert.equal(
            second.prediction.to,
            false,
            'the state expected after c1 is true, so toggle goes to false',
        );
    });

    it('an applied change the registry did not predict (stale state) counts all the same', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, min_interval_ms: 1000 };
        const s = subject(meta, 'on', true); // the registry believes it is on already
        const v = guard.check(s, T0);
        assert.ok(v.allowed && !v.prediction.changes);
        guard.sent(s, 'c1', v.prediction, T0);
        guard.answered('d1', 'relay', 'c1', true, { from: false, to: true }, T0 + 50);
        const next = guard.check(subject(meta, 'off', true), T0 + 500);
        assert.ok(!next.allowed);
        assert.equal(next.retryAfterMs, 550);
    });

    it('a command the device refused made no change', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, min_interval_ms: 1000 };
        send(guard, subject(meta, 'on', false), T0, 'c1', false);
        assert.equal(guard.check(subject(meta, 'on', false), T0 + 10).allowed, true);
    });

    it('max_commands_per_min: counts every command sent, refuses the next until the oldest is a minute old', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, max_commands_per_min: 3 };
        for (let i = 0; i < 3; i++)
            assert.equal(send(guard, subject(meta, 'on', true), T0 + i * 1000, `c${i}`).allowed, true);
        const v = guard.check(subject(meta, 'on', true), T0 + 5000);
        assert.ok(!v.allowed);
        assert.equal(v.limit, 'max_per_min');
        assert.equal(v.retryAfterMs, 55000);
        assert.equal(v.state.commands_last_min, 3);
        assert.equal(guard.check(subject(meta, 'on', true), T0 + 60001).allowed, true);
    });

    it('flap detection: at most max_reversals reversals within flap_window_s', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, max_reversals: 2, flap_window_s: 10 };
        let state = false;
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
            const v = send(guard, subject(meta, 'toggle', state), T0 + i * 1000, `c${i}`);
            assert.equal(v.allowed, true, `change ${i + 1}`);
            state = !state;
            times.push(T0 + i * 1000);
        }
        // Changes 2 and 3 reversed their predecessors; a 4th change would be a 3rd reversal.
        const v = guard.check(subject(meta, 'toggle', state), T0 + 3000);
        assert.ok(!v.allowed);
        assert.equal(v.limit, 'flap');
        assert.equal(v.state.reversals_in_window, 2);
        assert.equal(
            v.retryAfterMs,
            T0 + 1000 + 10000 - (T0 + 3000),
            'until the first reversal leaves the window',
        );
        assert.match(v.message, /flapping/);
        // Moving on in the same direction is no reversal (numbers: the sign of the step).
        const dimmer: ActuatorMetadata = {
            value_type: 'number',
            supported_actions: ['set'],
            max_reversals: 1,
            flap_window_s: 60,
        };
        const g2 = new LoopGuard();
        const d = (value: number, current: number) => ({
            ...subject(dimmer, 'set', current, value),
            actuator: 'dim',
        });
        assert.ok(send(g2, d(10, 0), T0, 'a').allowed);
        assert.ok(send(g2, d(20, 10), T0 + 1, 'b').allowed, 'up, up: no reversal');
        assert.ok(send(g2, d(5, 20), T0 + 2, 'c').allowed, 'down: the first reversal');
        assert.equal(g2.check(d(50, 5), T0 + 3).allowed, false, 'up again: a second reversal');
    });

    it('state changes the device makes itself count for the interval, not as reversals', () => {
        const guard = new LoopGuard();
        const meta = { ...RELAY, min_interval_ms: 1000, max_reversals: 1, flap_window_s: 60 };
        guard.observed('d1', 'relay', true, false, T0);
        const v = guard.check(subject(meta, 'on', false), T0 + 400);
        assert.ok(!v.allowed);
        assert.equal(v.retryAfterMs, 600);
        assert.equal(v.state.reversals_in_window, 0);
        guard.forget('d1');
        assert.equal(guard.check(subject(meta, 'on', false), T0 + 400).allowed, true);
    });
});
