/**
 * Asks the user (not the model) to confirm a command through MCP elicitation
 * (form mode). The registry decides which commands need it: it answers
 * CONFIRMATION_REQUIRED before publishing anything.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

export type ConfirmationAnswer = 'confirmed' | 'declined' | 'cancelled' | 'unsupported';

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
): Promise<ConfirmationAnswer> {
    if (!canElicit(server)) return 'unsupported';
    const value = request.value === undefined ? '' : ` with value ${JSON.stringify(request.value)}`;
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
                },
                required: ['confirm'],
            },
        },
        { relatedRequestId: related.requestId, signal: related.signal },
    );
    if (result.action === 'accept') return result.content?.confirm === true ? 'confirmed' : 'declined';
    return result.action === 'decline' ? 'declined' : 'cancelled';
}
