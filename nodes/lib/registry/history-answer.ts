/**
 * The `history` part of a sensor reading answer (contract: sensorHistory):
 * statistics over the whole requested window, computed by the store; the raw
 * points when they fit the budget, else buckets; the window actually covered;
 * every gap with its cause (from the event log: device offline, broker down,
 * bridge not running, points dropped, messages lost) as opposed to a flat
 * signal; numbers rounded to the sensor's declared accuracy.
 */
import type {
    HistoryGapView,
    HistoryStats,
    SensorHistory,
    SensorMetadata,
    Reading,
} from '@mcp-mqtt-bridge/protocol';
import type { HistoryEvent, HistoryEventLog } from '../history-events';
import type { HistoryStore } from '../history-store';
import { summarizePoints, type WindowGap, type WindowQuery, type WindowSummary } from '../history-window';
import type { DeviceRecord } from './types';

/** Points a store without summarize() is asked for, to summarise a window itself. */
export const SCAN_LIMIT = 100000;
/** Decimals when a sensor declares no accuracy. */
export const DEFAULT_DECIMALS = 3;
/** A loss is reported on the registry's tick after the gap closed: look this far past it. */
const LOSS_REPORT_SLACK_MS = 5000;

const iso = (ms: number): string => new Date(ms).toISOString();

export function accuracyOf(record: DeviceRecord, sensor: string): number | undefined {
    const caps = record.capabilities;
    if (!caps || !Object.hasOwn(caps.metadata, sensor)) return undefined;
    const accuracy = (caps.metadata[sensor] as SensorMetadata).accuracy;
    return typeof accuracy === 'number' && accuracy > 0 ? accuracy : undefined;
}

/** Decimals that show a value to the given accuracy: 0.5 and 0.1 -> 1, 0.05 -> 2, 2 -> 0. */
export function decimalsFor(accuracy: number | undefined): number {
    if (accuracy === undefined) return DEFAULT_DECIMALS;
    return Math.min(6, Math.max(0, Math.ceil(-Math.log10(accuracy) - 1e-9)));
}

export function rounder(decimals: number) {
    const f = 10 ** decimals;
    return <T extends Reading>(v: T): T => (typeof v === 'number' ? Math.round(v * f) / f : v) as T;
}

interface Interval {
    from: number;
    to: number;
    reason?: string;
}

/** Offline stretches of the device and down stretches of the bridge, from the event log. */
function intervals(events: HistoryEvent[], now: number): { offline: Interval[]; bridgeDown: Interval[] } {
    const offline: Interval[] = [];
    const bridgeDown: Interval[] = [];
    let offSince: number | undefined;
    let offReason: string | undefined;
    let stoppedAt: number | undefined;
    let lastStoreEvent: number | undefined;
    for (const e of events) {
        if (e.kind === 'offline' && offSince === undefined) {
            offSince = e.time;
            offReason = e.reason;
        } else if (e.kind === 'online' && offSince !== undefined) {
            offline.push({ from: offSince, to: e.time, reason: offReason });
            offSince = undefined;
        } else if (e.kind === 'stop') {
            stoppedAt = e.time;
        } else if (e.kind === 'start') {
            // A start without a stop: the bridge died; it was down at least since the store's previous event.
            const from = stoppedAt ?? lastStoreEvent;
            if (from !== undefined) bridgeDown.push({ from, to: e.time });
            stoppedAt = undefined;
            // Presence known before the restart is stale: the registry re-learns it.
            if (offSince !== undefined) {
                offline.push({ from: offSince, to: e.time, reason: offReason });
                offSince = undefined;
            }
        }
        if (e.kind === 'start' || e.kind === 'stop' || e.kind === 'dropped') lastStoreEvent = e.time;
    }
    if (offSince !== undefined) offline.push({ from: offSince, to: now, reason: offReason });
    if (stoppedAt !== undefined) bridgeDown.push({ from: stoppedAt, to: now });
    return { offline, bridgeDown };
}

function overlap(a: Interval, from: number, to: number): number {
    return Math.max(0, Math.min(a.to, to) - Math.max(a.from, from));
}

const clock = (ms: number): string => iso(ms).slice(11, 19);

function label(
    gap: WindowGap,
    events: HistoryEvent[],
    spans: { offline: Interval[]; bridgeDown: Interval[] },
    beforeData: boolean,
): Pick<HistoryGapView, 'cause' | 'detail'> {
    const length = Math.max(1, gap.toMs - gap.fromMs);
    const covers = (i: Interval) => overlap(i, gap.fromMs, gap.toMs) >= length / 2;
    const down = spans.bridgeDown.find(covers);
    if (down) {
        return {
            cause: 'bridge_down',
            detail: `the bridge (Node-RED) was not running from ${clock(down.from)} to ${clock(down.to)} UTC`,
        };
    }
    const off = spans.offline.find(covers);
    if (off) {
        if (off.reason === 'broker') {
            return {
                cause: 'broker_down',
                detail: `the bridge's MQTT broker connection was down from ${clock(off.from)} to ${clock(off.to)} UTC`,
            };
        }
        const why =
            off.reason === 'timeout'
                ? 'silent past the offline timeout'
                : 'reported offline (status / last will)';
        return {
            cause: 'device_offline',
            detail: `device offline from ${clock(off.from)} to ${clock(off.to)} UTC (${why})`,
        };
    }
    const inGap = (e: HistoryEvent, slack: number) => e.time >= gap.fromMs && e.time <= gap.toMs + slack;
    const dropped = events.filter((e) => e.kind === 'dropped' && inGap(e, 0));
    if (dropped.length) {
        const n = dropped.reduce((s, e) => s + (e.count ?? 0), 0);
        return { cause: 'store_dropped', detail: `the store dropped ${n} point(s) (write queue full)` };
    }
    const lost = events.filter((e) => e.kind === 'lost' && inGap(e, LOSS_REPORT_SLACK_MS));
    if (lost.length) {
        const n = lost.reduce((s, e) => s + (e.count ?? 0), 0);
        return {
            cause: 'messages_lost',
            detail: `${n} message(s) from the device never arrived (gap in seq)`,
        };
    }
    if (beforeData) {
        return {
            cause: 'not_recorded',
            detail: 'the store holds nothing older for this sensor (retention, or recorded since)',
        };
    }
    return {
        cause: 'no_messages',
        detail:
            'the device was online and no message was counted lost: it sent no reading (a device that reports on ' +
            'change only does this while the value holds)',
    };
}

export interface HistoryRequest {
    store: HistoryStore;
    events: HistoryEventLog;
    record: DeviceRecord;
    sensor: string;
    minutes: number;
    maxPoints: number;
    now: number;
}

function storeSource(store: HistoryStore): SensorHistory['source'] {
    return store.kind === 'memory' || store.kind === 'sqlite' ? store.kind : 'influxdb';
}

export async function historyAnswer(r: HistoryRequest): Promise<SensorHistory> {
    const fromMs = r.now - r.minutes * 60000;
    const q: WindowQuery = {
        deviceId: r.record.id,
        sensor: r.sensor,
        fromMs,
        toMs: r.now,
        maxPoints: r.maxPoints,
    };
    let summary: WindowSummary;
    let complete = true;
    if (r.store.summarize) {
        summary = await r.store.summarize(q);
    } else {
        const points = await r.store.query({
            deviceId: r.record.id,
            sensor: r.sensor,
            sinceMs: fromMs,
            limit: SCAN_LIMIT,
        });
        complete = points.length < SCAN_LIMIT;
        summary = summarizePoints(points, q);
    }
    const accuracy = accuracyOf(r.record, r.sensor);
    const decimals = decimalsFor(accuracy);
    const round = rounder(decimals);
    const s = summary.stats;
    const stats: HistoryStats = {
        count: s.count,
        min: round(s.min),
        max: round(s.max),
        mean: round(s.mean),
        last: round(s.last),
    };

    // Internal gaps, plus the silences at either end of the window.
    const threshold = summary.gapThresholdMs;
    const raw: { gap: WindowGap; beforeData: boolean }[] = [];
    if (s.firstMs === null || s.lastMs === null) {
        raw.push({ gap: { fromMs, toMs: r.now }, beforeData: true });
    } else {
        if (s.firstMs - fromMs > threshold) raw.push({ gap: { fromMs, toMs: s.firstMs }, beforeData: true });
        for (const gap of summary.gaps) raw.push({ gap, beforeData: false });
        if (r.now - s.lastMs > threshold)
            raw.push({ gap: { fromMs: s.lastMs, toMs: r.now }, beforeData: false });
    }
    const events = raw.length ? r.events.eventsAround(r.record.id, fromMs, r.now) : [];
    const spans = intervals(events, r.now);
    const gaps: HistoryGapView[] = raw.map(({ gap, beforeData }) => ({
        from: iso(gap.fromMs),
        to: iso(gap.toMs),
        duration_s: Math.round((gap.toMs - gap.fromMs) / 1000),
        ...label(gap, events, spans, beforeData),
    }));

    const answer: SensorHistory = {
        source: storeSource(r.store),
        minutes: r.minutes,
        points: (summary.points ?? []).map((p) => ({
            time: iso(p.time),
            reading: round(p.reading),
            ...(p.quality !== undefined ? { quality: p.quality } : {}),
        })),
        stats,
        truncated: !complete,
        from: iso(fromMs),
        to: iso(r.now),
        covered_from: s.firstMs === null ? null : iso(s.firstMs),
        covered_to: s.lastMs === null ? null : iso(s.lastMs),
        stats_scope: complete ? 'window' : 'points',
        gaps,
        flat: s.numeric >= 2 && s.min === s.max && gaps.length === 0,
        ...(accuracy !== undefined ? { accuracy } : {}),
        decimals,
    };
    if (summary.buckets && summary.bucketMs) {
        answer.bucket_s = summary.bucketMs / 1000;
        answer.buckets = summary.buckets.map((b) => ({
            time: iso(b.startMs),
            count: b.count,
            min: round(b.min),
            max: round(b.max),
            mean: round(b.mean),
            last: round(b.last),
        }));
    }
    answer.note = noteOf(answer, s.count);
    return answer;
}

function noteOf(h: SensorHistory, count: number): string {
    const covered =
        h.covered_from && h.covered_to
            ? `stored data covers ${h.covered_from} to ${h.covered_to}`
            : 'the store holds no data for it';
    const scope =
        h.stats_scope === 'window'
            ? `stats over all ${count} stored point(s) of the window`
            : `stats over the ${count} point(s) the store returned (not the whole window)`;
    const shape = h.buckets
        ? `downsampled to ${h.buckets.length} bucket(s) of ${h.bucket_s} s`
        : `${h.points.length} point(s) returned`;
    const gaps = h.gaps?.length ? `; ${h.gaps.length} gap(s)` : '';
    return `Requested ${h.from} to ${h.to} (${h.minutes} min); ${covered}; ${scope}; ${shape}${gaps}.`;
}
