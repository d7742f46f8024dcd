/**
 * Streamable HTTP endpoint (POST/GET/DELETE /mcp) with one transport and
 * McpServer per session, behind the Host/Origin/token guard. Session
 * lifetime (idle expiry, the session cap) is the SessionPool's job.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { checkRequest, type GuardOptions } from './http-guard';
import type { Logger } from './logger';
import { MCP_PATH } from './options';
import type { Identity } from './policy/http-auth';
import type { ClientScope } from './policy/scope';
import { redactRequestTarget } from './redact';
import { SessionPool, sessionLabel, type SessionCounts } from './session-pool';
import type { SessionServer } from './session-server';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface HttpServerOptions {
    host: string;
    port: number;
    guard: GuardOptions;
    /** Close a session without requests or open streams for this long; 0 = never. */
    sessionIdleTimeoutMs: number;
    /** Open sessions at most; beyond, the least recently used idle one is evicted. */
    maxSessions: number;
    /** Policy mode: which MCP client sends the request (or why it is refused). */
    identify?(req: IncomingMessage): Identity;
    /** `client` is the policy client of the session (policy mode only). */
    createSession(client?: ClientScope): SessionServer;
    logger: Logger;
}

export interface RunningHttpServer {
    url: string;
    sessions(): SessionCounts;
    close(): Promise<void>;
}

function sendJson(
    res: ServerResponse,
    status: number,
    body: object,
    headers: Record<string, string> = {},
): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function jsonRpcError(
    res: ServerResponse,
    status: number,
    code: number,
    message: string,
    headers?: Record<string, string>,
) {
    sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

/** Reads a bounded JSON body; undefined means the answer was already sent. */
async function readJsonBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY_BYTES) {
            jsonRpcError(res, 413, -32600, `Request body larger than ${MAX_BODY_BYTES} bytes`);
            return undefined;
        }
        chunks.push(chunk as Buffer);
    }
    try {
        return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
        jsonRpcError(res, 400, -32700, 'Parse error: the body is not valid JSON');
        return undefined;
    }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
    const sessions = new SessionPool({
        idleTimeoutMs: options.sessionIdleTimeoutMs,
        maxSessions: options.maxSessions,
        logger: options.logger,
    });

    /** Policy mode: the client each session belongs to; a session is used only by its own client. */
    const sessionClients = new Map<string, ClientScope>();

    async function newSession(
        req: IncomingMessage,
        res: ServerResponse,
        body: unknown,
        client?: ClientScope,
    ): Promise<void> {
        // Anything but initialize is refused by the transport below; only initialize takes a slot.
        const initializing = Array.isArray(body) ? body.some(isInitializeRequest) : isInitializeRequest(body);
        if (initializing && !sessions.reserve()) {
            options.logger.warn(`refused a new MCP session: all ${options.maxSessions} sessions are busy`);
            return jsonRpcError(
                res,
                503,
                -32000,
                `Too many MCP sessions: all ${options.maxSessions} are busy (open streams or requests). ` +
                    'Close an unused session (HTTP DELETE) or retry later.',
                { 'retry-after': '5' },
            );
        }
        let registered = false;
        try {
            const session = options.createSession(client);
            const transport = new StreamableHTTPServerTransport({
                sessionIdGenerator: () => randomUUID(),
                onsessioninitialized: (id) => {
                    if (client) sessionClients.set(id, client);
                    sessions.add(id, transport, res);
                    registered = true;
                },
                onsessionclosed: (id) =>
                    options.logger.info(`MCP session ${sessionLabel(id)} ended by the client`),
            });
            transport.onclose = () => {
                if (transport.sessionId) sessions.remove(transport.sessionId);
                if (transport.sessionId) sessionClients.delete(transport.sessionId);
                session.dispose();
            };
            await session.server.connect(transport);
            await transport.handleRequest(req, res, body);
            // Not an initialize request (the transport answered 400): nothing to keep.
            if (!registered) await session.server.close();
        } finally {
            if (initializing && !registered) sessions.cancelReservation();
        }
    }

    async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const rejection = checkRequest(req, options.guard);
        if (rejection) {
            options.logger.warn(
                `HTTP ${rejection.status} for ${req.method} ${redactRequestTarget(req.url)}: ${rejection.message}`,
            );
            return jsonRpcError(res, rejection.status, -32000, rejection.message, rejection.headers);
        }
        let client: ClientScope | undefined;
        if (options.identify) {
            const identity = options.identify(req);
            if ('rejection' in identity) {
                const r = identity.rejection;
                options.logger.warn(
                    `HTTP ${r.status} for ${req.method} ${redactRequestTarget(req.url)}: ${r.message}`,
                );
                return jsonRpcError(res, r.status, -32000, r.message, r.headers);
            }
            client = identity.client;
        }
        if (new URL(req.url ?? '/', 'http://localhost').pathname !== MCP_PATH) {
            return sendJson(res, 404, { error: `Not found; the MCP endpoint is ${MCP_PATH}` });
        }
        const sessionId = req.headers['mcp-session-id'];
        const existing = typeof sessionId === 'string' ? sessions.transport(sessionId) : undefined;
        // Unknown, expired, evicted or deleted: 404 tells the client to initialize a new session.
        // Policy mode: another client's session id is answered the same way (it is not this client's).
        if (
            (sessionId !== undefined && !existing) ||
            (client && typeof sessionId === 'string' && sessionClients.get(sessionId) !== client)
        ) {
            return jsonRpcError(res, 404, -32001, 'Session not found: initialize a new session');
        }
        if (existing && typeof sessionId === 'string') sessions.track(sessionId, res);
        if (req.method === 'POST') {
            const body = await readJsonBody(req, res);
            if (body === undefined) return;
            if (existing) return existing.handleRequest(req, res, body);
            return newSession(req, res, body, client);
        }
        if (!existing)
            return jsonRpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
        return existing.handleRequest(req, res);
    }

    const server = http.createServer((req, res) => {
        handle(req, res).catch((e: unknown) => {
            options.logger.error(`HTTP request failed: ${(e as Error).message}`);
            if (!res.headersSent) jsonRpcError(res, 500, -32603, 'Internal error');
            else res.end();
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    return {
        url: `http://${hostForUrl}:${port}${MCP_PATH}`,
        sessions: () => sessions.counts(),
        async close() {
            await sessions.closeAll();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
