/**
 * Turns the decode node's messages into InfluxDB line-protocol points. The
 * schema (docs/influxdb.md):
 *
 *   sensor_data,device_id=<id>,sensor=<s>[,unit=<u>] reading=<float> | reading_bool=<bool> | reading_text="…" | reading_null=true
 *       [,quality=<float>],seq=<int>i <time µs>
 *   actuator_state,actuator=<a>,device_id=<id> state=<float> | state_bool | state_text | state_null
 *       [,result="applied|rejected"][,command_id="…"][,reason="…"],seq=<int>i
 *   device_error,device_id=<id>,error_type=<t> message="…",severity=<int>i[,component="…"],seq=<int>i
 *   device_metrics,device_id=<id> <each numeric metric as float>,seq=<int>i
 *
 * The time is the device's timestamp when it sent one, else the receive time.
 * Two points of one series with the same time would overwrite each other in
 * InfluxDB, so a point that repeats the previous point's time is moved 1 µs
 * after it (readings received in the same millisecond, or a device that sends
 * whole seconds faster than once a second).
 */
import type {
    ActuatorStatusPayload,
    ActuatorValue,
    BatchReading,
    DeviceMessage,
    ErrorPayload,
    MetricsPayload,
    Reading,
    SensorBatchPayload,
    SensorDataPayload,
} from '@mcp-mqtt-bridge/protocol';
import { setHidden } from '../hidden-property';
import {
    escapeTag,
    floatField,
    integerField,
    millisToMicros,
    secondsToMicros,
    stringField,
} from './line-protocol';

const NO_BYTES = new Uint8Array(0);

export const MEASUREMENTS = {
    sensor: 'sensor_data',
    actuator: 'actuator_state',
    error: 'device_error',
    metrics: 'device_metrics',
} as const;

/** What the decode node emits (only the properties the store reads). */
export interface DecodedMessage {
    kind?: unknown;
    device?: unknown;
    sensor?: unknown;
    actuator?: unknown;
    payload?: unknown;
    receivedAt?: unknown;
}

export interface StoredKinds {
    actuators: boolean;
    errors: boolean;
    metrics: boolean;
    /**
     * Several writers share one device's stream (an MQTT share group): a device time in whole
     * seconds gets its seq (mod 10^6) in microseconds, the same in every writer, so points of one
     * series never overwrite each other (the per-writer tie-break below only sees its own share).
     */
    seqTimes?: boolean;
}

export interface PointSink {
    /** Takes one line; false when it had to drop it (the sink counts it). */
    add(line: string): boolean;
    /**
     * Starts a line written in parts (the hot path: no line string to build and encode), `prefix`
     * its first bytes; false when the sink drops the point (it counts it): then write no parts.
     */
    startLine(prefix: Uint8Array): boolean;
    /** Appends ASCII text (field keys, numbers) to the line started. */
    ascii(text: string): void;
    /** Appends any text to the line started (encoded as UTF-8). */
    text(text: string): void;
    endLine(): void;
}

/** A series' last point time (see timeOf). */
interface SeriesTimes {
    lastRaw: number;
    lastTime: number;
}

interface SeriesState extends SeriesTimes {
    /** measurement and tags, escaped */
    prefix: string;
}

/** device and sensor: kept beside a parked state to check it belongs to the reading. */
interface SensorSeriesState extends SeriesTimes {
    /** measurement and tags, escaped, as UTF-8 (empty until the series' first reading) */
    prefixBytes: Uint8Array;
    unit?: string;
    device: string;
    sensor: string;
}

export class MessagePoints {
    private readonly series = new Map<string, SeriesState>();
    /** sensor series by device, then sensor: no key string to build per reading (the hot path) */
    private readonly sensors = new Map<string, Map<string, SensorSeriesState>>();
    /** Where this writer parks a series on the object the caller keeps per sensor (see writeMessage). */
    private readonly parked = Symbol('series');
    private sensorCount = 0;

    constructor(
        private readonly kinds: StoredKinds,
        /** Bounds the per-series cache; it is cleared when full (it only speeds things up). */
        private readonly maxSeries = 100_000,
    ) {}

    /**
     * Adds the points of one message to `sink` and returns how many it made (0 for
     * kinds that are not stored). Throws on a message the decode node would not emit.
     */
    write(msg: DecodedMessage, sink: PointSink): number {
        const kind = msg.kind;
        if (typeof kind !== 'string')
            throw new Error('msg.kind is missing: wire the store after the decode node');
        const device = msg.device;
        if (typeof device !== 'string' || device === '') throw new Error('msg.device is missing');
        const payload = msg.payload;
        if (typeof payload !== 'object' || payload === null)
            throw new Error(`msg.payload of ${kind} is not an object`);
        const receivedMs = typeof msg.receivedAt === 'number' ? msg.receivedAt : Date.now();
        return this.points(
            kind,
            device,
            kind === 'actuator_status' ? msg.actuator : msg.sensor,
            payload,
            receivedMs,
            sink,
        );
    }

    /**
     * The decode node's path: a message decode() just accepted, written without
     * first building the normalised Node-RED message write() reads.
     */
    writeMessage(message: DeviceMessage, receivedMs: number, sink: PointSink, home?: object): number {
        const { kind, deviceId, payload } = message;
        if (kind === 'sensor_data' && home !== undefined) {
            const sensor = requireId(message.sensor, 'sensor');
            return this.sensorData(deviceId, sensor, payload as SensorDataPayload, receivedMs, sink, home);
        }
        return this.points(kind, deviceId, message.sensor ?? message.actuator, payload, receivedMs, sink);
    }

    /** `component`: the sensor or actuator the topic names (checked where the kind needs one). */
    private points(
        kind: string,
        device: string,
        component: unknown,
        payload: object,
        receivedMs: number,
        sink: PointSink,
    ): number {
        switch (kind) {
            case 'sensor_data':
                return this.sensorData(
                    device,
                    requireId(component, 'sensor'),
                    payload as SensorDataPayload,
                    receivedMs,
                    sink,
                );
            case 'sensor_batch':
                return this.sensorBatch(device, payload as SensorBatchPayload, receivedMs, sink);
            case 'actuator_status':
                if (!this.kinds.actuators) return 0;
                return this.actuator(
                    device,
                    requireId(component, 'actuator'),
                    payload as ActuatorStatusPayload,
                    receivedMs,
                    sink,
                );
            case 'error':
                return this.kinds.errors
                    ? this.deviceError(device, payload as ErrorPayload, receivedMs, sink)
                    : 0;
            case 'metrics':
                return this.kinds.metrics
                    ? this.deviceMetrics(device, payload as MetricsPayload, receivedMs, sink)
                    : 0;
            default:
                return 0;
        }
    }

    private sensorData(
        device: string,
        sensor: string,
        p: SensorDataPayload,
        receivedMs: number,
        sink: PointSink,
        home?: object,
    ): number {
        const value = p.value;
        if (typeof value !== 'object' || value === null)
            throw new Error('sensor_data payload has no value object');
        const state =
            this.parkedSeries(home, device, sensor, value.unit) ??
            this.sensorSeries(device, sensor, value.unit, home);
        const time = this.timeOf(state, this.sharedTime(p.timestamp, p.seq), receivedMs);
        sensorLine(sink, state.prefixBytes, value.reading, value.quality, p.seq, time);
        return 1;
    }

    private sensorBatch(device: string, p: SensorBatchPayload, receivedMs: number, sink: PointSink): number {
        if (!Array.isArray(p.readings)) throw new Error('sensor_batch payload has no readings array');
        for (const r of p.readings as BatchReading[]) {
            const state = this.sensorSeries(device, requireId(r.sensor, 'readings[].sensor'), r.unit);
            const time = this.timeOf(state, this.sharedTime(r.timestamp ?? p.timestamp, p.seq), receivedMs);
            sensorLine(sink, state.prefixBytes, r.reading, r.quality, p.seq, time);
        }
        return p.readings.length;
    }

    private actuator(
        device: string,
        actuator: string,
        p: ActuatorStatusPayload,
        receivedMs: number,
        sink: PointSink,
    ): number {
        const key = `a\0${device}\0${actuator}`;
        const state = this.stateFor(
            key,
            () => `${MEASUREMENTS.actuator},actuator=${escapeTag(actuator)},device_id=${escapeTag(device)}`,
        );
        let fields = stateField(p.state);
        if (p.result !== undefined) fields += `,result=${stringField(p.result)}`;
        if (p.command_id !== undefined) fields += `,command_id=${stringField(p.command_id)}`;
        if (p.reason !== undefined) fields += `,reason=${stringField(p.reason)}`;
        sink.add(`${state.prefix} ${fields},seq=${p.seq}i ${this.timeOf(state, p.timestamp, receivedMs)}`);
        return 1;
    }

    private deviceError(device: string, p: ErrorPayload, receivedMs: number, sink: PointSink): number {
        const type = String(p.error_type);
        const state = this.stateFor(
            `e\0${device}\0${type}`,
            () => `${MEASUREMENTS.error},device_id=${escapeTag(device)},error_type=${escapeTag(type)}`,
        );
        let fields = `message=${stringField(String(p.message))},severity=${integerField(p.severity) ?? '0i'}`;
        if (p.component !== undefined) fields += `,component=${stringField(p.component)}`;
        sink.add(`${state.prefix} ${fields},seq=${p.seq}i ${this.timeOf(state, p.timestamp, receivedMs)}`);
        return 1;
    }

    private deviceMetrics(device: string, p: MetricsPayload, receivedMs: number, sink: PointSink): number {
        const state = this.stateFor(
            `m\0${device}`,
            () => `${MEASUREMENTS.metrics},device_id=${escapeTag(device)}`,
        );
        const fields: string[] = [];
        for (const [name, value] of Object.entries(p)) {
            if (name === 'seq' || name === 'timestamp' || typeof value !== 'number') continue;
            const text = floatField(value);
            if (text !== undefined) fields.push(`${escapeTag(name)}=${text}`);
        }
        fields.push(`seq=${p.seq}i`);
        sink.add(`${state.prefix} ${fields.join(',')} ${this.timeOf(state, p.timestamp, receivedMs)}`);
        return 1;
    }

    /**
     * The series parked on `home` by an earlier reading, if it is this reading's: the caller's
     * per-sensor object (the registry's sensor state) is at hand anyway, the two maps are not
     * (two cache misses per reading in a large fleet).
     */
    private parkedSeries(
        home: object | undefined,
        device: string,
        sensor: string,
        unit: string | undefined,
    ): SensorSeriesState | undefined {
        if (home === undefined) return undefined;
        const state = (home as Record<symbol, SensorSeriesState | undefined>)[this.parked];
        if (state === undefined || state.unit !== unit || state.device !== device || state.sensor !== sensor)
            return undefined;
        return state;
    }

    private sensorSeries(
        device: string,
        sensor: string,
        unit: string | undefined,
        home?: object,
    ): SensorSeriesState {
        let bySensor = this.sensors.get(device);
        if (bySensor === undefined) {
            if (this.sensorCount >= this.maxSeries) {
                this.sensors.clear();
                this.sensorCount = 0;
            }
            bySensor = new Map();
            this.sensors.set(device, bySensor);
        }
        let state = bySensor.get(sensor);
        if (state === undefined) {
            state = { prefixBytes: NO_BYTES, lastRaw: -1, lastTime: -1, device, sensor };
            bySensor.set(sensor, state);
            this.sensorCount++;
        }
        if (home !== undefined) setHidden(home, this.parked, state);
        if (state.prefixBytes.length > 0 && state.unit === unit) return state;
        // new series, or the unit tag changed (a different series in InfluxDB)
        const tags = `${MEASUREMENTS.sensor},device_id=${escapeTag(device)},sensor=${escapeTag(sensor)}`;
        state.prefixBytes = Buffer.from(
            unit === undefined || unit === '' ? tags : `${tags},unit=${escapeTag(unit)}`,
        );
        state.unit = unit;
        return state;
    }

    private stateFor(key: string, prefix: () => string): SeriesState {
        let state = this.series.get(key);
        if (state === undefined) {
            if (this.series.size >= this.maxSeries) this.series.clear();
            state = { prefix: prefix(), lastRaw: -1, lastTime: -1 };
            this.series.set(key, state);
        }
        return state;
    }

    /** The device time, made distinct per seq when several writers share the stream (see seqTimes). */
    private sharedTime(deviceSeconds: number | undefined, seq: number): number | undefined {
        if (!this.kinds.seqTimes || !Number.isInteger(deviceSeconds) || !Number.isInteger(seq))
            return deviceSeconds;
        return (deviceSeconds as number) + (seq % 1_000_000) / 1_000_000;
    }

    /** The point time in µs: device time, else receive time, kept apart from the previous point of the series. */
    private timeOf(state: SeriesTimes, deviceSeconds: number | undefined, receivedMs: number): number {
        const raw =
            typeof deviceSeconds === 'number' ? secondsToMicros(deviceSeconds) : millisToMicros(receivedMs);
        const time = raw === state.lastRaw && state.lastTime >= raw ? state.lastTime + 1 : raw;
        state.lastRaw = raw;
        state.lastTime = time;
        return time;
    }
}

function requireId(value: unknown, what: string): string {
    if (typeof value !== 'string' || value === '') throw new Error(`msg.${what} is missing`);
    return value;
}

/**
 * A sensor_data line, written in parts (the hot path: no line string to build and encode). Numbers
 * go to the float field `reading` as ASCII; booleans to `reading_bool`, strings (text sensors,
 * events, dates) to the string field `reading_text`, null and non-finite numbers to
 * `reading_null=true`.
 */
function sensorLine(
    sink: PointSink,
    prefix: Uint8Array,
    reading: Reading,
    quality: number | undefined,
    seq: number,
    time: number,
): void {
    if (!sink.startLine(prefix)) return;
    if (typeof reading === 'number' && Number.isFinite(reading)) {
        sink.ascii(' reading=');
        sink.ascii(`${reading}`);
    } else if (typeof reading === 'boolean')
        sink.ascii(reading ? ' reading_bool=true' : ' reading_bool=false');
    else if (typeof reading === 'string') sink.text(` reading_text=${stringField(reading)}`);
    else sink.ascii(' reading_null=true');
    if (typeof quality === 'number' && Number.isFinite(quality)) {
        sink.ascii(',quality=');
        sink.ascii(`${quality}`);
    }
    sink.ascii(',seq=');
    // A number is ASCII; anything else only reaches here through the store node's own messages.
    if (typeof seq === 'number') sink.ascii(`${seq}`);
    else sink.text(String(seq));
    sink.ascii('i ');
    sink.ascii(`${time}`);
    sink.endLine();
}

function stateField(state: ActuatorValue): string {
    if (typeof state === 'number') return Number.isFinite(state) ? `state=${state}` : 'state_null=true';
    if (typeof state === 'boolean') return state ? 'state_bool=true' : 'state_bool=false';
    if (typeof state === 'string') return `state_text=${stringField(state)}`;
    return 'state_null=true';
}
