/**
 * Reassembles capabilities announced in parts (a device whose document does
 * not fit one MQTT packet). A part starts or joins its announcement (same
 * `parts` and first seq); when every part is there the merged document is
 * returned. Bounded: one announcement per device, dropped when a newer one
 * starts or when it stays incomplete for PART_TIMEOUT_MS.
 */
import {
    firstSeq,
    isCompleteDocument,
    mergeCapabilitiesParts,
    SEQ_MODULO,
    type CapabilitiesPart,
    type CapabilitiesPayload,
} from '@mcp-mqtt-bridge/protocol';

export const PART_TIMEOUT_MS = 10000;

/** seq a came after seq b (uint32 arithmetic, within half the range). */
function isNewer(a: number, b: number): boolean {
    const ahead = (a - b + SEQ_MODULO) % SEQ_MODULO;
    return ahead > 0 && ahead < SEQ_MODULO / 2;
}
/** More parts than any real device needs (128 entities at 4 KB per part). */
const MAX_PARTS = 64;

interface Announcement {
    first: number;
    parts: number;
    received: Map<number, CapabilitiesPart>;
    startedAt: number;
}

export class CapabilitiesAssembler {
    private readonly pending = new Map<string, Announcement>();

    /** The whole document once this part completes it (or at once for a single document), else undefined. */
    add(deviceId: string, payload: CapabilitiesPart, now: number): CapabilitiesPayload | undefined {
        if (isCompleteDocument(payload)) {
            this.pending.delete(deviceId);
            return payload;
        }
        const parts = payload.parts ?? 1;
        if (parts > MAX_PARTS) return undefined;
        let announcement = this.pending.get(deviceId);
        const first = firstSeq(payload);
        // A late part of an older announcement must not throw away the one in progress.
        if (announcement && announcement.first !== first && !isNewer(first, announcement.first))
            return undefined;
        if (!announcement || announcement.first !== first || announcement.parts !== parts) {
            announcement = { first, parts, received: new Map(), startedAt: now };
            this.pending.set(deviceId, announcement);
        }
        announcement.received.set(payload.part ?? 0, payload);
        if (announcement.received.size < parts) return undefined;
        this.pending.delete(deviceId);
        const merged = mergeCapabilitiesParts([...announcement.received.values()]);
        return merged.ok ? merged.capabilities : undefined;
    }

    /** Drops announcements that stayed incomplete; returns the devices concerned. */
    expire(now: number): string[] {
        const expired: string[] = [];
        for (const [id, a] of this.pending) {
            if (now - a.startedAt > PART_TIMEOUT_MS) {
                this.pending.delete(id);
                expired.push(id);
            }
        }
        return expired;
    }

    forget(deviceId: string): void {
        this.pending.delete(deviceId);
    }

    get size(): number {
        return this.pending.size;
    }
}
