/**
 * Issue 11's must-show against `npm start` (Node-RED with adminAuth, the
 * embedded broker, simulated devices and the MCP adapter, as a user meets
 * them), through a real MCP SDK client that lists the tools first and
 * confirms through elicitation:
 *  - dry_run: a plan, and the device's state and the registry's counters do not move;
 *  - lease_s: 2 on the LED: applied with a lease end; the device reverts by itself ~2 s later;
 *  - 50 door commands in 2 s: the door (min_interval_ms 2000, max_commands_per_min 10, declared
 *    by the device) changes state no more often than that; the rest answer rate_limited;
 *  - get_command_log: the commands with the client's name and reason, the adapter's registry
 *    user, and a command an admin sent through the registry API with that admin's name.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import mqtt from 'mqtt';
import { startDemoProcess, type DemoProcess } from '../support/demo-process';
import { waitFor } from '../support/services';
import { contractClient, type ContractClient } from './contract';
import { text } from './harness';

const DEVICE = 'demo-0000';
const DOOR_MIN_INTERVAL_MS = 2000;

interface Seen {
    at: number;
    state: unknown;
    reason?: string;
}

interface Detail {
    actuator_states: Record<string, { state: unknown; lease?: { until: string } }>;
    counters: { commands_sent: number; commands_rate_limited: number };
}

describe('demo (npm start): safe actuation through a real MCP client', function () {
    this.timeout(60000);
    let demo: DemoProcess;
    let agent: ContractClient;
    let watcher: mqtt.MqttClient;
    let asked = 0;
    const seen = new Map<string, Seen[]>();

    const detail = async (): Promise<Detail> => {
        const res = await demo.api(`mcp-bridge/registries/${demo.registryId}/devices/${DEVICE}`);
        assert.equal(res.status, 200);
        return (await res.json()) as Detail;
    };

    before(async function () {
        demo = await startDemoProcess({ devices: 1, intervalMs: 500 });
        await waitFor('the MCP endpoint line', async () => /^MCP endpoint: /m.test(demo.output()));
        const url = /^MCP endpoint: (\S+)$/m.exec(demo.output())?.[1] as string;
        watcher = await mqtt.connectAsync(demo.mqttUrl);
        watcher.on('message', (topic, payload, packet) => {
            if (packet.retain || payload.length === 0) return;
            const actuator = topic.split('/')[3] ?? '';
            const list = seen.get(actuator) ?? [];
            list.push({ ...(JSON.parse(payload.toString()) as Seen), at: Date.now() });
            seen.set(actuator, list);
        });
        await watcher.subscribeAsync(`devices/${DEVICE}/actuators/+/status`, { qos: 1 });
        const client = new Client(
            { name: 'demo-agent', version: '0.9.1' },
            { capabilities: { elicitation: { form: {} } } },
        );
        // The user confirms every question.
        client.setRequestHandler(ElicitRequestSchema, () => {
            asked++;
            return { action: 'accept', content: { confirm: true } };
        });
        await client.connect(new StreamableHTTPClientTransport(new URL(url)));
        agent = await contractClient(client);
        await waitFor('the demo device online', async () => {
            const info = await agent.ok<{ online: boolean }>('get_device_info', { device_id: DEVICE });
            return info.data.online;
        });
    });

    after(async function () {
        await agent?.client.close();
        await watcher?.endAsync();
        if (demo) assert.equal(await demo.stop(), 0, demo.output());
    });

    it('dry_run: the plan, and nothing moves on the device', async function () {
        const before = await detail();
        const plan = await agent.ok<{ outcome: string; would: string; expected_state: unknown }>(
            'control_actuator',
            {
                device_id: DEVICE,
                actuator: 'led',
                action: 'toggle',
                dry_run: true,
                reason: 'what would a toggle do?',
            },
        );
        assert.deepEqual([plan.data.outcome, plan.data.would], ['planned', 'send']);
        assert.equal(plan.data.expected_state, before.actuator_states.led?.state === true ? false : true);
        const door = await agent.ok<{ would: string; confirmation_required: boolean }>('control_actuator', {
            device_id: DEVICE,
            actuator: 'door',
            action: 'on',
            dry_run: true,
        });
        assert.deepEqual([door.data.would, door.data.confirmation_required], ['confirmation_required', true]);
        assert.equal(asked, 0, 'a dry run asks nobody');
        const after = await detail();
        assert.equal(after.counters.commands_sent, before.counters.commands_sent, 'nothing was sent');
        assert.equal(after.actuator_states.led?.state, before.actuator_states.led?.state);
        assert.equal((seen.get('led') ?? []).length, 0, 'the LED published nothing');
    });

    it('lease_s: 2 on the LED: applied with a lease end; the device reports the old state ~2 s later', async function () {
        const old = (await detail()).actuator_states.led?.state;
        const on = await agent.ok<{ outcome: string; state: unknown; lease_until?: string }>(
            'control_actuator',
            {
                device_id: DEVICE,
                actuator: 'led',
                action: old === true ? 'off' : 'on',
                lease_s: 2,
                reason: 'blink for two seconds',
            },
        );
        const appliedAt = Date.now();
        assert.equal(on.data.outcome, 'applied');
        assert.ok(on.data.lease_until, text(on.result));
        assert.ok((await detail()).actuator_states.led?.lease, 'the registry shows the lease');
        await waitFor(
            'the lease to expire on the device',
            async () => (seen.get('led') ?? []).some((s) => s.reason === 'lease_expired'),
            6000,
        );
        const revert = (seen.get('led') ?? []).find((s) => s.reason === 'lease_expired') as Seen;
        const revertS = (revert.at - appliedAt) / 1000;
        console.log(`      demo: lease revert ${revertS.toFixed(2)} s after the applied answer (lease_s 2)`);
        assert.equal(revert.state, old ?? false);
        assert.ok(revertS > 1.5 && revertS < 3, `${revertS} s`);
    });

    it("50 door commands in 2 s: no more changes than the door's min_interval_ms, the rest rate_limited", async function () {
        const calls: Promise<{ outcome: string; retry_after_ms?: number; limit?: string; text: string }>[] =
            [];
        const started = Date.now();
        for (let i = 0; i < 50; i++) {
            const action = i % 2 === 0 ? 'on' : 'off';
            calls.push(
                agent
                    .call('control_actuator', {
                        device_id: DEVICE,
                        actuator: 'door',
                        action,
                        reason: `agent loop ${i}: ${action}`,
                    })
                    .then((r) => ({
                        ...(r.structuredContent as {
                            outcome: string;
                            retry_after_ms?: number;
                            limit?: string;
                        }),
                        text: text(r),
                    })),
            );
            // Pacing of the load (one call every 40 ms), not a wait for a condition.
            await new Promise((r) => setTimeout(r, 40));
        }
        const results = await Promise.all(calls);
        const spanMs = Date.now() - started;
        const applied = results.filter((r) => r.outcome === 'applied').length;
        const limited = results.filter((r) => r.outcome === 'rate_limited');
        const byLimit: Record<string, number> = {};
        for (const r of limited) byLimit[r.limit ?? '?'] = (byLimit[r.limit ?? '?'] ?? 0) + 1;
        let last: unknown = false;
        const changes: number[] = [];
        for (const s of seen.get('door') ?? []) {
            if (s.state !== last) changes.push(s.at);
            last = s.state;
        }
        const gaps = changes.slice(1).map((t, i) => t - (changes[i] as number));
        console.log(
            `      demo: 50 door commands in ${spanMs} ms: ${applied} applied (${asked} confirmed by the user), ` +
                `${limited.length} rate_limited ${JSON.stringify(byLimit)}; the door changed state ` +
                `${changes.length} times, gaps ${JSON.stringify(gaps)} ms`,
        );
        assert.equal(applied + limited.length, 50, JSON.stringify(results.map((r) => r.outcome)));
        assert.ok(changes.length >= 1);
        assert.ok(
            changes.length <= 1 + Math.floor(spanMs / DOOR_MIN_INTERVAL_MS),
            `${changes.length} changes`,
        );
        for (const gap of gaps) assert.ok(gap >= DOOR_MIN_INTERVAL_MS - 20, `${gap} ms`);
        assert.equal(asked, applied, 'the user was asked only for commands that went through');
        for (const r of limited) {
            assert.ok((r.retry_after_ms ?? 0) > 0);
            assert.match(r.text, /do not retry in a loop/);
        }
        assert.equal((await detail()).counters.commands_rate_limited, limited.length);
    });

    it("get_command_log: the client's name, its reasons, the registry users", async function () {
        const admin = await demo.api(
            `mcp-bridge/registries/${demo.registryId}/devices/${DEVICE}/actuators/led/commands`,
            {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ action: 'off', reason: 'the operator switched it off' }),
            },
        );
        assert.equal(admin.status, 200);
        const log = await agent.ok<{
            entries: {
                actuator: string;
                outcome: string;
                reason?: string;
                approval?: { kind: string };
                origin: { via: string; user?: string; client?: { name: string; version?: string } };
            }[];
        }>('get_command_log', { device_id: DEVICE, limit: 100 });
        const [latest, ...mcp] = log.data.entries;
        assert.deepEqual(latest?.origin, { via: 'http', user: demo.login.username });
        assert.equal(latest?.reason, 'the operator switched it off');
        const doorApplied = mcp.filter((e) => e.actuator === 'door' && e.outcome === 'applied').length;
        const tickets = mcp.filter((e) => e.outcome === 'confirmation_required').length;
        assert.equal(tickets, doorApplied, 'each confirmed door command: the ticket issued, then used');
        assert.equal(
            mcp.length,
            2 + 1 + 50 + tickets,
            '2 dry runs, the lease, 50 door commands, the tickets',
        );
        for (const e of mcp) {
            assert.equal(e.origin.via, 'mcp');
            assert.deepEqual([e.origin.client?.name, e.origin.client?.version], ['demo-agent', '0.9.1']);
            assert.equal(e.origin.user, 'mcp-adapter', "the adapter's registry token");
        }
        assert.ok(mcp.some((e) => e.reason === 'blink for two seconds' && e.outcome === 'applied'));
        assert.ok(
            mcp.filter((e) => e.actuator === 'door' && e.outcome === 'applied').every((e) => e.approval),
        );
        assert.match(
            text(log.result),
            /by MCP client "demo-agent" 0\.9\.1 session \S+ as mcp-adapter — reason: "agent loop/,
        );
    });
});
