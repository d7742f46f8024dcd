/**
 * History charts as small inline SVG, with no dependency: the editor's Devices
 * sidebar (inlined into its HTML at build time) and the MCP App view of
 * read_sensor (inlined into the ui:// resource) draw with this one file.
 *
 * It reads a `sensorHistory` answer of the registry API (registry-api/shapes.ts):
 * raw `points`, or `buckets` (min/max/mean/last) when the window was
 * downsampled, and `gaps` (stretches without data, with their cause). The line
 * breaks at every gap and at null readings; buckets get a min..max band.
 *
 * Only DOM calls that cannot run markup are used: createElementNS,
 * setAttribute and textContent. Device text (units, causes) stays text.
 * Plain ES5, a UMD wrapper: `module.exports` in Node (the unit tests), else
 * the global `McpbHistoryChart`.
 */
/* global self */
(function (root, factory) {
    'use strict';
    if (typeof module === 'object' && module.exports) {
        module.exports = factory();
    } else {
        root.McpbHistoryChart = factory();
    }
})(typeof self !== 'undefined' ? self : this, function () {
    'use strict';
    var SVG_NS = 'http://www.w3.org/2000/svg';
    var COLORS = { line: '#3b82c4', band: '#3b82c4', gap: '#d9534f', axis: '#888888', text: '#666666' };

    function ms(iso) {
        return typeof iso === 'number' ? iso : Date.parse(iso);
    }

    function isNum(v) {
        return typeof v === 'number' && isFinite(v);
    }

    /**
     * The drawable series of a history answer: one entry per point or bucket,
     * `v` the value (bucket mean), `lo`/`hi` the bucket's min/max (raw points:
     * the value), `t` ms; `v` null where nothing numeric was stored.
     */
    function seriesOf(history) {
        var h = history || {};
        var bucketed = Array.isArray(h.buckets) && h.buckets.length > 0;
        var bucketMs = bucketed && isNum(h.bucket_s) ? h.bucket_s * 1000 : 0;
        var pts = [];
        if (bucketed) {
            h.buckets.forEach(function (b) {
                var v = isNum(b.mean) ? b.mean : null;
                pts.push({
                    t: ms(b.time) + bucketMs / 2,
                    v: v,
                    lo: isNum(b.min) ? b.min : v,
                    hi: isNum(b.max) ? b.max : v,
                    start: ms(b.time),
                    end: ms(b.time) + bucketMs,
                });
            });
        } else {
            (h.points || []).forEach(function (p) {
                var v = isNum(p.reading)
                    ? p.reading
                    : typeof p.reading === 'boolean'
                      ? p.reading
                          ? 1
                          : 0
                      : null;
                var t = ms(p.time);
                pts.push({ t: t, v: v, lo: v, hi: v, start: t, end: t });
            });
        }
        var gaps = (h.gaps || []).map(function (g) {
            return {
                from: ms(g.from),
                to: ms(g.to),
                cause: g.cause,
                detail: g.detail,
                seconds: g.duration_s,
            };
        });
        var first = pts.length ? pts[0].start : Date.now();
        var last = pts.length ? pts[pts.length - 1].end : first;
        var from = h.from ? ms(h.from) : first;
        var to = h.to ? ms(h.to) : last;
        return { bucketed: bucketed, bucketMs: bucketMs, pts: pts, gaps: gaps, from: from, to: to };
    }

    /**
     * Runs of neighbouring drawable entries: a run ends at a null value and
     * where a gap lies between two neighbours (a gap shorter than a bucket
     * cannot show and does not split).
     */
    function segmentsOf(series) {
        var runs = [];
        var run = [];
        var prev = null;
        series.pts.forEach(function (p) {
            if (p.v === null) {
                if (run.length) {
                    runs.push(run);
                }
                run = [];
                prev = null;
                return;
            }
            if (prev) {
                var a = prev.end;
                var b = p.start;
                var split = series.gaps.some(function (g) {
                    return g.from < b && g.to > a;
                });
                if (split && run.length) {
                    runs.push(run);
                    run = [];
                }
            }
            run.push(p);
            prev = p;
        });
        if (run.length) {
            runs.push(run);
        }
        return runs;
    }

    function el(parent, name, attrs) {
        var node = parent.ownerDocument.createElementNS(SVG_NS, name);
        Object.keys(attrs || {}).forEach(function (k) {
            node.setAttribute(k, String(attrs[k]));
        });
        parent.appendChild(node);
        return node;
    }

    function text(parent, x, y, value, anchor, cls) {
        var t = el(parent, 'text', {
            x: x,
            y: y,
            'text-anchor': anchor || 'start',
            'font-size': 9,
            fill: COLORS.text,
            class: cls || 'mcpb-chart-label',
        });
        t.textContent = value;
        return t;
    }

    function clear(svg) {
        while (svg.firstChild) {
            svg.removeChild(svg.firstChild);
        }
    }

    function round(v, decimals) {
        var f = Math.pow(10, decimals === undefined ? 2 : Math.min(decimals, 6));
        return Math.round(v * f) / f;
    }

    function clock(t, withDate) {
        var d = new Date(t);
        var hh = ('0' + d.getHours()).slice(-2);
        var mm = ('0' + d.getMinutes()).slice(-2);
        var time = hh + ':' + mm;
        return withDate ? d.getMonth() + 1 + '/' + d.getDate() + ' ' + time : time;
    }

    function yDomain(series) {
        var lo = Infinity;
        var hi = -Infinity;
        series.pts.forEach(function (p) {
            if (p.v !== null) {
                lo = Math.min(lo, p.lo, p.v);
                hi = Math.max(hi, p.hi, p.v);
            }
        });
        if (lo === Infinity) {
            return null;
        }
        if (lo === hi) {
            var pad = Math.abs(lo) > 1 ? Math.abs(lo) * 0.01 : 1;
            return [lo - pad, hi + pad, lo, hi];
        }
        var margin = (hi - lo) * 0.08;
        return [lo - margin, hi + margin, lo, hi];
    }

    /**
     * Draws a history answer into an <svg> (emptied first). Options: width,
     * height, unit, decimals, emptyText, interactive (a hover readout). Returns
     * what was drawn: { points, segments, gaps, bucketed }.
     */
    function drawChart(svg, history, options) {
        var o = options || {};
        var W = o.width || 320;
        var H = o.height || 140;
        var pad = { l: 44, r: 8, t: 8, b: 16 };
        clear(svg);
        svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
        svg.setAttribute('class', 'mcpb-chart');
        var series = seriesOf(history);
        var runs = segmentsOf(series);
        var domain = yDomain(series);
        var x0 = series.from;
        var x1 = series.to > series.from ? series.to : series.from + 1;
        var sx = function (t) {
            return round(pad.l + ((t - x0) / (x1 - x0)) * (W - pad.l - pad.r), 1);
        };
        var sy = function (v) {
            return round(H - pad.b - ((v - domain[0]) / (domain[1] - domain[0])) * (H - pad.t - pad.b), 1);
        };
        el(svg, 'rect', {
            x: pad.l,
            y: pad.t,
            width: W - pad.l - pad.r,
            height: H - pad.t - pad.b,
            fill: 'none',
            stroke: COLORS.axis,
            'stroke-width': 0.5,
            class: 'mcpb-chart-frame',
        });
        var drawn = { points: 0, segments: runs.length, gaps: 0, bucketed: series.bucketed };
        series.gaps.forEach(function (g) {
            var a = Math.max(x0, g.from);
            var b = Math.min(x1, g.to);
            if (b <= a) {
                return;
            }
            var rect = el(svg, 'rect', {
                x: sx(a),
                y: pad.t,
                width: Math.max(1, round(sx(b) - sx(a), 1)),
                height: H - pad.t - pad.b,
                // Nothing stored yet (before the first point) is grey; a real gap is red.
                fill: g.cause === 'not_recorded' ? COLORS.axis : COLORS.gap,
                'fill-opacity': g.cause === 'not_recorded' ? 0.08 : 0.14,
                class: 'mcpb-chart-gap',
                'data-cause': g.cause,
            });
            el(rect, 'title').textContent = g.cause + (g.detail ? ': ' + g.detail : '');
            drawn.gaps++;
        });
        var unit = o.unit ? ' ' + o.unit : '';
        text(svg, 2, H - 4, clock(x0, x1 - x0 > 86400000 / 2), 'start', 'mcpb-chart-label mcpb-chart-from');
        text(
            svg,
            W - pad.r,
            H - 4,
            clock(x1, x1 - x0 > 86400000 / 2),
            'end',
            'mcpb-chart-label mcpb-chart-to',
        );
        if (!domain) {
            text(svg, W / 2, H / 2, o.emptyText || 'no data', 'middle', 'mcpb-chart-label mcpb-chart-empty');
            return drawn;
        }
        text(
            svg,
            pad.l - 3,
            Math.max(pad.t + 8, sy(domain[3]) + 3),
            round(domain[3], o.decimals) + unit,
            'end',
            'mcpb-chart-label mcpb-chart-max',
        );
        text(
            svg,
            pad.l - 3,
            Math.min(H - pad.b, sy(domain[2]) + 3),
            round(domain[2], o.decimals) + unit,
            'end',
            'mcpb-chart-label mcpb-chart-min',
        );
        var dots = [];
        runs.forEach(function (run) {
            if (series.bucketed) {
                var upper = run.map(function (p) {
                    return sx(p.t) + ',' + sy(p.hi);
                });
                var lower = run
                    .slice()
                    .reverse()
                    .map(function (p) {
                        return sx(p.t) + ',' + sy(p.lo);
                    });
                el(svg, 'polygon', {
                    points: upper.concat(lower).join(' '),
                    fill: COLORS.band,
                    'fill-opacity': 0.18,
                    stroke: 'none',
                    class: 'mcpb-chart-band',
                });
            }
            el(svg, 'polyline', {
                points: run
                    .map(function (p) {
                        return sx(p.t) + ',' + sy(p.v);
                    })
                    .join(' '),
                fill: 'none',
                stroke: COLORS.line,
                'stroke-width': 1.5,
                'stroke-linejoin': 'round',
                class: 'mcpb-chart-line',
            });
            run.forEach(function (p) {
                var dot = el(svg, 'circle', {
                    cx: sx(p.t),
                    cy: sy(p.v),
                    r: run.length === 1 ? 2.5 : 1.6,
                    fill: COLORS.line,
                    class: 'mcpb-chart-point',
                });
                dots.push({ x: sx(p.t), y: sy(p.v), p: p, node: dot });
            });
        });
        drawn.points = dots.length;
        if (o.interactive && dots.length) {
            interact(svg, dots, { W: W, H: H, pad: pad, unit: unit, decimals: o.decimals, series: series });
        }
        return drawn;
    }

    /** A vertical cursor and a readout of the nearest point (bucket: mean and min..max). */
    function interact(svg, dots, g) {
        var cursor = el(svg, 'line', {
            y1: g.pad.t,
            y2: g.H - g.pad.b,
            stroke: COLORS.axis,
            'stroke-dasharray': '2,2',
            visibility: 'hidden',
            class: 'mcpb-chart-cursor',
        });
        var readout = text(svg, g.pad.l + 4, g.pad.t + 9, '', 'start', 'mcpb-chart-label mcpb-chart-readout');
        svg.addEventListener('mousemove', function (e) {
            var box = svg.getBoundingClientRect();
            var x = ((e.clientX - box.left) / box.width) * g.W;
            var best = dots[0];
            dots.forEach(function (d) {
                if (Math.abs(d.x - x) < Math.abs(best.x - x)) {
                    best = d;
                }
            });
            cursor.setAttribute('x1', best.x);
            cursor.setAttribute('x2', best.x);
            cursor.setAttribute('visibility', 'visible');
            var p = best.p;
            var value = round(p.v, g.decimals) + g.unit;
            if (g.series.bucketed) {
                value += ' (' + round(p.lo, g.decimals) + '..' + round(p.hi, g.decimals) + ')';
            }
            readout.textContent = new Date(p.t).toLocaleTimeString() + '  ' + value;
        });
        svg.addEventListener('mouseleave', function () {
            cursor.setAttribute('visibility', 'hidden');
            readout.textContent = '';
        });
    }

    /**
     * A sparkline of [{t, v}] (numbers; others skipped; oldest first) into an
     * <svg>: one polyline and a dot on the newest value. Returns the number of
     * points drawn.
     */
    function drawSparkline(svg, values, options) {
        var o = options || {};
        var W = o.width || 80;
        var H = o.height || 18;
        clear(svg);
        svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
        svg.setAttribute('class', 'mcpb-spark');
        var pts = (values || []).filter(function (p) {
            return isNum(p.v);
        });
        if (!pts.length) {
            return 0;
        }
        var lo = Infinity;
        var hi = -Infinity;
        pts.forEach(function (p) {
            lo = Math.min(lo, p.v);
            hi = Math.max(hi, p.v);
        });
        var span = hi - lo || 1;
        // Evenly spaced: the last N values, not a time axis (live points and history buckets mix).
        var coords = pts.map(function (p, i) {
            var x = pts.length === 1 ? W - 2 : 1 + (i / (pts.length - 1)) * (W - 4);
            var y = hi === lo ? H / 2 : H - 2 - ((p.v - lo) / span) * (H - 4);
            return [round(x, 1), round(y, 1)];
        });
        el(svg, 'polyline', {
            points: coords
                .map(function (c) {
                    return c[0] + ',' + c[1];
                })
                .join(' '),
            fill: 'none',
            stroke: COLORS.line,
            'stroke-width': 1.2,
            class: 'mcpb-spark-line',
        });
        var end = coords[coords.length - 1];
        el(svg, 'circle', { cx: end[0], cy: end[1], r: 1.8, fill: COLORS.line, class: 'mcpb-spark-end' });
        return pts.length;
    }

    return {
        seriesOf: seriesOf,
        segmentsOf: segmentsOf,
        drawChart: drawChart,
        drawSparkline: drawSparkline,
    };
});
