/**
 * TypeScript shapes of the payloads. They mirror protocol/schemas/*.schema.json
 * (the schemas are the source of truth; test/protocol checks every example
 * against both). Unknown extra fields are tolerated for forward compatibility
 * and kept as they are.
 */
import type { TextFormat } from './text-format';
import type { MessageKind } from './topics';

/** A sensor value; strings only from sensors that declare value_type string (MAX_STRING_READING_LENGTH). */
export type Reading = number | boolean | string | null;
export type ActuatorValue = number | boolean | string | null;
export type SensorValueType = 'number' | 'boolean' | 'string';
export type ValueType = 'boolean' | 'number' | 'integer' | 'string' | 'enum' | 'none';
export type Severity = 0 | 1 | 2 | 3;

export interface SensorMetadata {
    unit?: string;
    /** Without it: number or boolean. String sensors (text, event, date/time) must declare 'string'. */
    value_type?: SensorValueType;
    /** The device-side entity type (ESPHome domain: text_sensor, event, date, time, datetime, ...). */
    kind?: string;
    /** value_type string only: the longest reading (1..MAX_STRING_READING_LENGTH). */
    max_length?: number;
    /** value_type string only: the only readings the sensor sends (an event's event types). */
    options?: string[];
    /** value_type string only: ISO 8601 date (YYYY-MM-DD), time (HH:MM:SS) or date-time. */
    format?: TextFormat;
    min_range?: number;
    max_range?: number;
    accuracy?: number;
    description?: string;
    device_class?: string;
    state_class?: string;
    calibration_required?: boolean;
    calibration_interval_s?: number;
}

export interface ActuatorMetadata {
    value_type: ValueType;
    supported_actions: string[];
    description?: string;
    unit?: string;
    min_range?: number;
    max_range?: number;
    step?: number;
    options?: string[];
    max_length?: number;
    /** value_type string only: the value is an ISO 8601 date, time or date-time (validateCommand checks it). */
    format?: TextFormat;
    requires_confirmation?: boolean;
    response_time_ms?: number;
    /** Leases supported: the longest `lease_s` a command may carry (seconds). */
    max_lease_s?: number;
    /** The state a lease reverts to; without it, the state before the leased command. */
    safe_state?: ActuatorValue;
    /** Minimum time between state changes; the device refuses sooner changes (RATE_LIMITED). */
    min_interval_ms?: number;
    /** Commands per minute the actuator tolerates (server-enforced). */
    max_commands_per_min?: number;
    /** Flap detection (server-enforced): at most this many reversals within flap_window_s. */
    max_reversals?: number;
    flap_window_s?: number;
}

export interface StreamingSetting {
    enabled: boolean;
    interval_ms?: number;
}

export interface DeviceConfig {
    publish_interval_ms?: number;
    metrics_interval_ms?: number;
    streaming?: Record<string, StreamingSetting>;
}

interface DeviceSent {
    device_id?: string;
    seq: number;
    timestamp?: number;
}

export interface CapabilitiesPayload extends DeviceSent {
    device_id: string;
    protocol?: number;
    firmware_version: string;
    hardware_version?: string;
    device_type?: string;
    name?: string;
    location?: string;
    platform?: string;
    sensors: string[];
    actuators: string[];
    metadata: Record<string, SensorMetadata | ActuatorMetadata>;
    config?: DeviceConfig;
}

export interface StatusPayload {
    status: 'online' | 'offline';
    device_id?: string;
    timestamp?: number;
    reason?: string;
}

export interface SensorDataPayload extends DeviceSent {
    type?: 'sensor';
    component?: string;
    action?: 'read';
    value: { reading: Reading; unit?: string; quality?: number };
    metrics?: { free_heap?: number; uptime?: number };
}

export interface BatchReading {
    sensor: string;
    reading: Reading;
    unit?: string;
    quality?: number;
    timestamp?: number;
}

export interface SensorBatchPayload extends DeviceSent {
    readings: BatchReading[];
}

export interface ActuatorCommandPayload {
    id: string;
    action: string;
    value?: ActuatorValue;
    timestamp?: number;
    /** Lease in seconds: the device reverts the actuator when it ends (protocol/README.md). */
    lease_s?: number;
}

export type CommandResult = 'applied' | 'rejected';

export interface ActuatorStatusPayload extends DeviceSent {
    component?: string;
    state: ActuatorValue;
    command_id?: string;
    result?: CommandResult;
    reason?: string;
    code?: string;
    /** With code RATE_LIMITED: wait this long before trying again. */
    retry_after_ms?: number;
    /** The command whose lease is active (or, with reason lease_expired, just ended). */
    lease_command_id?: string;
    /** An active lease: milliseconds left when the message was sent. */
    lease_remaining_ms?: number;
    /** An active lease's end in Unix seconds (devices with a clock). */
    lease_until?: number;
    /** The state the device sets when the active lease ends. */
    lease_reverts_to?: ActuatorValue;
}

/** `reason` of the spontaneous actuator status a device publishes when a lease ends. */
export const LEASE_EXPIRED = 'lease_expired';
/** `reason` when the device could not set the lease's revert state (an `error` is raised too). */
export const LEASE_REVERT_FAILED = 'lease_revert_failed';

export interface ErrorPayload extends DeviceSent {
    error_type: string;
    message: string;
    severity: Severity;
    component?: string;
}

export interface MetricsPayload extends DeviceSent {
    messages_sent: number;
    messages_received: number;
    connection_failures: number;
    uptime_s: number;
    free_heap: number;
    publish_failures?: number;
    dropped_readings?: number;
    commands_received?: number;
    commands_rejected?: number;
    sensor_read_errors?: number;
    min_free_heap?: number;
    rssi?: number;
}

export interface ConfigSetPayload extends DeviceConfig {
    id: string;
    reset_metrics?: boolean;
}

export interface ConfigStatePayload extends DeviceSent {
    command_id?: string;
    result?: CommandResult;
    reason?: string;
    config: DeviceConfig & { publish_interval_ms: number };
}

export interface DiagnosticsRequestPayload {
    id: string;
    checks?: string[];
}

/** devices/<id>/announce (or devices/_all/announce): republish capabilities and status. */
export interface AnnounceRequestPayload {
    id: string;
    reason?: string;
}

export interface DiagnosticCheck {
    name: string;
    status: 'ok' | 'warn' | 'fail';
    detail?: string;
    value?: number | string | boolean | null;
}

export interface DiagnosticsResultPayload extends DeviceSent {
    command_id: string;
    overall: 'ok' | 'degraded' | 'failed';
    checks: DiagnosticCheck[];
    free_heap?: number;
    min_free_heap?: number;
    uptime_s?: number;
    rssi?: number;
    reset_reason?: string;
}

export interface PayloadByKind {
    capabilities: CapabilitiesPayload;
    status: StatusPayload;
    sensor_data: SensorDataPayload;
    sensor_batch: SensorBatchPayload;
    actuator_command: ActuatorCommandPayload;
    actuator_status: ActuatorStatusPayload;
    error: ErrorPayload;
    metrics: MetricsPayload;
    config_set: ConfigSetPayload;
    config_state: ConfigStatePayload;
    diagnostics_request: DiagnosticsRequestPayload;
    diagnostics_result: DiagnosticsResultPayload;
    announce_request: AnnounceRequestPayload;
}

/** A decoded message: the kind and ids come from the topic, the payload is schema-checked. */
export type DeviceMessage = {
    [K in MessageKind]: {
        kind: K;
        deviceId: string;
        sensor?: string;
        actuator?: string;
        payload: PayloadByKind[K];
    };
}[MessageKind];

export type MessageOf<K extends MessageKind> = Extract<DeviceMessage, { kind: K }>;

export function isActuatorMetadata(
    meta: SensorMetadata | ActuatorMetadata | undefined,
): meta is ActuatorMetadata {
    return meta !== undefined && 'supported_actions' in meta;
}
