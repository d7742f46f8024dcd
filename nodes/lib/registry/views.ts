/** Turns registry records into the JSON shapes of docs/registry-api.md. */
import type { SensorMetadata } from '../../../protocol/src';
import type { HistoryPoint } from '../history-store';
import type { DeviceRegistry } from './device-registry';
import type { Alert, DeviceRecord, DeviceSummary, SensorState } from './types';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function sensorsOf(record: DeviceRecord): string[] {
    return record.capabilities ? record.capabilities.sensors : Object.keys(record.readings);
}

export function actuatorsOf(record: DeviceRecord): string[] {
    return record.capabilities ? record.capabilities.actuators : Object.keys(record.actuators);
}

export function summaryOf(record: DeviceRecord): DeviceSummary {
    const caps = record.capabilities;
    const summary: DeviceSummary = {
        device_id: record.id,
        online: record.online,
        last_seen_at: iso(record.lastSeen),
        sensors: sensorsOf(record),
        actuators: actuatorsOf(record),
    };
    if (caps?.name) summary.name = caps.name;
    if (caps?.location) summary.location = caps.location;
    if (caps?.device_type) summary.device_type = caps.device_type;
    if (caps?.firmware_version) summary.firmware_version = caps.firmware_version;
    if (caps?.platform) summary.platform = caps.platform;
    if (!record.online && record.offlineReason) summary.offline_reason = record.offlineReason;
    return summary;
}

function readingView(state: SensorState) {
    return {
        reading: state.reading,
        ...(state.unit !== undefined ? { unit: state.unit } : {}),
        ...(state.quality !== undefined ? { quality: state.quality } : {}),
        timestamp: state.timestamp,
        received_at: iso(state.receivedAt),
    };
}

export function detailOf(record: DeviceRecord) {
    const readings: Record<string, ReturnType<typeof readingView>> = {};
    for (const [sensor, state] of Object.entries(record.readings)) readings[sensor] = readingView(state);
    const actuator_states: Record<string, object> = {};
    for (const [name, a] of Object.entries(record.actuators)) {
        actuator_states[name] = {
            state: a.state,
            updated_at: iso(a.updatedAt),
            ...(a.lastCommand ? { last_command: a.lastCommand } : {}),
        };
    }
    return {
        ...summaryOf(record),
        capabilities: record.capabilities,
        readings,
        actuator_states,
        config: record.config,
        device_metrics: record.metrics,
        counters: record.counters,
        recent_errors: record.errors,
    };
}

export function sensorReadingOf(record: DeviceRecord, sensor: string, state: SensorState, now: number) {
    return {
        device_id: record.id,
        sensor,
        ...readingView(state),
        age_s: Math.max(0, Math.round((now - state.receivedAt) / 100) / 10),
        online: record.online,
    };
}

export function historyStats(points: HistoryPoint[]) {
    const numbers = points
        .map((p) => (typeof p.reading === 'boolean' ? Number(p.reading) : p.reading))
        .filter((r): r is number => typeof r === 'number');
    if (numbers.length === 0) return { count: points.length, min: null, max: null, mean: null, last: null };
    const sum = numbers.reduce((a, b) => a + b, 0);
    return {
        count: points.length,
        min: Math.min(...numbers),
        max: Math.max(...numbers),
        mean: sum / numbers.length,
        last: numbers[numbers.length - 1],
    };
}

export function metricsOf(record: DeviceRecord) {
    return {
        device_id: record.id,
        online: record.online,
        last_seen_at: iso(record.lastSeen),
        counters: record.counters,
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
    const metadata = record.capabilities?.metadata ?? {};
    return names.some((n) => (metadata[n] as SensorMetadata | undefined)?.device_class === wanted);
}

export function matchesFilter(record: DeviceRecord, f: DeviceFilter): boolean {
    if (f.online !== undefined && record.online !== f.online) return false;
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
    for (const alert of registry.recentAlerts()) {
        if (out.length >= f.limit) break;
        if (f.severity !== undefined && alert.severity < f.severity) continue;
        if (f.since !== undefined && alert.timestamp < f.since) continue;
        if (f.device !== undefined && alert.device_id !== f.device) continue;
        out.push(alert);
    }
    return out;
}
