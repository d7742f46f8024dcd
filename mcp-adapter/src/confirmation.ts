/**
 * Asks the user (not the model) to confirm a command through MCP elicitation
 * (form mode). The registry decides which commands need it: it answers
 * CONFIRMATION_REQUIRED before publishing anything.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { APPROVAL_MINUTES_MAX, type ApprovalScopeRequest } from '@mcp-mqtt-bridge/protocol';

export type ConfirmationAnswer = 'confirmed' | 'declined' | 'cancelled' | 'unsupported';

/** The user's answer, with the scope they approved for later commands (when they chose one). */
export interface Confirmation {
    answer: ConfirmationAnswer;
    scope?: ApprovalScopeRequest;
}

export interface ConfirmationRequest {
    deviceId: string;
    actuator: string;
    action: string;
    value: unknown;
    reason: string;
}

export function canElicit(server: McpServer): boolean {
    return server.server.getClientCapabilities()?.elicitation?.form !== undefined;
}

export async function askUserToConfirm(
    server: McpServer,
    request: ConfirmationRequest,
    related: { requestId: RequestId; signal: AbortSignal },
): Promise<Confirmation> {
    if (!canElicit(server)) return { answer: 'unsupported' };
    const value = request.value === undefined ? '' : ` with value ${JSON.stringify(request.value)}`;
    const numeric = typeof request.value === 'number';
    const result = await server.server.elicitInput(
        {
            mode: 'form',
            message:
                `Confirm: ${request.action} on actuator '${request.actuator}' of device '${request.deviceId}'${value}. ` +
                `This actuator requires confirmation (${request.reason}).`,
            requestedSchema: {
                type: 'object',
                properties: {
                    confirm: {
                        type: 'boolean',
                        title: 'Send this command to the device',
                        default: false,
                    },
                    approve_minutes: {
                        type: 'integer',
                        title: `Also approve further "${request.action}" commands to '${request.actuator}' for this many minutes`,
                        description:
                            '0: ask again next time. The bridge operator may allow fewer minutes; approvals can be revoked.',
                        minimum: 0,
                        maximum: APPROVAL_MINUTES_MAX,
                        default: 0,
                    },
                    ...(numeric
                        ? {
                              range_min: { type: 'number', title: 'Approved values from (optional)' },
                              range_max: { type: 'number', title: 'Approved values up to (optional)' },
                          }
                        : {}),
                },
                required: ['confirm'],
            },
        },
        { relatedRequestId: related.requestId, signal: related.signal },
    );
    if (result.action !== 'accept') return { answer: result.action === 'decline' ? 'declined' : 'cancelled' };
    const content = result.content ?? {};
    if (content.confirm !== true) return { answer: 'declined' };
    const minutes = content.approve_minutes;
    if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1)
        return { answer: 'confirmed' };
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const min = num(content.range_min);
    const max = num(content.range_max);
    return {
        answer: 'confirmed',
        scope: {
            minutes: Math.min(minutes, APPROVAL_MINUTES_MAX),
            ...(min !== undefined ? { min } : {}),
            ...(max !== undefined ? { max } : {}),
        },
    };
}
