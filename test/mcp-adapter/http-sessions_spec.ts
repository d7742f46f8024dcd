/**
 * Streamable HTTP session lifetime: idle sessions expire (404 afterwards, the
 * client initialises anew), --max-sessions evicts the least recently used idle
 * session or answers 503 when all are busy, DELETE frees a slot at once, and an
 * expired session's resource subscriptions are released down to the registry's
 * event stream. Real SDK clients over real HTTP; short timeouts instead of sleeps.
 * "A client disappears" = Client.close(): it drops its connections without DELETE.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
    StreamableHTTPClientTransport,
    StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import {
    startAdapter,
    type AdapterOptions,
    type Logger,
    type RunningAdapter,
} from '../../mcp-adapter/src/index';
import { sessionLabel } from '../../mcp-adapter/src/session-pool';
import { freePort, sharedServices, waitFor } from '../support/services';
import { endpoint, runCli, startHttpCli } from './harness';
import { startRegistryRuntime, type RegistryRuntime } from './registry-runtime';

/** A logger that keeps every line, to wait for session events and to check what is logged. */
function recordingLogger(): Logger & { lines: string[] } {
    const lines: string[] = [];
    const keep = (m: string) => lines.push(m);
    return { lines, debug: keep, info: keep, warn: keep, error: keep };
}

interface TestClient {
    client: Client;
    transport: StreamableHTTPClientTransport;
    sessionId: string;
    /** True once the client's standalone GET (SSE) stream has been answered. */
    streamOpen(): boolean;
}

async function connect(url: string): Promise<TestClient> {
    let open = false;
    const transport = new StreamableHTTPClientTransport(new URL(url), {
        fetch: async (input, init) => {
            const res = await fetch(input, init);
            if (init?.method === 'GET' && res.ok) open = true;
            return res;
        },
    });
    const client = new Client({ name: 'session-test', version: '1.0.0' });
    await client.connect(transport);
    const sessionId = transport.sessionId;
    assert.ok(sessionId, 'the adapter issued no Mcp-Session-Id');
    return { client, transport, sessionId, streamOpen: () => open };
}

/** Connects and waits until the session is busy with its GET stream. */
async function connectBusy(url: string): Promise<TestClient> {
    const c = await connect(url);
    await waitFor('the client to open its GET stream', async () => c.streamOpen());
    return c;
}

/** A ping on a session id with a bare fetch; the HTTP status. */
async function ping(url: string, sessionId: string): Promise<number> {
    const res = await fetch(url, {
        method: 'POST',
        headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'mcp-session-id': sessionId,
            'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    await res.text();
    return res.status;
}

function logged(logger: { lines: string[] }, pattern: RegExp): boolean {
    return logger.lines.some((l) => pattern.test(l));
}

function escape(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const expiredLine = (c: TestClient) =>
    new RegExp(`closed MCP session ${escape(sessionLabel(c.sessionId))}: idle`);
const evictedLine = (c: TestClient) =>
    new RegExp(`evicted idle MCP session ${escape(sessionLabel(c.sessionId))}`);

describe('mcp-adapter HTTP session lifetime', function () {
    let registryUrl: string;
    const running: RunningAdapter[] = [];
    const clients: Client[] = [];

    async function start(options: Partial<AdapterOptions>, logger = recordingLogger()) {
        const adapter = await startAdapter({ registryUrl, http: true, port: 0, logger, ...options });
        running.push(adapter);
        return { url: endpoint(adapter), logger, adapter };
    }

    async function track(c: Promise<TestClient>): Promise<TestClient> {
        const client = await c;
        clients.push(client.client);
        return client;
    }

    before(async function () {
        registryUrl = `http://127.0.0.1:${await freePort()}/`; // lifecycle needs no registry
    });

    afterEach(async function () {
        for (const c of clients.splice(0)) await c.close();
        for (const a of running.splice(0)) await a.close();
    });

    it('expires an idle session: its id then gets 404 and the client initialises anew', async function () {
        const { url, logger } = await start({ sessionIdleTimeoutMs: 300 });
        const busy = await track(connectBusy(url));
        const gone = await track(connect(url));
        await gone.client.close();
        await waitFor('the idle session to expire', async () => logged(logger, expiredLine(gone)), 5000);

        // A real SDK transport resuming the expired id is told 404 (spec: start a new session).
        const resumed = new StreamableHTTPClientTransport(new URL(url), { sessionId: gone.sessionId });
        await resumed.start();
        await assert.rejects(
            resumed.send({ jsonrpc: '2.0', id: 7, method: 'ping' }),
            (e: unknown) => e instanceof StreamableHTTPError && e.code === 404,
        );
        await resumed.close();
        const again = await track(connect(url));
        assert.ok((await again.client.listTools()).tools.length >= 10);
        assert.notEqual(again.sessionId, gone.sessionId);

        // The busy session (its GET stream open all along) outlived the idle timeout and still works.
        assert.ok(!logged(logger, expiredLine(busy)));
        await busy.client.ping();
        // Session ids act as credentials: only a prefix is logged.
        assert.ok(!logger.lines.some((l) => l.includes(gone.sessionId)), 'full session id logged');
    });

    it('never expires sessions with --session-idle-timeout 0', async function () {
        const { url, logger } = await start({ sessionIdleTimeoutMs: 0 });
        const idle = await track(connect(url));
        await idle.client.close();
        // (0 must not mean "close at once": the session is still there after another client's whole session.)
        const other = await track(connect(url));
        await other.client.listTools();
        await other.client.close();
        assert.equal(await ping(url, idle.sessionId), 200);
        assert.equal(await ping(url, other.sessionId), 200);
        assert.ok(!logged(logger, /closed MCP session/));
    });

    it('evicts the least recently used idle session when --max-sessions is reached', async function () {
        const { url, logger, adapter } = await start({ sessionIdleTimeoutMs: 0, maxSessions: 2 });
        const older = await track(connect(url));
        const newer = await track(connect(url));
        await older.client.close();
        await newer.client.close();
        // The adapter notices the dropped GET streams asynchronously.
        await waitFor('both sessions to be idle', async () => adapter.sessions?.().idle === 2);
        // Using the older session makes the newer one the least recently used.
        assert.equal(await ping(url, older.sessionId), 200);

        const third = await track(connect(url));
        assert.ok(logged(logger, evictedLine(newer)), logger.lines.join('\n'));
        assert.ok(!logged(logger, evictedLine(older)));
        assert.equal(await ping(url, newer.sessionId), 404);
        assert.equal(await ping(url, older.sessionId), 200);
        assert.ok((await third.client.listTools()).tools.length >= 10);
    });

    it('answers 503 when every session is busy; DELETE frees a slot at once', async function () {
        const { url, logger, adapter } = await start({ sessionIdleTimeoutMs: 0, maxSessions: 2 });
        const a = await track(connectBusy(url));
        const b = await track(connectBusy(url));
        assert.deepEqual(adapter.sessions?.(), { open: 2, idle: 0 });

        await assert.rejects(connect(url), (e: unknown) => {
            assert.ok(e instanceof StreamableHTTPError, String(e));
            assert.equal(e.code, 503);
            assert.match(e.message, /Too many MCP sessions: all 2 are busy.*DELETE/);
            return true;
        });
        const raw = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
            body: JSON.stringify({
                jsonrpc: '2.0',
                id: 1,
                method: 'initialize',
                params: {
                    protocolVersion: LATEST_PROTOCOL_VERSION,
                    capabilities: {},
                    clientInfo: { name: 'raw', version: '1' },
                },
            }),
        });
        assert.equal(raw.status, 503);
        assert.equal(raw.headers.get('retry-after'), '5');
        const body = (await raw.json()) as { jsonrpc: string; error: { code: number; message: string } };
        assert.equal(body.jsonrpc, '2.0');
        assert.equal(body.error.code, -32000);
        assert.ok(logged(logger, /refused a new MCP session: all 2 sessions are busy/));
        // Refusing evicted nobody: both busy sessions still work.
        await a.client.ping();
        await b.client.ping();

        await a.transport.terminateSession(); // HTTP DELETE
        assert.equal(adapter.sessions?.().open, 1);
        assert.equal(await ping(url, a.sessionId), 404);
        const c = await track(connect(url));
        assert.ok((await c.client.listTools()).tools.length >= 10);
        assert.ok(
            logged(
                logger,
                new RegExp(`MCP session ${escape(sessionLabel(a.sessionId))} ended by the client`),
            ),
        );
        assert.ok(!logged(logger, /evicted/), 'the slot came from eviction, not from DELETE');
    });

    it('takes the limits from the CLI flags and refuses bad values', async function () {
        const cli = await startHttpCli([
            '--registry-url',
            registryUrl,
            '--max-sessions',
            '1',
            '--session-idle-timeout',
            '0',
        ]);
        try {
            assert.match(cli.stderr(), /at most 1 sessions, no idle expiry/);
            const only = await track(connectBusy(cli.url));
            await assert.rejects(
                connect(cli.url),
                (e: unknown) => e instanceof StreamableHTTPError && e.code === 503,
            );
            await only.client.ping();
            assert.match(cli.stderr(), /refused a new MCP session/);
        } finally {
            await cli.stop();
        }
        const bad = runCli(['--http', '--port', '0', '--registry-url', registryUrl, '--max-sessions', '0']);
        assert.equal(await bad.exited, 1);
        assert.match(bad.stderr(), /--max-sessions.*expected an integer 1\.\.100000/);
        await assert.rejects(
            startAdapter({ registryUrl, http: true, port: 0, maxSessions: 0, logger: recordingLogger() }),
            /Max sessions must be an integer of at least 1/,
        );
        await assert.rejects(
            startAdapter({
                registryUrl,
                http: true,
                port: 0,
                sessionIdleTimeoutMs: -1,
                logger: recordingLogger(),
            }),
            /idle timeout must be 0/,
        );
    });

    describe('with a registry (subscriptions)', function () {
        this.timeout(30000);
        let runtime: RegistryRuntime;

        before(async function () {
            runtime = await startRegistryRuntime(sharedServices().mqttUrl);
        });

        after(async function () {
            await runtime?.stop();
        });

        it("releases an expired session's subscriptions; the registry stream closes with the last one", async function () {
            const logger = recordingLogger();
            const adapter = await startAdapter({
                registryUrl: runtime.adminUrl,
                http: true,
                port: 0,
                sessionIdleTimeoutMs: 300,
                logger,
            });
            running.push(adapter);
            const url = endpoint(adapter);
            const first = await track(connect(url));
            const second = await track(connect(url));
            await first.client.subscribeResource({ uri: 'iot://devices' });
            await second.client.subscribeResource({ uri: 'iot://devices/any-device' });
            await waitFor(
                'the adapter to open the registry event stream',
                async () => runtime.openEventStreams() === 1,
            );

            await first.client.close();
            await waitFor(
                'the first session to expire',
                async () => logged(logger, expiredLine(first)),
                5000,
            );
            await second.client.ping();
            assert.equal(runtime.openEventStreams(), 1, 'the stream closed while a subscriber was left');

            await second.client.close();
            await waitFor(
                'the second session to expire',
                async () => logged(logger, expiredLine(second)),
                5000,
            );
            await waitFor(
                'the registry event stream to close',
                async () => runtime.openEventStreams() === 0,
                5000,
            );
        });
    });
});
