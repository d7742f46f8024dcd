/**
 * The MCP side of mcpb-chat: an SDK client connected to the adapter over
 * Streamable HTTP (`--mcp-url`) or stdio (`--mcp-stdio "<command>"`), which
 * declares form elicitation so the adapter can ask the user to confirm a
 * command, and turns connection failures into messages that say what to do.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
    ElicitRequestSchema,
    type CallToolResult,
    type ElicitRequestFormParams,
    type ElicitResult,
    type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { ADAPTER_VERSION } from '../version';
import { rootCause } from './llm-errors';

export type McpTarget = { url: string; token?: string } | { stdioCommand: string };

/** Answers an elicitation (form mode) from the adapter, e.g. by asking in the terminal. */
export type ElicitationHandler = (params: ElicitRequestFormParams) => Promise<ElicitResult>;

export interface McpConnection {
    /** Where it is connected, for messages (never contains a token). */
    describe: string;
    tools: Tool[];
    callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
    close(): Promise<void>;
}

/** A connection error with a message for the user. */
export class McpUnreachableError extends Error {}

function transportFor(target: McpTarget): { transport: Transport; describe: string; stderr?: () => string } {
    if ('url' in target) {
        const url = new URL(target.url);
        const headers: Record<string, string> = target.token
            ? { authorization: `Bearer ${target.token}` }
            : {};
        const shown = `${url.protocol}//${url.host}${url.pathname}`;
        return {
            transport: new StreamableHTTPClientTransport(url, { requestInit: { headers } }),
            describe: shown,
        };
    }
    // The command line is one string, as users type it: the shell splits it.
    const transport = new StdioClientTransport({
        command: '/bin/sh',
        args: ['-c', target.stdioCommand],
        env: { ...process.env } as Record<string, string>,
        stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-4000);
    });
    return { transport, describe: `stdio: ${target.stdioCommand}`, stderr: () => stderr };
}

export async function connectMcp(target: McpTarget, onElicit: ElicitationHandler): Promise<McpConnection> {
    const { transport, describe, stderr } = transportFor(target);
    const client = new Client(
        { name: 'mcpb-chat', version: ADAPTER_VERSION },
        { capabilities: { elicitation: { form: {} } } },
    );
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
        const params = request.params;
        if (params.mode === 'url') return { action: 'decline' };
        return onElicit(params as ElicitRequestFormParams);
    });
    try {
        await client.connect(transport);
    } catch (e) {
        await client.close().catch(() => undefined);
        const hint =
            'url' in target
                ? 'Is the MCP adapter running there? (`npm start` prints "MCP endpoint: …"; ' +
                  '`mcp-mqtt-bridge-adapter --http` serves http://127.0.0.1:3917/mcp)'
                : `The command must start the adapter on stdio.${stderr?.() ? ` Its stderr:\n${stderr().trim()}` : ''}`;
        throw new McpUnreachableError(
            `Cannot reach the MCP adapter at ${describe}: ${rootCause(e)}. ${hint}`,
            {
                cause: e,
            },
        );
    }
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
        const page = await client.listTools(cursor ? { cursor } : undefined);
        tools.push(...page.tools);
        cursor = page.nextCursor;
    } while (cursor);
    return {
        describe,
        tools,
        async callTool(name, args) {
            return (await client.callTool({ name, arguments: args })) as CallToolResult;
        },
        close: () => client.close(),
    };
}
