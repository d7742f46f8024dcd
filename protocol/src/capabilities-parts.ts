/**
 * Capabilities in parts (protocol/README.md, "capabilities"): a device whose announcement does
 * not fit one MQTT packet sends several capabilities messages with `part` (0-based) and `parts`
 * and consecutive `seq`; each part is a complete document for the entities it lists. Only part
 * 0 is retained. mergeCapabilitiesParts() joins one announcement's parts into the single
 * document a registry keeps; it is pure, and decides nothing about timing.
 */
import type { CapabilitiesPayload } from './messages';

/** A decoded capabilities payload, possibly one part of an announcement. */
export type CapabilitiesPart = CapabilitiesPayload & { part?: number; parts?: number };

export type MergeResult =
    { ok: true; capabilities: CapabilitiesPayload } | { ok: false; reason: string; missing: number[] };

/** Parts that belong to the same announcement: same device, same `parts`, same first seq. */
export function sameAnnouncement(a: CapabilitiesPart, b: CapabilitiesPart): boolean {
    return a.device_id === b.device_id && (a.parts ?? 1) === (b.parts ?? 1) && firstSeq(a) === firstSeq(b);
}

/** The seq of part 0 of the announcement this part belongs to (seq wraps at 2^32). */
export function firstSeq(part: CapabilitiesPart): number {
    return (part.seq - (part.part ?? 0) + 4294967296) % 4294967296;
}

/** True when this payload is the whole announcement (a single document, or `parts: 1`). */
export function isCompleteDocument(part: CapabilitiesPart): boolean {
    return (part.parts ?? 1) === 1;
}

/**
 * Joins the parts of one announcement (any order). Fails, naming the missing part indexes,
 * unless every part 0..parts-1 is present exactly once and all belong together; entity ids
 * must not repeat across parts. The result has no `part`/`parts` and the seq of part 0.
 */
export function mergeCapabilitiesParts(parts: readonly CapabilitiesPart[]): MergeResult {
    if (parts.length === 0) return { ok: false, reason: 'no parts', missing: [0] };
    const count = parts[0].parts ?? 1;
    const byIndex = new Map<number, CapabilitiesPart>();
    for (const part of parts) {
        if (!sameAnnouncement(part, parts[0])) {
            return { ok: false, reason: 'parts of different announcements', missing: [] };
        }
        const index = part.part ?? 0;
        if (index >= count) return { ok: false, reason: `part ${index} of ${count}`, missing: [] };
        if (byIndex.has(index)) return { ok: false, reason: `part ${index} twice`, missing: [] };
        byIndex.set(index, part);
    }
    const missing: number[] = [];
    for (let i = 0; i < count; i++) if (!byIndex.has(i)) missing.push(i);
    if (missing.length > 0) {
        return { ok: false, reason: `${missing.length} of ${count} parts missing`, missing };
    }
    const head = byIndex.get(0) as CapabilitiesPart;
    const { part: _part, parts: _parts, ...rest } = head;
    void _part;
    void _parts;
    const merged: CapabilitiesPayload = { ...rest, sensors: [], actuators: [], metadata: {} };
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
        const part = byIndex.get(i) as CapabilitiesPart;
        for (const id of [...part.sensors, ...part.actuators]) {
            if (seen.has(id)) return { ok: false, reason: `"${id}" is declared in two parts`, missing: [] };
            seen.add(id);
        }
        merged.sensors.push(...part.sensors);
        merged.actuators.push(...part.actuators);
        for (const id of [...part.sensors, ...part.actuators]) {
            const meta = Object.hasOwn(part.metadata, id) ? part.metadata[id] : undefined;
            if (meta !== undefined)
                Object.defineProperty(merged.metadata, id, { value: meta, enumerable: true });
        }
    }
    return { ok: true, capabilities: merged };
}
