/**
 * Commands, configuration changes and diagnostics requests: checked against
 * the API contract and what the registry knows, published with a fresh id, and
 * answered only with what the device confirmed (or a timeout) — "sent" is never
 * reported as "done". Owns the correlation of answers to requests and the
 * confirmation tickets; reads device state through the registry's public API.
 */
import {
    ANSWER_MARGIN_MS,
    DEFAULT_ANSWER_TIMEOUT_MS,
    MAX_ANSWER_TIMEOUT_MS,
    commandRequest,
    configRequest,
    decode,
    diagnosticsRequestBody,
    encodeCommand,
    encodeConfigSet,
    encodeDiagnosticsRequest,
    newCommandId,
    topics,
    validateCommand,
    checkAgainst,
    type BrokerUnavailableOutcome,
    type Checked,
    type CommandOutcome,
    type ConfigOutcome,
    type DeviceMessage,
    type DiagnosticsOutcome,
    type InvalidOutcome,
    type OfflineOutcome,
} from '@mcp-mqtt-bridge/protocol';
import { ConfirmationTickets } from './confirmation-tickets';
import type { DeviceRegistry } from './device-registry';
import { PendingRequests } from './pending-requests';
import type { DeviceRecord } from './types';

/** Publishes a JSON body with QoS 1; resolves false when the broker is not connected. */
export type Publisher = (topic: string, body: object) => Promise<boolean>;

function invalid(code: string, message: string, field?: string): InvalidOutcome {
    return field === undefined
        ? { outcome: 'invalid', code, message }
        : { outcome: 'invalid', code, message, field };
}

/** A request body checked against its contract schema, or the first problem as an invalid outcome. */
function parseBody<T>(checked: Checked<T>): T | InvalidOutcome {
    if (checked.ok) return checked.value;
    const code = checked.field === '/action' ? 'UNSUPPORTED_ACTION' : 'BAD_VALUE';
    return invalid(code, checked.message, checked.field);
}

function isInvalid(x: object): x is InvalidOutcome {
    return 'outcome' in x && x.outcome === 'invalid';
}

interface RequestTarget {
    record: DeviceRecord;
    timeoutMs: number;
}

export class DeviceRequests {
    readonly pending = new PendingRequests();
    readonly tickets = new ConfirmationTickets();

    constructor(
        private readonly registry: DeviceRegistry,
        private readonly publish: Publisher,
    ) {}

    /** Hands a device's answer to the request waiting for it (actuator status, config, diagnostics). */
    deliver(message: DeviceMessage): void {
        const id =
            message.kind === 'actuator_status' || message.kind === 'config_state'
                ? message.payload.command_id
                : message.kind === 'diagnostics_result'
                  ? message.payload.command_id
                  : undefined;
        if (id) this.pending.deliver(id, message);
    }

    close(): void {
        this.pending.closeAll();
    }

    async command(deviceId: string, actuator: string, body: unknown): Promise<CommandOutcome> {
        const request = parseBody(checkAgainst(commandRequest, body ?? {}));
        if (isInvalid(request)) return request;
        const record = this.registry.devices.get(deviceId);
        if (!record) return invalid('UNKNOWN_DEVICE', `no device "${deviceId}" in the registry`, '/device');
        if (!record.capabilities) {
            return invalid('NO_CAPABILITIES', `device "${deviceId}" has not announced its capabilities yet`);
        }
        const checked = validateCommand(record.capabilities, actuator, {
            action: request.action,
            value: request.value,
            confirmed: true,
        });
        if (!checked.ok) return invalid(checked.error.code, checked.error.message, checked.error.field);
        const { action, value } = checked;
        const subject = { deviceId, actuator, action, value };
        const now = Date.now();
        // Before a ticket is spent: an unreachable device must not cost the user a confirmation.
        const unavailable = this.unreachable(record, actuator);
        if (unavailable) return unavailable;
        if (
            this.registry.safety.requiresConfirmation(
                deviceId,
                actuator,
                checked.metadata.requires_confirmation,
            )
        ) {
            if (request.confirmation === undefined) {
                const { ticket, expiresAt } = this.tickets.issue(subject, now);
                return {
                    outcome: 'confirmation_required',
                    device_id: deviceId,
                    actuator,
                    action,
                    ...(value !== undefined ? { value } : {}),
                    ticket,
                    expires_at: new Date(expiresAt).toISOString(),
                    message: `actuator "${actuator}" requires confirmation by a user before "${action}" is sent`,
                };
            }
            if (!this.tickets.redeem(request.confirmation, subject, now)) {
                return invalid(
                    'BAD_CONFIRMATION',
                    'the confirmation ticket is unknown, expired, already used or issued for another command',
                    '/confirmation',
                );
            }
        }
        const timeoutMs = Math.min(
            request.timeout_ms ?? (checked.metadata.response_time_ms ?? 0) + ANSWER_MARGIN_MS,
            MAX_ANSWER_TIMEOUT_MS,
        );

        const id = newCommandId();
        const started = Date.now();
        const topic = topics.actuatorCommand(deviceId, actuator);
        const answer = await this.send(record, id, topic, encodeCommand(id, action, value), timeoutMs);
        if (answer === 'unsent') return brokerUnavailable(record, actuator);
        const base = { command_id: id, device_id: deviceId, actuator, action };
        if (answer === undefined || answer.kind !== 'actuator_status') {
            this.registry.countCommand(deviceId, 'timeout');
            return { outcome: 'timeout', ...base, timeout_ms: timeoutMs };
        }
        const status = answer.payload;
        const duration_ms = Date.now() - started;
        if (status.result === 'rejected') {
            this.registry.countCommand(deviceId, 'rejected');
            return {
                outcome: 'rejected',
                ...base,
                reason: status.reason ?? 'rejected by the device',
                ...(status.code ? { code: status.code } : {}),
                state: status.state,
                duration_ms,
            };
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

    async config(deviceId: string, body: unknown): Promise<ConfigOutcome> {
        const request = parseBody(checkAgainst(configRequest, body ?? {}));
        if (isInvalid(request)) return request;
        const { timeout_ms, ...settings } = request;
        const target = this.target(deviceId, timeout_ms);
        if ('outcome' in target) return target;
        const declared = target.record.capabilities?.sensors;
        const unknown = Object.keys(settings.streaming ?? {}).find((s) => declared && !declared.includes(s));
        if (unknown !== undefined) {
            return invalid(
                'UNKNOWN_SENSOR',
                `device "${deviceId}" has no sensor "${unknown}" to stream (sensors: ${declared?.join(', ') || 'none'})`,
                `/streaming/${unknown}`,
            );
        }
        const id = newCommandId();
        const payload = encodeConfigSet(id, settings);
        const started = Date.now();
        const answer = await this.exchange(target, id, topics.configSet(deviceId), payload);
        if ('outcome' in answer) return answer;
        if (answer.message?.kind !== 'config_state') {
            return { outcome: 'timeout', command_id: id, device_id: deviceId, timeout_ms: target.timeoutMs };
        }
        const state = answer.message.payload;
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

    async diagnostics(deviceId: string, body: unknown): Promise<DiagnosticsOutcome> {
        const request = parseBody(checkAgainst(diagnosticsRequestBody, body ?? {}));
        if (isInvalid(request)) return request;
        const target = this.target(deviceId, request.timeout_ms);
        if ('outcome' in target) return target;
        const id = newCommandId();
        const payload = encodeDiagnosticsRequest(id, request.checks);
        const started = Date.now();
        const answer = await this.exchange(target, id, topics.diagnosticsRequest(deviceId), payload);
        if ('outcome' in answer) return answer;
        if (answer.message?.kind !== 'diagnostics_result') {
            return { outcome: 'timeout', command_id: id, device_id: deviceId, timeout_ms: target.timeoutMs };
        }
        return {
            outcome: 'completed',
            command_id: id,
            device_id: deviceId,
            result: answer.message.payload,
            duration_ms: Date.now() - started,
        };
    }

    /** The device a config or diagnostics request goes to, with its timeout; or why there is none. */
    private target(deviceId: string, timeoutMs: number | undefined): RequestTarget | InvalidOutcome {
        const record = this.registry.devices.get(deviceId);
        if (!record) return invalid('UNKNOWN_DEVICE', `no device "${deviceId}" in the registry`, '/device');
        return { record, timeoutMs: timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS };
    }

    /** Why nothing can reach the device now: the broker is down, or the device is offline. */
    private unreachable(
        record: DeviceRecord,
        actuator?: string,
    ): OfflineOutcome | BrokerUnavailableOutcome | undefined {
        if (this.registry.brokerState === 'down') return brokerUnavailable(record, actuator);
        if (!record.online) return offline(record, actuator);
        return undefined;
    }

    /**
     * Checks the body against the protocol, publishes it to a reachable device
     * and waits for the answer carrying `id` (message undefined on timeout).
     */
    private async exchange(
        target: RequestTarget,
        id: string,
        topic: string,
        payload: object,
    ): Promise<InvalidOutcome | OfflineOutcome | BrokerUnavailableOutcome | { message?: DeviceMessage }> {
        const problem = schemaProblem(topic, payload);
        if (problem) return problem;
        const unavailable = this.unreachable(target.record);
        if (unavailable) return unavailable;
        const answer = await this.send(target.record, id, topic, payload, target.timeoutMs);
        if (answer === 'unsent') return brokerUnavailable(target.record);
        return { message: answer };
    }

    /** Waits first, then publishes, so a fast answer cannot slip past. */
    private async send(record: DeviceRecord, id: string, topic: string, body: object, timeoutMs: number) {
        const answer = this.pending.wait(id, record.id, timeoutMs);
        const published = await this.publish(topic, body);
        if (!published) {
            this.pending.cancel(id);
            await answer;
            return 'unsent' as const;
        }
        this.registry.countCommand(record.id, 'sent');
        return answer;
    }
}

function offline(record: DeviceRecord, actuator?: string): OfflineOutcome {
    const why = record.offlineReason === 'timeout' ? 'silent too long' : 'reported offline';
    return {
        outcome: 'offline',
        device_id: record.id,
        ...(actuator !== undefined ? { actuator } : {}),
        message: `device ${record.id} is offline (${why}); nothing was sent`,
    };
}

function brokerUnavailable(record: DeviceRecord, actuator?: string): BrokerUnavailableOutcome {
    return {
        outcome: 'broker_unavailable',
        device_id: record.id,
        ...(actuator !== undefined ? { actuator } : {}),
        message: "the registry's MQTT broker connection is down; nothing was sent",
    };
}

/** Checks an outgoing body against its schema with the protocol's own decoder. */
function schemaProblem(topic: string, body: object): InvalidOutcome | undefined {
    const checked = decode(topic, JSON.stringify(body));
    if (checked.ok) return undefined;
    return invalid(checked.error.code, checked.error.message, checked.error.field);
}
