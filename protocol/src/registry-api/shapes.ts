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
import { MAX_IDENTIFIER_LENGTH, MAX_STRING_READING_LENGTH } from '../limits';
import type {
    CapabilitiesPayload,
    DeviceConfig,
    DiagnosticsResultPayload,
    MetricsPayload,
} from '../messages';
import { deviceConfigPayload, mqttPayload } from './mqtt-payloads';
import {
    APPROVAL_MINUTES_MAX,
    COMMAND_REASON_MAX,
    DIAGNOSTICS_CHECKS_MAX,
    MAX_ANSWER_TIMEOUT_MS,
    MAX_LEASE_S,
    ORIGIN_FIELD_MAX,
    STREAMING_INTERVAL_MS,
} from './limits';

export const identifier = z
    .string()
    .min(1)
    .max(MAX_IDENTIFIER_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');

export const reading = z
    .union([z.number(), z.boolean(), z.string().max(MAX_STRING_READING_LENGTH), z.null()])
    .describe(
        'a number, a boolean (binary sensors), a string (text sensors, events: sensors that declare value_type string) or null (no valid value)',
    );
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

export const seqEpoch = z.object({
    epoch: z.string().describe("the device's counter epoch: `<seq>@<timestamp>` of its capabilities, or `-`"),
    first: z.number().int(),
    last: z.number().int(),
    received: z.number().int().describe('distinct shared-stream messages this instance received'),
    control: z.number().int().describe('distinct control-plane messages with a seq this instance received'),
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
    commands_rate_limited: z
        .number()
        .int()
        .describe('commands the loop guard refused, or the device refused with RATE_LIMITED'),
    seq_epochs: z
        .array(seqEpoch)
        .optional()
        .describe(
            'share group only: what this instance received of each recent counter epoch, to merge loss ' +
                'over every instance (lost = span − Σ received − max control); `lost` then counts only ' +
                'what this instance alone can prove',
        ),
    control_messages: z
        .number()
        .int()
        .optional()
        .describe(
            'share group only: messages of `messages` from the control plane, which every instance hears',
        ),
});

/** A device's counters before its first message: every required count at zero. */
export function newDeviceCounters(): DeviceCounters {
    return {
        messages: 0,
        decode_errors: 0,
        lost: 0,
        duplicates: 0,
        late: 0,
        commands_sent: 0,
        commands_applied: 0,
        commands_rejected: 0,
        commands_timed_out: 0,
        commands_rate_limited: 0,
    };
}

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

/** A lease the device reported running (protocol: lease_* fields of the actuator status). */
export const actuatorLease = z.object({
    command_id: z.string().describe('the command whose lease is running'),
    until: isoTime.describe('when the device reverts the actuator (its report plus lease_remaining_ms)'),
    remaining_ms: z.number().int().describe('milliseconds left at the time of this answer'),
    reverts_to: actuatorValue.optional().describe('the state the device sets when the lease ends'),
});

export const actuatorState = z.object({
    state: actuatorValue,
    updated_at: isoTime,
    last_command: lastCommand.optional(),
    lease: actuatorLease.optional().describe('the running lease, when the device reported one'),
});

export const deviceDetail = deviceSummary.extend({
    capabilities: mqttPayload<CapabilitiesPayload>(
        'capabilities',
        'the capabilities document the device announced',
    ).nullable(),
    readings: z.record(z.string(), storedReading),
    actuator_states: z.record(z.string(), actuatorState),
    config: deviceConfigPayload<DeviceConfig>('runtime configuration the device reported').nullable(),
    device_metrics: mqttPayload<MetricsPayload>(
        'metrics',
        "the device's own last metrics message",
    ).nullable(),
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

export const historyBucket = z.object({
    time: isoTime.describe('start of the bucket'),
    count: z.number().int(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    last: reading,
});

export const historyGapCause = z
    .enum([
        'device_offline',
        'broker_down',
        'bridge_down',
        'store_dropped',
        'messages_lost',
        'not_recorded',
        'no_messages',
    ])
    .describe(
        'device_offline: last will / status / timeout; broker_down: the bridge lost its MQTT broker; ' +
            'bridge_down: Node-RED (the store) was not running; store_dropped: the store dropped points; ' +
            'messages_lost: seq numbers show messages that never arrived; not_recorded: before the oldest ' +
            'stored point; no_messages: the device was online and nothing was counted lost: it sent nothing',
    );

export const historyGap = z.object({
    from: isoTime.describe('last point before the gap, or the window start'),
    to: isoTime.describe('first point after the gap, or the window end'),
    duration_s: z.number(),
    cause: historyGapCause,
    detail: z.string(),
});

export const sensorHistory = z.object({
    source: z.enum(['memory', 'sqlite', 'influxdb']),
    minutes: z.number().int(),
    points: z
        .array(historyPoint)
        .describe('the stored points of the window when they fit max_points, else empty (see buckets)'),
    stats: historyStats.describe('over every stored point of the window (see stats_scope)'),
    truncated: z.boolean().describe('true when stats and points do not cover every stored point'),
    from: isoTime.optional().describe('start of the requested window'),
    to: isoTime.optional().describe('end of the requested window (the time of the answer)'),
    covered_from: isoTime
        .nullable()
        .optional()
        .describe('oldest stored point in the window; later than `from` when the store holds less'),
    covered_to: isoTime.nullable().optional().describe('newest stored point in the window'),
    stats_scope: z
        .enum(['window', 'points'])
        .optional()
        .describe(
            'window: stats over every stored point of the window; points: only over the points returned',
        ),
    bucket_s: z.number().optional().describe('width of each bucket in seconds, when downsampled'),
    buckets: z
        .array(historyBucket)
        .optional()
        .describe('the window downsampled to at most max_points buckets (empty buckets left out)'),
    gaps: z.array(historyGap).optional().describe('stretches of the window without data, with their cause'),
    flat: z
        .boolean()
        .optional()
        .describe('true when the signal did not change over at least two points and the window has no gap'),
    accuracy: z.number().optional().describe("the sensor's declared accuracy (capabilities)"),
    decimals: z.number().int().optional().describe('numbers are rounded to this many decimals'),
    note: z.string().optional().describe('what the window covers, in one sentence'),
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
    total_devices: z.number().int().optional().describe('devices matching the request, over all pages'),
    next_cursor: z
        .string()
        .optional()
        .describe('pass as `cursor` to get the next page of devices; absent on the last page'),
});

export const deviceMetrics = z.object({
    device_id: z.string(),
    online: z.boolean(),
    last_seen_at: isoTime.nullable(),
    counters: deviceCounters,
    device_metrics: mqttPayload<MetricsPayload>(
        'metrics',
        "the device's own last metrics message",
    ).nullable(),
});
export const metricsList = z.object({
    devices: z.array(deviceMetrics),
    total: z.number().int().optional().describe('devices over all pages'),
    next_cursor: z
        .string()
        .optional()
        .describe('pass as `cursor` to get the next page; absent on the last page'),
});

export const instanceHealth = z.object({
    url: z.string().describe('the Node-RED admin root, without credentials'),
    registry_id: z.string(),
    healthy: z.boolean().describe('answered its status just now'),
    error: z.string().optional(),
    share_group: z.string().optional(),
    devices: z.number().int().optional(),
    messages_per_s: z.number().optional(),
    mqtt_connected: z.boolean().optional(),
    uptime_s: z.number().optional(),
});

export const systemStatus = z.object({
    registry: z.object({ id: z.string(), name: z.string() }),
    share_group: z
        .string()
        .optional()
        .describe('the MQTT share group whose share of the sensor stream this registry takes'),
    instances: z
        .array(instanceHealth)
        .optional()
        .describe(
            'adapter over several registries: each instance and its health; the rest is the merged fleet',
        ),
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
        dropped: z
            .number()
            .int()
            .describe('points the store dropped since the registry first started (kept across restarts)'),
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

const originText = z.string().min(1).max(ORIGIN_FIELD_MAX);
/** Who sends a command, as the calling MCP adapter reports it (recorded, never trusted for access). */
export const commandClient = z.object({
    name: originText.describe("the MCP client's name (clientInfo.name)"),
    version: originText.optional(),
    session_id: originText.optional().describe('the MCP session'),
});

/**
 * Sent with a redeemed confirmation ticket: the user also approved later commands to the same
 * actuator for `minutes` (bounded by the operator), with these actions, and — for number values —
 * within min..max (without a range: only the confirmed value).
 */
export const approvalScopeRequest = z.object({
    minutes: z.number().int().min(1).max(APPROVAL_MINUTES_MAX),
    actions: z.array(z.string().min(1).max(32)).max(16).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
});

export const commandRequest = z.object({
    action: z.string().min(1).max(32),
    value: actuatorValue.optional(),
    timeout_ms: timeoutMs.optional(),
    confirmation: z
        .string()
        .max(64)
        .optional()
        .describe('the ticket of a confirmation_required answer, sent once the user agreed'),
    lease_s: z
        .number()
        .positive()
        .max(MAX_LEASE_S)
        .optional()
        .describe(
            "lease in seconds: the device itself reverts the actuator when it ends (at most the actuator's max_lease_s)",
        ),
    dry_run: z.boolean().optional().describe('answer the plan (outcome planned) and send nothing'),
    reason: z
        .string()
        .max(COMMAND_REASON_MAX)
        .optional()
        .describe('why the command is sent, kept in the command ledger'),
    client: commandClient.optional(),
    approve_scope: approvalScopeRequest
        .optional()
        .describe(
            'with `confirmation`: the user approved later commands to this actuator too (scoped approval)',
        ),
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

/* Origins and approvals of commands */

export const commandOrigin = z.object({
    via: z
        .enum(['mcp', 'http', 'flow'])
        .describe('mcp: an MCP client through the adapter; http: the registry API; flow: a command node'),
    client: commandClient.optional().describe('the MCP client, as the adapter reported it'),
    user: z
        .string()
        .optional()
        .describe('the Node-RED admin user of the HTTP request (when adminAuth is on)'),
    node_id: z.string().optional().describe('the command node that sent it'),
});

export const commandApproval = z.object({
    kind: z.enum(['ticket', 'scope']),
    ref: z
        .string()
        .describe(
            'ticket: a fingerprint of the one-time ticket (issued, or redeemed); scope: the approval id',
        ),
    expires_at: isoTime.optional().describe('scope: when the approval ends'),
});

/** A user's scoped approval: commands to this actuator inside it need no new confirmation until it expires. */
export const scopedApproval = z.object({
    id: z.string(),
    device_id: z.string(),
    actuator: z.string(),
    actions: z.array(z.string()),
    values: z
        .union([z.object({ min: z.number().optional(), max: z.number().optional() }), z.array(actuatorValue)])
        .describe('a number range, or the exact values approved'),
    granted_at: isoTime,
    expires_at: isoTime,
    uses: z.number().int(),
    origin: commandOrigin,
});
export const approvalList = z.object({ approvals: z.array(scopedApproval) });

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
/** Which limit of the loop guard refused a command; `device`: the device's own RATE_LIMITED answer. */
export const loopGuardLimit = z.enum(['min_interval', 'max_per_min', 'flap', 'device']);

/**
 * The loop guard refused the command (nothing was sent), or the device did
 * (RATE_LIMITED, with its command_id and state). Wait retry_after_ms; never retry in a loop.
 */
export const rateLimitedOutcome = z.object({
    outcome: z.literal('rate_limited'),
    device_id: z.string(),
    actuator: z.string(),
    action: z.string(),
    retry_after_ms: z.number().int().min(0),
    retry_at: isoTime,
    limit: loopGuardLimit,
    message: z.string(),
    command_id: z.string().optional(),
    state: actuatorValue.optional(),
});

/** The limits in force for an actuator: the device's declaration, tightened by the operator's policy. */
export const loopGuardLimits = z.object({
    min_interval_ms: z.number().int().optional(),
    max_commands_per_min: z.number().int().optional(),
    max_reversals: z.number().int().optional(),
    flap_window_s: z.number().int().optional(),
});

export const loopGuardState = z.object({
    allowed: z.boolean().describe('whether the loop guard would let this command through now'),
    retry_after_ms: z.number().int().optional(),
    limit: loopGuardLimit.optional(),
    limits: loopGuardLimits,
    commands_last_min: z.number().int(),
    reversals_in_window: z.number().int(),
    last_change_at: isoTime.nullable(),
});

/** A dry run: what the registry would do with the command. Nothing was sent. */
export const plannedOutcome = z.object({
    outcome: z.literal('planned'),
    device_id: z.string(),
    actuator: z.string(),
    action: z.string(),
    value: actuatorValue.optional(),
    would: z
        .enum(['send', 'confirmation_required', 'rate_limited', 'offline', 'broker_unavailable'])
        .describe('what a real command would get now'),
    online: z.boolean(),
    confirmation_required: z.boolean(),
    loop_guard: loopGuardState,
    lease: z
        .object({
            lease_s: z.number(),
            until: isoTime.describe('estimated: now plus lease_s'),
            reverts_to: actuatorValue.optional(),
        })
        .optional(),
    current_state: actuatorValue.optional(),
    expected_state: actuatorValue.optional().describe('the state after the command, when predictable'),
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
    z.object({
        outcome: z.literal('applied'),
        ...commandBase,
        value: actuatorValue.optional(),
        lease_until: isoTime.optional().describe('when the device reverts the actuator (leased commands)'),
        lease_remaining_ms: z.number().int().optional(),
        lease_reverts_to: actuatorValue.optional(),
        approval: commandApproval
            .optional()
            .describe('how the user approved it, when it needed confirmation'),
        granted_scope: commandApproval
            .optional()
            .describe('the scoped approval the user granted with it: later commands inside need no question'),
    }),
    z.object({
        outcome: z.literal('rejected'),
        ...commandBase,
        reason: z.string(),
        code: z.string().optional(),
    }),
    confirmationRequiredOutcome,
    rateLimitedOutcome,
    plannedOutcome,
    ...undelivered,
]);

/* The command ledger */

export const commandLogEntry = z.object({
    seq: z.number().int().describe('position in the ledger'),
    at: isoTime.describe('when the registry received the command'),
    device_id: z.string(),
    actuator: z.string(),
    action: z.string(),
    value: actuatorValue.optional(),
    lease_s: z.number().optional(),
    dry_run: z.boolean().optional(),
    origin: commandOrigin,
    reason: z.string().optional().describe('why, as the caller stated it'),
    approval: commandApproval.optional(),
    granted_scope: commandApproval
        .optional()
        .describe('a scoped approval the user granted with this command'),
    outcome: z.enum([
        'applied',
        'rejected',
        'rate_limited',
        'planned',
        'confirmation_required',
        'offline',
        'broker_unavailable',
        'timeout',
        'invalid',
    ]),
    code: z.string().optional(),
    message: z.string().optional(),
    command_id: z.string().optional(),
    state: actuatorValue.optional().describe("the actuator's state the device reported after the command"),
    retry_after_ms: z.number().int().optional(),
    lease_until: isoTime.optional(),
    duration_ms: z.number().describe('from receipt to the outcome'),
});

export const commandLog = z.object({
    entries: z.array(commandLogEntry).describe('newest first'),
    total: z.number().int().describe('entries matching the filters'),
    next_cursor: z
        .string()
        .optional()
        .describe('pass as `cursor` to get older entries; absent on the last page'),
});

const configBase = {
    command_id: z.string(),
    device_id: z.string(),
    config: deviceConfigPayload<DeviceConfig>('the configuration the device reports after the request'),
    duration_ms: z.number(),
};
export const configOutcome = z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('applied'), ...configBase }),
    z.object({ outcome: z.literal('rejected'), ...configBase, reason: z.string() }),
    ...undelivered,
]);

export const diagnosticsOutcome = z.discriminatedUnion('outcome', [
    z.object({
        outcome: z.literal('completed'),
        command_id: z.string(),
        device_id: z.string(),
        result: mqttPayload<DiagnosticsResultPayload>(
            'diagnostics_result',
            "the device's diagnostics result",
        ),
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
export type ActuatorLease = z.infer<typeof actuatorLease>;
export type DeviceDetail = z.infer<typeof deviceDetail>;
export type HistoryPointView = z.infer<typeof historyPoint>;
export type HistoryStats = z.infer<typeof historyStats>;
export type SensorHistory = z.infer<typeof sensorHistory>;
export type HistoryBucketView = z.infer<typeof historyBucket>;
export type HistoryGapView = z.infer<typeof historyGap>;
export type SensorReadingView = z.infer<typeof sensorReading>;
export type MissingReading = z.infer<typeof missingReading>;
export type ReadingsAnswer = z.infer<typeof readingsAnswer>;
export type DeviceMetrics = z.infer<typeof deviceMetrics>;
export type MetricsList = z.infer<typeof metricsList>;
export type SystemStatus = z.infer<typeof systemStatus>;
export type InstanceHealth = z.infer<typeof instanceHealth>;
export type DeviceChange = z.infer<typeof deviceChange>;
export type DeviceEvent = z.infer<typeof deviceEvent>;
export type CommandRequest = z.infer<typeof commandRequest>;
export type CommandClient = z.infer<typeof commandClient>;
export type LoopGuardLimit = z.infer<typeof loopGuardLimit>;
export type LoopGuardLimits = z.infer<typeof loopGuardLimits>;
export type LoopGuardState = z.infer<typeof loopGuardState>;
export type RateLimitedOutcome = z.infer<typeof rateLimitedOutcome>;
export type PlannedOutcome = z.infer<typeof plannedOutcome>;
export type CommandOrigin = z.infer<typeof commandOrigin>;
export type CommandApproval = z.infer<typeof commandApproval>;
export type CommandLogEntry = z.infer<typeof commandLogEntry>;
export type CommandLog = z.infer<typeof commandLog>;
export type ApprovalScopeRequest = z.infer<typeof approvalScopeRequest>;
export type ScopedApproval = z.infer<typeof scopedApproval>;
export type ApprovalList = z.infer<typeof approvalList>;
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
