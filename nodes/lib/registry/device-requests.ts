/**
 * Commands, configuration changes and diagnostics requests: checked against
 * the API contract and what the registry knows, published with a fresh id, and
 * answered only with what the device confirmed (or a timeout) — "sent" is never
 * reported as "done". Owns the correlation of answers to requests and the
 * confirmation tickets; reads device state through the registry's public API.
 */
import {
    ANSWER_MARGIN_MS,
    APPROVAL_MINUTES_DEFAULT,
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
    type ActuatorValue,
    type BrokerUnavailableOutcome,
    type Checked,
    type CommandApproval,
    type CommandLogEntry,
    type CommandOrigin,
    type CommandOutcome,
    type CommandRequest,
    type PlannedOutcome,
    type RateLimitedOutcome,
    type ConfigOutcome,
    type DeviceMessage,
    type DiagnosticsOutcome,
    type InvalidOutcome,
    type OfflineOutcome,
} from '@mcp-mqtt-bridge/protocol';
import { createHash } from 'node:crypto';
import { ConfirmationTickets } from './confirmation-tickets';
import type { DeviceRegistry } from './device-registry';
import type { GuardSubject, GuardVerdict } from './loop-guard';
import { ScopedApprovals } from './scoped-approvals';
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

/** Who sends a command, as the registry can tell: the HTTP user, the command node. */
export type RequestOrigin = Omit<CommandOrigin, 'client'>;

/** A command's outcome and the approval it used or was issued. */
interface Decided {
    outcome: CommandOutcome;
    approval?: CommandApproval;
    grantedScope?: CommandApproval;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Ids from a URL are not yet known to be identifiers: the ledger keeps them clipped. */
const clip = (s: string) => (s.length > 64 ? `${s.slice(0, 64)}…` : s);

/** A fingerprint of a ticket: enough to match issue and use in the ledger, useless as a ticket. */
function ticketRef(ticket: string): string {
    return createHash('sha256').update(ticket).digest('base64url').slice(0, 12);
}

interface RequestTarget {
    record: DeviceRecord;
    timeoutMs: number;
}

export class DeviceRequests {
    readonly pending = new PendingRequests();
    readonly tickets = new ConfirmationTickets();
    /** Scoped approvals users granted along with a confirmation (bounded by the operator's minutes). */
    readonly approvals: ScopedApprovals;

    constructor(
        private readonly registry: DeviceRegistry,
        private readonly publish: Publisher,
        options: { approvalMaxMinutes?: number } = {},
    ) {
        this.approvals = new ScopedApprovals(options.approvalMaxMinutes ?? APPROVAL_MINUTES_DEFAULT);
        // A forgotten device takes its approvals along (it may come back as something else).
        registry.on('change', (deviceId: string, change: string) => {
            if (change === 'removed') this.approvals.forget(deviceId);
        });
    }

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

    /**
     * Handles one command from any client and records it in the ledger: checked
     * against the contract and the device's capabilities, the loop guard, the
     * confirmation requirement; then sent and answered with what the device
     * confirmed. A dry run answers the plan and sends nothing.
     */
    async command(
        deviceId: string,
        actuator: string,
        body: unknown,
        origin: RequestOrigin = { via: 'http' },
    ): Promise<CommandOutcome> {
        const receivedAt = Date.now();
        const request = parseBody(checkAgainst(commandRequest, body ?? {}));
        if (isInvalid(request)) return request;
        const fullOrigin: CommandOrigin = request.client
            ? { ...origin, via: 'mcp', client: request.client }
            : origin;
        const decided = await this.decide(deviceId, actuator, request, fullOrigin);
        this.record(deviceId, actuator, request, origin, decided, receivedAt);
        return decided.outcome;
    }

    private async decide(
        deviceId: string,
        actuator: string,
        request: CommandRequest,
        origin: CommandOrigin,
    ): Promise<Decided> {
        const record = this.registry.devices.get(deviceId);
        if (!record) {
            return {
                outcome: invalid('UNKNOWN_DEVICE', `no device "${deviceId}" in the registry`, '/device'),
            };
        }
        if (!record.capabilities) {
            return {
                outcome: invalid(
                    'NO_CAPABILITIES',
                    `device "${deviceId}" has not announced its capabilities yet`,
                ),
            };
        }
        const checked = validateCommand(record.capabilities, actuator, {
            action: request.action,
            value: request.value,
            confirmed: true,
            lease_s: request.lease_s,
        });
        if (!checked.ok) {
            return { outcome: invalid(checked.error.code, checked.error.message, checked.error.field) };
        }
        const { action, value } = checked;
        const subject = { deviceId, actuator, action, value };
        const guarded: GuardSubject = {
            ...subject,
            metadata: checked.metadata,
            current: record.actuators.get(actuator)?.state,
        };
        const now = Date.now();
        const verdict = this.registry.guard.check(guarded, now);
        const needsConfirmation =
            this.registry.safety.requiresConfirmation(
                deviceId,
                actuator,
                checked.metadata.requires_confirmation,
            ) && !(request.confirmation === undefined && this.approvals.covers(subject, now));
        if (request.dry_run) {
            return { outcome: this.plan(record, guarded, verdict, needsConfirmation, request.lease_s, now) };
        }
        // Before a ticket is spent: an unreachable device must not cost the user a confirmation.
        const unavailable = this.unreachable(record, actuator);
        if (unavailable) return { outcome: unavailable };
        // Before the user is asked, and before a ticket is spent: a refused command costs nothing.
        if (!verdict.allowed) {
            this.registry.countCommand(deviceId, 'rate_limited');
            return {
                outcome: rateLimited(guarded, verdict.limit, verdict.retryAfterMs, verdict.message, now),
            };
        }
        let approval: CommandApproval | undefined;
        let grantedScope: CommandApproval | undefined;
        const scoped =
            request.confirmation === undefined &&
            this.registry.safety.requiresConfirmation(
                deviceId,
                actuator,
                checked.metadata.requires_confirmation,
            )
                ? this.approvals.use(subject, now)
                : undefined;
        if (scoped) approval = { kind: 'scope', ref: scoped.id, expires_at: scoped.expires_at };
        if (needsConfirmation) {
            if (request.confirmation === undefined) {
                const { ticket, expiresAt } = this.tickets.issue(subject, now);
                return {
                    outcome: {
                        outcome: 'confirmation_required',
                        device_id: deviceId,
                        actuator,
                        action,
                        ...(value !== undefined ? { value } : {}),
                        ticket,
                        expires_at: iso(expiresAt),
                        message: `actuator "${actuator}" requires confirmation by a user before "${action}" is sent`,
                    },
                    approval: { kind: 'ticket', ref: ticketRef(ticket) },
                };
            }
            if (!this.tickets.redeem(request.confirmation, subject, now)) {
                return {
                    outcome: invalid(
                        'BAD_CONFIRMATION',
                        'the confirmation ticket is unknown, expired, already used or issued for another command',
                        '/confirmation',
                    ),
                };
            }
            approval = { kind: 'ticket', ref: ticketRef(request.confirmation) };
            if (request.approve_scope) {
                const granted = this.approvals.grant(subject, request.approve_scope, origin, now);
                if (granted)
                    grantedScope = { kind: 'scope', ref: granted.id, expires_at: granted.expires_at };
            }
        }
        const timeoutMs = Math.min(
            request.timeout_ms ?? (checked.metadata.response_time_ms ?? 0) + ANSWER_MARGIN_MS,
            MAX_ANSWER_TIMEOUT_MS,
        );
        const sent = await this.sendCommand(guarded, verdict, checked.lease_s, timeoutMs);
        const outcome: CommandOutcome =
            sent.outcome === 'applied'
                ? {
                      ...sent,
                      ...(approval ? { approval } : {}),
                      ...(grantedScope ? { granted_scope: grantedScope } : {}),
                  }
                : sent;
        return { outcome, ...(approval ? { approval } : {}), ...(grantedScope ? { grantedScope } : {}) };
    }

    /** Publishes a command that passed every check and turns the device's answer into the outcome. */
    private async sendCommand(
        guarded: GuardSubject,
        verdict: GuardVerdict,
        leaseS: number | undefined,
        timeoutMs: number,
    ): Promise<CommandOutcome> {
        const { deviceId, actuator, action, value } = guarded;
        const record = this.registry.devices.get(deviceId) as DeviceRecord;
        const { guard } = this.registry;
        const id = newCommandId();
        const started = Date.now();
        guard.sent(guarded, id, verdict.prediction, started);
        const topic = topics.actuatorCommand(deviceId, actuator);
        const body = encodeCommand(id, action, value, leaseS !== undefined ? { lease_s: leaseS } : {});
        const answer = await this.send(record, id, topic, body, timeoutMs);
        const answeredAt = Date.now();
        if (answer === 'unsent') {
            guard.answered(deviceId, actuator, id, false, undefined, answeredAt);
            return brokerUnavailable(record, actuator);
        }
        const base = { command_id: id, device_id: deviceId, actuator, action };
        if (answer === undefined || answer.kind !== 'actuator_status') {
            guard.answered(deviceId, actuator, id, undefined, undefined, answeredAt);
            this.registry.countCommand(deviceId, 'timeout');
            return { outcome: 'timeout', ...base, timeout_ms: timeoutMs };
        }
        const status = answer.payload;
        const duration_ms = answeredAt - started;
        if (status.result === 'rejected') {
            guard.answered(deviceId, actuator, id, false, undefined, answeredAt);
            if (status.code === 'RATE_LIMITED') {
                this.registry.countCommand(deviceId, 'rate_limited');
                const wait = status.retry_after_ms ?? guarded.metadata.min_interval_ms ?? 1000;
                const message = `the device refused: ${status.reason ?? 'RATE_LIMITED'}`;
                return {
                    ...rateLimited(guarded, 'device', wait, message, answeredAt),
                    command_id: id,
                    state: status.state,
                };
            }
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
        const change =
            status.state !== guarded.current ? { from: guarded.current, to: status.state } : undefined;
        guard.answered(deviceId, actuator, id, true, change, answeredAt);
        this.registry.countCommand(deviceId, 'applied');
        const leased = status.lease_command_id === id && status.lease_remaining_ms !== undefined;
        return {
            outcome: 'applied',
            ...base,
            ...(value !== undefined ? { value } : {}),
            state: status.state,
            duration_ms,
            ...(leased
                ? {
                      lease_until: iso(answeredAt + (status.lease_remaining_ms as number)),
                      lease_remaining_ms: status.lease_remaining_ms,
                      ...(status.lease_reverts_to !== undefined
                          ? { lease_reverts_to: status.lease_reverts_to }
                          : {}),
                  }
                : {}),
        };
    }

    /** A dry run: everything a real command would meet, and nothing sent. */
    private plan(
        record: DeviceRecord,
        guarded: GuardSubject,
        verdict: GuardVerdict,
        needsConfirmation: boolean,
        leaseS: number | undefined,
        now: number,
    ): PlannedOutcome {
        const { deviceId, actuator, action, value, current } = guarded;
        const brokerDown = this.registry.brokerState === 'down';
        const online = !brokerDown && record.online;
        const would: PlannedOutcome['would'] = brokerDown
            ? 'broker_unavailable'
            : !record.online
              ? 'offline'
              : !verdict.allowed
                ? 'rate_limited'
                : needsConfirmation
                  ? 'confirmation_required'
                  : 'send';
        const running = record.actuators.get(actuator)?.lease;
        const revertsTo: ActuatorValue | undefined =
            running && running.until > now ? running.revertsTo : (guarded.metadata.safe_state ?? current);
        const expected = verdict.prediction.to;
        const sentence: Record<PlannedOutcome['would'], string> = {
            send: 'would be sent now',
            confirmation_required: "would need a user's confirmation first",
            rate_limited: `would be refused by the loop guard (${verdict.allowed ? '' : verdict.message})`,
            offline: 'would not be sent: the device is offline',
            broker_unavailable: "would not be sent: the registry's broker connection is down",
        };
        return {
            outcome: 'planned',
            device_id: deviceId,
            actuator,
            action,
            ...(value !== undefined ? { value } : {}),
            would,
            online,
            confirmation_required: needsConfirmation,
            loop_guard: verdict.state,
            ...(leaseS !== undefined
                ? {
                      lease: {
                          lease_s: leaseS,
                          until: iso(now + leaseS * 1000),
                          ...(revertsTo !== undefined ? { reverts_to: revertsTo } : {}),
                      },
                  }
                : {}),
            ...(current !== undefined ? { current_state: current } : {}),
            ...(expected !== undefined ? { expected_state: expected } : {}),
            message: `dry run, nothing was sent: "${action}" on "${actuator}" of "${deviceId}" ${sentence[would]}`,
        };
    }

    /** One ledger entry per command, whatever became of it. */
    private record(
        deviceId: string,
        actuator: string,
        request: CommandRequest,
        origin: RequestOrigin,
        decided: Decided,
        receivedAt: number,
    ): void {
        const o = decided.outcome;
        const entry: Omit<CommandLogEntry, 'seq'> = {
            at: iso(receivedAt),
            device_id: clip(deviceId),
            actuator: clip(actuator),
            action: request.action,
            ...(request.value !== undefined ? { value: request.value } : {}),
            ...(request.lease_s !== undefined ? { lease_s: request.lease_s } : {}),
            ...(request.dry_run ? { dry_run: true } : {}),
            origin: request.client ? { ...origin, via: 'mcp', client: request.client } : origin,
            ...(decided.grantedScope ? { granted_scope: decided.grantedScope } : {}),
            ...(request.reason !== undefined ? { reason: request.reason } : {}),
            ...(decided.approval ? { approval: decided.approval } : {}),
            outcome: o.outcome,
            duration_ms: Date.now() - receivedAt,
        };
        switch (o.outcome) {
            case 'applied':
                Object.assign(entry, {
                    command_id: o.command_id,
                    state: o.state,
                    ...(o.lease_until ? { lease_until: o.lease_until } : {}),
                });
                break;
            case 'rejected':
                Object.assign(entry, {
                    command_id: o.command_id,
                    state: o.state,
                    message: o.reason,
                    ...(o.code ? { code: o.code } : {}),
                });
                break;
            case 'rate_limited':
                Object.assign(entry, {
                    code: o.limit,
                    message: o.message,
                    retry_after_ms: o.retry_after_ms,
                    ...(o.command_id ? { command_id: o.command_id } : {}),
                    ...(o.state !== undefined ? { state: o.state } : {}),
                });
                break;
            case 'timeout':
                Object.assign(entry, { command_id: o.command_id });
                break;
            case 'invalid':
                Object.assign(entry, { code: o.code, message: o.message });
                break;
            case 'planned':
                Object.assign(entry, { code: o.would, message: o.message });
                break;
            default:
                Object.assign(entry, { message: o.message });
        }
        this.registry.ledger.add(entry);
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
        // mqtt.js holds a QoS 1 publish's callback until the broker acknowledges it, also across a
        // lost link: the request's own timeout (or an early answer) bounds the wait, never the broker.
        const published = await Promise.race([this.publish(topic, body), answer.then(() => true)]);
        if (!published) {
            this.pending.cancel(id);
            await answer;
            return 'unsent' as const;
        }
        this.registry.countCommand(record.id, 'sent');
        return answer;
    }
}

function rateLimited(
    guarded: GuardSubject,
    limit: RateLimitedOutcome['limit'],
    retryAfterMs: number,
    message: string,
    now: number,
): RateLimitedOutcome {
    return {
        outcome: 'rate_limited',
        device_id: guarded.deviceId,
        actuator: guarded.actuator,
        action: guarded.action,
        retry_after_ms: retryAfterMs,
        retry_at: iso(now + retryAfterMs),
        limit,
        message,
    };
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
