/**
 * Helpers for the adapter tests: a real SDK Client over stdio (the adapter CLI
 * as a child process) or Streamable HTTP, and text/structured accessors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { waitFor } from '../support/services';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CLI = ['-r', 'tsx/cjs', 'mcp-adapter/src/cli.ts'];

export interface StdioSession {
    client: Client;
    transport: StdioClientTransport;
    stderr(): string;
    close(): Promise<void>;
}

export async function connectStdio(
    args: string[],
    capabilities: ClientCapabilities = {},
): Promise<StdioSession> {
    const transport = new StdioClientTransport({
        command: process.execPath,
        args: [...CLI, ...args],
        cwd: REPO_ROOT,
        env: { ...process.env } as Record<string, string>,
        stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'adapter-test', version: '1.0.0' }, { capabilities });
    await client.connect(transport);
    return { client, transport, stderr: () => stderr, close: () => client.close() };
}

export async function connectHttp(
    url: string,
    options: { token?: string; capabilities?: ClientCapabilities } = {},
): Promise<Client> {
    const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
    const client = new Client(
        { name: 'adapter-test', version: '1.0.0' },
        { capabilities: options.capabilities ?? {} },
    );
    await client.connect(transport);
    return client;
}

/** The adapter CLI as a plain child process (for start-up and stderr checks). */
export interface CliProcess {
    child: ChildProcess;
    /** Writes one line to the child's stdin. */
    send(message: object): void;
    endInput(): void;
    stdout(): string;
    stderr(): string;
    exited: Promise<number | null>;
    stop(): Promise<void>;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliProcess {
    const child = spawn(process.execPath, [...CLI, ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return {
        child,
        send: (message) => child.stdin?.write(`${JSON.stringify(message)}\n`),
        endInput: () => child.stdin?.end(),
        stdout: () => out,
        stderr: () => err,
        exited,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            await exited;
        },
    };
}

/** Starts the CLI in HTTP mode on a free port and returns its endpoint from the `MCP endpoint:` line. */
export async function startHttpCli(
    args: string[],
    env: Record<string, string> = {},
): Promise<CliProcess & { url: string }> {
    const cli = runCli(['--http', '--port', '0', ...args], env);
    let url = '';
    await waitFor(
        'the adapter to print its endpoint',
        async () => {
            if (cli.child.exitCode !== null) throw new Error(`adapter exited: ${cli.stderr()}`);
            url = /MCP endpoint: (\S+)/.exec(cli.stderr())?.[1] ?? '';
            return url !== '';
        },
        20000,
    );
    return { ...cli, url };
}

/** The HTTP endpoint of an adapter started with http: true. */
export function endpoint(adapter: { url?: string }): string {
    if (!adapter.url) throw new Error('the adapter was not started in HTTP mode');
    return adapter.url;
}

export function text(result: unknown): string {
    return (result as CallToolResult).content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

export function structured<T = Record<string, unknown>>(result: unknown): T {
    return (result as CallToolResult).structuredContent as T;
}

export function callResult(result: unknown): CallToolResult {
    return result as CallToolResult;
}
