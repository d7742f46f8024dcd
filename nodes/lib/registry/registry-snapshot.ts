/**
 * The registry as JSON, for the snapshot file: devices (with their loss-count
 * state, so a gap spanning a Node-RED restart is counted), alerts and the
 * totals that matter. Reads the format of every earlier version.
 */
import { newDeviceCounters, type Alert, type SequenceState } from '@mcp-mqtt-bridge/protocol';
import type { DeviceRegistry } from './device-registry';
import type { RegistryTotals } from './registry-counters';
import type { ActuatorState, DeviceRecord, SensorState } from './types';

type SavedRecord = Omit<DeviceRecord, 'readings' | 'actuators'> & {
    readings: [string, SensorState][];
    actuators: [string, ActuatorState][];
    sequence?: SequenceState;
    /** Actuators whose confirmation requirement is remembered (SafetyRules). */
    confirm?: string[];
};

export interface RegistrySnapshot {
    version: 2;
    saved_at: string;
    devices: SavedRecord[];
    alerts: Alert[];
    totals: RegistryTotals;
    /** The command ledger, oldest first (absent in snapshots of earlier versions). */
    commands?: unknown[];
}

/** Version 1 kept readings and actuators as objects keyed by id, and no sequence state. */
interface SnapshotV1 {
    version: 1;
    devices: (Omit<DeviceRecord, 'readings' | 'actuators'> & {
        readings: Record<string, SensorState>;
        actuators: Record<string, ActuatorState>;
    })[];
    alerts: Alert[];
}

/** One device as the snapshot keeps it (also serialised one by one by SnapshotFile). */
export function savedDevice(registry: DeviceRegistry, record: DeviceRecord): SavedRecord {
    const saved: SavedRecord = {
        ...record,
        readings: [...record.readings],
        actuators: [...record.actuators],
    };
    const sequence = registry.sequences.stateOf(record.id);
    if (sequence) saved.sequence = sequence;
    const confirm = registry.safety.stickyOf(record.id);
    if (confirm.length) saved.confirm = confirm;
    return saved;
}

/** What the snapshot keeps besides the devices (one list, for the full and the incremental writer). */
export function registryWide(
    registry: DeviceRegistry,
): Pick<RegistrySnapshot, 'alerts' | 'totals' | 'commands'> {
    return {
        alerts: registry.alerts.recent(),
        totals: registry.counters.totals,
        commands: registry.ledger.all(),
    };
}

export function snapshotOf(registry: DeviceRegistry): RegistrySnapshot {
    const devices: SavedRecord[] = [];
    for (const record of registry.devices.values()) devices.push(savedDevice(registry, record));
    return { version: 2, saved_at: new Date().toISOString(), devices, ...registryWide(registry) };
}

/** Loads a snapshot; restored devices get a fresh silence window (the registry itself was down). */
export function restoreSnapshot(registry: DeviceRegistry, raw: unknown, now: number): void {
    const snapshot = upgrade(raw);
    for (const saved of snapshot.devices.slice(0, registry.options.maxDevices)) {
        if (typeof saved?.id !== 'string') continue;
        const { readings, actuators, sequence, confirm, ...rest } = saved;
        const record: DeviceRecord = {
            ...rest,
            aliveSince: now,
            counters: { ...newDeviceCounters(), ...rest.counters },
            errors: Array.isArray(rest.errors) ? rest.errors : [],
            readings: new Map(Array.isArray(readings) ? readings : []),
            actuators: new Map(Array.isArray(actuators) ? actuators : []),
        };
        registry.adopt(record);
        if (sequence) registry.sequences.restore(record.id, sequence);
        registry.safety.restore(record.id, confirm);
        if (record.capabilities) registry.safety.observe(record.id, record.capabilities);
    }
    registry.alerts.load(Array.isArray(snapshot.alerts) ? snapshot.alerts : []);
    registry.counters.restore(snapshot.totals);
    registry.ledger.load(snapshot.commands);
}

function upgrade(raw: unknown): RegistrySnapshot {
    const snapshot = raw as RegistrySnapshot | SnapshotV1;
    if (!snapshot || !Array.isArray(snapshot.devices)) throw new Error('unknown snapshot format');
    if (snapshot.version === 2) return snapshot;
    if (snapshot.version !== 1)
        throw new Error(`unknown snapshot version ${String((raw as { version?: unknown }).version)}`);
    return {
        version: 2,
        saved_at: '',
        devices: snapshot.devices.map((d) => ({
            ...d,
            readings: Object.entries(d.readings ?? {}),
            actuators: Object.entries(d.actuators ?? {}),
        })),
        alerts: snapshot.alerts,
        totals: {} as RegistryTotals,
    };
}
