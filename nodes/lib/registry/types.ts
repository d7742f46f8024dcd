/**
 * The registry's own state of a device. What it answers over HTTP is the
 * contract in @mcp-mqtt-bridge/protocol (registry-api); views.ts turns one
 * into the other. Ids from the wire only ever key Maps, never plain objects.
 */
import type {
    ActuatorValue,
    Alert,
    CapabilitiesPayload,
    DeviceConfig,
    DeviceCounters,
    MetricsPayload,
    OfflineReason,
    Reading,
} from '@mcp-mqtt-bridge/protocol';

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
    /** The lease the device reported running: until (ms since the epoch) it reverts to revertsTo. */
    lease?: { commandId: string; until: number; revertsTo?: ActuatorValue };
}

/** Everything the registry knows about one device. */
export interface DeviceRecord {
    id: string;
    capabilities: CapabilitiesPayload | null;
    online: boolean;
    offlineReason?: Exclude<OfflineReason, 'broker'>;
    /** Last live (not retained) message, ms since the epoch. */
    lastSeen: number | null;
    /** Where the silence timeout counts from: lastSeen, or when a retained "online" was replayed. */
    aliveSince: number;
    readings: Map<string, SensorState>;
    actuators: Map<string, ActuatorState>;
    config: DeviceConfig | null;
    metrics: MetricsPayload | null;
    counters: DeviceCounters;
    /** This device's recent alerts, newest first, bounded. */
    errors: Alert[];
}

export function newCounters(): DeviceCounters {
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

export function newRecord(id: string, now: number): DeviceRecord {
    return {
        id,
        capabilities: null,
        online: false,
        lastSeen: null,
        aliveSince: now,
        readings: new Map(),
        actuators: new Map(),
        config: null,
        metrics: null,
        counters: newCounters(),
        errors: [],
    };
}
