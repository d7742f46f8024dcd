/**
 * Per-client MCP scopes from one policy file: two real SDK clients over
 * Streamable HTTP, each with its own bearer token, against the real adapter
 * (--policy) and a real Node-RED registry with simulated devices.
 *  - "viewer" (read-only; devices at location kitchen, plus device B by id):
 *    no actuating tool, and no device outside its scope in any answer.
 *  - "operator" (reads every device of this suite; controls A's led and the
 *    dimmer of living_room devices): cannot control anything else.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { startAdapter, type RunningAdapter } from '../../mcp-adapter/src/index';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { loadPolicy, tokenSha256 } from '../../mcp-adapter/src/policy/policy';
import { defaultProfile } from '../../simulator/profile';
import { DeviceConnection, SimulatedDevice } from '../../simulator';
import { sharedServices, waitFor } from '../support/services';
import { callResult, connectHttp, endpoint, structured, text } from './harness';
import { startRegistryRuntime, type RegistryRuntime } from './registry-runtime';

const ACTUATING = ['control_actuator', 'configure_device', 'device_diagnostics'];

describe('mcp-adapter per-client scopes from one policy file (two SDK clients over HTTP)', function () {
    this.timeout(30000);
    const p = `pol-${randomBytes(3).toString('hex')}`;
    const A = `${p}-a`; // kitchen
    const B = `${p}-b`; // living_room
    const C = `${p}-c`; // garage
    const viewerToken = randomBytes(24).toString('base64url');
    const operatorToken = randomBytes(24).toString('base64url');
    const devices: { device: SimulatedDevice; connection: DeviceConnection }[] = [];
    let dir: string;
    let runtime: RegistryRuntime;
    let adapter: RunningAdapter;
    let viewer: Client;
    let operator: Client;

    async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
        return callResult(await client.callTool({ name, arguments: args }));
    }

    function ids(list: unknown): string[] {
        return structured<{ devices: { device_id: string }[] }>(list)
            .devices.map((d) => d.device_id)
            .sort();
    }

    before(async function () {
        runtime = await startRegistryRuntime(sharedServices().mqttUrl);
        for (const [id, index] of [
            [A, 0],
            [B, 1],
            [C, 3],
        ] as const) {
            const connection = await DeviceConnection.open(sharedServices().mqttUrl, `${id}-c`, id);
            const device = new SimulatedDevice(connection, {
                id,
                profile: defaultProfile(index),
                publishIntervalMs: 0,
                metricsIntervalMs: 0,
            });
            await device.start();
            devices.push({ device, connection });
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-policy-scopes-'));
        const file = path.join(dir, 'policy.json');
        fs.writeFileSync(
            file,
            JSON.stringify({
                version: 1,
                mcp_clients: [
                    {
                        name: 'viewer',
                        token_sha256: tokenSha256(viewerToken),
                        read: [{ id: `${p}-*`, location: 'kitchen' }, { id: B }],
                    },
                    {
                        name: 'operator',
                        token_sha256: tokenSha256(operatorToken),
                        read: [{ id: `${p}-*` }],
                        control: [
                            { id: A, actuators: ['led'] },
                            { id: `${p}-*`, location: 'living_room', actuators: ['dimmer'] },
                        ],
                    },
                ],
            }),
        );
        adapter = await startAdapter({
            registryUrl: runtime.adminUrl,
            http: true,
            port: 0,
            policy: loadPolicy(file),
            logger: silentLogger,
        });
        viewer = await connectHttp(endpoint(adapter), { token: viewerToken });
        operator = await connectHttp(endpoint(adapter), { token: operatorToken });
        await waitFor('the three devices online in the registry', async () => {
            const list = await call(operator, 'list_devices', { search: p, online_only: true });
            return ids(list).length === 3;
        });
        for (const { device } of devices) {
            await device.publishReadings();
            await device.publishError('sensor_fault', `fault of ${device.id}`, 2);
        }
        await waitFor('a reading and an alert of every device', async () => {
            const r = structured<{ readings: unknown[] }>(
                await call(operator, 'read_all_sensors', { device_ids: [A, B, C], sensors: ['temperature'] }),
            );
            const alerts = structured<{ alerts: { device_id: string }[] }>(
                await call(operator, 'get_alerts', { min_severity: 0 }),
            );
            return (
                r.readings.length === 3 &&
                [A, B, C].every((id) => alerts.alerts.some((a) => a.device_id === id))
            );
        });
    });

    after(async function () {
        await viewer?.close();
        await operator?.close();
        await adapter?.close();
        for (const { device, connection } of devices) {
            await device.stop(true);
            await device.clearRetained();
            await connection.close(true);
        }
        await runtime?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('refuses requests without a policy token', async function () {
        await assert.rejects(connectHttp(endpoint(adapter)));
        await assert.rejects(connectHttp(endpoint(adapter), { token: 'not-a-policy-token' }));
    });

    it('the read-only client gets no actuating tool; the other does', async function () {
        const viewerTools = (await viewer.listTools()).tools.map((t) => t.name);
        for (const name of ACTUATING) assert.ok(!viewerTools.includes(name), `viewer has ${name}`);
        assert.ok(viewerTools.includes('list_devices') && viewerTools.includes('read_sensor'));
        const operatorTools = (await operator.listTools()).tools.map((t) => t.name);
        for (const name of ACTUATING) assert.ok(operatorTools.includes(name), `operator lacks ${name}`);
        const refused = await call(viewer, 'control_actuator', {
            device_id: A,
            actuator: 'led',
            action: 'on',
        });
        assert.equal(refused.isError, true);
        assert.match(text(refused), /not found/i);
    });

    it('lists and queries only the devices in scope', async function () {
        assert.deepEqual(ids(await call(viewer, 'list_devices', { search: p })), [A, B]);
        assert.deepEqual(ids(await call(operator, 'list_devices', { search: p })), [A, B, C]);
        // The scope holds across the whole registry, not just this suite's search.
        const all = await call(viewer, 'list_devices', { limit: 1000 });
        assert.deepEqual(ids(all), [A, B]);
        assert.equal(structured<{ total: number }>(all).total, 2);
        // Paging over the filtered list.
        const first = await call(viewer, 'list_devices', { limit: 1 });
        const cursor = structured<{ next_cursor?: string }>(first).next_cursor;
        assert.ok(cursor);
        const second = await call(viewer, 'list_devices', { limit: 1, cursor });
        assert.deepEqual([...ids(first), ...ids(second)].sort(), [A, B]);
        assert.equal(structured<{ next_cursor?: string }>(second).next_cursor, undefined);
        assert.deepEqual(ids(await call(viewer, 'query_devices', { sensor_type: 'temperature' })), [A, B]);
        assert.deepEqual(ids(await call(viewer, 'query_devices', { location: 'garage' })), []);
    });

    it('answers a device outside the scope as unknown, in every read tool', async function () {
        for (const [name, args] of [
            ['get_device_info', { device_id: C }],
            ['read_sensor', { device_id: C, sensor: 'temperature' }],
            ['read_device_sensors', { device_id: C }],
            ['get_device_metrics', { device_id: C }],
        ] as const) {
            const r = await call(viewer, name, args);
            assert.equal(r.isError, true, name);
            assert.match(text(r), /Unknown device/, name);
        }
        const info = await call(viewer, 'get_device_info', { device_id: A });
        assert.equal(info.isError, undefined);
        const readings = structured<{
            readings: { device_id: string }[];
            missing: { device_id: string; reason: string }[];
        }>(await call(viewer, 'read_all_sensors', { device_ids: [A, C], sensors: ['temperature'] }));
        assert.deepEqual(
            readings.readings.map((r) => r.device_id),
            [A],
        );
        assert.deepEqual(readings.missing, [{ device_id: C, sensor: '*', reason: 'unknown_device' }]);
        const everything = structured<{ readings: { device_id: string }[] }>(
            await call(viewer, 'read_all_sensors', {}),
        );
        assert.deepEqual([...new Set(everything.readings.map((r) => r.device_id))].sort(), [A, B]);
        const metrics = structured<{ devices: { device_id: string }[] }>(
            await call(viewer, 'get_device_metrics'),
        );
        assert.deepEqual(metrics.devices.map((d) => d.device_id).sort(), [A, B]);
        const status = structured<{ devices: { total: number } }>(await call(viewer, 'get_system_status'));
        assert.equal(status.devices.total, 2);
        const alerts = structured<{ alerts: { device_id: string }[] }>(
            await call(viewer, 'get_alerts', { min_severity: 0 }),
        );
        const alertDevices = new Set(alerts.alerts.map((a) => a.device_id));
        assert.deepEqual([...alertDevices].sort(), [A, B]);
        const forC = structured<{ alerts: unknown[] }>(
            await call(viewer, 'get_alerts', { min_severity: 0, device_id: C }),
        );
        assert.deepEqual(forC.alerts, []);
    });

    it('serves resources, completions and subscriptions within the scope only', async function () {
        const listed = (await viewer.listResources()).resources
            .map((r) => r.uri)
            .filter((u) => u !== 'iot://devices' && !u.startsWith('ui://'));
        assert.deepEqual(listed.sort(), [`iot://devices/${A}`, `iot://devices/${B}`]);
        const listDoc = await viewer.readResource({ uri: 'iot://devices' });
        const doc = JSON.parse((listDoc.contents[0] as { text: string }).text) as {
            devices: { device_id: string }[];
        };
        assert.deepEqual(doc.devices.map((d) => d.device_id).sort(), [A, B]);
        await assert.rejects(viewer.readResource({ uri: `iot://devices/${C}` }), /not found/i);
        await viewer.readResource({ uri: `iot://devices/${A}` });
        const completion = await viewer.complete({
            ref: { type: 'ref/resource', uri: 'iot://devices/{id}' },
            argument: { name: 'id', value: p },
        });
        assert.deepEqual(completion.completion.values.sort(), [A, B]);
        const operatorCompletion = await operator.complete({
            ref: { type: 'ref/resource', uri: 'iot://devices/{id}' },
            argument: { name: 'id', value: p },
        });
        assert.deepEqual(operatorCompletion.completion.values.sort(), [A, B, C]);
        await assert.rejects(viewer.subscribeResource({ uri: `iot://devices/${C}` }), /not found/i);
        await viewer.subscribeResource({ uri: `iot://devices/${A}` });
        await viewer.unsubscribeResource({ uri: `iot://devices/${A}` });
    });

    it('the operator controls what its scope allows and nothing else', async function () {
        const applied = await call(operator, 'control_actuator', {
            device_id: A,
            actuator: 'led',
            action: 'on',
        });
        assert.equal(applied.isError, undefined, text(applied));
        assert.equal(structured<{ outcome: string }>(applied).outcome, 'applied');
        const dimmer = await call(operator, 'control_actuator', {
            device_id: B,
            actuator: 'dimmer',
            action: 'set',
            value: 40,
        });
        assert.equal(structured<{ outcome: string }>(dimmer).outcome, 'applied', text(dimmer));

        const c = devices[2].device;
        const before = { ...c.actuatorState };
        for (const args of [
            { device_id: C, actuator: 'led', action: 'on' }, // device outside its control scope
            { device_id: A, actuator: 'dimmer', action: 'set', value: 10 }, // actuator outside it
            { device_id: B, actuator: 'led', action: 'on' },
        ]) {
            const r = await call(operator, 'control_actuator', args);
            assert.equal(r.isError, true, JSON.stringify(args));
            assert.match(text(r), /FORBIDDEN/);
            assert.match(text(r), /operator's policy/);
        }
        assert.deepEqual(c.actuatorState, before, 'device C changed state');
        assert.equal(devices[0].device.actuatorState.dimmer, 0, "A's dimmer changed");
        const configure = await call(operator, 'configure_device', {
            device_id: C,
            publish_interval_ms: 2000,
        });
        assert.equal(configure.isError, true);
        assert.match(text(configure), /FORBIDDEN/);
        const diagnostics = await call(operator, 'device_diagnostics', { device_id: C });
        assert.equal(diagnostics.isError, true);
        assert.match(text(diagnostics), /FORBIDDEN/);
        // Outside its read scope altogether: an unknown device, as if it did not exist.
        const stranger = await call(operator, 'control_actuator', {
            device_id: 'not-in-this-suite',
            actuator: 'led',
            action: 'on',
        });
        assert.equal(stranger.isError, true);
        assert.match(text(stranger), /Unknown device/);
    });

    it('the command log shows each client only the commands to devices in its scope', async function () {
        // A command to C outside any MCP client (the registry API, as a flow or the editor would).
        const res = await fetch(
            `${runtime.adminUrl}mcp-bridge/registries/registry/devices/${C}/actuators/led/commands`,
            {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ action: 'on', reason: 'garage light' }),
            },
        );
        assert.equal(res.status, 200);
        const all = structured<{ entries: { device_id: string }[] }>(
            await call(viewer, 'get_command_log', { limit: 200 }),
        );
        assert.ok(all.entries.length >= 2, 'the operator sent commands to A and B');
        assert.deepEqual([...new Set(all.entries.map((e) => e.device_id))].sort(), [A, B]);
        const forC = structured<{ entries: unknown[]; total: number }>(
            await call(viewer, 'get_command_log', { device_id: C }),
        );
        assert.deepEqual([forC.entries, forC.total], [[], 0]);
    });

    it("a session is usable only with its own client's token", async function () {
        const url = endpoint(adapter);
        const init = await fetch(url, {
            method: 'POST',
            headers: {
                authorization: `Bearer ${viewerToken}`,
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
            },
            body: JSON.stringify({
                jsonrpc: '2.0',
                id: 1,
                method: 'initialize',
                params: {
                    protocolVersion: '2025-11-25',
                    capabilities: {},
                    clientInfo: { name: 'raw', version: '1' },
                },
            }),
        });
        await init.arrayBuffer();
        const session = init.headers.get('mcp-session-id');
        assert.ok(session);
        const hijack = await fetch(url, {
            method: 'POST',
            headers: {
                authorization: `Bearer ${operatorToken}`,
                'mcp-session-id': session,
                'content-type': 'application/json',
                accept: 'application/json, text/event-stream',
            },
            body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
        });
        assert.equal(hijack.status, 404);
        await hijack.arrayBuffer();
        const end = await fetch(url, {
            method: 'DELETE',
            headers: { authorization: `Bearer ${viewerToken}`, 'mcp-session-id': session },
        });
        await end.arrayBuffer();
    });
});
