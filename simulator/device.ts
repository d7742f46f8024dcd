/**
 * A simulated device that behaves like the firmware: retained capabilities
 * (seq restarts at 0), retained online status (the connection's last will
 * says offline), readings (single or batch, device timestamps), one answer per
 * command echoing its id (validated with the protocol against its own
 * capabilities), errors, metrics, config/set and diagnostics answers. It can
 * misbehave on purpose for tests.
 */
import {
    DELIVERY,
    decode,
    topics,
    validateCommand,
    type ActuatorMetadata,
    type ActuatorValue,
    type CapabilitiesPayload,
    type DeviceConfig,
    type MessageKind,
    type MessageOf,
    type Reading,
    type SensorMetadata,
} from '../protocol/src';
import type { DeviceConnection } from './connection';
import { DEFAULT_CONFIG, SENSOR_MODEL, defaultProfile, type DeviceProfile } from './profile';

export interface Misbehaviour {
    /** Never answer commands (the server must time out). */
    ignoreCommands?: boolean;
    /** Refuse every command with this reason and code (e.g. a jammed door). */
    rejectCommands?: { reason: string; code: string };
    /** Every n-th reading is malformed JSON instead. */
    badPayloadEvery?: number;
    /**
     * Broken sensors: they read null (quality 0), each read counts as a sensor read
     * error, and the diagnostics' sensors check warns (some) or fails (all).
     */
    failingSensors?: string[];
    /**
     * Stuck actuators: commands to them arrive but are neither applied nor answered
     * (the server times out), and the diagnostics' actuators check fails.
     */
    stuckActuators?: string[];
    /** A slow self-test: diagnostics requests are answered only when releaseDiagnostics() is called. */
    holdDiagnostics?: boolean;
}

/** What the device counted since boot (or since the last reset_metrics), as its metrics report it. */
export interface DeviceCounters {
    sent: number;
    received: number;
    publishFailures: number;
    commandsReceived: number;
    commandsRejected: number;
    sensorReadErrors: number;
}

type CheckStatus = 'ok' | 'warn' | 'fail';
interface DiagnosticCheck {
    name: string;
    status: CheckStatus;
    detail: string;
    value?: number;
}

/** The checks a diagnostics request without a list runs (as the firmware does, minus wifi). */
export const DIAGNOSTICS_CHECKS = ['memory', 'mqtt', 'sensors', 'actuators', 'capabilities'] as const;
const OVERALL: Record<CheckStatus, 'ok' | 'degraded' | 'failed'> = {
    ok: 'ok',
    warn: 'degraded',
    fail: 'failed',
};
const SEVERITY: Record<CheckStatus, number> = { ok: 0, warn: 1, fail: 2 };
/** The simulated device's free heap, and the firmware's default warning threshold. */
const FREE_HEAP = 180000;
const LOW_HEAP = 20000;

export interface SimulatedDeviceOptions {
    id: string;
    profile?: DeviceProfile;
    /** Reading interval; 0 publishes only when asked. */
    publishIntervalMs?: number;
    /** Send one sensors/batch message instead of one message per sensor. */
    batch?: boolean;
    /** Metrics interval; 0 = only when asked. */
    metricsIntervalMs?: number;
    misbehave?: Misbehaviour;
}

const INITIAL_STATE: Record<string, ActuatorValue> = {
    boolean: false,
    number: 0,
    integer: 0,
    string: '',
    none: null,
};
const ANSWERED_MEMORY = 256;

/** A running lease: the device reverts the actuator when it ends (protocol/README.md). */
interface Lease {
    commandId: string;
    endsAt: number;
    revertTo: ActuatorValue;
    timer: NodeJS.Timeout;
}

export class SimulatedDevice {
    readonly id: string;
    readonly capabilities: CapabilitiesPayload;
    readonly actuatorState: Record<string, ActuatorValue> = {};
    config: DeviceConfig & { publish_interval_ms: number };
    private seq = 0;
    private counters: DeviceCounters = emptyCounters();
    /** Commands each stuck actuator ignored. */
    private readonly ignored: Record<string, number> = {};
    private readonly heldDiagnostics: (() => Promise<void>)[] = [];
    private readingsSent = 0;
    private readonly values: Record<string, number> = {};
    /** The current text of each string sensor (value_type "string"). */
    private readonly texts: Record<string, string> = {};
    private readonly answered = new Set<string>();
    /** Per actuator: when its state last changed (min_interval_ms) and its running lease. */
    private readonly lastChange = new Map<string, number>();
    private readonly leases = new Map<string, Lease>();
    private timers: NodeJS.Timeout[] = [];
    private started = false;
    private readonly startedAt = Date.now();

    constructor(
        private readonly connection: DeviceConnection,
        readonly options: SimulatedDeviceOptions,
    ) {
        this.id = options.id;
        const profile = options.profile ?? defaultProfile();
        this.capabilities = { device_id: this.id, seq: 0, ...profile };
        this.config = { ...DEFAULT_CONFIG, ...profile.config };
        for (const a of profile.actuators) {
            const meta = profile.metadata[a] as { value_type: string; options?: string[] };
            this.actuatorState[a] =
                meta.value_type === 'enum' ? (meta.options?.[0] ?? '') : INITIAL_STATE[meta.value_type];
        }
        for (const s of profile.sensors) {
            const meta = profile.metadata[s] as SensorMetadata | undefined;
            if (meta?.value_type === 'string') this.texts[s] = meta.options?.[0] ?? 'ok';
            else this.values[s] = SENSOR_MODEL[s]?.start ?? 0;
        }
    }

    /** Boot: subscribe, announce capabilities (seq 0), online, actuator states and config; start timers. */
    async start(): Promise<void> {
        this.started = true;
        await this.connection.attach(this);
        this.seq = 0;
        await this.publishState();
        const every = this.options.publishIntervalMs ?? 0;
        if (every > 0) this.timers.push(setInterval(() => void this.publishReadings(), every));
        const metricsEvery = this.options.metricsIntervalMs ?? 0;
        if (metricsEvery > 0) this.timers.push(setInterval(() => void this.publishMetrics(), metricsEvery));
    }

    /** Capabilities, online status, actuator states and config: all retained. */
    private async publishState(): Promise<void> {
        await this.publish('capabilities', topics.capabilities(this.id), {
            ...this.capabilities,
            seq: this.nextSeq(),
            timestamp: now(),
        });
        await this.publish('status', topics.status(this.id), {
            status: 'online',
            device_id: this.id,
            timestamp: now(),
        });
        for (const a of this.capabilities.actuators) await this.publishActuator(a);
        await this.publish('config_state', topics.configState(this.id), {
            seq: this.nextSeq(),
            config: this.config,
        });
    }

    /**
     * Re-announces a running device (seq continues, so the server counts any
     * gap): capabilities, online status, actuator states and config, all
     * retained, so a broker that restarted empty holds them again. Answers an
     * announce request and follows every reconnect.
     */
    async announce(): Promise<void> {
        if (!this.connection.client.connected) return;
        // capabilities, one status per actuator and config carry a seq (status does not)
        this.announceMessages += 2 + this.capabilities.actuators.length;
        await this.publishState();
    }

    /** Announce requests answered (for tests). */
    announcements = 0;
    /** Messages with a seq published by re-announcements (a server may count them lost in a race). */
    announceMessages = 0;

    onReconnect(): void {
        if (!this.started) return; // stopped
        void this.announce().catch(() => undefined);
    }

    /** Graceful: publish offline first. Otherwise the link just drops and the will fires. */
    async stop(graceful = true): Promise<void> {
        for (const t of this.timers) clearInterval(t);
        this.timers = [];
        for (const lease of this.leases.values()) clearTimeout(lease.timer);
        this.leases.clear();
        this.started = false;
        if (graceful && this.connection.client.connected) {
            await this.publish('status', topics.status(this.id), {
                status: 'offline',
                device_id: this.id,
                timestamp: now(),
            });
        }
        this.connection.detach(this.id);
    }

    /** Removes this device's retained messages from the broker (test hygiene). */
    async clearRetained(): Promise<void> {
        const retained = [topics.capabilities(this.id), topics.status(this.id), topics.configState(this.id)];
        for (const a of this.capabilities.actuators) retained.push(topics.actuatorStatus(this.id, a));
        for (const t of retained) await this.connection.client.publishAsync(t, '', { qos: 1, retain: true });
    }

    /** One reading per sensor (or one batch), random-walking from plausible values. */
    async publishReadings(): Promise<void> {
        const bad = this.options.misbehave?.badPayloadEvery;
        this.readingsSent++;
        if (bad && this.readingsSent % bad === 0) {
            return this.publishRaw(
                topics.sensorData(this.id, this.capabilities.sensors[0]),
                '{"value": {"reading": ',
            );
        }
        const timestamp = now();
        if (this.options.batch) {
            const readings = this.capabilities.sensors.map((sensor) => {
                const reading = this.read(sensor);
                return {
                    sensor,
                    reading,
                    unit: this.unitOf(sensor),
                    quality: reading === null ? 0 : 95,
                    timestamp,
                };
            });
            await this.publish('sensor_batch', topics.sensorBatch(this.id), {
                device_id: this.id,
                seq: this.nextSeq(),
                timestamp,
                readings,
            });
            return;
        }
        for (const sensor of this.capabilities.sensors)
            await this.publishReading(sensor, this.read(sensor), timestamp);
    }

    async publishReading(sensor: string, reading: Reading, timestamp = now()): Promise<void> {
        const value: { reading: Reading; unit?: string; quality: number } = {
            reading,
            quality: reading === null ? 0 : 95,
        };
        const unit = this.unitOf(sensor);
        if (unit) value.unit = unit;
        await this.publish('sensor_data', topics.sensorData(this.id, sensor), {
            device_id: this.id,
            seq: this.nextSeq(),
            timestamp,
            type: 'sensor',
            component: sensor,
            action: 'read',
            value,
        });
    }

    async publishError(
        error_type: string,
        message: string,
        severity: 0 | 1 | 2 | 3 = 2,
        component?: string,
    ): Promise<void> {
        const body = {
            device_id: this.id,
            seq: this.nextSeq(),
            timestamp: now(),
            error_type,
            message,
            severity,
            ...(component ? { component } : {}),
        };
        await this.publish('error', topics.error(this.id), body);
    }

    async publishMetrics(): Promise<void> {
        await this.publish('metrics', topics.metrics(this.id), {
            device_id: this.id,
            seq: this.nextSeq(),
            timestamp: now(),
            messages_sent: this.counters.sent,
            messages_received: this.counters.received,
            connection_failures: this.connection.failures,
            publish_failures: this.counters.publishFailures,
            commands_received: this.counters.commandsReceived,
            commands_rejected: this.counters.commandsRejected,
            sensor_read_errors: this.counters.sensorReadErrors,
            uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
            free_heap: FREE_HEAP,
        });
    }

    /** Answers the diagnostics requests held back by the holdDiagnostics misbehaviour; how many. */
    async releaseDiagnostics(): Promise<number> {
        const held = this.heldDiagnostics.splice(0);
        for (const answer of held) await answer();
        return held.length;
    }

    /** What the device counted so far (what its next metrics message reports). */
    counts(): Readonly<DeviceCounters> {
        return { ...this.counters };
    }

    /** Diagnostics requests waiting for releaseDiagnostics(). */
    get diagnosticsWaiting(): number {
        return this.heldDiagnostics.length;
    }

    /** Skips seq numbers, as if messages were lost on the way. */
    skipSeq(n: number): void {
        this.seq = (this.seq + n) >>> 0;
    }

    async publishRaw(topic: string, payload: string | Buffer, qos: 0 | 1 = 0): Promise<void> {
        await this.connection.client.publishAsync(topic, payload, { qos });
    }

    /** Messages the server sends: commands, config/set, diagnostics/request. */
    onMessage(topic: string, payload: Buffer): void {
        this.counters.received++;
        const decoded = decode(topic, payload);
        if (!decoded.ok) {
            void this.publishError('bad_request', decoded.error.message, 1);
            return;
        }
        const m = decoded.message;
        if (m.kind === 'actuator_command') void this.onCommand(m);
        else if (m.kind === 'config_set') void this.onConfig(m);
        else if (m.kind === 'diagnostics_request') void this.onDiagnostics(m);
        else if (m.kind === 'announce_request' && this.firstTime(m.payload.id)) {
            this.announcements++;
            void this.announce().catch(() => undefined);
        }
    }

    private async onCommand(m: MessageOf<'actuator_command'>): Promise<void> {
        const misbehave = this.options.misbehave ?? {};
        const { id, action, value, lease_s } = m.payload;
        const actuator = m.actuator as string;
        if (!this.firstTime(id)) return;
        this.counters.commandsReceived++;
        if (misbehave.ignoreCommands) return;
        if (misbehave.stuckActuators?.includes(actuator)) {
            this.ignored[actuator] = (this.ignored[actuator] ?? 0) + 1;
            return;
        }
        if (misbehave.rejectCommands) {
            this.counters.commandsRejected++;
            return this.publishActuator(actuator, {
                command_id: id,
                result: 'rejected',
                ...misbehave.rejectCommands,
            });
        }
        // The device trusts the server's confirmation step; it checks type, range and action itself.
        const checked = validateCommand(this.capabilities, actuator, {
            action,
            value,
            confirmed: true,
            lease_s,
        });
        if (!checked.ok) {
            this.counters.commandsRejected++;
            const rejection = {
                command_id: id,
                result: 'rejected',
                reason: checked.error.message,
                code: checked.error.code,
            };
            return this.publishActuator(actuator, rejection);
        }
        const meta = checked.metadata;
        const before = this.actuatorState[actuator];
        const wait = this.wouldChange(actuator, action, checked.value) ? this.changeWait(actuator, meta) : 0;
        if (wait > 0) {
            return this.publishActuator(actuator, {
                command_id: id,
                result: 'rejected',
                code: 'RATE_LIMITED',
                reason: `RATE_LIMITED: "${actuator}" changed state less than ${meta.min_interval_ms} ms ago; retry in ${wait} ms`,
                retry_after_ms: wait,
            });
        }
        const running = this.leases.get(actuator);
        this.apply(actuator, action, checked.value);
        if (this.actuatorState[actuator] !== before) this.lastChange.set(actuator, Date.now());
        if (action !== 'read') {
            // Any applied command ends the running lease; a leased one starts a new one that keeps its target.
            if (running) clearTimeout(running.timer);
            this.leases.delete(actuator);
            if (checked.lease_s !== undefined) {
                const revertTo = running ? running.revertTo : (meta.safe_state ?? before);
                const ms = Math.max(Math.round(checked.lease_s * 1000), this.changeWait(actuator, meta));
                this.startLease(actuator, id, revertTo, ms);
            }
        }
        await this.publishActuator(actuator, { command_id: id, result: 'applied' });
    }

    private startLease(actuator: string, commandId: string, revertTo: ActuatorValue, ms: number): void {
        const timer = setTimeout(() => void this.endLease(actuator), ms);
        this.leases.set(actuator, { commandId, endsAt: Date.now() + ms, revertTo, timer });
    }

    /** The device's own revert: no server, no command. */
    private async endLease(actuator: string): Promise<void> {
        const lease = this.leases.get(actuator);
        if (!lease) return;
        this.leases.delete(actuator);
        if (this.actuatorState[actuator] !== lease.revertTo) this.lastChange.set(actuator, Date.now());
        this.actuatorState[actuator] = lease.revertTo;
        await this.publishActuator(actuator, { reason: 'lease_expired', lease_command_id: lease.commandId });
    }

    /** Whether the command may change the state (only those do count against min_interval_ms). */
    private wouldChange(actuator: string, action: string, value: ActuatorValue | undefined): boolean {
        const current = this.actuatorState[actuator];
        if (action === 'read') return false;
        if (action === 'on' || action === 'off') return current !== (action === 'on');
        if (action === 'set' || action === 'write') return current !== value;
        return true;
    }

    /** Milliseconds until the actuator may change state again. */
    private changeWait(actuator: string, meta: ActuatorMetadata): number {
        const last = this.lastChange.get(actuator);
        if (!meta.min_interval_ms || last === undefined) return 0;
        return Math.max(0, last + meta.min_interval_ms - Date.now());
    }

    /** The running lease of an actuator (for tests and tools). */
    leaseOf(actuator: string): { commandId: string; endsAt: number; revertTo: ActuatorValue } | undefined {
        const lease = this.leases.get(actuator);
        return lease && { commandId: lease.commandId, endsAt: lease.endsAt, revertTo: lease.revertTo };
    }

    private apply(actuator: string, action: string, value: ActuatorValue | undefined): void {
        const current = this.actuatorState[actuator];
        if (action === 'on') this.actuatorState[actuator] = true;
        else if (action === 'off') this.actuatorState[actuator] = false;
        else if (action === 'toggle') this.actuatorState[actuator] = !current;
        else if (value !== undefined) this.actuatorState[actuator] = value;
    }

    private async onConfig(m: MessageOf<'config_set'>): Promise<void> {
        const { id, reset_metrics, ...settings } = m.payload;
        if (!this.firstTime(id) || this.options.misbehave?.ignoreCommands) return;
        // Like the firmware: a streaming setting for a sensor this device does not have refuses the request whole.
        const unknown = Object.keys(settings.streaming ?? {}).filter(
            (s) => !this.capabilities.sensors.includes(s),
        );
        if (unknown.length) {
            await this.publish('config_state', topics.configState(this.id), {
                seq: this.nextSeq(),
                command_id: id,
                result: 'rejected',
                reason: `unknown sensor(s): ${unknown.join(', ')}`.slice(0, 256),
                config: this.config,
            });
            return;
        }
        if (reset_metrics) this.counters = emptyCounters();
        this.config = {
            ...this.config,
            ...settings,
            streaming: { ...this.config.streaming, ...settings.streaming },
        };
        if (!settings.streaming && !this.config.streaming) delete this.config.streaming;
        await this.publish('config_state', topics.configState(this.id), {
            seq: this.nextSeq(),
            command_id: id,
            result: 'applied',
            config: this.config,
        });
    }

    private async onDiagnostics(m: MessageOf<'diagnostics_request'>): Promise<void> {
        const { id, checks } = m.payload;
        if (!this.firstTime(id) || this.options.misbehave?.ignoreCommands) return;
        const answer = async () => {
            const results = (checks?.length ? checks : DIAGNOSTICS_CHECKS).map((name) => this.check(name));
            const worst = results.reduce<CheckStatus>(
                (w, c) => (SEVERITY[c.status] > SEVERITY[w] ? c.status : w),
                'ok',
            );
            await this.publish('diagnostics_result', topics.diagnosticsResult(this.id), {
                seq: this.nextSeq(),
                command_id: id,
                overall: OVERALL[worst],
                checks: results,
                free_heap: FREE_HEAP,
                uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
            });
        };
        if (this.options.misbehave?.holdDiagnostics) this.heldDiagnostics.push(answer);
        else await answer();
    }

    /** One self-check, run now against the device's real state (as the firmware's checks are). */
    private check(name: string): DiagnosticCheck {
        switch (name) {
            case 'memory':
                return {
                    name,
                    status: FREE_HEAP < LOW_HEAP ? 'warn' : 'ok',
                    detail: `${FREE_HEAP} bytes free (warn below ${LOW_HEAP})`,
                    value: FREE_HEAP,
                };
            case 'mqtt': {
                const failures = this.counters.publishFailures;
                return {
                    name,
                    status: failures > 0 ? 'warn' : 'ok',
                    detail: `${failures} publish failures, ${this.connection.failures} disconnects`,
                    value: failures,
                };
            }
            case 'sensors': {
                const sensors = this.capabilities.sensors;
                const silent = sensors.filter((s) => this.read(s) === null);
                const status =
                    silent.length === 0 ? 'ok' : silent.length === sensors.length ? 'fail' : 'warn';
                const first = silent.length > 0 ? ` (first: ${silent[0]})` : '';
                return {
                    name,
                    status,
                    detail: `${silent.length} of ${sensors.length} sensors without a valid reading${first}`,
                    value: silent.length,
                };
            }
            case 'actuators': {
                const stuck = this.capabilities.actuators.filter((a) =>
                    this.options.misbehave?.stuckActuators?.includes(a),
                );
                const detail =
                    stuck.length > 0
                        ? `${stuck.length} actuators do not respond (${stuck
                              .map((a) => `${a}: ${this.ignored[a] ?? 0} commands ignored`)
                              .join(', ')})`
                        : `${this.capabilities.actuators.length} actuators, ${this.counters.commandsRejected} commands rejected`;
                return { name, status: stuck.length > 0 ? 'fail' : 'ok', detail, value: stuck.length };
            }
            case 'capabilities': {
                const entities = this.capabilities.sensors.length + this.capabilities.actuators.length;
                return { name, status: 'ok', detail: `${entities} entities in 1 part(s)`, value: 1 };
            }
            default:
                return { name, status: 'warn', detail: 'unknown check' };
        }
    }

    private async publishActuator(actuator: string, answer: object = {}): Promise<void> {
        const lease = this.leases.get(actuator);
        const leaseFields = lease
            ? {
                  lease_command_id: lease.commandId,
                  lease_remaining_ms: Math.max(0, lease.endsAt - Date.now()),
                  lease_until: lease.endsAt / 1000,
                  lease_reverts_to: lease.revertTo,
              }
            : {};
        const body = {
            device_id: this.id,
            seq: this.nextSeq(),
            timestamp: now(),
            component: actuator,
            state: this.actuatorState[actuator],
            ...leaseFields,
            ...answer,
        };
        await this.publish('actuator_status', topics.actuatorStatus(this.id, actuator), body);
    }

    /** Exactly one answer per command id, even when QoS 1 delivers it twice. */
    private firstTime(id: string): boolean {
        if (this.answered.has(id)) return false;
        this.answered.add(id);
        if (this.answered.size > ANSWERED_MEMORY)
            this.answered.delete(this.answered.values().next().value as string);
        return true;
    }

    private async publish(kind: MessageKind, topic: string, body: object): Promise<void> {
        const { qos, retain } = DELIVERY[kind];
        this.counters.sent++;
        if (qos === 0) {
            // QoS 0 needs no round trip: don't wait for the socket (like the firmware).
            this.connection.client.publish(topic, JSON.stringify(body), { qos, retain }, (e) => {
                if (e) this.counters.publishFailures++;
            });
            return;
        }
        try {
            await this.connection.client.publishAsync(topic, JSON.stringify(body), { qos, retain });
        } catch (e) {
            this.counters.publishFailures++;
            throw e;
        }
    }

    private nextSeq(): number {
        const s = this.seq;
        this.seq = (this.seq + 1) >>> 0;
        return s;
    }

    /** Reads a sensor: the next value of its walk, or null (a read error) when it is broken. */
    private read(sensor: string): number | string | null {
        if (this.options.misbehave?.failingSensors?.includes(sensor)) {
            this.counters.sensorReadErrors++;
            return null;
        }
        return sensor in this.texts ? this.nextText(sensor) : this.walk(sensor);
    }

    /** A string sensor: now and then another of its options (free text stays as it is). */
    private nextText(sensor: string): string {
        const options = (this.capabilities.metadata[sensor] as SensorMetadata).options ?? [];
        if (options.length > 1 && Math.random() < 0.25) {
            const others = options.filter((o) => o !== this.texts[sensor]);
            this.texts[sensor] = others[Math.floor(Math.random() * others.length)];
        }
        return this.texts[sensor];
    }

    private walk(sensor: string): number {
        const model = SENSOR_MODEL[sensor] ?? { start: 0, step: 1, min: -1e9, max: 1e9 };
        const next = this.values[sensor] + (Math.random() - 0.5) * 2 * model.step;
        this.values[sensor] = Math.round(Math.min(model.max, Math.max(model.min, next)) * 100) / 100;
        return this.values[sensor];
    }

    private unitOf(sensor: string): string | undefined {
        return (this.capabilities.metadata[sensor] as { unit?: string } | undefined)?.unit;
    }
}

function emptyCounters(): DeviceCounters {
    return {
        sent: 0,
        received: 0,
        publishFailures: 0,
        commandsReceived: 0,
        commandsRejected: 0,
        sensorReadErrors: 0,
    };
}

function now(): number {
    return Math.floor(Date.now() / 1000);
}
