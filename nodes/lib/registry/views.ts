/**
 * Turns registry records into the answers of the registry API contract
 * (@mcp-mqtt-bridge/protocol, registry-api). Objects keyed by device-chosen
 * names are built with Object.fromEntries, which defines own properties: a
 * sensor called `__proto__` is data, never a prototype.
 */
import type {
    ActuatorStateView,
    Alert,
    DeviceDetail,
    DeviceMetrics,
    DeviceSummary,
    SensorMetadata,
    SensorReadingView,
    StoredReading,
} from '@mcp-mqtt-bridge/protocol';
import type { DeviceRegistry } from './device-registry';
import type { ActuatorState, DeviceRecord, SensorState } from './types';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function sensorsOf(record: DeviceRecord): string[] {
    return record.capabilities ? record.capabilities.sensors : [...record.readings.keys()];
}

export function actuatorsOf(record: DeviceRecord): string[] {
    return record.capabilities ? record.capabilities.actuators : [...record.actuators.keys()];
}

/** Online as the registry can know it: nobody is known online while its broker is down. */
function presence(
    registry: DeviceRegistry,
    record: DeviceRecord,
): Pick<DeviceSummary, 'online' | 'offline_reason'> {
    if (registry.brokerState === 'down') return { online: false, offline_reason: 'broker' };
    if (record.online) return { online: true };
    return record.offlineReason ? { online: false, offline_reason: record.offlineReason } : { online: false };
}

export function isOnline(registry: DeviceRegistry, record: DeviceRecord): boolean {
    return registry.brokerState !== 'down' && record.online;
}

export function summaryOf(registry: DeviceRegistry, record: DeviceRecord): DeviceSummary {
    const caps = record.capabilities;
    return {
        device_id: record.id,
        ...(caps?.name ? { name: caps.name } : {}),
        ...(caps?.location ? { location: caps.location } : {}),
        ...(caps?.device_type ? { device_type: caps.device_type } : {}),
        ...(caps?.firmware_version ? { firmware_version: caps.firmware_version } : {}),
        ...(caps?.platform ? { platform: caps.platform } : {}),
        ...presence(registry, record),
        last_seen_at: isoOrNull(record.lastSeen),
        sensors: sensorsOf(record),
        actuators: actuatorsOf(record),
    };
}

function readingView(state: SensorState): StoredReading {
    return {
        reading: state.reading,
        ...(state.unit !== undefined ? { unit: state.unit } : {}),
        ...(state.quality !== undefined ? { quality: state.quality } : {}),
        timestamp: state.timestamp,
        received_at: iso(state.receivedAt),
    };
}

function actuatorView(a: ActuatorState, now: number): ActuatorStateView {
    const lease = a.lease && a.lease.until > now ? a.lease : undefined;
    return {
        state: a.state,
        updated_at: iso(a.updatedAt),
        ...(a.lastCommand ? { last_command: a.lastCommand } : {}),
        ...(lease
            ? {
                  lease: {
                      command_id: lease.commandId,
                      until: iso(lease.until),
                      remaining_ms: Math.round(lease.until - now),
                      ...(lease.revertsTo !== undefined ? { reverts_to: lease.revertsTo } : {}),
                  },
              }
            : {}),
    };
}

export function detailOf(registry: DeviceRegistry, record: DeviceRecord, now = Date.now()): DeviceDetail {
    return {
        ...summaryOf(registry, record),
        capabilities: record.capabilities,
        readings: Object.fromEntries([...record.readings].map(([s, state]) => [s, readingView(state)])),
        actuator_states: Object.fromEntries(
            [...record.actuators].map(([a, state]) => [a, actuatorView(state, now)]),
        ),
        config: record.config,
        device_metrics: record.metrics,
        counters: registry.share ? registry.share.countersOf(record) : record.counters,
        recent_errors: record.errors,
    };
}

export function sensorReadingOf(
    registry: DeviceRegistry,
    record: DeviceRecord,
    sensor: string,
    state: SensorState,
    now: number,
): SensorReadingView {
    return {
        device_id: record.id,
        sensor,
        ...readingView(state),
        age_s: Math.max(0, Math.round((now - state.receivedAt) / 100) / 10),
        online: isOnline(registry, record),
    };
}

export function metricsOf(registry: DeviceRegistry, record: DeviceRecord): DeviceMetrics {
    return {
        device_id: record.id,
        online: isOnline(registry, record),
        last_seen_at: isoOrNull(record.lastSeen),
        counters: registry.share ? registry.share.countersOf(record) : record.counters,
        device_metrics: record.metrics,
    };
}

export interface DeviceFilter {
    online?: boolean;
    sensor?: string;
    actuator?: string;
    location?: string;
    q?: string;
}

function hasEntity(record: DeviceRecord, names: string[], wanted: string): boolean {
    if (names.includes(wanted)) return true;
    const metadata = record.capabilities?.metadata;
    if (!metadata) return false;
    return names.some(
        (n) => Object.hasOwn(metadata, n) && (metadata[n] as SensorMetadata).device_class === wanted,
    );
}

export function matchesFilter(registry: DeviceRegistry, record: DeviceRecord, f: DeviceFilter): boolean {
    if (f.online !== undefined && isOnline(registry, record) !== f.online) return false;
    if (f.sensor !== undefined && !hasEntity(record, sensorsOf(record), f.sensor)) return false;
    if (f.actuator !== undefined && !hasEntity(record, actuatorsOf(record), f.actuator)) return false;
    const location = record.capabilities?.location ?? '';
    if (f.location !== undefined && location.toLowerCase() !== f.location.toLowerCase()) return false;
    if (f.q !== undefined) {
        const q = f.q.toLowerCase();
        const haystack = [record.id, record.capabilities?.name ?? '', location].join('\n').toLowerCase();
        if (!haystack.includes(q)) return false;
    }
    return true;
}

export function alertsMatching(
    registry: DeviceRegistry,
    f: { severity?: number; since?: number; device?: string; limit: number },
): Alert[] {
    const out: Alert[] = [];
    for (const alert of registry.alerts.recent()) {
        if (out.length >= f.limit) break;
        if (f.severity !== undefined && alert.severity < f.severity) continue;
        if (f.since !== undefined && alert.timestamp < f.since) continue;
        if (f.device !== undefined && alert.device_id !== f.device) continue;
        out.push(alert);
    }
    return out;
}
