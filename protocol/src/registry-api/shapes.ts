/**
 * The registry HTTP API (docs/registry-api.md): every request body and every
 * answer, written once as zod schemas. The registry builds these answers, the
 * MCP adapter validates what it receives against them, the MCP tools derive
 * their argument limits and output schemas from them, and registryApiJsonSchemas()
 * publishes them as JSON Schema. Objects strip unknown fields when parsed, so an
 * older client keeps working against a newer registry.
 */
import { z } from 'zod';
import configSet from '../../schemas/config_set.schema.json';
import diagnosticsRequest from '../../schemas/diagnostics_request.schema.json';
import { MAX_IDENTIFIER_LENGTH } from '../limits';
import type {
    CapabilitiesPayload,
    DeviceConfig,
    DiagnosticsResultPayload,
    MetricsPayload,
} from '../messages';
import { DIAGNOSTICS_CHECKS_MAX, MAX_ANSWER_TIMEOUT_MS, STREAMING_INTERVAL_MS } from './limits';

/**
 * A payload of the MQTT protocol embedded in an answer. The registry only keeps
 * payloads its ajv schemas accepted, so here it is an object typed by the
 * protocol's own interface, not a second copy of the message schema.
 */
function mqttPayload<T>(description: string) {
    return z.record(z.string(), z.unknown()).describe(description) as unknown as z.ZodType<T>;
}

export const identifier = z
    .string()
    .min(1)
    .max(MAX_IDENTIFIER_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const reading = z.union([z.number(), z.boolean(), z.null()]);
export const actuatorValue = z.union([z.number(), z.boolean(), z.string(), z.null()]);
const isoTime = z.string().describe('ISO 8601 time');
const severity = z.literal([0, 1, 2, 3]).describe('0 info, 1 warning, 2 error, 3 critical');

export const registryInfo = z.object({
    id: z.string(),
    name: z.string(),
    devices: z.number().int(),
    online: z.number().int(),
});
export const registryList = z.object({ registries: z.array(registryInfo) });

export const offlineReason = z.enum(['status', 'timeout', 'broker']);

export const deviceSummary = z.object({
    device_id: z.string(),
    name: z.string().optional(),
    location: z.string().optional(),
    device_type: z.string().optional(),
    firmware_version: z.string().optional(),
    platform: z.string().optional(),
    online: z.boolean(),
    last_seen_at: isoTime.nullable(),
    offline_reason: offlineReason.optional(),
    sensors: z.array(z.string()),
    actuators: z.array(z.string()),
});

export const deviceList = z.object({
    devices: z.array(deviceSummary),
    total: z.number().int().describe('devices matching the filters, over all pages'),
    next_cursor: z
        .string()
        .optional()
        .describe('pass as `cursor` to get the next page; absent on the last page'),
});

export const deviceCounters = z.object({
    messages: z.number().int(),
    decode_errors: z.number().int(),
    lost: z.number().int(),
    duplicates: z.number().int(),
    late: z.number().int(),
    commands_sent: z.number().int(),
    commands_applied: z.number().int(),
    commands_rejected: z.number().int(),
    commands_timed_out: z.number().int(),
});

export const alert = z.object({
    device_id: z.string(),
    source: z.enum(['device', 'registry']),
    error_type: z.string(),
    message: z.string(),
    severity,
    timestamp: z.number().describe('Unix seconds, of the latest occurrence'),
    component: z.string().optional(),
    count: z
        .number()
        .int()
        .min(1)
        .optional()
        .describe('occurrences folded into this alert (same device, source, type and component)'),
    first_at: z.number().optional().describe('Unix seconds of the first folded occurrence'),
});
export const alertList = z.object({ alerts: z.array(alert) });

export const storedReading = z.object({
    reading,
    unit: z.string().optional(),
    quality: z.number().optional(),
    timestamp: z.number().describe("Unix seconds: the device's time, or the time of receipt"),
    received_at: isoTime,
});

export const lastCommand = z.object({
    command_id: z.string(),
    result: z.enum(['applied', 'rejected']),
    reason: z.string().optional(),
});

export const actuatorState = z.object({
    state: actuatorValue,
    updated_at: isoTime,
    last_command: lastCommand.optional(),
});

export const deviceDetail = deviceSummary.extend({
    capabilities: mqttPayload<CapabilitiesPayload>(
        'the capabilities document the device announced',
    ).nullable(),
    readings: z.record(z.string(), storedReading),
    actuator_states: z.record(z.string(), actuatorState),
    config: mqttPayload<DeviceConfig>('runtime configuration the device reported').nullable(),
    device_metrics: mqttPayload<MetricsPayload>("the device's own last metrics message").nullable(),
    counters: deviceCounters,
    recent_errors: z.array(alert).describe('newest first, bounded'),
});

export const historyPoint = z.object({ time: isoTime, reading, quality: z.number().optional() });

export const historyStats = z.object({
    count: z.number().int(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    last: reading,
});

export const sensorHistory = z.object({
    source: z.enum(['memory', 'influxdb']),
    minutes: z.number().int(),
    points: z.array(historyPoint),
    stats: historyStats,
    truncated: z.boolean(),
    /** Set when the configured store could not answer and the memory history stands in. */
    note: z.string().optional(),
});

export const sensorReading = storedReading.extend({
    device_id: z.string(),
    sensor: z.string(),
    age_s: z.number(),
    online: z.boolean(),
    history: sensorHistory.optional(),
});

export const missingReading = z.object({
    device_id: z.string(),
    sensor: z.string(),
    reason: z.enum(['unknown_device', 'unknown_sensor', 'no_reading']),
});

export const readingsAnswer = z.object({
    readings: z.array(sensorReading),
    missing: z.array(missingReading),
});

export const deviceMetrics = z.object({
    device_id: z.string(),
    online: z.boolean(),
    last_seen_at: isoTime.nullable(),
    counters: deviceCounters,
    device_metrics: mqttPayload<MetricsPayload>("the device's own last metrics message").nullable(),
});
export const metricsList = z.object({ devices: z.array(deviceMetrics) });

export const systemStatus = z.object({
    registry: z.object({ id: z.string(), name: z.string() }),
    uptime_s: z.number(),
    devices: z.object({ total: z.number().int(), online: z.number().int(), offline: z.number().int() }),
    rates: z.object({ messages_per_s: z.number(), errors_per_s: z.number() }),
    counters: z.object({
        messages: z.number().int(),
        decode_errors: z.record(z.string(), z.number().int()),
        lost: z.number().int(),
        duplicates: z.number().int(),
        late: z.number().int(),
        commands_sent: z.number().int(),
    }),
    storage: z.object({
        kind: z.string(),
        connected: z.boolean(),
        buffered: z.number().int(),
        written: z.number().int(),
        dropped: z.number().int(),
        retries: z.number().int(),
        last_error: z.string().optional(),
    }),
    mqtt: z.object({ connected: z.boolean() }),
});

export const deviceChange = z.enum([
    'added',
    'capabilities',
    'online',
    'offline',
    'reading',
    'actuator',
    'error',
    'config',
    'metrics',
    'removed',
]);
export const deviceEvent = z.object({ device_id: z.string(), change: deviceChange });

/* Requests */

const timeoutMs = z
    .number()
    .int()
    .min(1)
    .max(MAX_ANSWER_TIMEOUT_MS)
    .describe('how long to wait for the device, in ms');

export const commandRequest = z.object({
    action: z.string().min(1).max(32),
    value: actuatorValue.optional(),
    timeout_ms: timeoutMs.optional(),
    confirmation: z
        .string()
        .max(64)
        .optional()
        .describe('the ticket of a confirmation_required answer, sent once the user agreed'),
});

const configLimits = configSet.properties;
export const streamingSetting = z.object({
    enabled: z.boolean(),
    interval_ms: z.number().int().min(STREAMING_INTERVAL_MS.min).max(STREAMING_INTERVAL_MS.max).optional(),
});
export const configRequest = z.object({
    publish_interval_ms: z
        .number()
        .int()
        .min(configLimits.publish_interval_ms.minimum)
        .max(configLimits.publish_interval_ms.maximum)
        .optional(),
    metrics_interval_ms: z
        .number()
        .int()
        .min(configLimits.metrics_interval_ms.minimum)
        .max(configLimits.metrics_interval_ms.maximum)
        .optional(),
    streaming: z.record(identifier, streamingSetting).optional(),
    reset_metrics: z.boolean().optional(),
    timeout_ms: timeoutMs.optional(),
});

const checkNames = diagnosticsRequest.properties.checks;
export const diagnosticsRequestBody = z.object({
    checks: z
        .array(z.string().regex(new RegExp(checkNames.items.pattern)))
        .max(DIAGNOSTICS_CHECKS_MAX)
        .optional(),
    timeout_ms: timeoutMs.optional(),
});

/* Outcomes of requests sent to a device */

export const invalidOutcome = z.object({
    outcome: z.literal('invalid'),
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
});
export const offlineOutcome = z.object({
    outcome: z.literal('offline'),
    device_id: z.string(),
    actuator: z.string().optional(),
    message: z.string(),
});
export const brokerUnavailableOutcome = z.object({
    outcome: z.literal('broker_unavailable'),
    device_id: z.string(),
    actuator: z.string().optional(),
    message: z.string(),
});
export const timeoutOutcome = z.object({
    outcome: z.literal('timeout'),
    command_id: z.string(),
    device_id: z.string(),
    actuator: z.string().optional(),
    action: z.string().optional(),
    timeout_ms: z.number().int(),
});
/**
 * The registry needs a user's confirmation: resend the same command with this
 * one-time ticket (bound to device, actuator, action and value; short-lived).
 */
export const confirmationRequiredOutcome = z.object({
    outcome: z.literal('confirmation_required'),
    device_id: z.string(),
    actuator: z.string(),
    action: z.string(),
    value: actuatorValue.optional(),
    ticket: z.string(),
    expires_at: isoTime,
    message: z.string(),
});
/** Answers every request to a device can get besides the device's own answer. */
const undelivered = [invalidOutcome, offlineOutcome, brokerUnavailableOutcome, timeoutOutcome] as const;

const commandBase = {
    command_id: z.string(),
    device_id: z.string(),
    actuator: z.string(),
    action: z.string(),
    state: actuatorValue.describe('actuator state reported by the device'),
    duration_ms: z.number(),
};
export const commandOutcome = z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('applied'), ...commandBase, value: actuatorValue.optional() }),
    z.object({
        outcome: z.literal('rejected'),
        ...commandBase,
        reason: z.string(),
        code: z.string().optional(),
    }),
    confirmationRequiredOutcome,
    ...undelivered,
]);

const configBase = {
    command_id: z.string(),
    device_id: z.string(),
    config: mqttPayload<DeviceConfig>('the configuration the device reports after the request'),
    duration_ms: z.number(),
};
export const configOutcome = z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('applied'), ...configBase }),
    z.object({
        outcome: z.literal('rejected'),
        ...configBase,
        reason: z.string(),
        code: z.string().optional(),
    }),
    ...undelivered,
]);

export const diagnosticsOutcome = z.discriminatedUnion('outcome', [
    z.object({
        outcome: z.literal('completed'),
        command_id: z.string(),
        device_id: z.string(),
        result: mqttPayload<DiagnosticsResultPayload>("the device's diagnostics result"),
        duration_ms: z.number(),
    }),
    ...undelivered,
]);

/** Every error that is not a request outcome: `{error: {code, message}}`. */
export const apiError = z.object({
    error: z.object({ code: z.string(), message: z.string() }),
});

export type RegistryInfo = z.infer<typeof registryInfo>;
export type RegistryList = z.infer<typeof registryList>;
export type OfflineReason = z.infer<typeof offlineReason>;
export type DeviceSummary = z.infer<typeof deviceSummary>;
export type DeviceList = z.infer<typeof deviceList>;
export type DeviceCounters = z.infer<typeof deviceCounters>;
export type Alert = z.infer<typeof alert>;
export type AlertList = z.infer<typeof alertList>;
export type StoredReading = z.infer<typeof storedReading>;
export type ActuatorStateView = z.infer<typeof actuatorState>;
export type DeviceDetail = z.infer<typeof deviceDetail>;
export type HistoryPointView = z.infer<typeof historyPoint>;
export type HistoryStats = z.infer<typeof historyStats>;
export type SensorHistory = z.infer<typeof sensorHistory>;
export type SensorReadingView = z.infer<typeof sensorReading>;
export type MissingReading = z.infer<typeof missingReading>;
export type ReadingsAnswer = z.infer<typeof readingsAnswer>;
export type DeviceMetrics = z.infer<typeof deviceMetrics>;
export type MetricsList = z.infer<typeof metricsList>;
export type SystemStatus = z.infer<typeof systemStatus>;
export type DeviceChange = z.infer<typeof deviceChange>;
export type DeviceEvent = z.infer<typeof deviceEvent>;
export type CommandRequest = z.infer<typeof commandRequest>;
export type ConfigRequest = z.infer<typeof configRequest>;
export type DiagnosticsRequestBody = z.infer<typeof diagnosticsRequestBody>;
export type InvalidOutcome = z.infer<typeof invalidOutcome>;
export type OfflineOutcome = z.infer<typeof offlineOutcome>;
export type BrokerUnavailableOutcome = z.infer<typeof brokerUnavailableOutcome>;
export type ConfirmationRequiredOutcome = z.infer<typeof confirmationRequiredOutcome>;
export type TimeoutOutcome = z.infer<typeof timeoutOutcome>;
export type CommandOutcome = z.infer<typeof commandOutcome>;
export type ConfigOutcome = z.infer<typeof configOutcome>;
export type DiagnosticsOutcome = z.infer<typeof diagnosticsOutcome>;
export type ApiError = z.infer<typeof apiError>;
