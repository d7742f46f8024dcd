/**
 * Streamable HTTP security: Host and Origin checks, bearer token, refusal to
 * bind off loopback without a token, no secrets in logs. The registry is a
 * closed loopback port here: these checks must not depend on it.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { startAdapter, type RunningAdapter } from '../../mcp-adapter/src/index';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { freePort } from '../support/services';
import { connectHttp, endpoint, runCli, startHttpCli } from './harness';

const INITIALIZE = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** A raw POST (node:http, so that Host can be set freely). */
function post(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: target.hostname,
                port: target.port,
                path: target.pathname,
                method: 'POST',
                headers: {
                    'content-type': 'application/json',
                    accept: 'application/json, text/event-stream',
                    ...headers,
                },
            },
            (res) => {
                let body = '';
                res.on('data', (c: Buffer) => (body += c.toString()));
                res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            },
        );
        req.on('error', reject);
        req.end(JSON.stringify(INITIALIZE));
    });
}

describe('mcp-adapter HTTP security', function () {
    let registryUrl: string;
    let adapter: RunningAdapter;
    let url: string;

    before(async function () {
        registryUrl = `http://127.0.0.1:${await freePort()}/`; // nothing listens there
        adapter = await startAdapter({ registryUrl, http: true, port: 0, logger: silentLogger });
        url = endpoint(adapter);
    });

    after(async function () {
        await adapter.close();
    });

    it('binds 127.0.0.1 by default and serves a real SDK client', async function () {
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
        const client = await connectHttp(url);
        const { tools } = await client.listTools();
        assert.ok(tools.some((t) => t.name === 'control_actuator'));
        await client.close();
    });

    it('accepts loopback Host and Origin headers', async function () {
        const port = new URL(url).port;
        const res = await post(url, { host: `localhost:${port}`, origin: 'http://localhost:6274' });
        assert.equal(res.status, 200, res.body);
    });

    it('answers 403 to a foreign Origin', async function () {
        const res = await post(url, { origin: 'http://evil.example' });
        assert.equal(res.status, 403);
        assert.match(res.body, /Origin/);
    });

    it('answers 403 to a foreign Host (DNS rebinding)', async function () {
        const res = await post(url, { host: `evil.example:${new URL(url).port}` });
        assert.equal(res.status, 403);
        assert.match(res.body, /Host/);
    });

    it('answers 404 off the /mcp path and to an unknown session id', async function () {
        const other = await post(url.replace(/\/mcp$/, '/other'), {});
        assert.equal(other.status, 404);
        const stale = await post(url, { 'mcp-session-id': 'no-such-session' });
        assert.equal(stale.status, 404);
    });

    it('requires the bearer token when one is configured', async function () {
        const token = 'test-token-0123456789';
        const guarded = await startAdapter({ registryUrl, http: true, port: 0, token, logger: silentLogger });
        try {
            assert.equal((await post(endpoint(guarded), {})).status, 401);
            assert.equal(
                (await post(endpoint(guarded), { authorization: 'Bearer wrong-token' })).status,
                401,
            );
            assert.equal((await post(endpoint(guarded), { authorization: `Bearer ${token}` })).status, 200);
            await assert.rejects(connectHttp(endpoint(guarded), { token: 'wrong' }));
            const client = await connectHttp(endpoint(guarded), { token });
            assert.ok((await client.listTools()).tools.length >= 10);
            await client.close();
        } finally {
            await guarded.close();
        }
    });

    it('refuses to listen off loopback without a token (API and CLI)', async function () {
        await assert.rejects(
            startAdapter({ registryUrl, http: true, host: '0.0.0.0', port: 0, logger: silentLogger }),
            /Refusing to listen on 0\.0\.0\.0 without a bearer token/,
        );
        const cli = runCli(['--http', '--host', '0.0.0.0', '--port', '0', '--registry-url', registryUrl], {
            MCP_BRIDGE_TOKEN: '',
        });
        assert.equal(await cli.exited, 1);
        assert.match(cli.stderr(), /Refusing to listen on 0\.0\.0\.0 without a bearer token.*--token/);
        assert.doesNotMatch(cli.stderr(), /MCP endpoint/);
    });

    it('never writes tokens to its logs', async function () {
        const token = 'http-secret-a1b2c3';
        const registryToken = 'registry-secret-d4e5f6';
        const cli = await startHttpCli(['--registry-url', registryUrl, '--token', token], {
            MCP_BRIDGE_REGISTRY_TOKEN: registryToken,
        });
        try {
            assert.equal((await post(cli.url, { authorization: 'Bearer guess' })).status, 401);
            const client = await connectHttp(cli.url, { token });
            await client.callTool({ name: 'list_devices', arguments: {} }); // registry unreachable: logs nothing secret
            await client.close();
            assert.match(cli.stderr(), /with token/); // it does say a registry token is in use ...
            assert.ok(!cli.stderr().includes(token), 'HTTP token leaked to stderr');
            assert.ok(!cli.stderr().includes(registryToken), 'registry token leaked to stderr');
            assert.equal(cli.stdout(), '');
        } finally {
            await cli.stop();
        }
    });
});
