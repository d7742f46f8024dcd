/** control_actuator: validated by the registry, confirmed by the user when required, acknowledged by the device. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { askUserToConfirm, type ConfirmationAnswer } from '../confirmation';
import {
    HTTP_SLACK_MS,
    MAX_ANSWER_TIMEOUT_MS,
    ORIGIN_FIELD_MAX,
    actuatorValue,
    commandRequest,
    identifier,
    type ActuatorValue,
    type ApprovalScopeRequest,
    type CommandClient,
    type CommandOutcome,
    type PlannedOutcome,
} from '@mcp-mqtt-bridge/protocol';
import type { ToolContext } from '../tool-context';
import { commandOutput } from '../tool-outputs';
import { brokerUnavailableText, failure, registryFailure, success } from '../tool-results';

interface CommandArgs {
    device_id: string;
    actuator: string;
    action: string;
    value?: ActuatorValue;
    timeout_s?: number;
    lease_s?: number;
    dry_run?: boolean;
    reason?: string;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function leaseText(o: Extract<CommandOutcome, { outcome: 'applied' }>): string {
    if (o.lease_until === undefined) return '';
    const back = o.lease_reverts_to !== undefined ? ` back to ${JSON.stringify(o.lease_reverts_to)}` : '';
    const left = o.lease_remaining_ms !== undefined ? ` (in ${seconds(o.lease_remaining_ms)})` : '';
    return (
        ` Lease: the device itself reverts it${back} at ${o.lease_until}${left}, with no further command; ` +
        'a new command to this actuator replaces the lease.'
    );
}

function approvalText(o: Extract<CommandOutcome, { outcome: 'applied' }>): string {
    const parts: string[] = [];
    if (o.approval?.kind === 'scope') {
        parts.push(
            ` Approved by the user's scoped approval ${o.approval.ref} (until ${o.approval.expires_at ?? '?'}).`,
        );
    }
    if (o.granted_scope) {
        parts.push(
            ` The user also approved further commands like this one until ${o.granted_scope.expires_at ?? '?'} ` +
                `(approval ${o.granted_scope.ref}): they will not be asked again within it.`,
        );
    }
    return parts.join('');
}

function planText(o: PlannedOutcome): string {
    const g = o.loop_guard;
    const parts = [
        `Dry run, nothing was sent. ${o.message}.`,
        `Device ${o.online ? 'online' : 'OFFLINE'}; command valid; confirmation ${o.confirmation_required ? 'required' : 'not required'}.`,
        `Loop guard: ${g.allowed ? 'would allow it' : `would refuse it (${g.limit ?? '?'}), retry after ${seconds(g.retry_after_ms ?? 0)}`}; ` +
            `${g.commands_last_min} command(s) in the last minute, ${g.reversals_in_window} reversal(s) in the flap window.`,
    ];
    if (o.lease) {
        const back = o.lease.reverts_to !== undefined ? ` to ${JSON.stringify(o.lease.reverts_to)}` : '';
        parts.push(
            `Lease of ${o.lease.lease_s} s: the device would revert it${back} at about ${o.lease.until}.`,
        );
    }
    if (o.expected_state !== undefined) {
        const from = o.current_state !== undefined ? `${JSON.stringify(o.current_state)} → ` : '';
        parts.push(`Expected state: ${from}${JSON.stringify(o.expected_state)}.`);
    }
    return parts.join(' ');
}

function outcomeResult(o: CommandOutcome, args: CommandArgs): CallToolResult {
    const target = `'${args.actuator}' on '${args.device_id}'`;
    switch (o.outcome) {
        case 'applied':
            return success(
                o,
                `Applied: ${target} is now ${JSON.stringify(o.state)} (acknowledged in ${o.duration_ms} ms).` +
                    leaseText(o) +
                    approvalText(o),
            );
        case 'planned':
            return success(o, planText(o));
        case 'rate_limited':
            return failure(
                `Rate limited: ${o.message}. The command was NOT applied. Wait at least ${seconds(o.retry_after_ms)} ` +
                    `(retry_after_ms ${o.retry_after_ms}, until ${o.retry_at}) before sending a command to ${target} ` +
                    'again, and do not retry in a loop: this actuator is protected against rapid or flapping ' +
                    'commands. If the user wants repeated changes, tell them the limit.',
                o,
            );
        case 'rejected':
            return failure(
                `The device rejected the command (${o.code ?? 'REJECTED'}): ${o.reason}. ${target} stays ` +
                    `${JSON.stringify(o.state)}. Tell the user; do not retry the same command.`,
                o,
            );
        case 'timeout':
            return failure(
                `No acknowledgement from the device within ${o.timeout_ms} ms: the command may or may not have been ` +
                    `applied. Call get_device_info('${args.device_id}') to check the actuator state before retrying.`,
                o,
            );
        case 'offline':
            return failure(
                `Device '${args.device_id}' is offline; the command was NOT sent. Tell the user; retry only after ` +
                    'the device is back online (list_devices shows it).',
                o,
            );
        case 'broker_unavailable':
            return failure(brokerUnavailableText('the command was NOT sent'), o);
        case 'confirmation_required':
            return failure(
                `The actuator '${args.actuator}' requires confirmation by the user, and it was not given. ` +
                    'The command was NOT sent.',
                o,
            );
        case 'invalid':
            return failure(invalidAdvice(o.code, o.message, args), o);
    }
}

function invalidAdvice(code: string, message: string, args: CommandArgs): string {
    if (code === 'UNKNOWN_DEVICE') {
        return `Unknown device '${args.device_id}'. Call list_devices or query_devices to find valid ids. Nothing was sent.`;
    }
    return (
        `Invalid command (${code}): ${message}. Nothing was sent. Call get_device_info('${args.device_id}') to see ` +
        "the actuator's supported actions, value type and range, then retry with valid arguments."
    );
}

function notConfirmed(answer: Exclude<ConfirmationAnswer, 'confirmed'>, args: CommandArgs): CallToolResult {
    const structured = {
        outcome: 'not_confirmed' as const,
        device_id: args.device_id,
        actuator: args.actuator,
        action: args.action,
    };
    if (answer === 'unsupported') {
        return failure(
            `The actuator '${args.actuator}' requires confirmation by the user, but this MCP client cannot ask the ` +
                'user (no elicitation support). The command was NOT sent. Tell the user to use a client that ' +
                'supports elicitation, or ask the operator to start the adapter with --allow-unconfirmed.',
            { ...structured, code: 'CONFIRMATION_UNSUPPORTED' },
        );
    }
    return failure(
        `The user ${answer === 'declined' ? 'declined' : 'cancelled'} the confirmation; the command was NOT sent. ` +
            'Do not retry unless the user asks again.',
        { ...structured, code: answer === 'declined' ? 'DECLINED' : 'CANCELLED' },
    );
}

export function registerControlTool(server: McpServer, ctx: ToolContext): void {
    server.registerTool(
        'control_actuator',
        {
            title: 'Control an actuator',
            description:
                'Send a command to a device actuator (relay, LED, valve, ...) and wait for the device to ' +
                'acknowledge it. The result is the confirmed outcome: applied (with the new state), rejected (with ' +
                "the device's reason), timeout (state unknown — check with get_device_info) or offline (not sent). " +
                "Commands are validated against the device's metadata first (actions, value type, range); some " +
                'actuators need the user to confirm, which the client will ask for. Use get_device_info to learn ' +
                'the valid actions and values. Actuators are protected by a loop guard: a command sent too soon ' +
                'or too often answers rate_limited with retry_after_ms — wait that long, never retry in a loop. ' +
                'Commands to one actuator are handled one at a time, in the order they came. ' +
                'Give a reason; use dry_run to check first, lease_s for a change that must end by itself.',
            inputSchema: {
                device_id: identifier,
                actuator: identifier.describe('actuator id, e.g. relay'),
                action: commandRequest.shape.action.describe(
                    "one of the actuator's supported_actions, e.g. on, off, toggle, set",
                ),
                value: actuatorValue
                    .optional()
                    .describe('value for actions that take one (e.g. set brightness 0..100)'),
                timeout_s: z
                    .number()
                    .min(1)
                    .max(MAX_ANSWER_TIMEOUT_MS / 1000)
                    .optional()
                    .describe(
                        "how long to wait for the device (default: the actuator's response time + 5 s)",
                    ),
                lease_s: commandRequest.shape.lease_s.describe(
                    'lease in seconds ("on for 15 minutes"): the device itself reverts the actuator when it ends, ' +
                        'even if nothing else runs; only actuators whose metadata has max_lease_s, at most that',
                ),
                dry_run: z
                    .boolean()
                    .optional()
                    .describe(
                        'true: send nothing, return the plan (online, valid, confirmation needed, loop guard, ' +
                            'lease, expected state)',
                    ),
                reason: commandRequest.shape.reason.describe(
                    'why you send this command, in one sentence (kept in the command ledger: get_command_log)',
                ),
            },
            outputSchema: commandOutput,
            annotations: {
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: false,
                openWorldHint: true,
            },
        },
        async (args, extra) => {
            const run = () =>
                runCommand(
                    server,
                    ctx,
                    args,
                    extra.requestId,
                    extra.signal,
                    clientOf(server, extra.sessionId),
                );
            // A dry run sends nothing and asks no one: it need not wait its turn.
            return args.dry_run ? run() : ctx.actuators.run(args.device_id, args.actuator, extra.signal, run);
        },
    );
}

/** The MCP client as it introduced itself (recorded in the registry's ledger, never used for access). */
function clientOf(server: McpServer, sessionId: string | undefined): CommandClient {
    const info = server.server.getClientVersion();
    const clip = (s: string) => s.slice(0, ORIGIN_FIELD_MAX);
    return {
        name: clip(info?.name || 'unknown'),
        ...(info?.version ? { version: clip(info.version) } : {}),
        ...(sessionId ? { session_id: clip(sessionId) } : {}),
    };
}

async function runCommand(
    server: McpServer,
    ctx: ToolContext,
    args: CommandArgs,
    requestId: RequestId,
    signal: AbortSignal,
    client: CommandClient,
): Promise<CallToolResult> {
    const timeoutMs = args.timeout_s !== undefined ? Math.round(args.timeout_s * 1000) : undefined;
    const send = (confirmation?: string, approveScope?: ApprovalScopeRequest) =>
        ctx.registry.sendCommand(
            args.device_id,
            args.actuator,
            {
                action: args.action,
                value: args.value,
                timeout_ms: timeoutMs,
                lease_s: args.lease_s,
                dry_run: args.dry_run,
                reason: args.reason,
                client,
                ...(confirmation ? { confirmation } : {}),
                ...(approveScope ? { approve_scope: approveScope } : {}),
            },
            // The registry caps its wait; the HTTP request must outlive it.
            { signal, timeoutMs: (timeoutMs ?? MAX_ANSWER_TIMEOUT_MS) + HTTP_SLACK_MS },
        );
    const ctxErr = { deviceId: args.device_id, actuator: args.actuator };
    try {
        const first = await send();
        if (first.outcome !== 'confirmation_required') return outcomeResult(first, args);
        const { answer, scope } = await askUserToConfirm(
            server,
            {
                deviceId: args.device_id,
                actuator: args.actuator,
                action: args.action,
                value: args.value,
                reason: first.message,
            },
            { requestId, signal },
        );
        if (answer === 'unsupported' && ctx.allowUnconfirmed) {
            ctx.logger.warn(
                `sending ${args.action} to ${args.device_id}/${args.actuator} without confirmation (--allow-unconfirmed)`,
            );
        } else if (answer !== 'confirmed') {
            return notConfirmed(answer, args);
        }
        return outcomeResult(await send(first.ticket, scope), args);
    } catch (e) {
        return registryFailure(e, ctxErr);
    }
}
