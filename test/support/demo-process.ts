/**
 * The `npm start` demo (startDemo() via scripts/demo/main.ts) in a child
 * process, for the demo and editor tests. A child, not this process: Node-RED runs
 * one runtime per process and the node tests load their own through the test helper.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '../support/services';

const root = path.resolve(__dirname, '../..');

export interface DemoProcess {
    editorUrl: string;
    mqttUrl: string;
    /** The MCP adapter's Streamable HTTP endpoint (`MCP endpoint:` line). */
    mcpUrl: string;
    registryId: string;
    /** The MCP adapter's registry token, from the stdio client configuration the demo printed. */
    registryToken: string;
    /** The editor login the demo printed (Node-RED runs with adminAuth). */
    login: { username: string; password: string };
    /** fetch() on the admin API as the logged-in admin (a bearer token from /auth/token). */
    api(pathAndQuery: string, init?: RequestInit): Promise<Response>;
    /** The admin's access token, e.g. for the editor page's localStorage. */
    accessToken(): Promise<string>;
    /** The demo's process id (e.g. to read its resident memory). */
    pid: number;
    /** Everything the demo printed so far (stdout and stderr). */
    output(): string;
    /** SIGTERM, as Ctrl-C would; resolves with the exit code. */
    stop(): Promise<number | null>;
}

/** What the editor tests need built: the nodes and the sidebar plugin. */
export function assertBuilt(): void {
    for (const file of ['dist/nodes/registry.js', 'dist/nodes/plugins/device-sidebar.html']) {
        assert.ok(
            fs.existsSync(path.join(root, file)),
            `${file} is missing: run "npm run build" before the editor tests`,
        );
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        'node-red': { plugins?: Record<string, string> };
    };
    assert.ok(
        pkg['node-red'].plugins?.['mcpb-device-sidebar'],
        'package.json "node-red" has no "plugins" entry for mcpb-device-sidebar',
    );
}

function stopChild(child: ChildProcess): Promise<number | null> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
}

export async function startDemoProcess(options: {
    devices: number;
    intervalMs: number;
    /** More `npm start` flags, e.g. ['--influx', url]. */
    extraArgs?: string[];
}): Promise<DemoProcess> {
    const child = spawn(
        process.execPath,
        [
            '-r',
            'tsx/cjs',
            'scripts/demo/main.ts',
            '--port',
            '0',
            '--mqtt-port',
            '0',
            '--mcp-port',
            '0',
            '--devices',
            String(options.devices),
            '--interval',
            String(options.intervalMs),
            ...(options.extraArgs ?? []),
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    try {
        await waitFor(
            'the demo to finish starting',
            // An exit ends the wait at once (waitFor would treat a throw here as "not yet").
            // The last start-up line: everything (URLs, login, client configurations) is printed by then.
            async () => child.exitCode !== null || /^Ctrl-C stops everything\.$/m.test(output),
            30000,
        );
        if (child.exitCode !== null) throw new Error(`the demo exited with code ${child.exitCode}`);
    } catch (e) {
        await stopChild(child);
        throw new Error(`${(e as Error).message}\n${output}`, { cause: e });
    }
    assert.doesNotMatch(output, /did not load/, output);
    const editorUrl = /^Node-RED editor: (\S+)$/m.exec(output)?.[1] as string;
    const [, username, password] = /^Node-RED login: (\S+) \/ (\S+)$/m.exec(output) ?? [];
    assert.ok(username && password, `no login line in\n${output}`);
    const registryToken = /"MCP_BRIDGE_REGISTRY_TOKEN": "([^"]+)"/.exec(output)?.[1];
    assert.ok(registryToken, `no registry token in the client configuration\n${output}`);
    let token: Promise<string> | undefined;
    const accessToken = () => (token ??= adminToken(editorUrl, username, password));
    return {
        editorUrl,
        login: { username, password },
        registryToken,
        pid: child.pid as number,
        accessToken,
        async api(pathAndQuery, init = {}) {
            const headers = new Headers(init.headers);
            headers.set('authorization', `Bearer ${await accessToken()}`);
            return fetch(`${editorUrl}${pathAndQuery.replace(/^\//, '')}`, { ...init, headers });
        },
        mqttUrl: /^MQTT broker: (\S+)$/m.exec(output)?.[1] as string,
        mcpUrl: /^MCP endpoint: (\S+)$/m.exec(output)?.[1] as string,
        registryId: 'demo-registry',
        output: () => output,
        stop: () => stopChild(child),
    };
}

/** Logs into Node-RED's admin API as the editor does (password grant), returning the access token. */
async function adminToken(editorUrl: string, username: string, password: string): Promise<string> {
    const res = await fetch(`${editorUrl}auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
            client_id: 'node-red-editor',
            grant_type: 'password',
            scope: '*',
            username,
            password,
        }),
    });
    assert.equal(res.status, 200, `login failed: ${res.status} ${await res.clone().text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
}
