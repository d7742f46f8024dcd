import { isUtf8 } from 'node:buffer';
import type { ErrorObject } from 'ajv';
import type { DecodeError, DecodeErrorCode } from './errors';
import { MAX_PAYLOAD_BYTES } from './limits';
import { isActuatorMetadata, type CapabilitiesPayload, type DeviceMessage } from './messages';
import { VALIDATORS } from './schemas';
import { parseTopic, type ParsedTopic } from './topics';

/**
 * A scratch object decode() keeps per cached topic and hands back with every message of that
 * topic (undefined for a topic it does not cache). A consumer that looks things up by the
 * topic's device or sensor id on every message (the registry: its device record and sensor
 * state) can remember them here, under a Symbol of its own, and save those map lookups; it
 * must check an entry is still current before using it. The memo is dropped with the topic
 * when the cache evicts it.
 */
export type TopicMemo = Record<symbol, unknown>;

export type DecodeResult =
    { ok: true; message: DeviceMessage; memo: TopicMemo | undefined } | { ok: false; error: DecodeError };

export interface DecodeOptions {
    /** Defaults to MAX_PAYLOAD_BYTES. */
    maxPayloadBytes?: number;
}

type JsonObject = Record<string, unknown>;

/**
 * Good topics already parsed, by topic. A fleet reuses its topics over and
 * over (1,000 devices × 4 sensors are 4,000 data topics), and parsing one
 * (≈1 µs) costs several times more than validating a sensor payload; the cap
 * (about 5 MB) bounds memory when topics do not repeat (the oldest entry goes
 * first).
 * Entries are shared (and frozen): decode() only reads them. Only an entry's
 * memo is writable, by the consumers decode() hands it to (TopicMemo).
 */
const TOPIC_CACHE_SIZE = 16_384;

/** A parsed topic as decode() uses it; `memo` is set only for a cached topic. */
type Where = Readonly<ParsedTopic> & { readonly memo?: TopicMemo };

const parsedTopics = new Map<string, Where>();

function rememberTopic(topic: string, parsed: ParsedTopic): Where {
    if (parsedTopics.size >= TOPIC_CACHE_SIZE)
        parsedTopics.delete(parsedTopics.keys().next().value as string);
    const { kind, deviceId, sensor, actuator } = parsed;
    const where: Where = Object.freeze({
        kind,
        deviceId: internalized(deviceId),
        sensor: sensor === undefined ? undefined : internalized(sensor),
        actuator: actuator === undefined ? undefined : internalized(actuator),
        memo: {},
    });
    parsedTopics.set(topic, where);
    return where;
}

/**
 * The engine's single copy of a string. Ids cut out of a topic are slices of
 * it; every map the hot path keys by device or sensor id (registry, sequence
 * counts, history, series) then compares and hashes them the slow way, each
 * topic's slice apart. A property name is stored internalized, and reading the
 * key back yields that copy: once per topic, for pointer-fast lookups after.
 */
function internalized(id: string): string {
    return Object.keys({ [id]: 0 })[0] ?? id;
}

/**
 * Decodes one MQTT message under devices/<id>/. Never throws: any input becomes
 * either a typed message or a DecodeError with a stable code and a message
 * naming the offending field. The topic is the authority on the device id.
 */
export function decode(topic: string, payload: Uint8Array | string, options?: DecodeOptions): DecodeResult {
    let where = parsedTopics.get(topic);
    if (where === undefined) {
        const parsed = parseTopic(typeof topic === 'string' ? topic : String(topic));
        if (!parsed.ok) return fail('BAD_TOPIC', parsed.message, topic, parsed.deviceId, 'topic');
        where = typeof topic === 'string' ? rememberTopic(topic, parsed.topic) : parsed.topic;
    }

    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    const limit = options?.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
    if (size > limit) {
        return fail('TOO_LARGE', `payload is ${size} bytes (max ${limit})`, topic, where.deviceId);
    }
    const text = toText(payload);
    if (text === undefined) return fail('BAD_JSON', 'payload is not valid UTF-8', topic, where.deviceId);

    if (where.kind === 'status') {
        const plain = text.trim();
        if (plain === 'online' || plain === 'offline') return success(where, { status: plain });
    }

    let body: unknown;
    try {
        body = JSON.parse(text);
    } catch (e) {
        return fail('BAD_JSON', `payload is not JSON: ${(e as Error).message}`, topic, where.deviceId);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
        return fail('SCHEMA', `payload must be a JSON object, got ${got}`, topic, where.deviceId, '');
    }
    return checkObject(where, body as JsonObject, topic);
}

function checkObject(where: Where, body: JsonObject, topic: string): DecodeResult {
    const spoof = checkIds(where, body);
    if (spoof) return fail('ID_MISMATCH', spoof.message, topic, where.deviceId, spoof.field);

    const validate = VALIDATORS[where.kind];
    if (!validate(body)) {
        const { field, message } = describeSchemaError(validate.errors?.[0]);
        return fail('SCHEMA', message, topic, where.deviceId, field);
    }
    if (where.kind === 'capabilities') {
        const problem = checkCapabilities(body as unknown as CapabilitiesPayload);
        if (problem) return fail('SCHEMA', problem.message, topic, where.deviceId, problem.field);
    }
    return success(where, body);
}

/** The topic names the device (and sensor/actuator); a payload that disagrees is spoofed. */
function checkIds(where: Where, body: JsonObject): { field: string; message: string } | undefined {
    if (typeof body.device_id === 'string' && body.device_id !== where.deviceId) {
        return {
            field: '/device_id',
            message: `/device_id "${body.device_id}" does not match the topic's device "${where.deviceId}"`,
        };
    }
    const own = where.sensor ?? where.actuator;
    if (own !== undefined && typeof body.component === 'string' && body.component !== own) {
        return {
            field: '/component',
            message: `/component "${body.component}" does not match the topic's "${own}"`,
        };
    }
    return undefined;
}

/** Sensor metadata that only describes string readings. */
const STRING_ONLY_FIELDS = ['max_length', 'options', 'format'] as const;

/**
 * Rules a JSON Schema cannot express: every actuator has actuator metadata, ids are not shared,
 * a sensor's string-only fields (max_length, options, format) and an actuator's format come with
 * value_type string.
 */
function checkCapabilities(caps: CapabilitiesPayload): { field: string; message: string } | undefined {
    for (const [i, actuator] of caps.actuators.entries()) {
        if (caps.sensors.includes(actuator)) {
            return {
                field: `/actuators/${i}`,
                message: `/actuators/${i} "${actuator}" is also listed as a sensor`,
            };
        }
        const meta = caps.metadata[actuator];
        if (!isActuatorMetadata(meta)) {
            return {
                field: `/metadata/${actuator}`,
                message: `/metadata/${actuator} must describe actuator "${actuator}" (value_type, supported_actions)`,
            };
        }
        if (meta.format !== undefined && meta.value_type !== 'string') {
            return {
                field: `/metadata/${actuator}/format`,
                message: `/metadata/${actuator}/format is only for value_type "string"`,
            };
        }
    }
    for (const sensor of caps.sensors) {
        const meta = Object.hasOwn(caps.metadata, sensor) ? caps.metadata[sensor] : undefined;
        if (meta === undefined || isActuatorMetadata(meta) || meta.value_type === 'string') continue;
        for (const field of STRING_ONLY_FIELDS) {
            if (meta[field] !== undefined) {
                return {
                    field: `/metadata/${sensor}/${field}`,
                    message: `/metadata/${sensor}/${field} is only for value_type "string"`,
                };
            }
        }
    }
    for (const [name, meta] of Object.entries(caps.metadata)) {
        if (meta.min_range !== undefined && meta.max_range !== undefined && meta.min_range > meta.max_range) {
            return {
                field: `/metadata/${name}/min_range`,
                message: `/metadata/${name}/min_range exceeds max_range`,
            };
        }
    }
    return undefined;
}

function describeSchemaError(error: ErrorObject | undefined): { field: string; message: string } {
    if (!error) return { field: '', message: 'payload does not match its schema' };
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    const field = missing !== undefined ? `${error.instancePath}/${missing}` : error.instancePath;
    if (missing !== undefined) return { field, message: `${field} is required` };
    if (error.keyword === 'if')
        return { field: `${field}/reason`, message: `${field}/reason is required when rejected` };
    const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
    const detail = allowed
        ? `${error.message}: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
        : error.message;
    const constant = (error.params as { allowedValue?: unknown }).allowedValue;
    const suffix = constant !== undefined ? ` ${JSON.stringify(constant)}` : '';
    return { field, message: `${field || 'payload'} ${detail}${suffix}` };
}

function toText(payload: Uint8Array | string): string | undefined {
    if (typeof payload === 'string') return payload;
    // A Buffer (what MQTT clients hand over) decodes without a wrapper view.
    const text = Buffer.isBuffer(payload)
        ? payload.toString()
        : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
    // Decoding turns every invalid sequence into U+FFFD: without one, the bytes were valid UTF-8,
    // and the separate validation pass is needed only for the rare text that has one.
    if (text.includes('\uFFFD') && !isUtf8(payload)) return undefined;
    return text;
}

/** One object literal per shape: adding the optional id afterwards would grow the object on every message. */
function success(where: Where, payload: object): DecodeResult {
    const { kind, deviceId, sensor, actuator, memo } = where;
    let message: DeviceMessage;
    if (sensor !== undefined) message = { kind, deviceId, payload, sensor } as DeviceMessage;
    else if (actuator !== undefined) message = { kind, deviceId, payload, actuator } as DeviceMessage;
    else message = { kind, deviceId, payload } as DeviceMessage;
    return { ok: true, message, memo };
}

function fail(
    code: DecodeErrorCode,
    message: string,
    topic: string,
    deviceId?: string,
    field?: string,
): { ok: false; error: DecodeError } {
    const error: DecodeError = { code, message: `${code}: ${message}`, topic };
    if (deviceId !== undefined) error.deviceId = deviceId;
    if (field !== undefined) error.field = field;
    return { ok: false, error };
}
