/**
 * The registry's state: what each device is, can do and last said. Fed with
 * decoded messages (by decode nodes and the registry's own broker link) and
 * decode errors; knows nothing about Node-RED, MQTT or HTTP, so it is cheap on
 * the hot path and easy to test. Every id from the wire keys a Map, every
 * collection is bounded, and what a bound refuses is counted. Emits 'change'
 * (deviceId, DeviceChange) for the event stream, the snapshot writer and the
 * presence log, and 'reading' (deviceId) for every new reading: an event of
 * its own, so the hot path calls only the listeners that want readings.
 */
import { EventEmitter } from 'node:events';
import {
    KIND_DIRECTION,
    LEASE_EXPIRED,
    SequenceTracker,
    validateReading,
    type Alert,
    type CapabilitiesPayload,
    type DecodeError,
    type DeviceChange,
    type DeviceMessage,
    type MessageOf,
    type Reading,
    type TopicMemo,
} from '@mcp-mqtt-bridge/protocol';
import { AlertLog, foldInto } from './alert-log';
import { CapabilitiesAssembler } from './capabilities-assembler';
import { CommandLedger } from './command-ledger';
import { LoopGuard, type LoopGuardRule } from './loop-guard';
import { setHidden } from '../hidden-property';
import { MemoryHistory } from './memory-history';
import { RegistryCounters } from './registry-counters';
import { SafetyRules } from './safety-rules';
import type { ShareAccounting } from './share-accounting';
import {
    CHECKED_AGAINST,
    HISTORY_RING,
    newRecord,
    type ActuatorState,
    type DeviceRecord,
    type SensorState,
} from './types';

export interface RegistryOptions {
    /** A device silent this long is marked offline (reason 'timeout'). */
    offlineTimeoutMs: number;
    /** Points kept per sensor in the in-memory history. */
    historyPoints: number;
    /** Alerts kept per severity (0..3), after folding repeats. */
    alertsPerSeverity: number;
    /** Alerts kept per device. */
    maxDeviceErrors: number;
    /** Devices kept; a new one first evicts the oldest device that never announced capabilities. */
    maxDevices: number;
    /** Sensors kept for a device that has not announced capabilities (after that, only declared ones). */
    maxUndeclaredSensors: number;
    /** Operator policy: `device/actuator` globs that always need a user's confirmation. */
    confirmPatterns: string[];
    /** Operator policy: loop guard limits per `device/actuator` glob (they only tighten the device's). */
    loopGuardRules: LoopGuardRule[];
}

export const DEFAULT_REGISTRY_OPTIONS: RegistryOptions = {
    offlineTimeoutMs: 5 * 60 * 1000,
    historyPoints: 500,
    alertsPerSeverity: 200,
    maxDeviceErrors: 20,
    maxDevices: 10000,
    maxUndeclaredSensors: 32,
    confirmPatterns: [],
    loopGuardRules: [],
};

/** Alerts about the registry itself (bounds reached) carry this id, which no device can have. */
export const REGISTRY_ALERT_ID = '(registry)';

export type BrokerState = 'connected' | 'down' | 'none';

/**
 * What ingest() remembers on a topic's memo (see TopicMemo): the topic's device record and
 * sensor state, so the next message of that topic skips both map lookups. Valid for its owner
 * while the owner's lookup epoch has not moved, i.e. no record or sensor state was removed or
 * replaced. One key for every registry: a memo holds one registry's lookup at a time, so however
 * often Node-RED redeploys, the topic cache keeps at most one old registry's records, each until
 * its topic comes again.
 */
const TOPIC_LOOKUP = Symbol('registry lookup');

interface TopicLookup {
    owner: DeviceRegistry;
    epoch: number;
    record: DeviceRecord;
    state: SensorState | undefined;
}

export class DeviceRegistry extends EventEmitter {
    readonly devices = new Map<string, DeviceRecord>();
    readonly history: MemoryHistory;
    readonly counters = new RegistryCounters();
    readonly sequences = new SequenceTracker();
    readonly alerts: AlertLog;
    readonly safety: SafetyRules;
    /** Per-actuator rate limits, enforced on every command whoever sends it. */
    readonly guard: LoopGuard;
    /** Every command handled, with its origin, reason, approval and outcome (bounded ring). */
    readonly ledger = new CommandLedger();
    private readonly capabilityParts = new CapabilitiesAssembler();
    /** Devices that never announced capabilities, oldest first: evicted first at the device cap. */
    private readonly unannounced = new Set<string>();
    /** Messages counted lost since the last tick, per device: alerted once the gap has had time to fill. */
    private readonly lossToReport = new Map<string, number>();
    private broker: BrokerState = 'none';
    /** Moves whenever a device record or sensor state is removed or replaced: older TopicLookups are stale. */
    private lookupEpoch = 0;
    /** Set in an MQTT share group: this instance sees only its share of the stream (share-accounting.ts). */
    share?: ShareAccounting;
    private brokerDownSince = 0;
    /**
     * The sensor state the reading just ingested updated (a sensor_data message; otherwise
     * undefined): the decode node keeps that reading's InfluxDB series on it.
     */
    updatedSensor: SensorState | undefined;
    /** A persistent store that also records every reading (the SQLite history): batched, O(1) here. */
    persistentHistory?: {
        record(deviceId: string, sensor: string, time: number, reading: Reading, quality?: number): void;
    };

    constructor(readonly options: RegistryOptions = DEFAULT_REGISTRY_OPTIONS) {
        super();
        this.history = new MemoryHistory(options.historyPoints);
        this.alerts = new AlertLog(options.alertsPerSeverity);
        this.safety = new SafetyRules(options.confirmPatterns);
        this.guard = new LoopGuard(options.loopGuardRules);
    }

    get brokerState(): BrokerState {
        return this.broker;
    }

    /** While the registry's broker is down, no device can be known to be online. */
    setBrokerState(state: BrokerState, now: number): void {
        if (state === this.broker) return;
        const was = this.broker;
        this.broker = state;
        if (state === 'down') {
            this.brokerDownSince = now;
            this.addAlert(registryAlert('broker_down', 'the MQTT broker connection is down', 2, now));
        } else if (was === 'down' && state === 'connected') {
            const s = Math.round((now - this.brokerDownSince) / 100) / 10;
            this.addAlert(
                registryAlert('broker_down', `the MQTT broker connection was down for ${s} s`, 1, now),
            );
            for (const record of this.devices.values()) record.aliveSince = now;
        }
        for (const id of this.devices.keys()) this.changed(id, state === 'down' ? 'offline' : 'online');
    }

    /** Milliseconds the broker has been down, or 0. */
    brokerDownFor(now: number): number {
        return this.broker === 'down' ? now - this.brokerDownSince : 0;
    }

    /**
     * Applies one decoded message. `retained` replays are state, not signs of
     * life. Returns false when a bound refused it (the caller must not store it).
     * `memo`: the one decode() returned with the message, where the topic's
     * record and sensor state are remembered between messages.
     */
    ingest(message: DeviceMessage, retained: boolean, receivedAt: number, memo?: TopicMemo): boolean {
        this.updatedSensor = undefined;
        if (KIND_DIRECTION[message.kind] === 'server') return true;
        const remembered = memo?.[TOPIC_LOOKUP] as TopicLookup | undefined;
        const hit =
            remembered?.owner === this && remembered.epoch === this.lookupEpoch ? remembered : undefined;
        const record = hit?.record ?? this.deviceFor(message.deviceId, receivedAt);
        if (!record) return false;
        // A reading's sensor state, looked up once for the checks and the update.
        const state =
            message.kind === 'sensor_data'
                ? (hit?.state ?? record.readings.get(message.sensor as string))
                : undefined;
        if (!this.accepts(record, message, receivedAt, state)) {
            // It did arrive: its seq must not be counted lost.
            this.trackSequence(record, message, retained, receivedAt);
            return false;
        }
        record.counters.messages++;
        this.counters.message(receivedAt);
        this.share?.message(record.id, message);
        if (message.kind !== 'status') {
            this.trackSequence(record, message, retained, receivedAt);
            if (!retained) this.markAlive(record, receivedAt);
        }
        switch (message.kind) {
            case 'sensor_data':
                this.applyReading(record, message, receivedAt, state);
                break;
            case 'sensor_batch':
                this.applyBatch(record, message, receivedAt);
                break;
            case 'capabilities': {
                const whole = this.capabilityParts.add(record.id, message.payload, receivedAt);
                if (whole) this.applyCapabilities(record, whole, receivedAt);
                break;
            }
            case 'status':
                this.applyStatus(record, message, retained, receivedAt);
                break;
            case 'actuator_status':
                this.applyActuator(record, message, retained, receivedAt);
                break;
            case 'config_state':
                record.config = message.payload.config;
                this.changed(record.id, 'config');
                break;
            case 'metrics':
                record.metrics = message.payload;
                this.changed(record.id, 'metrics');
                break;
            case 'error':
                this.addAlert(deviceAlert(record.id, message, receivedAt), record);
                break;
        }
        const current = this.updatedSensor ?? state;
        if (memo !== undefined && (hit === undefined || hit.state !== current)) {
            const lookup: TopicLookup = { owner: this, epoch: this.lookupEpoch, record, state: current };
            memo[TOPIC_LOOKUP] = lookup;
        }
        return true;
    }

    /** Counts a message decode() refused; reported as a registry alert on the device the topic names. */
    recordDecodeError(error: DecodeError, receivedAt: number): void {
        this.counters.decodeError(error.code, receivedAt);
        if (error.deviceId === undefined) return;
        const record = this.devices.get(error.deviceId);
        if (record) record.counters.decode_errors++;
        this.addAlert(
            {
                device_id: error.deviceId,
                source: 'registry',
                error_type: 'decode_error',
                message: error.message,
                severity: 2,
                timestamp: receivedAt / 1000,
            },
            record,
        );
    }

    /** Periodic work: loss alerts for gaps that stayed open, devices silent too long. */
    tick(now: number): void {
        for (const [id, lost] of this.lossToReport) {
            if (lost > 0) {
                this.addAlert(
                    {
                        device_id: id,
                        source: 'registry',
                        error_type: 'messages_lost',
                        message: `${lost} message(s) from ${id} lost (gap in seq)`,
                        severity: 1,
                        timestamp: now / 1000,
                    },
                    this.devices.get(id),
                );
            }
        }
        this.lossToReport.clear();
        for (const id of this.capabilityParts.expire(now)) {
            this.addAlert(
                {
                    device_id: id,
                    source: 'registry',
                    error_type: 'capabilities_incomplete',
                    message: `capabilities of ${id} announced in parts never arrived whole; the previous ones stay`,
                    severity: 1,
                    timestamp: now / 1000,
                },
                this.devices.get(id),
            );
        }
        if (this.broker !== 'down') this.sweepSilent(now);
    }

    /** Marks devices offline that stayed silent longer than the timeout. */
    sweepSilent(now: number): void {
        for (const record of this.devices.values()) {
            if (record.online && now - record.aliveSince > this.options.offlineTimeoutMs) {
                this.setOffline(record, 'timeout', now);
            }
        }
    }

    countCommand(
        deviceId: string,
        outcome: 'sent' | 'applied' | 'rejected' | 'timeout' | 'rate_limited',
    ): void {
        const counters = this.devices.get(deviceId)?.counters;
        if (outcome === 'sent') this.counters.totals.commands_sent++;
        if (!counters) return;
        if (outcome === 'sent') counters.commands_sent++;
        else if (outcome === 'applied') counters.commands_applied++;
        else if (outcome === 'rejected') counters.commands_rejected++;
        else if (outcome === 'rate_limited') counters.commands_rate_limited++;
        else counters.commands_timed_out++;
    }

    /** Forgets a device entirely (operator action); it comes back if it speaks again. */
    forget(deviceId: string): boolean {
        if (!this.devices.delete(deviceId)) return false;
        this.lookupEpoch++;
        this.unannounced.delete(deviceId);
        this.lossToReport.delete(deviceId);
        this.sequences.forget(deviceId);
        this.share?.forget(deviceId);
        this.history.forget(deviceId);
        this.alerts.forget(deviceId);
        this.safety.forget(deviceId);
        this.guard.forget(deviceId);
        this.capabilityParts.forget(deviceId);
        this.changed(deviceId, 'removed');
        return true;
    }

    /** Adds a restored device (snapshot). */
    adopt(record: DeviceRecord): void {
        if (this.devices.has(record.id)) this.lookupEpoch++;
        this.devices.set(record.id, record);
        if (!record.capabilities) this.unannounced.add(record.id);
    }

    addAlert(alert: Alert, record?: DeviceRecord, change: DeviceChange = 'error'): void {
        const kept = this.alerts.add(alert);
        if (!record) return;
        foldInto(record.errors, kept, this.options.maxDeviceErrors);
        this.changed(record.id, change);
    }

    private deviceFor(id: string, now: number): DeviceRecord | undefined {
        const known = this.devices.get(id);
        if (known) return known;
        if (this.devices.size >= this.options.maxDevices && !this.evictUnannounced()) {
            this.refuse(
                'device_cap',
                `device cap (${this.options.maxDevices}) reached: ignoring "${id}"`,
                now,
            );
            return undefined;
        }
        const record = newRecord(id, now);
        this.devices.set(id, record);
        this.unannounced.add(id);
        this.changed(id, 'added');
        return record;
    }

    private evictUnannounced(): boolean {
        const oldest = this.unannounced.values().next();
        if (oldest.done) return false;
        this.forget(oldest.value);
        return true;
    }

    /** Readings of sensors the device did not declare are refused once it has declared them. */
    private accepts(
        record: DeviceRecord,
        message: DeviceMessage,
        now: number,
        state: SensorState | undefined,
    ): boolean {
        if (message.kind !== 'sensor_data' || state !== undefined) return true;
        const sensor = message.sensor as string;
        const caps = record.capabilities;
        if (caps ? caps.sensors.includes(sensor) : record.readings.size < this.options.maxUndeclaredSensors) {
            return true;
        }
        const why = caps
            ? `reading for undeclared sensor "${sensor}" refused (capabilities declare: ${caps.sensors.join(', ') || 'none'})`
            : `more than ${this.options.maxUndeclaredSensors} sensors before capabilities: "${sensor}" refused`;
        this.refuseReading(record, 'undeclared_sensor', why, now);
        return false;
    }

    /** A device's message refused by a rule: counted as the device's error, and reported (folded). */
    private refuseReading(
        record: DeviceRecord,
        reason: string,
        message: string,
        now: number,
        component?: string,
    ): void {
        this.counters.refused(reason);
        record.counters.decode_errors++;
        const alert: Alert = {
            device_id: record.id,
            source: 'registry',
            error_type: reason,
            message,
            severity: 1,
            timestamp: now / 1000,
        };
        if (component !== undefined) alert.component = component;
        this.addAlert(alert, record);
    }

    private refuse(reason: string, message: string, now: number): void {
        this.counters.refused(reason);
        this.addAlert(registryAlert(reason, message, 2, now));
    }

    private applyCapabilities(
        record: DeviceRecord,
        capabilities: CapabilitiesPayload,
        receivedAt: number,
    ): void {
        const lowered = this.safety.observe(record.id, capabilities);
        if (lowered.length) {
            this.addAlert(
                {
                    device_id: record.id,
                    source: 'registry',
                    error_type: 'safety_lowered',
                    message:
                        `capabilities of ${record.id} no longer ask for confirmation of ${lowered.join(', ')}: ` +
                        'the requirement stays until an operator clears it',
                    severity: 2,
                    timestamp: receivedAt / 1000,
                },
                record,
            );
        }
        record.capabilities = capabilities;
        this.unannounced.delete(record.id);
        if (capabilities.config && !record.config) record.config = capabilities.config;
        for (const [sensor, state] of [...record.readings]) {
            // Gone from the capabilities, or kept from before them with a type they now rule out.
            if (
                !capabilities.sensors.includes(sensor) ||
                !validateReading(capabilities, sensor, state.reading).ok
            ) {
                record.readings.delete(sensor);
                this.lookupEpoch++;
            }
        }
        this.changed(record.id, 'capabilities');
    }

    private applyReading(
        record: DeviceRecord,
        message: MessageOf<'sensor_data'>,
        receivedAt: number,
        state: SensorState | undefined,
    ): void {
        const { value, timestamp } = message.payload;
        const sensor = message.sensor as string;
        if (!this.fits(record, sensor, value.reading, receivedAt, state)) return;
        this.updatedSensor = this.setReading(
            record,
            sensor,
            state,
            value.reading,
            value.unit,
            value.quality,
            timestamp,
            receivedAt,
        );
        this.emit('reading', record.id);
    }

    private applyBatch(record: DeviceRecord, message: MessageOf<'sensor_batch'>, receivedAt: number): void {
        const batchTime = message.payload.timestamp;
        const declared = record.capabilities?.sensors;
        for (const r of message.payload.readings) {
            if (declared ? !declared.includes(r.sensor) : !this.roomFor(record, r.sensor)) {
                this.counters.refused('undeclared_sensor');
                continue;
            }
            const state = record.readings.get(r.sensor);
            if (!this.fits(record, r.sensor, r.reading, receivedAt, state)) continue;
            const time = r.timestamp ?? batchTime;
            this.setReading(record, r.sensor, state, r.reading, r.unit, r.quality, time, receivedAt);
        }
        this.emit('reading', record.id);
    }

    /**
     * A reading must have the type its sensor declares (validateReading): a string from a
     * numeric sensor, or a number from a string sensor, is refused, counted and reported,
     * never stored. Alerts of one sensor fold into one.
     */
    private fits(
        record: DeviceRecord,
        sensor: string,
        reading: Reading,
        now: number,
        state: SensorState | undefined,
    ): boolean {
        const caps = record.capabilities;
        // Whether a number fits depends on the capabilities only: checked once per document.
        const cacheable = typeof reading === 'number' && caps !== null && state !== undefined;
        if (cacheable && state[CHECKED_AGAINST] === caps) return true;
        const check = validateReading(caps, sensor, reading);
        if (check.ok) {
            if (cacheable) setHidden(state, CHECKED_AGAINST, caps);
            return true;
        }
        this.refuseReading(record, 'reading_type', `reading refused: ${check.error.message}`, now, sensor);
        return false;
    }

    private roomFor(record: DeviceRecord, sensor: string): boolean {
        return record.readings.has(sensor) || record.readings.size < this.options.maxUndeclaredSensors;
    }

    private setReading(
        record: DeviceRecord,
        sensor: string,
        state: SensorState | undefined,
        reading: Reading,
        unit: string | undefined,
        quality: number | undefined,
        deviceTime: number | undefined,
        receivedAt: number,
    ): SensorState {
        const timestamp = deviceTime ?? receivedAt / 1000;
        const declaredUnit = unit ?? this.unitOf(record, sensor);
        if (state) {
            state.reading = reading;
            state.unit = declaredUnit;
            state.quality = quality;
            state.timestamp = timestamp;
            state.receivedAt = receivedAt;
        } else {
            state = { reading, unit: declaredUnit, quality, timestamp, receivedAt };
            record.readings.set(sensor, state);
        }
        const ring =
            state[HISTORY_RING] ?? setHidden(state, HISTORY_RING, this.history.ringOf(record.id, sensor));
        this.history.push(ring, timestamp * 1000, reading, quality);
        this.persistentHistory?.record(record.id, sensor, timestamp * 1000, reading, quality);
        return state;
    }

    private unitOf(record: DeviceRecord, sensor: string): string | undefined {
        const caps = record.capabilities;
        if (!caps || !caps.sensors.includes(sensor) || !Object.hasOwn(caps.metadata, sensor))
            return undefined;
        return caps.metadata[sensor]?.unit;
    }

    private applyStatus(
        record: DeviceRecord,
        message: MessageOf<'status'>,
        retained: boolean,
        receivedAt: number,
    ): void {
        if (message.payload.status === 'offline') return this.setOffline(record, 'status', receivedAt);
        if (retained) {
            record.aliveSince = receivedAt;
            if (!record.online) {
                record.online = true;
                record.offlineReason = undefined;
                this.changed(record.id, 'online');
            }
            return;
        }
        this.markAlive(record, receivedAt);
    }

    private applyActuator(
        record: DeviceRecord,
        message: MessageOf<'actuator_status'>,
        retained: boolean,
        receivedAt: number,
    ): void {
        const actuator = message.actuator as string;
        const declared = record.capabilities?.actuators;
        if (
            declared
                ? !declared.includes(actuator)
                : record.actuators.size >= this.options.maxUndeclaredSensors
        ) {
            this.counters.refused('undeclared_actuator');
            return;
        }
        const { state, command_id, result, reason } = message.payload;
        const previous = record.actuators.get(actuator);
        const entry: ActuatorState = { state, updatedAt: receivedAt };
        if (command_id && result) {
            entry.lastCommand = { command_id, result, ...(reason ? { reason } : {}) };
        }
        const lease = leaseOf(message.payload, retained, receivedAt);
        if (lease) entry.lease = lease;
        // The answers to its own commands reach the guard through DeviceRequests.
        if (!command_id && !retained && previous) {
            this.guard.observed(record.id, actuator, previous.state, state, receivedAt);
        }
        record.actuators.set(actuator, entry);
        this.changed(record.id, 'actuator');
    }

    private markAlive(record: DeviceRecord, now: number): void {
        record.lastSeen = now;
        record.aliveSince = now;
        if (!record.online) {
            record.online = true;
            record.offlineReason = undefined;
            this.changed(record.id, 'online');
        }
    }

    private setOffline(record: DeviceRecord, reason: 'status' | 'timeout', now: number): void {
        const wasOnline = record.online;
        record.online = false;
        record.offlineReason = reason;
        if (!wasOnline) return;
        const why = reason === 'status' ? 'reported offline (status or last will)' : 'silent too long';
        this.addAlert(
            {
                device_id: record.id,
                source: 'registry',
                error_type: 'device_offline',
                message: `device ${record.id} went offline: ${why}`,
                severity: 1,
                timestamp: now / 1000,
            },
            record,
            'offline',
        );
    }

    private trackSequence(
        record: DeviceRecord,
        message: DeviceMessage,
        retained: boolean,
        now: number,
    ): void {
        const seq = (message.payload as { seq?: number }).seq;
        const seen = this.sequences.observe(record.id, message.kind, seq, retained);
        // In a share group the gaps are the other instances' messages: loss is merged from the ledger.
        this.share?.sequence(record.id, message, seq, retained, seen);
        const shared = this.share !== undefined;
        const { totals } = this.counters;
        if (seen.duplicate) {
            record.counters.duplicates++;
            totals.duplicates++;
        }
        if (seen.late && !shared) {
            record.counters.late++;
            totals.late++;
        }
        if (seen.jumpedFrom !== undefined) {
            this.addAlert(
                {
                    device_id: record.id,
                    source: 'registry',
                    error_type: 'seq_restart',
                    message:
                        `seq of ${record.id} jumped from ${seen.jumpedFrom} to ${seq}: counted as a restart of ` +
                        'its counter (unannounced reboot or a forged message), not as loss',
                    severity: 1,
                    timestamp: now / 1000,
                },
                record,
            );
        }
        if (seen.lost === 0 || shared) return;
        record.counters.lost += seen.lost;
        totals.lost += seen.lost;
        this.lossToReport.set(record.id, (this.lossToReport.get(record.id) ?? 0) + seen.lost);
    }

    private changed(deviceId: string, change: DeviceChange): void {
        this.emit('change', deviceId, change);
    }
}

function deviceAlert(deviceId: string, message: MessageOf<'error'>, receivedAt: number): Alert {
    const { error_type, severity, timestamp, component } = message.payload;
    return {
        device_id: deviceId,
        source: 'device',
        error_type,
        message: message.payload.message,
        severity,
        timestamp: timestamp ?? receivedAt / 1000,
        ...(component ? { component } : {}),
    };
}

/**
 * The lease a status reports running: lease_remaining_ms counts from when the
 * device sent it (a live message: its receipt; a retained replay: its
 * timestamp when it has one). A lease_expired status, or one without lease
 * fields, means none runs.
 */
function leaseOf(
    payload: MessageOf<'actuator_status'>['payload'],
    retained: boolean,
    receivedAt: number,
): ActuatorState['lease'] {
    const { lease_command_id, lease_remaining_ms, lease_reverts_to, reason, timestamp } = payload;
    if (!lease_command_id || lease_remaining_ms === undefined || reason === LEASE_EXPIRED) return undefined;
    const sentAt = retained && timestamp !== undefined ? timestamp * 1000 : receivedAt;
    return {
        commandId: lease_command_id,
        until: sentAt + lease_remaining_ms,
        ...(lease_reverts_to !== undefined ? { revertsTo: lease_reverts_to } : {}),
    };
}

function registryAlert(type: string, message: string, severity: 1 | 2, now: number): Alert {
    return {
        device_id: REGISTRY_ALERT_ID,
        source: 'registry',
        error_type: type,
        message,
        severity,
        timestamp: now / 1000,
    };
}
