/**
 * Loss accounting that merges across several consumers of one device's stream
 * (MQTT shared subscriptions: each message of the high-rate topics reaches one
 * instance of a share group). One instance sees only its share of the seq
 * numbers, so its own gaps say nothing; what it can say exactly is, per device
 * and counter epoch, the lowest and highest seq it received and how many
 * distinct messages. Merged over every instance of the group:
 *
 *   lost = (highest − lowest + 1) − Σ received(shared) − max received(control)
 *
 * Control-plane messages (capabilities, actuator status, config, diagnostics,
 * errors) reach every instance through a normal subscription, so they count
 * once (the maximum), not once per instance. An epoch starts with the
 * device's capabilities (its counter restarts at boot); every instance hears
 * them (retained or live), so every instance names the epoch alike: the
 * capabilities' seq and timestamp.
 */
import { SEQ_MODULO } from './limits';
import { SEQ_MAX_GAP } from './sequence';

/** One device's counter epoch as one instance saw it (wire form, registry API). */
export interface SeqEpoch {
    /** `<seq of the capabilities>@<their timestamp>`, or `-` before any capabilities were heard. */
    epoch: string;
    /** Lowest seq received (of the span, modulo 2^32). */
    first: number;
    /** Highest seq received. */
    last: number;
    /** Distinct shared-stream (data-plane) messages this instance received in the epoch. */
    received: number;
    /** Distinct control-plane messages with a seq this instance received in the epoch. */
    control: number;
}

/** Epochs kept per device and instance; older ones fall off (their loss was reported meanwhile). */
export const SEQ_EPOCHS_KEPT = 4;
export const UNKNOWN_EPOCH = '-';

/** Epoch name from a capabilities message: part 0's seq (parts carry consecutive seqs) and the timestamp. */
export function epochOf(capabilities: { seq: number; timestamp?: number; part?: number }): string {
    const seq = (capabilities.seq - (capabilities.part ?? 0) + SEQ_MODULO) % SEQ_MODULO;
    return `${seq}@${capabilities.timestamp ?? ''}`;
}

const ahead = (from: number, to: number) => (to - from + SEQ_MODULO) % SEQ_MODULO;

/** Per-instance recorder, fed with the messages this instance did not already count (no duplicates). */
export class SeqLedger {
    private readonly devices = new Map<string, SeqEpoch[]>();

    /** Live capabilities start a new epoch; retained ones name the current epoch if it had no name yet. */
    capabilities(deviceId: string, epoch: string, seq: number, retained: boolean): void {
        const epochs = this.devices.get(deviceId) ?? [];
        this.devices.set(deviceId, epochs);
        const current = epochs[epochs.length - 1] as SeqEpoch | undefined;
        if (retained) {
            // A replay of the past: it names the epoch but is no message of it (its span starts with the next).
            if (!current) epochs.push({ epoch, first: seq, last: seq, received: 0, control: 0 });
            else if (current.epoch === UNKNOWN_EPOCH) current.epoch = epoch;
            return;
        }
        if (current && current.received + current.control === 0) current.epoch = epoch;
        else {
            epochs.push({ epoch, first: seq, last: seq, received: 0, control: 0 });
            if (epochs.length > SEQ_EPOCHS_KEPT) epochs.shift();
        }
        this.count(deviceId, seq, true);
    }

    /**
     * One distinct message with a seq. Returns false when the seq is too far
     * from the epoch's span to belong to it (a stray or an unannounced restart):
     * it is then left out rather than counted as thousands lost.
     */
    count(deviceId: string, seq: number, control: boolean): boolean {
        let epochs = this.devices.get(deviceId);
        if (!epochs) {
            epochs = [{ epoch: UNKNOWN_EPOCH, first: seq, last: seq, received: 0, control: 0 }];
            this.devices.set(deviceId, epochs);
        }
        const e = epochs[epochs.length - 1];
        if (e.received + e.control === 0) {
            e.first = e.last = seq;
        } else {
            const pos = ahead(e.first, seq);
            const span = ahead(e.first, e.last);
            if (pos > span) {
                const past = pos - span;
                const before = SEQ_MODULO - pos;
                if (past <= SEQ_MAX_GAP && past <= before) e.last = seq;
                else if (before <= SEQ_MAX_GAP) e.first = seq;
                else return false;
            }
        }
        if (control) e.control++;
        else e.received++;
        return true;
    }

    epochsOf(deviceId: string): SeqEpoch[] | undefined {
        return this.devices.get(deviceId)?.map((e) => ({ ...e }));
    }

    forget(deviceId: string): void {
        this.devices.delete(deviceId);
    }
}

/**
 * Messages lost over all instances' accounts of one device: per epoch,
 * span − Σ shared received − max control received (never below 0: a
 * redelivery to a second instance would otherwise show as negative loss).
 */
export function mergedLoss(accounts: readonly (readonly SeqEpoch[] | undefined)[]): number {
    const byEpoch = new Map<string, SeqEpoch[]>();
    for (const account of accounts)
        for (const e of account ?? []) byEpoch.set(e.epoch, [...(byEpoch.get(e.epoch) ?? []), e]);
    let lost = 0;
    for (const all of byEpoch.values()) {
        const parts = all.filter((p) => p.received + p.control > 0);
        if (parts.length === 0) continue;
        // Spans as offsets from one part's first seq (modulo 2^32, signed), so wrap-around is handled.
        const ref = parts[0].first;
        const offset = (seq: number) => {
            const d = ahead(ref, seq);
            return d >= SEQ_MODULO / 2 ? d - SEQ_MODULO : d;
        };
        let low = Infinity;
        let high = -Infinity;
        let received = 0;
        let control = 0;
        for (const p of parts) {
            low = Math.min(low, offset(p.first));
            high = Math.max(high, offset(p.first) + ahead(p.first, p.last));
            received += p.received;
            control = Math.max(control, p.control);
        }
        lost += Math.max(0, high - low + 1 - received - control);
    }
    return lost;
}
