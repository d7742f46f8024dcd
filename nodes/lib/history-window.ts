/**
 * A history window summarised for a reader that must be able to trust it:
 * statistics over every stored point of the window (not over the points
 * returned), the raw points when they fit the caller's budget, else buckets
 * (min/max/mean/last each), and the stretches without data (gaps). The SQLite
 * store computes this in SQL; summarizePoints() does the same from a list of
 * points for the stores that only answer point queries (memory, InfluxDB).
 */
import type { Reading } from '@mcp-mqtt-bridge/protocol';
import type { HistoryPoint } from './history-store';

export interface WindowQuery {
    deviceId: string;
    sensor: string;
    /** Inclusive bounds, ms since the epoch. */
    fromMs: number;
    toMs: number;
    /** The budget: at most this many points, else at most this many buckets. */
    maxPoints: number;
}

export interface WindowStats {
    /** Every stored point in the window. */
    count: number;
    /** Points with a numeric (or boolean, as 0/1) reading: what min/max/mean are over. */
    numeric: number;
    min: number | null;
    max: number | null;
    mean: number | null;
    last: Reading;
    firstMs: number | null;
    lastMs: number | null;
}

export interface WindowBucket {
    startMs: number;
    count: number;
    min: number | null;
    max: number | null;
    mean: number | null;
    last: Reading;
}

export interface WindowGap {
    /** Time of the last point before the gap (or the window start). */
    fromMs: number;
    /** Time of the first point after the gap (or the window end). */
    toMs: number;
}

export interface WindowSummary {
    stats: WindowStats;
    /** The raw points, oldest first, when stats.count <= maxPoints. */
    points?: HistoryPoint[];
    /** Otherwise buckets of bucketMs each, oldest first; empty buckets are left out. */
    buckets?: WindowBucket[];
    bucketMs?: number;
    /** Silences longer than gapThresholdMs between points of the window (internal only). */
    gaps: WindowGap[];
    gapThresholdMs: number;
}

/** A silence counts as a gap when it is this much longer than the typical interval... */
export const GAP_FACTOR = 3;
/** ...and at least this long. */
export const MIN_GAP_MS = 5000;
/** At most this many gaps are listed (the longest are not picked: the first in time are). */
export const MAX_GAPS = 50;

export function gapThresholdMs(stats: Pick<WindowStats, 'count' | 'firstMs' | 'lastMs'>): number {
    if (stats.count < 2 || stats.firstMs === null || stats.lastMs === null) return MIN_GAP_MS;
    const typical = (stats.lastMs - stats.firstMs) / (stats.count - 1);
    return Math.max(MIN_GAP_MS, Math.ceil(GAP_FACTOR * typical));
}

/** Bucket width for a window and a budget: whole seconds when the window allows. */
export function bucketWidthMs(fromMs: number, toMs: number, maxBuckets: number): number {
    const raw = Math.max(1, Math.ceil((toMs - fromMs + 1) / Math.max(1, maxBuckets)));
    return raw >= 1000 ? Math.ceil(raw / 1000) * 1000 : raw;
}

export function numericOf(r: Reading): number | null {
    if (typeof r === 'boolean') return r ? 1 : 0;
    return typeof r === 'number' ? r : null;
}

/** The same summary as the SQLite store's, from points (any order) of one series. */
export function summarizePoints(all: HistoryPoint[], q: WindowQuery): WindowSummary {
    const points = all.filter((p) => p.time >= q.fromMs && p.time <= q.toMs);
    // Stable: equal times keep their arrival order, as the stores return them.
    points.sort((a, b) => a.time - b.time);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let numeric = 0;
    for (const p of points) {
        const n = numericOf(p.reading);
        if (n === null) continue;
        numeric++;
        sum += n;
        if (n < min) min = n;
        if (n > max) max = n;
    }
    const last = points.length ? points[points.length - 1] : undefined;
    const stats: WindowStats = {
        count: points.length,
        numeric,
        min: numeric ? min : null,
        max: numeric ? max : null,
        mean: numeric ? sum / numeric : null,
        last: last ? last.reading : null,
        firstMs: points.length ? points[0].time : null,
        lastMs: last ? last.time : null,
    };
    const threshold = gapThresholdMs(stats);
    const gaps: WindowGap[] = [];
    for (let i = 1; i < points.length && gaps.length < MAX_GAPS; i++) {
        if (points[i].time - points[i - 1].time > threshold) {
            gaps.push({ fromMs: points[i - 1].time, toMs: points[i].time });
        }
    }
    const summary: WindowSummary = { stats, gaps, gapThresholdMs: threshold };
    if (points.length <= q.maxPoints) {
        summary.points = points;
        return summary;
    }
    const width = bucketWidthMs(q.fromMs, q.toMs, q.maxPoints);
    const buckets = new Map<number, { b: WindowBucket; sum: number; numeric: number }>();
    for (const p of points) {
        const index = Math.floor((p.time - q.fromMs) / width);
        let entry = buckets.get(index);
        if (!entry) {
            entry = {
                b: {
                    startMs: q.fromMs + index * width,
                    count: 0,
                    min: null,
                    max: null,
                    mean: null,
                    last: null,
                },
                sum: 0,
                numeric: 0,
            };
            buckets.set(index, entry);
        }
        entry.b.count++;
        entry.b.last = p.reading;
        const n = numericOf(p.reading);
        if (n === null) continue;
        entry.numeric++;
        entry.sum += n;
        entry.b.min = entry.b.min === null ? n : Math.min(entry.b.min, n);
        entry.b.max = entry.b.max === null ? n : Math.max(entry.b.max, n);
    }
    summary.bucketMs = width;
    summary.buckets = [...buckets.values()].map(({ b, sum: s, numeric: n }) => ({
        ...b,
        mean: n ? s / n : null,
    }));
    return summary;
}
