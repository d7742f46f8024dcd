/** Tools that read sensor values: read_sensor, read_all_sensors, read_device_sensors. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
    HISTORY_MINUTES_MAX,
    HISTORY_POINTS,
    identifier,
    readingsAnswer,
    sensorReading,
    type DeviceDetail,
    type SensorReadingView,
} from '@mcp-mqtt-bridge/protocol';
import { deviceSensorReading } from '../tool-outputs';
import { READ_ONLY, type ToolContext } from '../tool-context';
import { registryFailure, success } from '../tool-results';

function describeReading(r: {
    sensor: string;
    reading: SensorReadingView['reading'];
    unit?: string;
    quality?: number;
    age_s: number;
}): string {
    const unit = r.unit ? ` ${r.unit}` : '';
    const quality = r.quality !== undefined ? `, quality ${r.quality}` : '';
    return `${r.sensor}: ${String(r.reading)}${unit} (${Math.round(r.age_s)} s old${quality})`;
}

function readSensorSummary(r: SensorReadingView): string {
    const lines = [
        `${r.device_id} ${describeReading(r)}${r.online ? '' : ' — device is OFFLINE, value may be stale'}`,
    ];
    if (r.history) {
        const s = r.history.stats;
        lines.push(
            `History ${r.history.minutes} min (${r.history.source}): ${s.count} points, min ${s.min}, max ${s.max}, ` +
                `mean ${s.mean}, last ${String(s.last)}${r.history.truncated ? ' (points truncated)' : ''}`,
        );
    }
    return lines.join('\n');
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
    server.registerTool(
        'read_sensor',
        {
            title: 'Read a sensor',
            description:
                'Current value of one sensor with unit, quality (0-100) and age in seconds. With history_minutes ' +
                '> 0 also returns min/max/mean/last over that window and the points (at most max_points, newest ' +
                'kept). For many sensors at once use read_all_sensors instead of calling this repeatedly.',
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
                    .default(100)
                    .describe('bound on returned points'),
            },
            outputSchema: sensorReading.shape,
            annotations: READ_ONLY,
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
                return success(r, readSensorSummary(r));
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
                'sensors means every sensor. Pairs without a value are listed in `missing` with the reason.',
            inputSchema: {
                device_ids: z.array(z.string().min(1)).max(1000).default([]),
                sensors: z
                    .array(z.string().min(1))
                    .max(100)
                    .default([])
                    .describe('sensor ids, e.g. ["temperature"]'),
            },
            outputSchema: readingsAnswer.shape,
            annotations: READ_ONLY,
        },
        async (args, extra) => {
            try {
                const answer = await ctx.registry.readings(args.device_ids, args.sensors, {
                    signal: extra.signal,
                });
                const lines = answer.readings.map((r) => `${r.device_id} ${describeReading(r)}`);
                for (const m of answer.missing)
                    lines.push(`${m.device_id} ${m.sensor}: no value (${m.reason})`);
                return success(answer, lines.join('\n') || 'No readings matched.');
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
