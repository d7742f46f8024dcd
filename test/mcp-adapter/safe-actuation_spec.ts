/**
 * Safe actuation for agents (issue 11), through a real MCP SDK client (tools
 * listed first, every result checked against its outputSchema) → the adapter
 * → a real Node-RED registry → Mosquitto → simulated devices:
 *  - 50 toggles in 2 s: the device changes state no more often than its
 *    declared limits (tightened by the operator's policy), the rest answer
 *    rate_limited with retry_after_ms;
 *  - lease_s: 2 on the LED: applied with a lease end, and the device reports
 *    the old state again after ~2 s with no further command;
 *  - dry_run: a plan, and nothing reaches the device;
 *  - get_command_log: the commands, with the client's name and the reason given.
 * The measured figures are printed (they go into the report).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import mqtt from 'mqtt';
import { startAdapter, type RunningAdapter } from '../../mcp-adapter/src/index';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { DeviceConnection, SimulatedDevice } from '../../simulator';
import { defaultProfile } from '../../simulator/profile';
import { sharedServices, waitFor } from '../support/services';
import { contractClient, type ContractClient } from './contract';
import { endpoint, text } from './harness';
import { startRegistryRuntime, type RegistryRuntime } from './registry-runtime';

const CLIENT = { name: 'safety-agent', version: '2.1.0' };

/** The relay's own declaration; the operator's policy raises min_interval_ms to 500. */
const RELAY = {
    value_type: 'boolean' as const,
    supported_actions: ['on', 'off', 'toggle'],
    response_time_ms: 100,
    min_interval_ms: 300,
    max_commands_per_min: 30,
    max_reversals: 3,
    flap_window_s: 60,
};
const POLICY_MIN_INTERVAL_MS = 500;

interface StatusSeen {
    at: number;
    state: unknown;
    reason?: string;
    command_id?: string;
}

interface Outcome {
    outcome: string;
    state?: unknown;
    retry_after_ms?: number;
    limit?: string;
    lease_until?: string;
    lease_remaining_ms?: number;
    would?: string;
    confirmation_required?: boolean;
    expected_state?: unknown;
    current_state?: unknown;
    loop_guard?: { allowed: boolean; limits: Record<string, number> };
}

describe('safe actuation through a real MCP client (loop guard, leases, dry run, command log)', function () {
    this.timeout(60000);
    const id = `safe-${randomBytes(3).toString('hex')}`;
    let runtime: RegistryRuntime;
    let adapter: RunningAdapter;
    let connection: DeviceConnection;
    let device: SimulatedDevice;
    let watcher: mqtt.MqttClient;
    let agent: ContractClient;
    const statuses = new Map<string, StatusSeen[]>();

    before(async function () {
        runtime = await startRegistryRuntime(sharedServices().mqttUrl, {
            loopGuard: `# tighter than the device\n${id}/relay: min_interval_ms=${POLICY_MIN_INTERVAL_MS}`,
        });
        const profile = defaultProfile();
        connection = await DeviceConnection.open(sharedServices().mqttUrl, `${id}-c`, id);
        device = new SimulatedDevice(connection, {
            id,
            publishIntervalMs: 0,
            metricsIntervalMs: 0,
            profile: {
                ...profile,
                actuators: [...profile.actuators, 'relay'],
                metadata: { ...profile.metadata, relay: RELAY },
            },
        });
        watcher = await mqtt.connectAsync(sharedServices().mqttUrl);
        watcher.on('message', (topic, payload, packet) => {
            if (packet.retain || payload.length === 0) return;
            const actuator = topic.split('/')[3] ?? '';
            const body = JSON.parse(payload.toString()) as StatusSeen;
            const seen = statuses.get(actuator) ?? [];
            seen.push({ ...body, at: Date.now() });
            statuses.set(actuator, seen);
        });
        await watcher.subscribeAsync(`devices/${id}/actuators/+/status`, { qos: 1 });
        await device.start();
        adapter = await startAdapter({
            registryUrl: runtime.adminUrl,
            http: true,
            port: 0,
            logger: silentLogger,
        });
        const client = new Client(CLIENT, { capabilities: {} });
        await client.connect(new StreamableHTTPClientTransport(new URL(endpoint(adapter))));
        agent = await contractClient(client);
        await waitFor('the device online with its relay', async () => {
            const info = await agent.ok<{ online: boolean; actuators: string[] }>('get_device_info', {
                device_id: id,
            });
            return info.data.online && info.data.actuators.includes('relay');
        });
    });

    after(async function () {
        await agent?.client.close();
        await adapter?.close();
        await device?.stop(true);
        await connection?.close(true);
        // No retained state of this device stays on the shared broker.
        const retained = [
            'capabilities',
            'status',
            'config',
            ...(device?.capabilities.actuators ?? []).map((a) => `actuators/${a}/status`),
        ];
        for (const t of retained)
            await watcher?.publishAsync(`devices/${id}/${t}`, '', { qos: 1, retain: true });
        await watcher?.endAsync();
        await runtime?.stop();
    });

    it('lists get_command_log and the new control_actuator arguments', function () {
        assert.ok(agent.tools.has('get_command_log'));
        const props = Object.keys(
            (agent.tools.get('control_actuator')?.inputSchema as { properties: object }).properties,
        );
        for (const arg of ['lease_s', 'dry_run', 'reason']) assert.ok(props.includes(arg), arg);
    });

    it('dry_run returns the plan and sends nothing to the device', async function () {
        const before = device.counts().commandsReceived;
        const dimmer = device.actuatorState.dimmer;
        const plan = await agent.ok<Outcome>('control_actuator', {
            device_id: id,
            actuator: 'dimmer',
            action: 'set',
            value: 70,
            dry_run: true,
            reason: 'checking what dimming would do',
        });
        assert.equal(plan.data.outcome, 'planned');
        assert.deepEqual([plan.data.would, plan.data.expected_state], ['send', 70]);
        assert.match(text(plan.result), /Dry run, nothing was sent/);
        // A door that needs confirmation: the plan says so, and nobody is asked.
        const door = await agent.ok<Outcome>('control_actuator', {
            device_id: id,
            actuator: 'door',
            action: 'on',
            dry_run: true,
        });
        assert.deepEqual([door.data.would, door.data.confirmation_required], ['confirmation_required', true]);
        assert.equal(door.data.loop_guard?.limits.min_interval_ms, 2000);
        // A real command afterwards round-trips through the device, so anything sent before it would have arrived.
        await agent.ok('control_actuator', { device_id: id, actuator: 'dimmer', action: 'read' });
        assert.equal(device.counts().commandsReceived, before + 1, 'only the read reached the device');
        assert.equal(device.actuatorState.dimmer, dimmer);
    });

    it('lease_s: 2 on the LED: applied with a lease end; the device reverts by itself after ~2 s', async function () {
        const before = device.actuatorState.led;
        assert.equal(before, false);
        const applied = await agent.ok<Outcome>('control_actuator', {
            device_id: id,
            actuator: 'led',
            action: 'on',
            lease_s: 2,
            reason: 'light the hallway for two seconds',
        });
        const appliedAt = Date.now();
        assert.equal(applied.data.outcome, 'applied');
        assert.equal(applied.data.state, true);
        assert.ok(applied.data.lease_until, 'the applied outcome carries the lease end');
        const leaseEnd = Date.parse(applied.data.lease_until);
        assert.ok(Math.abs(leaseEnd - (appliedAt + 2000)) < 500, `lease_until ${applied.data.lease_until}`);
        assert.match(text(applied.result), /reverts it back to false at .* with no further command/);
        const info = await agent.ok<{ actuator_states: Record<string, { lease?: { until: string } }> }>(
            'get_device_info',
            { device_id: id },
        );
        assert.ok(info.data.actuator_states.led?.lease, 'the registry shows the active lease');
        assert.match(text(info.result), /Active lease on 'led' \(now true\): the device reverts it to false/);

        await waitFor(
            'the LED back off by the lease',
            async () => (statuses.get('led') ?? []).some((s) => s.reason === 'lease_expired'),
            6000,
        );
        const revert = (statuses.get('led') ?? []).find((s) => s.reason === 'lease_expired') as StatusSeen;
        const revertS = (revert.at - appliedAt) / 1000;
        console.log(
            `      lease revert observed ${revertS.toFixed(2)} s after the applied answer (lease_s 2)`,
        );
        assert.equal(revert.state, false);
        assert.equal(revert.command_id, undefined, 'no command made the revert');
        assert.ok(revertS > 1.5 && revertS < 3, `revert after ${revertS} s`);
        await waitFor('the registry to drop the lease', async () => {
            const after = await agent.ok<{
                actuator_states: Record<string, { state: unknown; lease?: object }>;
            }>('get_device_info', { device_id: id });
            const led = after.data.actuator_states.led;
            return led?.state === false && led.lease === undefined;
        });
    });

    it('50 toggles in 2 s: the device changes state no more often than its limits, the rest are rate_limited', async function () {
        const changesBefore = (statuses.get('relay') ?? []).length;
        const started = Date.now();
        const calls: Promise<{ outcome: Outcome; text: string }>[] = [];
        for (let i = 0; i < 50; i++) {
            calls.push(
                agent
                    .call('control_actuator', {
                        device_id: id,
                        actuator: 'relay',
                        action: 'toggle',
                        reason: `agent loop iteration ${i}`,
                    })
                    .then((r) => ({ outcome: r.structuredContent as unknown as Outcome, text: text(r) })),
            );
            // Pacing of the load (one call every 40 ms = 50 in 2 s), not a wait for a condition.
            await new Promise((r) => setTimeout(r, 40));
        }
        const results = await Promise.all(calls);
        const spanMs = Date.now() - started;
        const applied = results.filter((r) => r.outcome.outcome === 'applied');
        const limited = results.filter((r) => r.outcome.outcome === 'rate_limited');
        // Every answer of the device has arrived once the last call returned (each call waits for it).
        const seen = (statuses.get('relay') ?? []).slice(changesBefore);
        let last: unknown = false;
        const changes: number[] = [];
        for (const s of seen) {
            if (s.state !== last) changes.push(s.at);
            last = s.state;
        }
        const gaps = changes.slice(1).map((t, i) => t - (changes[i] as number));
        const byLimit: Record<string, number> = {};
        for (const r of limited) byLimit[r.outcome.limit ?? '?'] = (byLimit[r.outcome.limit ?? '?'] ?? 0) + 1;
        console.log(
            `      50 toggles in ${spanMs} ms: ${applied.length} applied, ${limited.length} rate_limited ` +
                `(${JSON.stringify(byLimit)}); the device changed state ${changes.length} times, ` +
                `gaps ${JSON.stringify(gaps)} ms`,
        );
        assert.equal(applied.length + limited.length, 50, 'every toggle is applied or rate_limited');
        assert.equal(changes.length, applied.length, 'each applied toggle is one change of the device');
        assert.ok(applied.length >= 2, 'the guard does not block the actuator altogether');
        // Declared: at most max_reversals (3) reversals in 60 s: at most 4 changes. Policy: 500 ms apart.
        assert.ok(changes.length <= RELAY.max_reversals + 1, `${changes.length} changes`);
        assert.ok(changes.length <= 1 + Math.floor(spanMs / POLICY_MIN_INTERVAL_MS));
        for (const gap of gaps) assert.ok(gap >= POLICY_MIN_INTERVAL_MS - 20, `changes only ${gap} ms apart`);
        for (const r of limited) {
            assert.ok((r.outcome.retry_after_ms ?? 0) > 0, 'rate_limited carries retry_after_ms');
            assert.match(r.text, /Wait at least .* do not retry in a loop/);
        }
        assert.ok(
            byLimit.min_interval && byLimit.flap,
            'both the interval and the flap detection refused some',
        );
        const metrics = await agent.ok<{ devices: { counters: { commands_rate_limited: number } }[] }>(
            'get_device_metrics',
            { device_id: id },
        );
        assert.equal(metrics.data.devices[0]?.counters.commands_rate_limited, limited.length, 'counted');
    });

    it('scoped approval: the user approves the door for 5 minutes; the next command is not asked; revoked, it is', async function () {
        const asked: string[] = [];
        let reply: ElicitResult = {
            action: 'accept',
            content: { confirm: true, approve_minutes: 5 },
        };
        const client = new Client(
            { name: 'approving-agent', version: '1.0.0' },
            { capabilities: { elicitation: { form: {} } } },
        );
        client.setRequestHandler(ElicitRequestSchema, (request) => {
            asked.push(JSON.stringify(request.params));
            return reply;
        });
        await client.connect(new StreamableHTTPClientTransport(new URL(endpoint(adapter))));
        const user = await contractClient(client);
        try {
            const door = {
                device_id: id,
                actuator: 'door',
                action: 'on',
                reason: 'open up for the delivery',
            };
            const first = await user.ok<{
                outcome: string;
                granted_scope?: { ref: string; expires_at: string };
            }>('control_actuator', door);
            assert.equal(asked.length, 1);
            assert.ok(asked[0]?.includes('approve_minutes'), 'the form offers the scope');
            assert.ok(first.data.granted_scope, text(first.result));
            assert.match(text(first.result), /will not be asked again/);
            const second = await user.ok<{ outcome: string; approval?: { kind: string; ref: string } }>(
                'control_actuator',
                door,
            );
            assert.equal(asked.length, 1, 'inside the approval: nobody was asked');
            assert.deepEqual(second.data.approval?.kind, 'scope');
            const base = `${runtime.adminUrl}mcp-bridge/registries/registry`;
            const listed = (await (await fetch(`${base}/approvals?device=${id}`)).json()) as {
                approvals: { id: string; uses: number; origin: { client?: { name: string } } }[];
            };
            assert.deepEqual(
                listed.approvals.map((a) => [a.id, a.uses, a.origin.client?.name]),
                [[first.data.granted_scope.ref, 1, 'approving-agent']],
            );
            const revoked = await fetch(`${base}/approvals/${first.data.granted_scope.ref}`, {
                method: 'DELETE',
            });
            assert.deepEqual(await revoked.json(), { id: first.data.granted_scope.ref, revoked: true });
            reply = { action: 'decline' };
            await user.fails('control_actuator', door, /declined/);
            assert.equal(asked.length, 2, 'revoked: the user is asked again');
        } finally {
            await client.close();
        }
    });

    it('get_command_log lists the commands with the client name and the reason given', async function () {
        const log = await agent.ok<{
            entries: {
                actuator: string;
                outcome: string;
                reason?: string;
                dry_run?: boolean;
                origin: { via: string; client?: { name: string; version?: string; session_id?: string } };
            }[];
            total: number;
        }>('get_command_log', { device_id: id, limit: 200 });
        const relay = log.data.entries.filter((e) => e.actuator === 'relay');
        assert.equal(relay.length, 50);
        for (const e of log.data.entries.filter(
            (x) => x.actuator !== 'door' || x.origin.client?.name !== 'approving-agent',
        )) {
            assert.equal(e.origin.via, 'mcp');
            assert.deepEqual(
                [e.origin.client?.name, e.origin.client?.version],
                [CLIENT.name, CLIENT.version],
            );
            assert.ok(e.origin.client?.session_id, 'the MCP session is recorded');
        }
        assert.ok(relay.some((e) => e.reason === 'agent loop iteration 49'));
        const lease = log.data.entries.find((e) => e.actuator === 'led');
        assert.deepEqual([lease?.outcome, lease?.reason], ['applied', 'light the hallway for two seconds']);
        assert.ok(log.data.entries.some((e) => e.dry_run && e.outcome === 'planned'));
        assert.match(
            text(log.result),
            /led on lease 2 s: applied → true \(lease until .*\) by MCP client "safety-agent" 2\.1\.0 session .* — reason: "light the hallway for two seconds"/,
        );
        const limited = await agent.ok<{ total: number }>('get_command_log', {
            device_id: id,
            actuator: 'relay',
            outcome: 'rate_limited',
            limit: 5,
        });
        assert.equal(limited.data.total, relay.filter((e) => e.outcome === 'rate_limited').length);
        assert.ok((limited.result.structuredContent as { next_cursor?: string }).next_cursor);
    });
});
