/** Tools that read sensor values: read_sensor, read_all_sensors, read_device_sensors. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
    HISTORY_BUDGET_DEFAULT,
    HISTORY_MINUTES_MAX,
    HISTORY_POINTS,
    READINGS_PAGE,
    identifier,
    readingsAnswer,
    sensorReading,
    type DeviceDetail,
    type Reading,
    type ReadingsAnswer,
    type SensorReadingView,
} from '@mcp-mqtt-bridge/protocol';
import { SENSOR_HISTORY_APP_META, registerSensorHistoryApp } from '../apps/sensor-history-app';
import { deviceSensorReading } from '../tool-outputs';
import { READ_ONLY, type ToolContext } from '../tool-context';
import { registryFailure, success, successText } from '../tool-results';

function describeReading(r: {
    sensor: string;
    reading: SensorReadingView['reading'];
    unit?: string;
    quality?: number;
    age_s: number;
}): string {
    const unit = r.unit ? ` ${r.unit}` : '';
    const quality = r.quality !== undefined ? `, quality ${r.quality}` : '';
    return `${r.sensor}: ${fmt(r.reading)}${unit} (${Math.round(r.age_s)} s old${quality})`;
}

/** Strings (text sensors, events, dates) are quoted so a text cannot pass for a number. */
const fmt = (v: Reading | undefined): string =>
    v === null || v === undefined ? '-' : typeof v === 'string' ? JSON.stringify(v) : String(v);

/** The history as compact text: coverage, whole-window stats, gaps with causes, then one line per point or bucket. */
function historyText(h: NonNullable<SensorReadingView['history']>, unit: string): string[] {
    const s = h.stats;
    const lines = [
        `History ${h.minutes} min (${h.source}): ${s.count} points, min ${fmt(s.min)}${unit}, max ${fmt(s.max)}${unit}, ` +
            `mean ${fmt(s.mean)}${unit}, last ${fmt(s.last)}${unit}` +
            (h.stats_scope === 'points'
                ? ' (stats over the returned points only)'
                : ' (over the whole window)') +
            (h.truncated ? ' (points truncated)' : '') +
            (h.flat ? '; the value did not change (flat signal, no gaps)' : ''),
    ];
    if (h.note) lines.push(h.note);
    for (const g of h.gaps ?? []) {
        lines.push(`GAP ${g.from} .. ${g.to} (${g.duration_s} s): ${g.cause} - ${g.detail}`);
    }
    if (h.buckets) {
        lines.push(`Buckets of ${h.bucket_s} s (start: count min/max/mean last):`);
        for (const b of h.buckets) {
            lines.push(
                `${b.time.slice(11, 19)} ${b.count} ${fmt(b.min)}/${fmt(b.max)}/${fmt(b.mean)} ${fmt(b.last)}`,
            );
        }
    } else if (h.points.length) {
        lines.push('Points (time value):');
        for (const p of h.points) lines.push(`${p.time.slice(11, 19)} ${fmt(p.reading)}`);
    }
    return lines;
}

function readSensorSummary(r: SensorReadingView): string {
    const lines = [
        `${r.device_id} ${describeReading(r)}${r.online ? '' : ' — device is OFFLINE, value may be stale'}`,
    ];
    if (r.history) lines.push(...historyText(r.history, r.unit ? ` ${r.unit}` : ''));
    return lines.join('\n');
}

/** One line per device: `id [OFFLINE] sensor value unit (age s), ...`, devices sorted. */
function readingsText(answer: ReadingsAnswer): string {
    const byDevice = new Map<string, string[]>();
    const offline = new Set<string>();
    for (const r of answer.readings) {
        const parts = byDevice.get(r.device_id) ?? [];
        parts.push(
            `${r.sensor} ${fmt(r.reading)}${r.unit ? ` ${r.unit}` : ''} (${Math.round(r.age_s)} s` +
                `${r.quality !== undefined && r.quality < 50 ? `, q${r.quality}` : ''})`,
        );
        byDevice.set(r.device_id, parts);
        if (!r.online) offline.add(r.device_id);
    }
    for (const m of answer.missing) {
        const parts = byDevice.get(m.device_id) ?? [];
        parts.push(`${m.sensor} no value (${m.reason})`);
        byDevice.set(m.device_id, parts);
    }
    const lines = [...byDevice.keys()]
        .sort()
        .map((id) => `${id}${offline.has(id) ? ' [OFFLINE]' : ''}: ${(byDevice.get(id) ?? []).join(', ')}`);
    const total = answer.total_devices ?? byDevice.size;
    const head = `${byDevice.size} device(s)${total > byDevice.size ? ` of ${total}` : ''}, ${answer.readings.length} reading(s).`;
    const more = answer.next_cursor
        ? `More devices: call read_all_sensors again with cursor="${answer.next_cursor}" (or name device_ids / sensors).`
        : '';
    return [head, ...lines, more].filter(Boolean).join('\n');
}

/** Readings of one device from its detail document, with their age. */
function deviceReadings(detail: DeviceDetail, now: number) {
    return Object.entries(detail.readings).map(([sensor, r]) => ({
        sensor,
        ...r,
        age_s: Math.max(0, (now - Date.parse(r.received_at)) / 1000),
    }));
}

export function registerSensorTools(server: McpServer, ctx: ToolContext): void {
    registerSensorHistoryApp(server);
    // An MCP App (apps/sensor-history-app.ts) charts the history in hosts that render them; others
    // show the same text and structured result as before.
    server.registerTool(
        'read_sensor',
        {
            title: 'Read a sensor',
            description:
                'Current value of one sensor with unit, quality (0-100) and age in seconds. With history_minutes ' +
                '> 0 also returns min/max/mean/last computed by the store over EVERY stored point of the window, ' +
                'the window actually covered, gaps with their cause (device_offline, broker_down, bridge_down, ' +
                'messages_lost, no_messages, ...) as opposed to a flat signal, and the points when at most ' +
                'max_points, else the window downsampled to at most max_points buckets (min/max/mean/last each). ' +
                "Numbers are rounded to the sensor's accuracy. For many sensors at once use read_all_sensors.",
            inputSchema: {
                device_id: identifier,
                sensor: identifier.describe('sensor id, e.g. temperature (see get_device_info)'),
                history_minutes: z
                    .number()
                    .int()
                    .min(0)
                    .max(HISTORY_MINUTES_MAX)
                    .default(0)
                    .describe('history window in minutes (0 = current value only; max 7 days)'),
                max_points: z
                    .number()
                    .int()
                    .min(1)
                    .max(HISTORY_POINTS.max)
                    .default(HISTORY_BUDGET_DEFAULT)
                    .describe(
                        `budget: at most this many points, else this many buckets (default ${HISTORY_BUDGET_DEFAULT})`,
                    ),
            },
            outputSchema: sensorReading.shape,
            annotations: READ_ONLY,
            _meta: SENSOR_HISTORY_APP_META,
        },
        async (args, extra) => {
            try {
                const query =
                    args.history_minutes > 0
                        ? { history_minutes: args.history_minutes, limit: args.max_points }
                        : {};
                const r = await ctx.registry.readSensor(args.device_id, args.sensor, query, {
                    signal: extra.signal,
                });
                return successText(r, readSensorSummary(r));
            } catch (e) {
                return registryFailure(e, { deviceId: args.device_id, sensor: args.sensor });
            }
        },
    );

    server.registerTool(
        'read_all_sensors',
        {
            title: 'Read many sensors at once',
            description:
                'Current values of many sensors on many devices in ONE call: use this whenever the user asks for ' +
                '"all sensors", several devices or several readings. Empty device_ids means every device; empty ' +
                'sensors means every sensor. Answers one page of devices (sorted by id, `limit` devices, default ' +
                `${READINGS_PAGE.default}) as one line per device; when next_cursor is present, call again with it ` +
                'for the rest. Pairs without a value are listed in `missing` with the reason.',
            inputSchema: {
                device_ids: z.array(z.string().min(1)).max(1000).default([]),
                sensors: z
                    .array(z.string().min(1))
                    .max(100)
                    .default([])
                    .describe('sensor ids, e.g. ["temperature"]'),
                limit: z
                    .number()
                    .int()
                    .min(1)
                    .max(READINGS_PAGE.max)
                    .default(READINGS_PAGE.default)
                    .describe('devices per page'),
                cursor: z.string().optional().describe('next_cursor from the previous page'),
            },
            outputSchema: readingsAnswer.shape,
            annotations: READ_ONLY,
        },
        async (args, extra) => {
            try {
                const answer = await ctx.registry.readings(
                    args.device_ids,
                    args.sensors,
                    { signal: extra.signal },
                    { limit: args.limit, cursor: args.cursor },
                );
                return successText(
                    answer,
                    answer.readings.length || answer.missing.length
                        ? readingsText(answer)
                        : 'No readings matched.',
                );
            } catch (e) {
                return registryFailure(e);
            }
        },
    );

    server.registerTool(
        'read_device_sensors',
        {
            title: "Read all of a device's sensors",
            description:
                'Latest value of every sensor of one device, with units, quality and age, plus whether the device ' +
                'is online. Use read_sensor for history.',
            inputSchema: { device_id: identifier },
            outputSchema: {
                device_id: z.string(),
                online: z.boolean(),
                readings: z.array(deviceSensorReading),
                sensors_without_value: z.array(z.string()),
            },
            annotations: READ_ONLY,
        },
        async ({ device_id }, extra) => {
            try {
                const detail = await ctx.registry.getDevice(device_id, { signal: extra.signal });
                const readings = deviceReadings(detail, Date.now());
                const withValue = new Set(readings.map((r) => r.sensor));
                const result = {
                    device_id,
                    online: detail.online,
                    readings,
                    sensors_without_value: detail.sensors.filter((s) => !withValue.has(s)),
                };
                const state = detail.online ? 'online' : 'OFFLINE (values may be stale)';
                return success(
                    result,
                    [`${device_id} is ${state}`, ...readings.map(describeReading)].join('\n'),
                );
            } catch (e) {
                return registryFailure(e, { deviceId: device_id });
            }
        },
    );
}
