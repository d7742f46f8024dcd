/**
 * The loop guard: per actuator, the registry refuses commands that would
 * change its state sooner than `min_interval_ms` after the last change, more
 * than `max_commands_per_min` commands within a minute, or a reversal beyond
 * `max_reversals` within `flap_window_s` — across every client (all MCP
 * sessions, flows, the editor), since every command passes through here. The
 * limits are the device's declaration tightened (never loosened) by the
 * operator's policy. Time is always passed in (`now`, ms), so the rules are
 * testable without clocks. Ids key Maps only; every list is bounded.
 */
import type {
    ActuatorMetadata,
    ActuatorValue,
    LoopGuardLimit,
    LoopGuardLimits,
    LoopGuardState,
} from '@mcp-mqtt-bridge/protocol';

/** Protocol bounds of the declarable limits (protocol/README.md, capabilities metadata). */
const BOUNDS = {
    min_interval_ms: [0, 86400000],
    max_commands_per_min: [1, 6000],
    max_reversals: [1, 1000],
    flap_window_s: [1, 86400],
} as const satisfies Record<keyof LoopGuardLimits, readonly [number, number]>;

const MINUTE_MS = 60000;
/** State changes kept per actuator (max_reversals is at most 1000). */
const MAX_CHANGES = 1001;

/** Policy keys as the operator writes them, and the limit each sets. */
const POLICY_KEYS: Record<string, keyof LoopGuardLimits> = {
    min_interval_ms: 'min_interval_ms',
    max_per_min: 'max_commands_per_min',
    max_commands_per_min: 'max_commands_per_min',
    max_reversals: 'max_reversals',
    flap_window_s: 'flap_window_s',
};

export interface LoopGuardRule {
    /** The `device/actuator` glob as written. */
    glob: string;
    pattern: RegExp;
    limits: LoopGuardLimits;
}

/** A `device/actuator` glob (`*` matches any part of an id) as a RegExp. */
function globToRegExp(glob: string): RegExp {
    const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[A-Za-z0-9_-]*');
    return new RegExp(`^${escaped}$`);
}

/**
 * Parses the operator's loop guard policy: one rule per line (or `;`),
 * `device/actuator glob: key=value, key=value`, keys min_interval_ms,
 * max_per_min (or max_commands_per_min), max_reversals and flap_window_s
 * (those two together); `#` starts a comment. Returns the rules and one
 * problem per line it could not use (that line is ignored).
 */
export function parseLoopGuardPolicy(text: string | undefined): {
    rules: LoopGuardRule[];
    problems: string[];
} {
    const rules: LoopGuardRule[] = [];
    const problems: string[] = [];
    for (const raw of (text ?? '').split(/[\n;]/)) {
        const line = raw.replace(/#.*$/, '').trim();
        if (!line) continue;
        const match = /^([A-Za-z0-9_*-]+\/[A-Za-z0-9_*-]+)\s*:\s*(.+)$/.exec(line);
        if (!match) {
            problems.push(`"${line}": expected "device/actuator: key=value, ..."`);
            continue;
        }
        const [, glob, settings] = match as unknown as [string, string, string];
        const limits: LoopGuardLimits = {};
        let bad: string | undefined;
        for (const part of settings.split(/[,\s]+/).filter(Boolean)) {
            const [key, value] = part.split('=', 2) as [string, string | undefined];
            const name = Object.hasOwn(POLICY_KEYS, key) ? POLICY_KEYS[key] : undefined;
            const n = Number(value);
            if (!name) {
                bad = `unknown setting "${key}"`;
                break;
            }
            const [min, max] = BOUNDS[name];
            if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
                bad = `${key} must be an integer in ${min}..${max}`;
                break;
            }
            limits[name] = n;
        }
        if (!bad && (limits.max_reversals === undefined) !== (limits.flap_window_s === undefined)) {
            bad = 'max_reversals and flap_window_s go together';
        }
        if (!bad && Object.keys(limits).length === 0) bad = 'no limit given';
        if (bad) problems.push(`"${line}": ${bad}`);
        else rules.push({ glob, pattern: globToRegExp(glob), limits });
    }
    return { rules, problems };
}

/** The stricter of two limits sets: longer intervals and windows, fewer commands and reversals. */
export function tighten(a: LoopGuardLimits, b: LoopGuardLimits): LoopGuardLimits {
    const out: LoopGuardLimits = { ...a };
    const higher = (x: number | undefined, y: number | undefined) =>
        x === undefined ? y : y === undefined ? x : Math.max(x, y);
    const lower = (x: number | undefined, y: number | undefined) =>
        x === undefined ? y : y === undefined ? x : Math.min(x, y);
    const set = <K extends keyof LoopGuardLimits>(key: K, v: number | undefined) => {
        if (v !== undefined) out[key] = v;
    };
    set('min_interval_ms', higher(a.min_interval_ms, b.min_interval_ms));
    set('max_commands_per_min', lower(a.max_commands_per_min, b.max_commands_per_min));
    set('max_reversals', lower(a.max_reversals, b.max_reversals));
    set('flap_window_s', higher(a.flap_window_s, b.flap_window_s));
    return out;
}

/** What a command would do to the actuator's state, as far as the registry can tell. */
export interface Prediction {
    changes: boolean;
    /** The state after the command, when predictable. */
    to?: ActuatorValue;
}

export function predict(
    action: string,
    value: ActuatorValue | undefined,
    current: ActuatorValue | undefined,
) {
    if (action === 'read') return { changes: false, to: current } satisfies Prediction;
    if (action === 'on' || action === 'off') {
        const to = action === 'on';
        return { changes: current !== to, to } satisfies Prediction;
    }
    if (action === 'set' || action === 'write') {
        return { changes: current !== value, to: value } satisfies Prediction;
    }
    if (action === 'toggle' && typeof current === 'boolean') {
        return { changes: true, to: !current } satisfies Prediction;
    }
    // toggle of an unknown state, open, press, ...: a change to a state nobody can predict.
    return { changes: true } satisfies Prediction;
}

interface Change {
    at: number;
    from: ActuatorValue | undefined;
    to: ActuatorValue | undefined;
    reversal: boolean;
    /** The command that made it (removed again when the device refuses the command). */
    commandId?: string;
}

interface Track {
    /** Times of the commands sent in the last minute, oldest first. */
    commands: number[];
    /** State changes, oldest first: commanded (reserved when sent) and observed. */
    changes: Change[];
    /** The state the newest unanswered command should leave (a toggle in flight has flipped it). */
    expected?: { commandId: string; state: ActuatorValue | undefined };
}

export interface GuardSubject {
    deviceId: string;
    actuator: string;
    metadata: ActuatorMetadata;
    action: string;
    value?: ActuatorValue;
    /** The actuator's state as the registry knows it. */
    current: ActuatorValue | undefined;
}

export type GuardVerdict =
    | { allowed: true; state: LoopGuardState; prediction: Prediction }
    | {
          allowed: false;
          limit: Exclude<LoopGuardLimit, 'device'>;
          retryAfterMs: number;
          message: string;
          state: LoopGuardState;
          prediction: Prediction;
      };

/** Whether a change from `from` to `to` undoes the previous change. */
function isReversal(
    previous: Change | undefined,
    from: ActuatorValue | undefined,
    to: ActuatorValue | undefined,
) {
    if (!previous || to === undefined || previous.to === undefined) return false;
    if (typeof to === 'number' && typeof from === 'number') {
        const before = previous.from;
        if (typeof before !== 'number' || typeof previous.to !== 'number') return false;
        return Math.sign(to - from) * Math.sign(previous.to - before) < 0;
    }
    return previous.from !== undefined && to === previous.from;
}

const key = (deviceId: string, actuator: string) => `${deviceId}\u0000${actuator}`;

export class LoopGuard {
    private readonly tracks = new Map<string, Track>();

    constructor(private readonly rules: readonly LoopGuardRule[] = []) {}

    /** The limits in force: the device's declaration, tightened by every policy rule that names the actuator. */
    limitsFor(deviceId: string, actuator: string, metadata: ActuatorMetadata): LoopGuardLimits {
        let limits: LoopGuardLimits = {};
        for (const name of Object.keys(BOUNDS) as (keyof LoopGuardLimits)[]) {
            const v = metadata[name];
            if (typeof v === 'number') limits[name] = v;
        }
        const target = `${deviceId}/${actuator}`;
        for (const rule of this.rules) if (rule.pattern.test(target)) limits = tighten(limits, rule.limits);
        if (limits.max_reversals === undefined || limits.flap_window_s === undefined) {
            delete limits.max_reversals;
            delete limits.flap_window_s;
        }
        return limits;
    }

    /** Would the guard let this command through at `now`? Changes nothing. */
    check(subject: GuardSubject, now: number): GuardVerdict {
        const { deviceId, actuator } = subject;
        const limits = this.limitsFor(deviceId, actuator, subject.metadata);
        const track = this.tracks.get(key(deviceId, actuator));
        const current = track?.expected ? track.expected.state : subject.current;
        const prediction: Prediction = predict(subject.action, subject.value, current);
        const commands = track ? track.commands.filter((t) => t > now - MINUTE_MS) : [];
        const changes = track?.changes ?? [];
        const last = changes.at(-1);
        const windowMs = (limits.flap_window_s ?? 0) * 1000;
        const reversals = windowMs ? changes.filter((c) => c.reversal && c.at > now - windowMs) : [];
        const state: LoopGuardState = {
            allowed: true,
            limits,
            commands_last_min: commands.length,
            reversals_in_window: reversals.length,
            last_change_at: last ? new Date(last.at).toISOString() : null,
        };
        const refusals: { limit: Exclude<LoopGuardLimit, 'device'>; wait: number; message: string }[] = [];
        const target = `"${actuator}" of "${deviceId}"`;
        if (prediction.changes && limits.min_interval_ms && last) {
            const wait = last.at + limits.min_interval_ms - now;
            if (wait > 0) {
                refusals.push({
                    limit: 'min_interval',
                    wait,
                    message:
                        `${target} changed state ${now - last.at} ms ago ` +
                        `(min_interval_ms ${limits.min_interval_ms})`,
                });
            }
        }
        const perMin = limits.max_commands_per_min;
        if (perMin !== undefined && commands.length >= perMin) {
            refusals.push({
                limit: 'max_per_min',
                wait: (commands[commands.length - perMin] as number) + MINUTE_MS - now,
                message: `${target} got ${commands.length} commands in the last minute (max_commands_per_min ${perMin})`,
            });
        }
        const maxReversals = limits.max_reversals;
        if (
            maxReversals !== undefined &&
            prediction.changes &&
            reversals.length >= maxReversals &&
            isReversal(last, current, prediction.to)
        ) {
            refusals.push({
                limit: 'flap',
                wait: (reversals[reversals.length - maxReversals] as Change).at + windowMs - now,
                message:
                    `${target} reversed its state ${reversals.length} times within ${limits.flap_window_s} s ` +
                    `(max_reversals ${maxReversals}): it is flapping`,
            });
        }
        if (refusals.length === 0) return { allowed: true, state, prediction };
        const binding = refusals.reduce((a, b) => (b.wait > a.wait ? b : a));
        const retryAfterMs = Math.max(1, Math.ceil(binding.wait));
        return {
            allowed: false,
            limit: binding.limit,
            retryAfterMs,
            message: `loop guard: ${binding.message}; retry in ${retryAfterMs} ms, not sooner`,
            state: { ...state, allowed: false, retry_after_ms: retryAfterMs, limit: binding.limit },
            prediction,
        };
    }

    /** A command passed the guard and is being sent: it counts, and so does the change it should make. */
    sent(subject: GuardSubject, commandId: string, prediction: Prediction, now: number): void {
        const track = this.track(subject.deviceId, subject.actuator);
        track.commands = track.commands.filter((t) => t > now - MINUTE_MS);
        track.commands.push(now);
        if (track.commands.length > BOUNDS.max_commands_per_min[1]) track.commands.shift();
        if (!prediction.changes) return;
        const from = track.expected ? track.expected.state : subject.current;
        this.addChange(track, { at: now, from, to: prediction.to, commandId }, true);
        track.expected = { commandId, state: prediction.to };
    }

    /**
     * The device answered a command (or it timed out: `applied` undefined). A
     * refused command made no change; an applied one changed the state at
     * `now` (the device counts its interval from there) when `change` says so,
     * or not at all — whatever the registry predicted when it was sent.
     */
    answered(
        deviceId: string,
        actuator: string,
        commandId: string,
        applied: boolean | undefined,
        change: { from: ActuatorValue | undefined; to: ActuatorValue } | undefined,
        now: number,
    ): void {
        const track = this.tracks.get(key(deviceId, actuator));
        if (!track) return;
        if (track.expected?.commandId === commandId) track.expected = undefined;
        const at = track.changes.findIndex((c) => c.commandId === commandId);
        if (applied === undefined) return;
        if (at < 0) {
            // A change the registry did not expect (its state was stale): it counts all the same.
            if (applied && change) this.addChange(track, { at: now, ...change, commandId }, true);
            return;
        }
        if (!applied || !change) track.changes.splice(at, 1);
        else (track.changes[at] as Change).at = Math.max((track.changes[at] as Change).at, now);
    }

    /** A state change the registry saw without a command of its own (a lease revert, a wall switch). */
    observed(
        deviceId: string,
        actuator: string,
        from: ActuatorValue | undefined,
        to: ActuatorValue,
        now: number,
    ): void {
        if (from === to) return;
        this.addChange(this.track(deviceId, actuator), { at: now, from, to }, false);
    }

    forget(deviceId: string): void {
        const prefix = `${deviceId}\u0000`;
        for (const k of this.tracks.keys()) if (k.startsWith(prefix)) this.tracks.delete(k);
    }

    private track(deviceId: string, actuator: string): Track {
        const k = key(deviceId, actuator);
        let track = this.tracks.get(k);
        if (!track) {
            track = { commands: [], changes: [] };
            this.tracks.set(k, track);
        }
        return track;
    }

    private addChange(track: Track, change: Omit<Change, 'reversal'>, commanded: boolean): void {
        const reversal = commanded && isReversal(track.changes.at(-1), change.from, change.to);
        track.changes.push({ ...change, reversal });
        if (track.changes.length > MAX_CHANGES) track.changes.shift();
    }
}
