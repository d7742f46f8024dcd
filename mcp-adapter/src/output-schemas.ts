/**
 * Zod shapes of the tools' structured results. Fields the registry may leave out
 * are optional, and objects accept extra fields, so that a newer registry does
 * not break an older adapter.
 */
import { z } from 'zod';

export const reading = z.union([z.number(), z.boolean(), z.null()]);
export const actuatorValue = z.union([z.number(), z.boolean(), z.string(), z.null()]);
const loose = z.record(z.string(), z.unknown());

export const deviceSummary = z.looseObject({
    device_id: z.string(),
    name: z.string().optional(),
    location: z.string().optional(),
    device_type: z.string().optional(),
    firmware_version: z.string().optional(),
    platform: z.string().optional(),
    online: z.boolean(),
    last_seen_at: z.string().nullable(),
    offline_reason: z.string().optional(),
    sensors: z.array(z.string()),
    actuators: z.array(z.string()),
});

export const deviceListShape = {
    devices: z.array(deviceSummary),
    total: z.number().describe('devices matching the filters, over all pages'),
    returned: z.number(),
    next_cursor: z
        .string()
        .optional()
        .describe('pass as `cursor` to get the next page; absent on the last page'),
};

export const counters = z.looseObject({
    messages: z.number(),
    decode_errors: z.number(),
    lost: z.number(),
    commands_sent: z.number(),
});

export const alert = z.looseObject({
    device_id: z.string(),
    source: z.string(),
    error_type: z.string(),
    message: z.string(),
    severity: z.number(),
    timestamp: z.number(),
    component: z.string().optional(),
});

export const deviceDetailShape = {
    ...deviceSummary.shape,
    capabilities: loose.nullable(),
    readings: z.record(z.string(), z.looseObject({ reading, unit: z.string().optional() })),
    actuator_states: z.record(z.string(), z.looseObject({ state: actuatorValue })),
    config: loose.nullable(),
    device_metrics: loose.nullable(),
    counters,
    recent_errors: z.array(alert),
};

export const historyShape = z.looseObject({
    source: z.string(),
    minutes: z.number(),
    points: z.array(z.looseObject({ time: z.string(), reading })),
    stats: z.looseObject({
        count: z.number(),
        min: z.number().nullable(),
        max: z.number().nullable(),
        mean: z.number().nullable(),
        last: reading,
    }),
    truncated: z.boolean(),
});

export const sensorReading = z.looseObject({
    device_id: z.string(),
    sensor: z.string(),
    reading,
    unit: z.string().optional(),
    quality: z.number().optional(),
    timestamp: z.number(),
    received_at: z.string(),
    age_s: z.number(),
    online: z.boolean(),
    history: historyShape.optional(),
});

export const deviceMetrics = z.looseObject({
    device_id: z.string(),
    online: z.boolean(),
    last_seen_at: z.string().nullable(),
    counters,
    device_metrics: loose.nullable(),
});

export const looseRecord = loose;
