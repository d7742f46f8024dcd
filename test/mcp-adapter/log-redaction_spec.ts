/**
 * Never log secrets (issue 9 item 7): a token in a query string or credentials
 * in a URL do not reach the adapter's log (shared-token and policy modes, the
 * real CLI's stderr) nor the `npm start` demo's output.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redactRequestTarget, redactSecrets } from '../../mcp-adapter/src/redact';
import { tokenSha256 } from '../../mcp-adapter/src/policy/policy';
import { startDemoProcess } from '../support/demo-process';
import { freePort, sharedServices, waitFor } from '../support/services';
import { startHttpCli } from './harness';

function secret(label: string): string {
    return `${label}-${randomBytes(8).toString('hex')}`;
}

async function post(url: string, headers: Record<string, string> = {}): Promise<number> {
    const res = await fetch(url, {
        method: 'POST',
        headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            ...headers,
        },
        body: '{}',
    });
    await res.arrayBuffer();
    return res.status;
}

describe('no secrets in logs: query-string tokens and URL credentials', function () {
    this.timeout(60000);

    it('redacts query values, URL credentials and bearer tokens in text', function () {
        assert.equal(redactRequestTarget('/mcp?token=abc&x=1'), '/mcp?token=***&x=***');
        assert.equal(redactRequestTarget('/mcp'), '/mcp');
        assert.equal(redactRequestTarget('/mcp?access_token'), '/mcp?access_token=***');
        assert.equal(redactRequestTarget('/m\ncp?a=b#frag'), '/m?cp?a=***');
        assert.equal(
            redactSecrets('broker mqtt://user:pa55@10.0.0.1:1883 and http://h/mcp?token=abc&ok=1 ok'),
            'broker mqtt://***@10.0.0.1:1883 and http://h/mcp?token=***&ok=*** ok',
        );
        assert.equal(redactSecrets('Authorization: Bearer abc.def-123'), 'Authorization: Bearer ***');
        assert.equal(
            redactSecrets('nothing secret at http://127.0.0.1:3917/mcp'),
            'nothing secret at http://127.0.0.1:3917/mcp',
        );
    });

    it('the adapter CLI (shared token) logs refused requests without the query-string token', async function () {
        const token = secret('shared');
        const inQuery = secret('inquery');
        const cli = await startHttpCli([
            '--registry-url',
            `http://127.0.0.1:${await freePort()}/`,
            '--token',
            token,
        ]);
        try {
            assert.equal(await post(`${cli.url}?token=${inQuery}&debug=1`), 401);
            assert.equal(
                await post(`${cli.url}?access_token=${inQuery}`, { origin: 'http://evil.example' }),
                403,
            );
            await waitFor(
                'both refusals in the log',
                async () => (cli.stderr().match(/HTTP 40[13]/g) ?? []).length >= 2,
            );
            assert.match(cli.stderr(), /HTTP 401 for POST \/mcp\?token=\*\*\*&debug=\*\*\*/);
            assert.match(cli.stderr(), /HTTP 403 for POST \/mcp\?access_token=\*\*\*/);
            assert.ok(!cli.stderr().includes(inQuery), `query token in the log:\n${cli.stderr()}`);
            assert.ok(!cli.stderr().includes(token));
        } finally {
            await cli.stop();
        }
    });

    it('the adapter CLI (--policy) logs refused requests without the query-string token', async function () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-redaction-'));
        const clientToken = secret('client');
        const inQuery = secret('inquery');
        const file = path.join(dir, 'policy.json');
        fs.writeFileSync(
            file,
            JSON.stringify({
                version: 1,
                mcp_clients: [{ name: 'only', token_sha256: tokenSha256(clientToken), read: [{ id: '*' }] }],
            }),
        );
        const cli = await startHttpCli([
            '--registry-url',
            `http://u:${inQuery}@127.0.0.1:${await freePort()}/`,
            '--policy',
            file,
        ]);
        try {
            assert.equal(await post(`${cli.url}?token=${clientToken}`), 401); // not where a token belongs
            assert.equal(await post(`${cli.url}?key=${inQuery}`, { authorization: 'Bearer wrong' }), 401);
            await waitFor(
                'both refusals in the log',
                async () => (cli.stderr().match(/HTTP 401/g) ?? []).length >= 2,
            );
            assert.match(cli.stderr(), /policy: 1 MCP clients \(only\)/);
            assert.ok(!cli.stderr().includes(inQuery), `secret in the log:\n${cli.stderr()}`);
            assert.ok(!cli.stderr().includes(clientToken), `client token in the log:\n${cli.stderr()}`);
        } finally {
            await cli.stop();
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it('the demo prints neither broker credentials nor query-string tokens', async function () {
        const password = secret('mqttpw');
        const inQuery = secret('inquery');
        const broker = new URL(sharedServices().mqttUrl);
        broker.username = 'demo-user';
        broker.password = password;
        const demo = await startDemoProcess({
            devices: 1,
            intervalMs: 60000,
            extraArgs: ['--mqtt', broker.toString()],
        });
        try {
            assert.match(demo.output(), /^MQTT broker: mqtt:\/\/\*\*\*@127\.0\.0\.1:\d+/m);
            assert.equal(
                await post(`${demo.mcpUrl}?token=${inQuery}`, { origin: 'http://evil.example' }),
                403,
            );
            await waitFor('the refusal in the demo output', async () =>
                /HTTP 403 for POST/.test(demo.output()),
            );
            assert.match(demo.output(), /HTTP 403 for POST \/mcp\?token=\*\*\*/);
            assert.ok(!demo.output().includes(password), 'broker password in the demo output');
            assert.ok(!demo.output().includes(inQuery), 'query-string token in the demo output');
        } finally {
            await demo.stop();
        }
    });
});
