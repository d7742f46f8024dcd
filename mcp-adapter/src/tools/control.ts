/** control_actuator: validated by the registry, confirmed by the user when required, acknowledged by the device. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { askUserToConfirm, type ConfirmationAnswer } from '../confirmation';
import {
    HTTP_SLACK_MS,
    MAX_ANSWER_TIMEOUT_MS,
    actuatorValue,
    commandRequest,
    identifier,
    type ActuatorValue,
    type CommandOutcome,
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
}

function outcomeResult(o: CommandOutcome, args: CommandArgs): CallToolResult {
    const target = `'${args.actuator}' on '${args.device_id}'`;
    switch (o.outcome) {
        case 'applied':
            return success(
                o,
                `Applied: ${target} is now ${JSON.stringify(o.state)} (acknowledged in ${o.duration_ms} ms).`,
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
                'the valid actions and values.',
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
            },
            outputSchema: commandOutput,
            annotations: {
                readOnlyHint: false,
                destructiveHint: true,
                idempotentHint: false,
                openWorldHint: true,
            },
        },
        async (args, extra) => runCommand(server, ctx, args, extra.requestId, extra.signal),
    );
}

async function runCommand(
    server: McpServer,
    ctx: ToolContext,
    args: CommandArgs,
    requestId: RequestId,
    signal: AbortSignal,
): Promise<CallToolResult> {
    const timeoutMs = args.timeout_s !== undefined ? Math.round(args.timeout_s * 1000) : undefined;
    const send = (confirmation?: string) =>
        ctx.registry.sendCommand(
            args.device_id,
            args.actuator,
            {
                action: args.action,
                value: args.value,
                timeout_ms: timeoutMs,
                ...(confirmation ? { confirmation } : {}),
            },
            // The registry caps its wait; the HTTP request must outlive it.
            { signal, timeoutMs: (timeoutMs ?? MAX_ANSWER_TIMEOUT_MS) + HTTP_SLACK_MS },
        );
    const ctxErr = { deviceId: args.device_id, actuator: args.actuator };
    try {
        const first = await send();
        if (first.outcome !== 'confirmation_required') return outcomeResult(first, args);
        const answer = await askUserToConfirm(
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
        return outcomeResult(await send(first.ticket), args);
    } catch (e) {
        return registryFailure(e, ctxErr);
    }
}
