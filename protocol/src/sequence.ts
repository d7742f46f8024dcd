import { SEQ_MODULO } from './limits';
import type { MessageKind } from './topics';

export interface SequenceObservation {
    /** Messages missing before this one (0 normally; -1 when a late message fills an earlier gap). */
    lost: number;
    /** Seen before: a QoS 1 redelivery. */
    duplicate: boolean;
    /** Arrived after a later one and fills a gap already counted. */
    late: boolean;
    /** The count started again: live capabilities with seq 0 (boot), or a jump no real loss explains. */
    reset: boolean;
    /** For a reset by a jump: the newest seq before it (so the alert can name both ends). */
    jumpedFrom?: number;
}

/** Shared (frozen) answer for the common case, so the hot path allocates nothing. */
const NOTHING: Readonly<SequenceObservation> = Object.freeze({
    lost: 0,
    duplicate: false,
    late: false,
    reset: false,
});

/** How far behind the newest seq a message may be and still count as late (or duplicate). */
export const SEQ_LATE_WINDOW = 256;
/**
 * Largest forward jump counted as loss. A bigger one cannot be told from a
 * forged or restarted counter, so it restarts the count (and is reported)
 * instead of adding up to four billion lost messages.
 */
export const SEQ_MAX_GAP = 10000;
const WORDS = SEQ_LATE_WINDOW / 32;

/** Where a device's count stands; serialisable so loss spanning a server restart is counted. */
export interface SequenceState {
    /** Newest seq seen. */
    newest: number;
    /** Bit i of word w: seq ≡ 32·w + i (mod SEQ_LATE_WINDOW) was received, for the window behind newest. */
    seen: number[];
}

interface DeviceSequence {
    newest: number;
    seen: Uint32Array;
    /** The first seq of this count: a message from before it was never counted missing. */
    first: number;
    /** The count before a jump, kept for one message: if the next one continues it, the jump was a stray. */
    beforeJump?: { newest: number; seen: Uint32Array; first: number };
}

/**
 * Counts messages lost between a device and the server from the per-device
 * `seq` counter. Rules (protocol/README.md, "Sequence numbers"):
 * - retained messages are replays of the past and never move the count;
 * - live capabilities with seq 0 restart it (the device booted); with any other
 *   seq they are a re-announcement (reconnect, announce request, diagnostics)
 *   and count like any message, so a gap before them is loss;
 * - status has no seq (the broker publishes the last will);
 * - the counter wraps at 2^32;
 * - a window of the last SEQ_LATE_WINDOW seqs tells a redelivery (duplicate)
 *   from a message that fills a gap (late);
 * - a jump forward beyond SEQ_MAX_GAP or back beyond the window is a restart.
 */
export class SequenceTracker {
    private readonly devices = new Map<string, DeviceSequence>();

    observe(
        deviceId: string,
        kind: MessageKind,
        seq: number | undefined,
        retained = false,
    ): SequenceObservation {
        if (seq === undefined || retained || kind === 'status') return NOTHING;
        const state = this.devices.get(deviceId);
        const boot = kind === 'capabilities' && seq === 0;
        if (state === undefined) {
            this.start(deviceId, seq, state);
            return boot ? { ...NOTHING, reset: true } : NOTHING;
        }
        if (boot) {
            // The control plane and the sensor stream may reach the server on different connections:
            // a boot's capabilities can arrive just after the first readings of that boot, which then
            // began the count. Such a late announcement is no new boot.
            if (isRecent(state, seq) && !isSeen(state, seq) && isBefore(seq, state.first)) {
                markSeen(state, seq);
                return NOTHING;
            }
            this.start(deviceId, seq, state);
            return { ...NOTHING, reset: true };
        }
        // Capabilities with any other seq re-announce a running device: they count like any message.
        if (state.beforeJump) resumeAfterStray(state, seq);
        return this.step(deviceId, state, seq);
    }

    private step(deviceId: string, state: DeviceSequence, seq: number): SequenceObservation {
        const ahead = (seq - state.newest + SEQ_MODULO) % SEQ_MODULO;
        if (ahead === 0) return { ...NOTHING, duplicate: true };
        if (ahead <= SEQ_MAX_GAP) return advance(state, seq, ahead);
        const behind = SEQ_MODULO - ahead;
        if (behind < SEQ_LATE_WINDOW) {
            if (isSeen(state, seq)) return { ...NOTHING, duplicate: true };
            markSeen(state, seq);
            // Before the count began it was never counted missing: nothing to give back.
            if (isBefore(seq, state.first)) return NOTHING;
            return { ...NOTHING, lost: -1, late: true };
        }
        const jumpedFrom = state.newest;
        const beforeJump = { newest: state.newest, seen: state.seen.slice(), first: state.first };
        this.start(deviceId, seq, state);
        state.beforeJump = beforeJump;
        return { ...NOTHING, reset: true, jumpedFrom };
    }

    forget(deviceId: string): void {
        this.devices.delete(deviceId);
    }

    get size(): number {
        return this.devices.size;
    }

    /** The count of one device, for the registry's snapshot. */
    stateOf(deviceId: string): SequenceState | undefined {
        const state = this.devices.get(deviceId);
        return state && { newest: state.newest, seen: [...state.seen] };
    }

    /** Restores a saved count, so a gap spanning a server restart is counted on the next message. */
    restore(deviceId: string, saved: SequenceState): void {
        if (!Number.isInteger(saved.newest) || saved.newest < 0 || saved.newest >= SEQ_MODULO) return;
        const seen = new Uint32Array(WORDS);
        if (Array.isArray(saved.seen)) for (let w = 0; w < WORDS; w++) seen[w] = Number(saved.seen[w]) >>> 0;
        this.devices.set(deviceId, {
            newest: saved.newest,
            seen,
            first: (saved.newest - SEQ_LATE_WINDOW + SEQ_MODULO) % SEQ_MODULO,
        });
    }

    private start(deviceId: string, seq: number, state: DeviceSequence | undefined): void {
        const fresh = state ?? { newest: seq, seen: new Uint32Array(WORDS), first: seq };
        fresh.seen.fill(0);
        fresh.newest = seq;
        fresh.first = seq;
        fresh.beforeJump = undefined;
        markSeen(fresh, seq);
        if (!state) this.devices.set(deviceId, fresh);
    }
}

/**
 * After a jump, one message decides: if it continues the count from before the
 * jump (and not the new one), the jump was a single stray or forged message and
 * the old count resumes; otherwise the new count stands.
 */
function resumeAfterStray(state: DeviceSequence, seq: number): void {
    const old = state.beforeJump;
    state.beforeJump = undefined;
    const aheadOfNew = (seq - state.newest + SEQ_MODULO) % SEQ_MODULO;
    if (!old || aheadOfNew === 1) return;
    const aheadOfOld = (seq - old.newest + SEQ_MODULO) % SEQ_MODULO;
    if (aheadOfOld >= 1 && aheadOfOld <= SEQ_MAX_GAP) {
        state.newest = old.newest;
        state.seen = old.seen;
        state.first = old.first;
    }
}

/** seq is the newest or at most the window behind it. */
function isRecent(state: DeviceSequence, seq: number): boolean {
    const behind = (state.newest - seq + SEQ_MODULO) % SEQ_MODULO;
    return behind < SEQ_LATE_WINDOW;
}

/** a comes before b in the uint32 count (within half the range). */
function isBefore(a: number, b: number): boolean {
    const ahead = (b - a + SEQ_MODULO) % SEQ_MODULO;
    return ahead > 0 && ahead < SEQ_MODULO / 2;
}

function advance(state: DeviceSequence, seq: number, ahead: number): SequenceObservation {
    if (ahead >= SEQ_LATE_WINDOW) state.seen.fill(0);
    else for (let i = 1; i < ahead; i++) clearSeen(state, state.newest + i);
    state.newest = seq;
    markSeen(state, seq);
    return ahead === 1 ? NOTHING : { ...NOTHING, lost: ahead - 1 };
}

/** Bit of a seq in the window: word index in the high bits, bit in the low five (no allocation). */
function bitOf(seq: number): number {
    return (seq >>> 0) % SEQ_LATE_WINDOW;
}

function isSeen(state: DeviceSequence, seq: number): boolean {
    const bit = bitOf(seq);
    return (state.seen[bit >>> 5] & (1 << (bit & 31))) !== 0;
}

function markSeen(state: DeviceSequence, seq: number): void {
    const bit = bitOf(seq);
    state.seen[bit >>> 5] |= 1 << (bit & 31);
}

function clearSeen(state: DeviceSequence, seq: number): void {
    const bit = bitOf(seq);
    state.seen[bit >>> 5] &= ~(1 << (bit & 31));
}
