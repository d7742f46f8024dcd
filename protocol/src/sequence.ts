import { SEQ_MODULO } from './limits';
import type { MessageKind } from './topics';

export interface SequenceObservation {
    /** Messages missing before this one (0 normally; -1 when a late message fills an earlier gap). */
    lost: number;
    /** Seen before: a QoS 1 redelivery. */
    duplicate: boolean;
    /** Arrived after a later one (fills a gap already counted). */
    late: boolean;
    /** The counter was (re)started: capabilities after a boot or reconnect, or a jump back. */
    reset: boolean;
}

/** Shared (frozen) answer for the common case, so the hot path allocates nothing. */
const NOTHING: Readonly<SequenceObservation> = Object.freeze({
    lost: 0,
    duplicate: false,
    late: false,
    reset: false,
});

/** How far behind the expected seq a message may be and still count as late rather than a restart. */
const LATE_WINDOW = 1024;
const HALF = SEQ_MODULO / 2;

/**
 * Counts messages lost between a device and the server from the per-device
 * `seq` counter. Rules (protocol/README.md, "Sequence numbers"):
 * - retained messages are replays of the past and never move the baseline;
 * - live capabilities restart the baseline (the device booted or reconnected);
 * - status has no seq (the broker publishes the last will);
 * - the counter wraps at 2^32.
 */
export class SequenceTracker {
    private readonly last = new Map<string, number>();

    observe(
        deviceId: string,
        kind: MessageKind,
        seq: number | undefined,
        retained = false,
    ): SequenceObservation {
        if (seq === undefined || retained || kind === 'status') return NOTHING;
        const previous = this.last.get(deviceId);
        if (kind === 'capabilities' || previous === undefined) {
            this.last.set(deviceId, seq);
            return { ...NOTHING, reset: kind === 'capabilities' };
        }
        const ahead = (seq - previous + SEQ_MODULO) % SEQ_MODULO;
        if (ahead === 0) return { ...NOTHING, duplicate: true };
        if (ahead === 1) {
            this.last.set(deviceId, seq);
            return NOTHING;
        }
        if (ahead < HALF) {
            this.last.set(deviceId, seq);
            return { ...NOTHING, lost: ahead - 1 };
        }
        const behind = SEQ_MODULO - ahead;
        if (behind <= LATE_WINDOW) return { ...NOTHING, lost: -1, late: true };
        this.last.set(deviceId, seq);
        return { ...NOTHING, reset: true };
    }

    forget(deviceId: string): void {
        this.last.delete(deviceId);
    }

    get size(): number {
        return this.last.size;
    }
}
