import { IDENTIFIER_PATTERN, MAX_IDENTIFIER_LENGTH, MAX_TOPIC_LENGTH, TOPIC_ROOT } from './limits';

/** Every message kind of the protocol; one JSON Schema each (protocol/schemas/<kind>.schema.json). */
export const MESSAGE_KINDS = [
    'capabilities',
    'status',
    'sensor_data',
    'sensor_batch',
    'actuator_command',
    'actuator_status',
    'error',
    'metrics',
    'config_set',
    'config_state',
    'diagnostics_request',
    'diagnostics_result',
    'announce_request',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Who publishes a kind. The node pack decodes both directions (it subscribes devices/#). */
export const KIND_DIRECTION: Record<MessageKind, 'device' | 'server'> = {
    capabilities: 'device',
    status: 'device',
    sensor_data: 'device',
    sensor_batch: 'device',
    actuator_command: 'server',
    actuator_status: 'device',
    error: 'device',
    metrics: 'device',
    config_set: 'server',
    config_state: 'device',
    diagnostics_request: 'server',
    diagnostics_result: 'device',
    announce_request: 'server',
};

/**
 * The device id of a broadcast: `devices/_all/announce` asks every device to
 * re-announce. No device may use it as its own id for anything else.
 */
export const ALL_DEVICES_ID = '_all';

export interface ParsedTopic {
    kind: MessageKind;
    deviceId: string;
    /** Set for sensor_data. */
    sensor?: string;
    /** Set for actuator_command and actuator_status. */
    actuator?: string;
}

export type TopicResult =
    { ok: true; topic: ParsedTopic } | { ok: false; message: string; deviceId?: string };

/** Topic suffixes with no variable segment. */
const FIXED_SUFFIXES: Record<string, MessageKind> = {
    capabilities: 'capabilities',
    status: 'status',
    error: 'error',
    metrics: 'metrics',
    'sensors/batch': 'sensor_batch',
    config: 'config_state',
    'config/set': 'config_set',
    'diagnostics/request': 'diagnostics_request',
    'diagnostics/result': 'diagnostics_result',
    announce: 'announce_request',
};

export function isIdentifier(value: unknown): value is string {
    return typeof value === 'string' && IDENTIFIER_PATTERN.test(value);
}

/** Explains why a segment is not an identifier, for error messages. */
export function describeBadIdentifier(what: string, value: string): string {
    if (value === '') return `${what} is empty`;
    if (value.includes('+') || value.includes('#')) return `${what} "${value}" contains an MQTT wildcard`;
    if (value.length > MAX_IDENTIFIER_LENGTH) {
        return `${what} is ${value.length} characters long (max ${MAX_IDENTIFIER_LENGTH})`;
    }
    return `${what} "${value}" may only contain A-Z a-z 0-9 _ -`;
}

/** Parses devices/<id>/... into its kind and ids, or says exactly what is wrong. */
export function parseTopic(topic: string): TopicResult {
    if (topic.length > MAX_TOPIC_LENGTH) {
        return { ok: false, message: `topic is ${topic.length} characters long (max ${MAX_TOPIC_LENGTH})` };
    }
    const parts = topic.split('/');
    if (parts[0] !== TOPIC_ROOT) return { ok: false, message: `topic must start with "${TOPIC_ROOT}/"` };
    if (parts.length < 3) return { ok: false, message: 'topic has no message kind after the device id' };
    const deviceId = parts[1];
    if (!isIdentifier(deviceId)) return { ok: false, message: describeBadIdentifier('device id', deviceId) };

    const rest = parts.slice(2);
    const fixed = FIXED_SUFFIXES[rest.join('/')];
    if (fixed) return { ok: true, topic: { kind: fixed, deviceId } };

    if (rest.length === 3 && rest[0] === 'sensors' && rest[2] === 'data') {
        if (!isIdentifier(rest[1])) {
            return { ok: false, deviceId, message: describeBadIdentifier('sensor id', rest[1]) };
        }
        return { ok: true, topic: { kind: 'sensor_data', deviceId, sensor: rest[1] } };
    }
    if (rest.length === 3 && rest[0] === 'actuators' && (rest[2] === 'cmd' || rest[2] === 'status')) {
        if (!isIdentifier(rest[1])) {
            return { ok: false, deviceId, message: describeBadIdentifier('actuator id', rest[1]) };
        }
        const kind = rest[2] === 'cmd' ? 'actuator_command' : 'actuator_status';
        return { ok: true, topic: { kind, deviceId, actuator: rest[1] } };
    }
    return {
        ok: false,
        deviceId,
        message: `unknown topic "${rest.join('/')}" under ${TOPIC_ROOT}/${deviceId}/`,
    };
}

function requireIdentifier(what: string, value: string): string {
    if (!isIdentifier(value)) throw new RangeError(describeBadIdentifier(what, value));
    return value;
}

/** Builds topics; throws RangeError on an id that is not a legal segment (a programming error). */
export const topics = {
    device(deviceId: string): string {
        return `${TOPIC_ROOT}/${requireIdentifier('device id', deviceId)}`;
    },
    capabilities: (deviceId: string) => `${topics.device(deviceId)}/capabilities`,
    status: (deviceId: string) => `${topics.device(deviceId)}/status`,
    error: (deviceId: string) => `${topics.device(deviceId)}/error`,
    metrics: (deviceId: string) => `${topics.device(deviceId)}/metrics`,
    sensorData: (deviceId: string, sensor: string) =>
        `${topics.device(deviceId)}/sensors/${requireIdentifier('sensor id', sensor)}/data`,
    sensorBatch: (deviceId: string) => `${topics.device(deviceId)}/sensors/batch`,
    actuatorCommand: (deviceId: string, actuator: string) =>
        `${topics.device(deviceId)}/actuators/${requireIdentifier('actuator id', actuator)}/cmd`,
    actuatorStatus: (deviceId: string, actuator: string) =>
        `${topics.device(deviceId)}/actuators/${requireIdentifier('actuator id', actuator)}/status`,
    configState: (deviceId: string) => `${topics.device(deviceId)}/config`,
    configSet: (deviceId: string) => `${topics.device(deviceId)}/config/set`,
    diagnosticsRequest: (deviceId: string) => `${topics.device(deviceId)}/diagnostics/request`,
    diagnosticsResult: (deviceId: string) => `${topics.device(deviceId)}/diagnostics/result`,
    /** One device, or every device with ALL_DEVICES_ID. */
    announce: (deviceId: string) => `${topics.device(deviceId)}/announce`,
    /** Subscription filter for all device traffic. */
    allDevices: `${TOPIC_ROOT}/#`,
};

/** QoS and retain of each kind, as the seeds define them (errors: configurable, default 1). */
export const DELIVERY: Record<MessageKind, { qos: 0 | 1 | 2; retain: boolean }> = {
    capabilities: { qos: 1, retain: true },
    status: { qos: 1, retain: true },
    sensor_data: { qos: 0, retain: false },
    sensor_batch: { qos: 0, retain: false },
    actuator_command: { qos: 1, retain: false },
    actuator_status: { qos: 1, retain: true },
    error: { qos: 1, retain: false },
    metrics: { qos: 0, retain: false },
    config_set: { qos: 1, retain: false },
    config_state: { qos: 1, retain: true },
    diagnostics_request: { qos: 1, retain: false },
    diagnostics_result: { qos: 1, retain: false },
    announce_request: { qos: 1, retain: false },
};
