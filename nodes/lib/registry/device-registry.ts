/**
 * The registry's state: what each device is, can do and last said. Fed with
 * decoded messages (the decode node calls ingest) and decode errors; knows
 * nothing about Node-RED, MQTT or HTTP, so it is cheap on the hot path and
 * easy to test. Emits 'change' (deviceId, DeviceChange) for the event stream
 * and the snapshot writer.
 */
import { EventEmitter } from 'node:events';
import {
    KIND_DIRECTION,
    SequenceTracker,
    type DecodeError,
    type DecodeErrorCode,
    type DeviceMessage,
    type MessageOf,
    type Reading,
} from '../../../protocol/src';
import { MemoryHistory } from './memory-history';
import { PendingRequests } from './pending-requests';
import { RateWindow } from './rate-window';
import type { Alert, DeviceChange, DeviceCounters, DeviceRecord } from './types';

export interface RegistryOptions {
    /** A device silent this long is marked offline (reason 'timeout'). */
    offlineTimeoutMs: number;
    /** Points kept per sensor in the in-memory history. */
    historyPoints: number;
    maxAlerts: number;
    maxDeviceErrors: number;
}

export const DEFAULT_REGISTRY_OPTIONS: RegistryOptions = {
    offlineTimeoutMs: 5 * 60 * 1000,
    historyPoints: 500,
    maxAlerts: 500,
    maxDeviceErrors: 20,
};

export interface RegistrySnapshot {
    version: 1;
    saved_at: string;
    devices: DeviceRecord[];
    alerts: Alert[];
}

export interface RegistryTotals {
    messages: number;
    decode_errors: Partial<Record<DecodeErrorCode, number>>;
    lost: number;
    duplicates: number;
    late: number;
    commands_sent: number;
}

function newCounters(): DeviceCounters {
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
    };
}

export class DeviceRegistry extends EventEmitter {
    readonly devices = new Map<string, DeviceRecord>();
    readonly history: MemoryHistory;
    readonly pending = new PendingRequests();
    readonly totals: RegistryTotals = {
        messages: 0,
        decode_errors: {},
        lost: 0,
        duplicates: 0,
        late: 0,
        commands_sent: 0,
    };
    readonly messageRate = new RateWindow();
    readonly errorRate = new RateWindow();
    readonly startedAt = Date.now();
    private readonly sequences = new SequenceTracker();
    private alerts: Alert[] = [];
    /** Ids of the decode nodes feeding this registry: without one, no device answer can arrive. */
    private readonly feeds = new Set<string>();

    constructor(readonly options: RegistryOptions = DEFAULT_REGISTRY_OPTIONS) {
        super();
        this.history = new MemoryHistory(options.historyPoints);
    }

    attachFeed(nodeId: string): void {
        this.feeds.add(nodeId);
    }

    detachFeed(nodeId: string): void {
        this.feeds.delete(nodeId);
    }

    /** True while at least one decode node delivers device traffic (and so command answers). */
    get fed(): boolean {
        return this.feeds.size > 0;
    }

    /** Applies one decoded message. `retained` replays are state, not signs of life. */
    ingest(message: DeviceMessage, retained: boolean, receivedAt: number): void {
        if (KIND_DIRECTION[message.kind] === 'server') return;
        const record = this.deviceFor(message.deviceId, receivedAt);
        record.counters.messages++;
        this.totals.messages++;
        this.messageRate.add(receivedAt);
        if (message.kind !== 'status') {
            const seq = (message.payload as { seq?: number }).seq;
            this.trackSequence(record, message.kind, seq, retained, receivedAt);
            if (!retained) this.markAlive(record, receivedAt);
        }
        switch (message.kind) {
            case 'sensor_data':
                return this.applyReading(record, message, receivedAt);
            case 'sensor_batch':
                return this.applyBatch(record, message, receivedAt);
            case 'capabilities':
                record.capabilities = message.payload;
                if (message.payload.config && !record.config) record.config = message.payload.config;
                return this.changed(record.id, 'capabilities');
            case 'status':
                return this.applyStatus(record, message, retained, receivedAt);
            case 'actuator_status':
                return this.applyActuator(record, message, retained, receivedAt);
            case 'config_state':
                record.config = message.payload.config;
                if (!retained && message.payload.command_id) {
                    this.pending.deliver(message.payload.command_id, message);
                }
                return this.changed(record.id, 'config');
            case 'metrics':
                record.metrics = message.payload;
                return this.changed(record.id, 'metrics');
            case 'error':
                return this.addAlert(
                    {
                        device_id: record.id,
                        source: 'device',
                        error_type: message.payload.error_type,
                        message: message.payload.message,
                        severity: message.payload.severity,
                        timestamp: message.payload.timestamp ?? receivedAt / 1000,
                        ...(message.payload.component ? { component: message.payload.component } : {}),
                    },
                    record,
                );
            case 'diagnostics_result':
                if (!retained) this.pending.deliver(message.payload.command_id, message);
                return;
        }
    }

    /** Counts a message decode() refused; reported as a registry alert on the device the topic names. */
    recordDecodeError(error: DecodeError, receivedAt: number): void {
        this.totals.decode_errors[error.code] = (this.totals.decode_errors[error.code] ?? 0) + 1;
        this.errorRate.add(receivedAt);
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

    /** Marks devices offline that stayed silent longer than the timeout. */
    sweepSilent(now: number): void {
        for (const record of this.devices.values()) {
            if (record.online && now - record.aliveSince > this.options.offlineTimeoutMs) {
                this.setOffline(record, 'timeout', now);
            }
        }
    }

    countCommand(deviceId: string, outcome: 'sent' | 'applied' | 'rejected' | 'timeout'): void {
        const counters = this.devices.get(deviceId)?.counters;
        if (outcome === 'sent') this.totals.commands_sent++;
        if (!counters) return;
        if (outcome === 'sent') counters.commands_sent++;
        else if (outcome === 'applied') counters.commands_applied++;
        else if (outcome === 'rejected') counters.commands_rejected++;
        else counters.commands_timed_out++;
    }

    recentAlerts(): readonly Alert[] {
        return this.alerts;
    }

    snapshot(): RegistrySnapshot {
        return {
            version: 1,
            saved_at: new Date().toISOString(),
            devices: [...this.devices.values()],
            alerts: this.alerts,
        };
    }

    /** Loads a snapshot; restored devices get a fresh silence window (the registry itself was down). */
    restore(snapshot: RegistrySnapshot, now: number): void {
        for (const record of snapshot.devices) {
            record.aliveSince = now;
            record.counters = { ...newCounters(), ...record.counters };
            this.devices.set(record.id, record);
        }
        this.alerts = snapshot.alerts.slice(0, this.options.maxAlerts);
    }

    private deviceFor(id: string, now: number): DeviceRecord {
        let record = this.devices.get(id);
        if (!record) {
            record = {
                id,
                capabilities: null,
                online: false,
                lastSeen: null,
                aliveSince: now,
                readings: {},
                actuators: {},
                config: null,
                metrics: null,
                counters: newCounters(),
                errors: [],
            };
            this.devices.set(id, record);
            this.changed(id, 'added');
        }
        return record;
    }

    private applyReading(record: DeviceRecord, message: MessageOf<'sensor_data'>, receivedAt: number): void {
        const { value, timestamp } = message.payload;
        this.setReading(
            record,
            message.sensor as string,
            value.reading,
            value.unit,
            value.quality,
            timestamp,
            receivedAt,
        );
        this.changed(record.id, 'reading');
    }

    private applyBatch(record: DeviceRecord, message: MessageOf<'sensor_batch'>, receivedAt: number): void {
        const batchTime = message.payload.timestamp;
        for (const r of message.payload.readings) {
            this.setReading(
                record,
                r.sensor,
                r.reading,
                r.unit,
                r.quality,
                r.timestamp ?? batchTime,
                receivedAt,
            );
        }
        this.changed(record.id, 'reading');
    }

    private setReading(
        record: DeviceRecord,
        sensor: string,
        reading: Reading,
        unit: string | undefined,
        quality: number | undefined,
        deviceTime: number | undefined,
        receivedAt: number,
    ): void {
        const timestamp = deviceTime ?? receivedAt / 1000;
        const state = record.readings[sensor];
        const declaredUnit = unit ?? this.unitOf(record, sensor);
        if (state) {
            state.reading = reading;
            state.unit = declaredUnit;
            state.quality = quality;
            state.timestamp = timestamp;
            state.receivedAt = receivedAt;
        } else {
            record.readings[sensor] = { reading, unit: declaredUnit, quality, timestamp, receivedAt };
        }
        this.history.record(record.id, sensor, timestamp * 1000, reading, quality);
    }

    private unitOf(record: DeviceRecord, sensor: string): string | undefined {
        return record.capabilities?.metadata[sensor]?.unit;
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
        const { state, command_id, result, reason } = message.payload;
        const entry: DeviceRecord['actuators'][string] = { state, updatedAt: receivedAt };
        if (command_id && result) {
            entry.lastCommand = { command_id, result, ...(reason ? { reason } : {}) };
        }
        record.actuators[message.actuator as string] = entry;
        if (!retained && command_id) this.pending.deliver(command_id, message);
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
        kind: DeviceMessage['kind'],
        seq: number | undefined,
        retained: boolean,
        now: number,
    ): void {
        const seen = this.sequences.observe(record.id, kind, seq, retained);
        if (seen.duplicate) {
            record.counters.duplicates++;
            this.totals.duplicates++;
        }
        if (seen.late) {
            record.counters.late++;
            this.totals.late++;
        }
        if (seen.lost === 0) return;
        record.counters.lost += seen.lost;
        this.totals.lost += seen.lost;
        if (seen.lost > 0) {
            this.addAlert(
                {
                    device_id: record.id,
                    source: 'registry',
                    error_type: 'messages_lost',
                    message: `${seen.lost} message(s) from ${record.id} lost before seq ${seq}`,
                    severity: 1,
                    timestamp: now / 1000,
                },
                record,
            );
        }
    }

    private addAlert(alert: Alert, record: DeviceRecord | undefined, change: DeviceChange = 'error'): void {
        this.alerts.unshift(alert);
        if (this.alerts.length > this.options.maxAlerts) this.alerts.length = this.options.maxAlerts;
        if (!record) return;
        record.errors.unshift(alert);
        if (record.errors.length > this.options.maxDeviceErrors) {
            record.errors.length = this.options.maxDeviceErrors;
        }
        this.changed(record.id, change);
    }

    private changed(deviceId: string, change: DeviceChange): void {
        this.emit('change', deviceId, change);
    }
}
