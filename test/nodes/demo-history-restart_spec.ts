/**
 * History survives what users do to Node-RED: `npm start --user-dir` stopped and
 * started again, and a full deploy through the admin API (the editor's default
 * deploy restarts every node). `read_sensor` with a 10-minute window, from a
 * real MCP client, still returns the points recorded before.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';
import { waitFor } from '../support/services';

interface HistoryAnswer {
    history?: { stats: { count: number }; points: { time: string }[]; buckets?: { time: string }[] };
}

async function tenMinutes(demo: DemoProcess): Promise<HistoryAnswer['history']> {
    const client = new Client({ name: 'history-restart-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(demo.mcpUrl)));
    try {
        await client.listTools();
        const result = await client.callTool({
            name: 'read_sensor',
            arguments: {
                device_id: 'demo-0000',
                sensor: 'temperature',
                history_minutes: 10,
                max_points: 500,
            },
        });
        assert.notEqual(result.isError, true, JSON.stringify(result.content));
        return (result.structuredContent as HistoryAnswer).history;
    } finally {
        await client.close();
    }
}

const times = (h: HistoryAnswer['history']) =>
    new Set([...(h?.points ?? []), ...(h?.buckets ?? [])].map((p) => p.time));

describe('history across a restart and a full deploy (npm start --user-dir)', function () {
    this.timeout(120000);
    let userDir: string;

    before(() => {
        assertBuilt();
        userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-history-restart-'));
    });

    after(() => fs.rmSync(userDir, { recursive: true, force: true }));

    it('returns the points from before, after a restart and after a full deploy', async () => {
        const args = { devices: 1, intervalMs: 300, extraArgs: ['--user-dir', userDir] };
        const first = await startDemoProcess(args);
        let before: HistoryAnswer['history'];
        try {
            await waitFor('ten readings in the history', async () => {
                before = await tenMinutes(first);
                return (before?.stats.count ?? 0) >= 10;
            });
        } finally {
            assert.equal(await first.stop(), 0);
        }
        const earlier = times(before);

        const second = await startDemoProcess(args);
        try {
            const restarted = await tenMinutes(second);
            assert.ok(
                (restarted?.stats.count ?? 0) >= (before?.stats.count ?? 0),
                'points lost by the restart',
            );
            for (const t of earlier) assert.ok(times(restarted).has(t), `point at ${t} lost by the restart`);

            const flows = await (await second.api('flows')).text();
            const deployed = await second.api('flows', {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
                body: flows,
            });
            assert.equal(deployed.status, 204, await deployed.text());
            let redeployed: HistoryAnswer['history'];
            await waitFor('the registry back after the full deploy', async () => {
                redeployed = await tenMinutes(second).catch(() => undefined);
                return redeployed !== undefined;
            });
            for (const t of earlier)
                assert.ok(times(redeployed).has(t), `point at ${t} lost by the full deploy`);
        } finally {
            await second.stop();
        }
    });
});
