/**
 * Commands, configuration changes and diagnostics requests: validated against
 * what the registry knows, published with a fresh id, and answered only with
 * what the device confirmed (or a timeout) — "sent" is never reported as "done".
 */
import {
    decode,
    encodeCommand,
    encodeConfigSet,
    encodeDiagnosticsRequest,
    newCommandId,
    topics,
    validateCommand,
    type ActuatorValue,
    type ConfigSetPayload,
} from '../../../protocol/src';
import type { DeviceRegistry } from './device-registry';
import type {
    CommandOutcome,
    ConfigOutcome,
    DeviceRecord,
    DiagnosticsOutcome,
    InvalidOutcome,
    OfflineOutcome,
} from './types';

/** Publishes a JSON body with QoS 1; resolves false when the broker is not connected. */
export type Publisher = (topic: string, body: object) => Promise<boolean>;

export const MAX_TIMEOUT_MS = 30000;
const DEFAULT_TIMEOUT_MS = 10000;
const ANSWER_MARGIN_MS = 5000;

export interface CommandRequestBody {
    action?: unknown;
    value?: unknown;
    confirmed?: unknown;
    timeout_ms?: unknown;
}

function invalid(code: string, message: string, field?: string): InvalidOutcome {
    return field === undefined
        ? { outcome: 'invalid', code, message }
        : { outcome: 'invalid', code, message, field };
}

function isActuatorValue(value: unknown): value is ActuatorValue | undefined {
    return value === undefined || value === null || ['number', 'boolean', 'string'].includes(typeof value);
}

/** The caller's timeout, or the default; invalid when it is not an integer in 1..30000. */
function timeoutOf(requested: unknown, fallback: number): number | InvalidOutcome {
    if (requested === undefined || requested === null) return Math.min(fallback, MAX_TIMEOUT_MS);
    if (
        typeof requested !== 'number' ||
        !Number.isInteger(requested) ||
        requested < 1 ||
        requested > MAX_TIMEOUT_MS
    ) {
        return invalid('BAD_VALUE', `timeout_ms must be an integer in 1..${MAX_TIMEOUT_MS}`, '/timeout_ms');
    }
    return requested;
}

interface RequestTarget {
    record: DeviceRecord;
    timeoutMs: number;
}

export class DeviceRequests {
    constructor(
        private readonly registry: DeviceRegistry,
        private readonly publish: Publisher,
    ) {}

    /** A request no answer could ever reach: nothing feeds the registry device traffic. */
    private unfed(): InvalidOutcome | undefined {
        if (this.registry.fed) return undefined;
        return invalid(
            'NO_DECODER',
            'no mcpb-decode node feeds this registry, so no device answer could arrive: ' +
                'deploy an mcpb-decode node with this registry selected',
        );
    }

    async command(deviceId: string, actuator: string, body: CommandRequestBody): Promise<CommandOutcome> {
        const unfed = this.unfed();
        if (unfed) return unfed;
        const record = this.registry.devices.get(deviceId);
        if (!record) return invalid('UNKNOWN_DEVICE', `no device "${deviceId}" in the registry`, '/device');
        if (!record.capabilities) {
            return invalid('NO_CAPABILITIES', `device "${deviceId}" has not announced its capabilities yet`);
        }
        if (typeof body.action !== 'string')
            return invalid('UNSUPPORTED_ACTION', 'action must be a string', '/action');
        if (!isActuatorValue(body.value)) {
            return invalid('BAD_VALUE', 'value must be a number, boolean, string or null', '/value');
        }
        const checked = validateCommand(record.capabilities, actuator, {
            action: body.action,
            value: body.value,
            confirmed: body.confirmed === true,
        });
        if (!checked.ok) return invalid(checked.error.code, checked.error.message, checked.error.field);
        const timeoutMs = timeoutOf(
            body.timeout_ms,
            (checked.metadata.response_time_ms ?? 0) + ANSWER_MARGIN_MS,
        );
        if (typeof timeoutMs !== 'number') return timeoutMs;
        if (!record.online) return offline(record, actuator);

        const id = newCommandId();
        const { action, value } = checked;
        const started = Date.now();
        const answer = await this.send(
            record,
            id,
            topics.actuatorCommand(deviceId, actuator),
            encodeCommand(id, action, value),
            timeoutMs,
        );
        if (answer === 'unsent') return offline(record, actuator, 'the MQTT broker is not connected');
        const base = { command_id: id, device_id: deviceId, actuator, action };
        if (answer === undefined || answer.kind !== 'actuator_status') {
            this.registry.countCommand(deviceId, 'timeout');
            return { outcome: 'timeout', ...base, timeout_ms: timeoutMs };
        }
        const status = answer.payload;
        const duration_ms = Date.now() - started;
        if (status.result === 'rejected') {
            this.registry.countCommand(deviceId, 'rejected');
            const rejected: CommandOutcome = {
                outcome: 'rejected',
                ...base,
                reason: status.reason ?? 'rejected by the device',
                state: status.state,
                duration_ms,
            };
            if (status.code) rejected.code = status.code;
            return rejected;
        }
        this.registry.countCommand(deviceId, 'applied');
        return {
            outcome: 'applied',
            ...base,
            ...(value !== undefined ? { value } : {}),
            state: status.state,
            duration_ms,
        };
    }

    async config(deviceId: string, body: Record<string, unknown>): Promise<ConfigOutcome> {
        const { timeout_ms, ...settings } = body;
        const target = this.target(deviceId, timeout_ms);
        if ('outcome' in target) return target;
        const id = newCommandId();
        const payload = encodeConfigSet(id, settings as Omit<ConfigSetPayload, 'id'>);
        const started = Date.now();
        const answer = await this.exchange(target, id, topics.configSet(deviceId), payload);
        if (answer !== undefined && 'outcome' in answer) return answer;
        if (answer === undefined || answer.kind !== 'config_state') {
            return { outcome: 'timeout', command_id: id, device_id: deviceId, timeout_ms: target.timeoutMs };
        }
        const state = answer.payload;
        const base = {
            command_id: id,
            device_id: deviceId,
            config: state.config,
            duration_ms: Date.now() - started,
        };
        if (state.result === 'rejected') {
            return { outcome: 'rejected', ...base, reason: state.reason ?? 'rejected by the device' };
        }
        return { outcome: 'applied', ...base };
    }

    async diagnostics(
        deviceId: string,
        body: { checks?: unknown; timeout_ms?: unknown },
    ): Promise<DiagnosticsOutcome> {
        const target = this.target(deviceId, body.timeout_ms);
        if ('outcome' in target) return target;
        const id = newCommandId();
        const payload = encodeDiagnosticsRequest(id, body.checks as string[] | undefined);
        const started = Date.now();
        const answer = await this.exchange(target, id, topics.diagnosticsRequest(deviceId), payload);
        if (answer !== undefined && 'outcome' in answer) return answer;
        if (answer === undefined || answer.kind !== 'diagnostics_result') {
            return { outcome: 'timeout', command_id: id, device_id: deviceId, timeout_ms: target.timeoutMs };
        }
        return {
            outcome: 'completed',
            command_id: id,
            result: answer.payload,
            duration_ms: Date.now() - started,
        };
    }

    /** The device a config or diagnostics request goes to, with its timeout; or why there is none. */
    private target(deviceId: string, requestedTimeout: unknown): RequestTarget | InvalidOutcome {
        const unfed = this.unfed();
        if (unfed) return unfed;
        const record = this.registry.devices.get(deviceId);
        if (!record) return invalid('UNKNOWN_DEVICE', `no device "${deviceId}" in the registry`, '/device');
        const timeoutMs = timeoutOf(requestedTimeout, DEFAULT_TIMEOUT_MS);
        if (typeof timeoutMs !== 'number') return timeoutMs;
        return { record, timeoutMs };
    }

    /**
     * Checks the body against the protocol, publishes it to an online device and
     * waits for the answer carrying `id` (undefined on timeout).
     */
    private async exchange(target: RequestTarget, id: string, topic: string, payload: object) {
        const problem = schemaProblem(topic, payload);
        if (problem) return problem;
        if (!target.record.online) return offline(target.record);
        const answer = await this.send(target.record, id, topic, payload, target.timeoutMs);
        if (answer === 'unsent') return offline(target.record, undefined, 'the MQTT broker is not connected');
        return answer;
    }

    /** Waits first, then publishes, so a fast answer cannot slip past. */
    private async send(record: DeviceRecord, id: string, topic: string, body: object, timeoutMs: number) {
        const answer = this.registry.pending.wait(id, record.id, timeoutMs);
        const published = await this.publish(topic, body);
        if (!published) {
            this.registry.pending.cancel(id);
            await answer;
            return 'unsent' as const;
        }
        this.registry.countCommand(record.id, 'sent');
        return answer;
    }
}

function offline(record: DeviceRecord, actuator?: string, why?: string): OfflineOutcome {
    const message =
        why ??
        `device ${record.id} is offline (${record.offlineReason === 'timeout' ? 'silent too long' : 'reported offline'})`;
    return actuator === undefined
        ? { outcome: 'offline', device_id: record.id, message }
        : { outcome: 'offline', device_id: record.id, actuator, message };
}

/** Checks an outgoing body against its schema with the protocol's own decoder. */
function schemaProblem(topic: string, body: object): InvalidOutcome | undefined {
    const checked = decode(topic, JSON.stringify(body));
    if (checked.ok) return undefined;
    return invalid(checked.error.code, checked.error.message, checked.error.field);
}
