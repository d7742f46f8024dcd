/** mcpb-chat as a child process: its output, its stdin, and waiting for what it prints. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor } from '../support/services';

export const REPO_ROOT = path.resolve(__dirname, '../..');
/** The bin npm links for the adapter package (built JavaScript). */
export const CHAT_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'mcpb-chat');
/** The same CLI from source (no build needed). */
const FROM_SOURCE = [process.execPath, '-r', 'tsx/cjs', 'mcp-adapter/src/chat/cli.ts'];

export interface ChatProcess {
    stdout(): string;
    stderr(): string;
    /** Writes one line to the chat's stdin. */
    type(line: string): void;
    endInput(): void;
    /** Waits until stderr (prompts, questions, tool activity) matches. */
    waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
    exited: Promise<number | null>;
    stop(): Promise<void>;
}

export function startChat(
    args: string[],
    options: { bin?: boolean; env?: Record<string, string> } = {},
): ChatProcess {
    // Only what the test passes: no key or model from the developer's environment.
    const inherited = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'MCPB_CHAT_MODEL', 'MCP_BRIDGE_TOKEN'];
    const env: NodeJS.ProcessEnv = {
        ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !inherited.includes(name))),
        ...options.env,
    };
    const [command, ...prefix] = options.bin ? [CHAT_BIN] : FROM_SOURCE;
    const child = spawn(command as string, [...prefix, ...args], {
        cwd: REPO_ROOT,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
        stdout: () => out,
        stderr: () => err,
        type: (line) => void child.stdin.write(`${line}\n`),
        endInput: () => child.stdin.end(),
        waitForStderr: (pattern, timeoutMs = 20000) =>
            waitFor(
                `mcpb-chat to print ${pattern}`,
                async () => {
                    if (pattern.test(err)) return true;
                    if (child.exitCode !== null)
                        throw new Error(`mcpb-chat exited ${child.exitCode}:\n${out}\n${err}`);
                    return false;
                },
                timeoutMs,
            ),
        exited,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
        },
    };
}

/** Runs to the end with no input and resolves with the exit code and output. */
export async function runChatToEnd(
    args: string[],
    options: { bin?: boolean; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const chat = startChat(args, options);
    chat.endInput();
    const code = await chat.exited;
    return { code, stdout: chat.stdout(), stderr: chat.stderr() };
}
