/**
 * Shapes of the registry HTTP API answers (docs/registry-api.md). The adapter is
 * published on its own, so it keeps its own copy of these types instead of
 * importing the node pack's; only the fields the adapter reads are typed strictly.
 */

export type Reading = number | boolean | null;
export type ActuatorValue = number | boolean | string | null;
export type Severity = 0 | 1 | 2 | 3;

export interface RegistryInfo {
    id: string;
    name: string;
    devices: number;
    online: number;
}

export interface DeviceSummary {
    device_id: string;
    name?: string;
    location?: string;
    device_type?: string;
    firmware_version?: string;
    platform?: string;
    online: boolean;
    last_seen_at: string | null;
    offline_reason?: 'status' | 'timeout';
    sensors: string[];
    actuators: string[];
}

export interface DeviceList {
    devices: DeviceSummary[];
    total: number;
    next_cursor?: string;
}

export interface ComponentMetadata {
    unit?: string;
    value_type?: string;
    min_range?: number;
    max_range?: number;
    step?: number;
    options?: string[];
    supported_actions?: string[];
    requires_confirmation?: boolean;
    response_time_ms?: number;
    description?: string;
    device_class?: string;
    [key: string]: unknown;
}

export interface Capabilities {
    device_id: string;
    firmware_version: string;
    sensors: string[];
    actuators: string[];
    metadata: Record<string, ComponentMetadata>;
    [key: string]: unknown;
}

export interface StoredReading {
    reading: Reading;
    unit?: string;
    quality?: number;
    timestamp: number;
    received_at: string;
}

export interface ActuatorState {
    state: ActuatorValue;
    updated_at: string;
    last_command?: { command_id: string; result: string; reason?: string };
}

export interface DeviceCounters {
    messages: number;
    decode_errors: number;
    lost: number;
    duplicates: number;
    late: number;
    commands_sent: number;
    commands_applied: number;
    commands_rejected: number;
    commands_timed_out: number;
}

export interface Alert {
    device_id: string;
    source: 'device' | 'registry';
    error_type: string;
    message: string;
    severity: Severity;
    timestamp: number;
    component?: string;
}

export type DeviceMetricsPayload = Record<string, unknown>;

export interface DeviceDetail extends DeviceSummary {
    capabilities: Capabilities | null;
    readings: Record<string, StoredReading>;
    actuator_states: Record<string, ActuatorState>;
    config: Record<string, unknown> | null;
    device_metrics: DeviceMetricsPayload | null;
    counters: DeviceCounters;
    recent_errors: Alert[];
}

export interface HistoryPoint {
    time: string;
    reading: Reading;
    quality?: number;
}

export interface SensorHistory {
    source: 'memory' | 'influxdb';
    minutes: number;
    points: HistoryPoint[];
    stats: { count: number; min: number | null; max: number | null; mean: number | null; last: Reading };
    truncated: boolean;
}

export interface SensorReading {
    device_id: string;
    sensor: string;
    reading: Reading;
    unit?: string;
    quality?: number;
    timestamp: number;
    received_at: string;
    age_s: number;
    online: boolean;
    history?: SensorHistory;
}

export interface ReadingsAnswer {
    readings: SensorReading[];
    missing: { device_id: string; sensor: string; reason: string }[];
}

export type CommandOutcome =
    | {
          outcome: 'applied';
          command_id: string;
          device_id: string;
          actuator: string;
          action: string;
          value?: ActuatorValue;
          state: ActuatorValue;
          duration_ms: number;
      }
    | {
          outcome: 'rejected';
          command_id: string;
          device_id: string;
          actuator: string;
          action: string;
          reason: string;
          code?: string;
          state: ActuatorValue;
          duration_ms: number;
      }
    | {
          outcome: 'timeout';
          command_id: string;
          device_id: string;
          actuator: string;
          action: string;
          timeout_ms: number;
      }
    | { outcome: 'offline'; device_id: string; actuator: string; message: string }
    | { outcome: 'invalid'; code: string; message: string; field?: string };

export interface CommandRequest {
    action: string;
    value?: ActuatorValue;
    confirmed?: boolean;
    timeout_ms?: number;
}

export interface ConfigRequest {
    publish_interval_ms?: number;
    metrics_interval_ms?: number;
    streaming?: Record<string, { enabled: boolean; interval_ms?: number }>;
    reset_metrics?: boolean;
    timeout_ms?: number;
}

export type ConfigOutcome =
    | {
          outcome: 'applied';
          command_id: string;
          device_id: string;
          config: Record<string, unknown>;
          duration_ms: number;
      }
    | {
          outcome: 'rejected';
          command_id: string;
          device_id: string;
          reason: string;
          code?: string;
          config?: Record<string, unknown>;
          duration_ms: number;
      }
    | { outcome: 'timeout'; command_id: string; device_id: string; timeout_ms: number }
    | { outcome: 'offline'; device_id: string; message: string }
    | { outcome: 'invalid'; code: string; message: string; field?: string };

export interface DiagnosticCheck {
    name: string;
    status: 'ok' | 'warn' | 'fail';
    detail?: string;
    value?: number | string | boolean | null;
}

export type DiagnosticsOutcome =
    | {
          outcome: 'completed';
          command_id: string;
          result: {
              overall: 'ok' | 'degraded' | 'failed';
              checks: DiagnosticCheck[];
              [key: string]: unknown;
          };
          duration_ms: number;
      }
    | { outcome: 'timeout'; command_id: string; device_id: string; timeout_ms: number }
    | { outcome: 'offline'; device_id: string; message: string }
    | { outcome: 'invalid'; code: string; message: string; field?: string };

export interface DeviceMetrics {
    device_id: string;
    online: boolean;
    last_seen_at: string | null;
    counters: DeviceCounters;
    device_metrics: DeviceMetricsPayload | null;
}

export interface SystemStatus {
    registry: { id: string; name: string };
    uptime_s: number;
    devices: { total: number; online: number; offline: number };
    rates: { messages_per_s: number; errors_per_s: number };
    counters: {
        messages: number;
        decode_errors: Record<string, number>;
        lost: number;
        duplicates: number;
        late: number;
        commands_sent: number;
    };
    storage: {
        kind: string;
        connected: boolean;
        buffered: number;
        written: number;
        dropped: number;
        retries: number;
        last_error?: string;
    };
    mqtt: { connected: boolean };
}

export type DeviceChange =
    | 'added'
    | 'capabilities'
    | 'online'
    | 'offline'
    | 'reading'
    | 'actuator'
    | 'error'
    | 'config'
    | 'metrics'
    | 'removed';

export interface DeviceEvent {
    device_id: string;
    change: DeviceChange;
}
