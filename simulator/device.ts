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
    type ActuatorValue,
    type CapabilitiesPayload,
    type DeviceConfig,
    type MessageKind,
    type MessageOf,
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
}

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

export class SimulatedDevice {
    readonly id: string;
    readonly capabilities: CapabilitiesPayload;
    readonly actuatorState: Record<string, ActuatorValue> = {};
    config: DeviceConfig & { publish_interval_ms: number };
    private seq = 0;
    private sent = 0;
    private received = 0;
    private readingsSent = 0;
    private readonly values: Record<string, number> = {};
    private readonly answered = new Set<string>();
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
        for (const s of profile.sensors) this.values[s] = SENSOR_MODEL[s]?.start ?? 0;
    }

    /** Boot: subscribe, announce capabilities (seq 0), online, actuator states and config; start timers. */
    async start(): Promise<void> {
        this.started = true;
        await this.connection.attach(this);
        this.seq = 0;
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
        const every = this.options.publishIntervalMs ?? 0;
        if (every > 0) this.timers.push(setInterval(() => void this.publishReadings(), every));
        const metricsEvery = this.options.metricsIntervalMs ?? 0;
        if (metricsEvery > 0) this.timers.push(setInterval(() => void this.publishMetrics(), metricsEvery));
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
            const readings = this.capabilities.sensors.map((sensor) => ({
                sensor,
                reading: this.walk(sensor),
                unit: this.unitOf(sensor),
                quality: 95,
                timestamp,
            }));
            await this.publish('sensor_batch', topics.sensorBatch(this.id), {
                device_id: this.id,
                seq: this.nextSeq(),
                timestamp,
                readings,
            });
            return;
        }
        for (const sensor of this.capabilities.sensors)
            await this.publishReading(sensor, this.walk(sensor), timestamp);
    }

    async publishReading(sensor: string, reading: number | boolean | null, timestamp = now()): Promise<void> {
        const value: { reading: number | boolean | null; unit?: string; quality: number } = {
            reading,
            quality: 95,
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
            messages_sent: this.sent,
            messages_received: this.received,
            connection_failures: 0,
            uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
            free_heap: 180000,
        });
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
        this.received++;
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
        const { id, action, value } = m.payload;
        const actuator = m.actuator as string;
        if (misbehave.ignoreCommands || !this.firstTime(id)) return;
        if (misbehave.rejectCommands) {
            return this.publishActuator(actuator, {
                command_id: id,
                result: 'rejected',
                ...misbehave.rejectCommands,
            });
        }
        // The device trusts the server's confirmation step; it checks type, range and action itself.
        const checked = validateCommand(this.capabilities, actuator, { action, value, confirmed: true });
        if (!checked.ok) {
            const rejection = {
                command_id: id,
                result: 'rejected',
                reason: checked.error.message,
                code: checked.error.code,
            };
            return this.publishActuator(actuator, rejection);
        }
        this.apply(actuator, action, checked.value);
        await this.publishActuator(actuator, { command_id: id, result: 'applied' });
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
        if (reset_metrics) this.sent = this.received = 0;
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
        const { id } = m.payload;
        if (!this.firstTime(id) || this.options.misbehave?.ignoreCommands) return;
        await this.publish('diagnostics_result', topics.diagnosticsResult(this.id), {
            seq: this.nextSeq(),
            command_id: id,
            overall: 'ok',
            checks: [
                { name: 'mqtt', status: 'ok' },
                { name: 'heap', status: 'ok', value: 180000 },
            ],
            free_heap: 180000,
            uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
        });
    }

    private async publishActuator(actuator: string, answer: object = {}): Promise<void> {
        const body = {
            device_id: this.id,
            seq: this.nextSeq(),
            timestamp: now(),
            component: actuator,
            state: this.actuatorState[actuator],
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
        this.sent++;
        if (qos === 0) {
            // QoS 0 needs no round trip: don't wait for the socket (like the firmware).
            this.connection.client.publish(topic, JSON.stringify(body), { qos, retain });
            return;
        }
        await this.connection.client.publishAsync(topic, JSON.stringify(body), { qos, retain });
    }

    private nextSeq(): number {
        const s = this.seq;
        this.seq = (this.seq + 1) >>> 0;
        return s;
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

function now(): number {
    return Math.floor(Date.now() / 1000);
}
