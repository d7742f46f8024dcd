/** Shapes of the registry's state and of its HTTP API (docs/registry-api.md). */
import type {
    ActuatorValue,
    CapabilitiesPayload,
    DeviceConfig,
    DiagnosticsResultPayload,
    MetricsPayload,
    Reading,
    Severity,
} from '../../../protocol/src';

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
    /** Unix seconds. */
    timestamp: number;
    component?: string;
}

export interface SensorState {
    reading: Reading;
    unit?: string;
    quality?: number;
    /** Unix seconds: the device's timestamp, or the time of receipt when it sent none. */
    timestamp: number;
    /** Milliseconds since the epoch. */
    receivedAt: number;
}

export interface ActuatorState {
    state: ActuatorValue;
    updatedAt: number;
    lastCommand?: { command_id: string; result: 'applied' | 'rejected'; reason?: string };
}

/** Everything the registry knows about one device; this is also what the snapshot file stores. */
export interface DeviceRecord {
    id: string;
    capabilities: CapabilitiesPayload | null;
    online: boolean;
    offlineReason?: 'status' | 'timeout';
    /** Last live (not retained) message, ms since the epoch. */
    lastSeen: number | null;
    /** Where the silence timeout counts from: lastSeen, or when a retained "online" was replayed. */
    aliveSince: number;
    readings: Record<string, SensorState>;
    actuators: Record<string, ActuatorState>;
    config: DeviceConfig | null;
    metrics: MetricsPayload | null;
    counters: DeviceCounters;
    errors: Alert[];
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
    | TimeoutOutcome
    | OfflineOutcome
    | InvalidOutcome;

export interface TimeoutOutcome {
    outcome: 'timeout';
    command_id: string;
    device_id: string;
    actuator?: string;
    action?: string;
    timeout_ms: number;
}

export interface OfflineOutcome {
    outcome: 'offline';
    device_id: string;
    actuator?: string;
    message: string;
}

export interface InvalidOutcome {
    outcome: 'invalid';
    code: string;
    message: string;
    field?: string;
}

export type ConfigOutcome =
    | {
          outcome: 'applied';
          command_id: string;
          device_id: string;
          config: DeviceConfig;
          duration_ms: number;
      }
    | {
          outcome: 'rejected';
          command_id: string;
          device_id: string;
          reason: string;
          code?: string;
          config: DeviceConfig;
          duration_ms: number;
      }
    | TimeoutOutcome
    | OfflineOutcome
    | InvalidOutcome;

export type DiagnosticsOutcome =
    | { outcome: 'completed'; command_id: string; result: DiagnosticsResultPayload; duration_ms: number }
    | TimeoutOutcome
    | OfflineOutcome
    | InvalidOutcome;

/** HTTP status of each outcome (docs/registry-api.md). */
export function httpStatusOf(outcome: { outcome: string; code?: string }): number {
    switch (outcome.outcome) {
        case 'applied':
        case 'completed':
            return 200;
        case 'rejected':
        case 'offline':
            return 409;
        case 'timeout':
            return 504;
        default:
            return outcome.code === 'UNKNOWN_DEVICE' ? 404 : 422;
    }
}
