/** startAdapter(): wires the registry client, the subscription hub and a transport. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { ActuatorQueue } from './actuator-queue';
import { startHttpServer } from './http-server';
import { stderrLogger } from './logger';
import {
    checkHttpExposure,
    checkSessionLimits,
    DEFAULT_HOST,
    DEFAULT_MAX_SESSIONS,
    DEFAULT_PORT,
    DEFAULT_SESSION_IDLE_TIMEOUT_S,
    DEFAULT_TIMEOUT_MS,
    isLoopbackHost,
    type AdapterOptions,
} from './options';
import { PolicyAuthenticator } from './policy/http-auth';
import { FleetClient } from './fleet-client';
import { RegistryClient, redactUrl, type RegistryClientOptions } from './registry-client';
import type { SessionCounts } from './session-pool';
import { createSessionServer } from './session-server';
import { SubscriptionHub } from './subscriptions';
import type { ToolContext } from './tool-context';

export interface RunningAdapter {
    /** The Streamable HTTP endpoint (HTTP mode only). */
    url?: string;
    /** HTTP mode only: open MCP sessions and how many are idle (no request, no open stream). */
    sessions?(): SessionCounts;
    close(): Promise<void>;
}

const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

export async function startAdapter(options: AdapterOptions): Promise<RunningAdapter> {
    const logger = options.logger ?? stderrLogger();
    const host = options.host ?? DEFAULT_HOST;
    const sessionIdleTimeoutMs = options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_S * 1000;
    const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    if (options.policy && !options.http)
        throw new Error('A policy applies to Streamable HTTP clients (their bearer tokens): add --http');
    if (options.policy && options.token)
        throw new Error('Give either a policy (a token per client) or --token (one shared token), not both');
    if (options.http) {
        checkHttpExposure(host, options.token ?? (options.policy ? 'policy' : undefined));
        checkSessionLimits(sessionIdleTimeoutMs, maxSessions);
    }
    const targets = options.registries?.length
        ? options.registries
        : [{ url: options.registryUrl, id: options.registryId, token: options.registryToken }];
    const perRegistry: RegistryClientOptions[] = targets.map((t) => {
        new URL(t.url); // throws a clear TypeError on a malformed URL before anything starts
        return {
            baseUrl: t.url,
            registryId: t.id ?? 'default',
            token: t.token,
            timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            logger,
        };
    });
    const registryOptions = perRegistry[0];
    if (perRegistry.length > 1 && options.policy)
        throw new Error('A policy applies to one registry: give one --registry-url with --policy');
    const registry =
        perRegistry.length > 1 ? new FleetClient(perRegistry) : new RegistryClient(registryOptions);
    const ctx: ToolContext = {
        registry,
        logger,
        allowUnconfirmed: options.allowUnconfirmed ?? false,
        actuators: new ActuatorQueue(),
    };
    const hub = new SubscriptionHub(registry, logger);
    const readOnly = options.readOnly ?? false;
    for (const t of perRegistry) {
        logger.info(
            `registry ${redactUrl(t.baseUrl)} (id ${t.registryId}${t.token ? ', with token' : ''})` +
                `${readOnly ? ', read-only: no tools that send to devices' : ''}`,
        );
    }
    if (perRegistry.length > 1) logger.info(`one fleet over ${perRegistry.length} registries`);

    if (!options.http) {
        const { server, dispose } = createSessionServer(ctx, hub, readOnly);
        await server.connect(new StdioServerTransport());
        logger.info('serving MCP on stdio');
        return {
            async close() {
                dispose();
                hub.close();
                await server.close();
            },
        };
    }

    const policy = options.policy ? new PolicyAuthenticator(options.policy) : undefined;
    if (policy) {
        logger.info(
            `policy: ${policy.clientNames.length} MCP clients (${policy.clientNames.join(', ')}), each with its own token and scope`,
        );
    }
    const loopback = isLoopbackHost(host);
    const http = await startHttpServer({
        host,
        port: options.port ?? DEFAULT_PORT,
        guard: {
            // Off loopback the Host can be any name of this machine; the required token protects it.
            allowedHostnames: loopback ? LOOPBACK_HOSTNAMES : undefined,
            allowedOrigins: options.allowedOrigins ?? [],
            token: options.token,
        },
        sessionIdleTimeoutMs,
        maxSessions,
        identify: policy ? (req) => policy.identify(req) : undefined,
        createSession: (client) =>
            client && policy
                ? createSessionServer(policy.contextFor(ctx, registryOptions, client), hub, readOnly, client)
                : createSessionServer(ctx, hub, readOnly),
        logger,
    });
    logger.info(
        `serving MCP on Streamable HTTP at ${http.url} (at most ${maxSessions} sessions, ` +
            `${sessionIdleTimeoutMs > 0 ? `idle ones closed after ${sessionIdleTimeoutMs / 1000} s` : 'no idle expiry'})`,
    );
    if (!loopback)
        logger.warn(`listening on non-loopback address ${host}: bearer token required on every request`);
    else if (options.token || policy) logger.info('bearer token required on every request');
    return {
        url: http.url,
        sessions: () => http.sessions(),
        async close() {
            hub.close();
            await http.close();
        },
    };
}
