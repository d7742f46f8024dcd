/** mcpb-chat's command line. */
import { Command, InvalidArgumentError } from 'commander';
import { ADAPTER_VERSION } from '../version';
import type { McpTarget } from './mcp-connection';

export const DEFAULT_LLM_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MCP_URL = 'http://127.0.0.1:3917/mcp';

export interface ChatOptions {
    llmBaseUrl: string;
    model: string;
    /** Undefined for servers that need none (Ollama, llama.cpp, …). */
    apiKey?: string;
    mcp: McpTarget;
    prompt?: string;
    maxRounds: number;
    maxRetries: number;
    timeoutMs: number;
}

/** A mistake on the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

function integer(min: number, max: number) {
    return (value: string): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min || n > max)
            throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
        return n;
    };
}

function httpUrl(value: string): string {
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new InvalidArgumentError(`not a URL: ${value}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new InvalidArgumentError('expected http(s)://');
    return value;
}

interface Flags {
    llmBaseUrl: string;
    model?: string;
    apiKey?: string;
    mcpUrl?: string;
    mcpStdio?: string;
    mcpToken?: string;
    prompt?: string;
    maxRounds: number;
    maxRetries: number;
    timeout: number;
}

export function chatProgram(): Command {
    return new Command('mcpb-chat')
        .description(
            'Talk to your devices: an OpenAI-compatible model with the MCP-MQTT Bridge adapter as its tools',
        )
        .version(ADAPTER_VERSION)
        .option(
            '--llm-base-url <url>',
            'chat-completions API root (env OPENAI_BASE_URL); e.g. http://127.0.0.1:11434/v1 for Ollama',
            httpUrl,
            process.env.OPENAI_BASE_URL ?? DEFAULT_LLM_BASE_URL,
        )
        .option('--model <name>', 'model name, e.g. gpt-4o-mini or llama3.1 (env MCPB_CHAT_MODEL)')
        .option('--api-key <key>', 'API key (default: env OPENAI_API_KEY; prefer the env var)')
        .option(
            '--mcp-url <url>',
            `MCP adapter Streamable HTTP endpoint (default ${DEFAULT_MCP_URL})`,
            httpUrl,
        )
        .option('--mcp-stdio <command>', 'start the MCP adapter with this command and talk to it over stdio')
        .option('--mcp-token <token>', 'bearer token for --mcp-url (default: env MCP_BRIDGE_TOKEN)')
        .option('--prompt <text>', 'ask one question (or run one /command), print the answer and exit')
        .option('--max-rounds <n>', 'model turns per question at most', integer(1, 50), 8)
        .option('--max-retries <n>', 'retries of a failed API request (429, 5xx, network)', integer(0, 10), 2)
        .option('--timeout <ms>', 'timeout of one API request', integer(1000, 3600000), 120000)
        .addHelpText(
            'after',
            `
Examples:
  OPENAI_API_KEY=... mcpb-chat --model gpt-4o-mini
  mcpb-chat --llm-base-url http://127.0.0.1:11434/v1 --model llama3.1 --prompt "Which devices are online?"
  mcpb-chat --model m --mcp-stdio "mcp-mqtt-bridge-adapter --registry-url http://127.0.0.1:1880/"`,
        );
}

export function parseChatOptions(
    argv: string[] = process.argv,
    env: NodeJS.ProcessEnv = process.env,
): ChatOptions {
    const flags = chatProgram().parse(argv).opts<Flags>();
    // `--prompt /devices` (a slash command) calls the adapter only: no model needed.
    const slashOnly = flags.prompt !== undefined && flags.prompt.trimStart().startsWith('/');
    const model = flags.model ?? env.MCPB_CHAT_MODEL ?? '';
    if (!model && !slashOnly) throw new UsageError('--model is required (or set MCPB_CHAT_MODEL)');
    if (flags.mcpUrl && flags.mcpStdio) throw new UsageError('give --mcp-url or --mcp-stdio, not both');
    const apiKey = flags.apiKey ?? env.OPENAI_API_KEY;
    if (!apiKey && !slashOnly && new URL(flags.llmBaseUrl).hostname === 'api.openai.com')
        throw new UsageError('no API key: set OPENAI_API_KEY (or pass --api-key)');
    const mcp: McpTarget = flags.mcpStdio
        ? { stdioCommand: flags.mcpStdio }
        : { url: flags.mcpUrl ?? DEFAULT_MCP_URL, token: flags.mcpToken ?? env.MCP_BRIDGE_TOKEN };
    return {
        llmBaseUrl: flags.llmBaseUrl,
        model,
        apiKey: apiKey || undefined,
        mcp,
        prompt: flags.prompt,
        maxRounds: flags.maxRounds,
        maxRetries: flags.maxRetries,
        timeoutMs: flags.timeout,
    };
}
