/**
 * The shared SVG chart's data side (protocol/assets/history-chart.js): which
 * entries a history answer draws and where the line breaks. Drawing itself is
 * checked in Chromium (sidebar-charts_spec, mcp-app_spec).
 */
import assert from 'node:assert/strict';

interface Pt {
    t: number;
    v: number | null;
    lo: number | null;
    hi: number | null;
}
interface Chart {
    seriesOf(history: object): { bucketed: boolean; pts: Pt[]; from: number; to: number };
    segmentsOf(series: object): Pt[][];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const chart = require('../../protocol/assets/history-chart.js') as Chart;

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s)).toISOString();
const ms = (s: number) => Date.parse(at(s));

describe('history chart series (protocol/assets/history-chart.js)', () => {
    it('draws raw points, booleans as 0/1, and breaks the line at nulls and at gaps only', () => {
        const series = chart.seriesOf({
            from: at(0),
            to: at(100),
            points: [0, 2, 4, 30, 32, 34].map((s, i) => ({ time: at(s), reading: i === 4 ? null : s })),
            gaps: [{ from: at(4), to: at(30), duration_s: 26, cause: 'device_offline', detail: '' }],
        });
        assert.equal(series.bucketed, false);
        assert.equal(series.from, ms(0));
        assert.equal(series.to, ms(100));
        const runs = chart.segmentsOf(series).map((r) => r.map((p) => p.v));
        assert.deepEqual(runs, [[0, 2, 4], [30], [34]]);
        assert.deepEqual(
            chart.seriesOf({ points: [{ time: at(1), reading: true }] }).pts.map((p) => p.v),
            [1],
        );
    });

    it('draws bucket means with their min..max, and splits only where buckets are missing around a gap', () => {
        const bucket = (s: number, mean: number | null) => ({
            time: at(s),
            count: 3,
            min: mean === null ? null : mean - 1,
            max: mean === null ? null : mean + 1,
            mean,
            last: mean,
        });
        const series = chart.seriesOf({
            bucket_s: 10,
            buckets: [bucket(0, 5), bucket(10, 6), bucket(40, 7), bucket(50, 8)],
            // A short gap inside two neighbouring buckets cannot show; the one over missing buckets does.
            gaps: [
                { from: at(12), to: at(18), duration_s: 6, cause: 'messages_lost', detail: '' },
                { from: at(19), to: at(41), duration_s: 22, cause: 'no_messages', detail: '' },
            ],
            points: [],
        });
        assert.equal(series.bucketed, true);
        assert.deepEqual(
            series.pts.map((p) => [p.t, p.lo, p.v, p.hi]),
            [
                [ms(5), 4, 5, 6],
                [ms(15), 5, 6, 7],
                [ms(45), 6, 7, 8],
                [ms(55), 7, 8, 9],
            ],
        );
        assert.deepEqual(
            chart.segmentsOf(series).map((r) => r.map((p) => p.v)),
            [
                [5, 6],
                [7, 8],
            ],
        );
    });
});
