#!/usr/bin/env node
/** Command line: mcp-mqtt-bridge-adapter --registry-url http://127.0.0.1:1880/ [--http ...] */
import { Command, InvalidArgumentError } from 'commander';
import { startAdapter } from './adapter';
import { formatClientConfigs } from './client-config';
import { stderrLogger } from './logger';
import { loadPolicy } from './policy/policy';
import {
    DEFAULT_HOST,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_PORT,
    DEFAULT_SESSION_IDLE_TIMEOUT_S,
    DEFAULT_TIMEOUT_MS,
    registryTargets,
} from './options';
import { ADAPTER_VERSION } from './version';

const collect = (v: string, all: string[]) => [...all, v];

function integer(min: number, max: number) {
    return (value: string): number => {
        const n = Number(value);
        if (!Number.isInteger(n) || n < min || n > max)
            throw new InvalidArgumentError(`expected an integer ${min}..${max}`);
        return n;
    };
}

interface CliFlags {
    registryUrl: string[];
    registryId: string[];
    registryToken: string[];
    http?: boolean;
    port: number;
    host: string;
    token?: string;
    allowedOrigin: string[];
    policy?: string;
    readOnly?: boolean;
    allowUnconfirmed?: boolean;
    timeout: number;
    sessionIdleTimeout: number;
    maxSessions: number;
    printConfig?: boolean;
    verbose?: boolean;
}

function program(): Command {
    return new Command('mcp-mqtt-bridge-adapter')
        .description('MCP server for the MCP-MQTT Bridge device registry (Node-RED node pack)')
        .version(ADAPTER_VERSION)
        .option(
            '--registry-url <url>',
            'Node-RED admin URL serving the registry API (env MCP_BRIDGE_REGISTRY_URL); repeat for one ' +
                'fleet over several instances (docs/scale-out.md)',
            collect,
            [],
        )
        .option(
            '--registry-id <id>',
            'registry node id (env MCP_BRIDGE_REGISTRY_ID; default "default"); one per --registry-url, or one for all',
            collect,
            [],
        )
        .option(
            '--registry-token <token>',
            'Node-RED adminAuth bearer token (prefer env MCP_BRIDGE_REGISTRY_TOKEN); one per --registry-url, or one for all',
            collect,
            [],
        )
        .option('--http', 'serve Streamable HTTP instead of stdio')
        .option('--port <port>', 'HTTP port', integer(0, 65535), DEFAULT_PORT)
        .option('--host <host>', 'HTTP bind address; non-loopback requires --token', DEFAULT_HOST)
        .option('--token <token>', 'bearer token HTTP clients must send (prefer env MCP_BRIDGE_TOKEN)')
        .option(
            '--allowed-origin <origin>',
            'extra browser origin allowed (repeatable)',
            (v: string, all: string[]) => [...all, v],
            [],
        )
        .option(
            '--policy <file>',
            'HTTP: access policy (JSON): a bearer token and a scope per MCP client (docs/policy.md)',
        )
        .option('--read-only', 'register no tool that sends to devices (commands, config, diagnostics)')
        .option(
            '--allow-unconfirmed',
            'send commands that need confirmation when the client cannot ask the user',
        )
        .option('--timeout <ms>', 'registry request timeout in ms', integer(100, 120000), DEFAULT_TIMEOUT_MS)
        .option(
            '--session-idle-timeout <seconds>',
            'HTTP: close a session without requests or open streams after this long (0 = never)',
            integer(0, 7 * 24 * 3600),
            DEFAULT_SESSION_IDLE_TIMEOUT_S,
        )
        .option(
            '--max-sessions <n>',
            'HTTP: open sessions at most; a new one evicts the least recently used idle session',
            integer(1, 100000),
            DEFAULT_MAX_SESSIONS,
        )
        .option('--print-config', 'print Claude Desktop / VS Code stdio configuration and exit')
        .option('--verbose', 'debug logging (stderr): one line per registry request');
}

async function main(): Promise<void> {
    const flags = program().parse().opts<CliFlags>();
    const env = process.env;
    const urls = flags.registryUrl.length
        ? flags.registryUrl
        : [env.MCP_BRIDGE_REGISTRY_URL ?? 'http://127.0.0.1:1880/'];
    const ids = flags.registryId.length ? flags.registryId : [env.MCP_BRIDGE_REGISTRY_ID ?? 'default'];
    const tokens = flags.registryToken.length
        ? flags.registryToken
        : env.MCP_BRIDGE_REGISTRY_TOKEN
          ? [env.MCP_BRIDGE_REGISTRY_TOKEN]
          : [];
    const registries = registryTargets(urls, ids, tokens);
    const [first] = registries;
    if (flags.printConfig) {
        process.stdout.write(
            `${formatClientConfigs({ registryUrl: first.url, registryId: first.id ?? 'default', readOnly: flags.readOnly })}\n`,
        );
        return;
    }
    const logger = stderrLogger(flags.verbose ? 'debug' : 'info');
    const adapter = await startAdapter({
        registryUrl: first.url,
        registryId: first.id,
        registryToken: first.token,
        registries,
        http: flags.http,
        port: flags.port,
        host: flags.host,
        // A policy gives every client its own token: the shared one (flag or env) does not apply.
        token: flags.policy ? flags.token : (flags.token ?? process.env.MCP_BRIDGE_TOKEN),
        policy: flags.policy ? loadPolicy(flags.policy) : undefined,
        allowedOrigins: flags.allowedOrigin,
        readOnly: flags.readOnly,
        allowUnconfirmed: flags.allowUnconfirmed,
        timeoutMs: flags.timeout,
        sessionIdleTimeoutMs: flags.sessionIdleTimeout * 1000,
        maxSessions: flags.maxSessions,
        logger,
    });
    if (adapter.url) process.stderr.write(`MCP endpoint: ${adapter.url}\n`);
    const shutdown = () => {
        adapter.close().then(
            () => process.exit(0),
            () => process.exit(1),
        );
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    // stdio: the client closing stdin ends the session.
    if (!flags.http) process.stdin.once('end', shutdown);
}

main().catch((e: unknown) => {
    process.stderr.write(`mcp-mqtt-bridge-adapter: ${(e as Error).message}\n`);
    process.exit(1);
});
