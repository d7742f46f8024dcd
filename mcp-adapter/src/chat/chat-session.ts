/**
 * One mcpb-chat run: connects to the adapter, offers its tools to the model,
 * then answers one --prompt or reads questions and /commands until end of
 * input. Resolves with the process exit code.
 */
import OpenAI from 'openai';
import { terminalElicitation } from './confirmation-prompt';
import { Conversation } from './conversation';
import { describeLlmError } from './llm-errors';
import { connectMcp, McpUnreachableError, type McpConnection } from './mcp-connection';
import type { ChatOptions } from './options';
import type { Output } from './redactor';
import { helpText, isSlashCommand, runSlashCommand, type SlashContext } from './slash-commands';
import { Terminal } from './terminal';
import { toOpenAiTools } from './tool-schema';

/** Placeholder for servers without authentication (the SDK wants some key). */
const NO_KEY = 'no-key';

export async function runChat(
    options: ChatOptions,
    output: Output,
    input?: NodeJS.ReadableStream,
): Promise<number> {
    const terminal = new Terminal(output, input);
    let mcp: McpConnection;
    try {
        mcp = await connectMcp(options.mcp, terminalElicitation(terminal, output));
    } catch (e) {
        output.err(`mcpb-chat: ${e instanceof McpUnreachableError ? e.message : (e as Error).message}\n`);
        terminal.close();
        return 1;
    }
    const llm = new OpenAI({
        apiKey: options.apiKey ?? NO_KEY,
        baseURL: options.llmBaseUrl,
        maxRetries: options.maxRetries,
        timeout: options.timeoutMs,
    });
    const conversation = new Conversation({
        llm,
        model: options.model,
        tools: toOpenAiTools(mcp.tools),
        callTool: (name, args) => mcp.callTool(name, args),
        output,
        maxRounds: options.maxRounds,
    });
    const slash: SlashContext = {
        callTool: (name, args) => mcp.callTool(name, args),
        toolNames: mcp.tools.map((t) => t.name),
        output,
        resetConversation: () => conversation.reset(),
    };
    const llmContext = { baseUrl: options.llmBaseUrl, model: options.model };

    /** One line of input; false when the user asked to quit. Failures are reported, not thrown. */
    const handle = async (line: string, signal?: AbortSignal): Promise<{ quit: boolean; ok: boolean }> => {
        try {
            if (isSlashCommand(line)) {
                const outcome = await runSlashCommand(line, slash);
                return { quit: outcome === 'quit', ok: outcome !== 'unknown' };
            }
            await conversation.ask(line, signal);
            return { quit: false, ok: true };
        } catch (e) {
            if (signal?.aborted) {
                output.err('\n(stopped)\n');
                return { quit: false, ok: false };
            }
            output.err(`\nmcpb-chat: ${describeLlmError(e, llmContext)}\n`);
            return { quit: false, ok: false };
        }
    };

    try {
        if (options.prompt !== undefined) return (await handle(options.prompt)).ok ? 0 : 1;

        output.err(
            `mcpb-chat: ${options.model} at ${options.llmBaseUrl}, ${mcp.tools.length} tools from ${mcp.describe}\n` +
                helpText(),
        );
        let current: AbortController | undefined;
        const onSigint = () => {
            if (current) current.abort();
            else terminal.close();
        };
        process.on('SIGINT', onSigint);
        try {
            for (;;) {
                const line = await terminal.readLine('\nyou> ');
                if (line === undefined) break;
                if (line.trim() === '') continue;
                current = new AbortController();
                const { quit } = await handle(line, current.signal);
                current = undefined;
                if (quit) break;
            }
        } finally {
            process.off('SIGINT', onSigint);
        }
        return 0;
    } finally {
        terminal.close();
        await mcp.close().catch(() => undefined);
    }
}
