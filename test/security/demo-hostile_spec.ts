/**
 * The attacks of the trust issue, against `npm start` as a user runs it: a
 * reading under every Object.prototype member name, cross-site posts (form and
 * JSON, with and without a confirmation claim), a forged capabilities message
 * lowering the door's confirmation requirement, a 4,000,000,000 seq and a
 * flood of 20,000 new device ids. Afterwards every MCP tool works, nothing
 * acted, the loss count is bounded and the demo's memory and registry stay
 * within their bounds.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import mqtt, { type MqttClient } from 'mqtt';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';
import { waitFor } from '../support/services';

const MAX_DEVICES = 1000;
const FLOOD_IDS = 20000;
const RSS_BOUND_MB = 400;
const REGISTRY = 'mcp-bridge/registries/demo-registry';

function rssMb(pid: number): number {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024;
}

describe('npm start under attack', function () {
    this.timeout(180000);
    let demo: DemoProcess;
    let attacker: MqttClient;
    let client: Client;
    const json = async (path: string) => (await (await demo.api(path)).json()) as Record<string, unknown>;
    const actuators = async (id: string) =>
        (await json(`${REGISTRY}/devices/${id}`)).actuator_states as Record<string, { state: unknown }>;

    before(async function () {
        assertBuilt();
        demo = await startDemoProcess({
            devices: 3,
            intervalMs: 500,
            extraArgs: ['--max-devices', String(MAX_DEVICES)],
        });
        attacker = await mqtt.connectAsync(demo.mqttUrl, { clientId: 'attacker' });
        client = new Client({ name: 'demo-hostile-test', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(demo.mcpUrl)));
        await waitFor('three devices online', async () => {
            const list = (await json(`${REGISTRY}/devices`)) as { devices: { online: boolean }[] };
            return list.devices.filter((d) => d.online).length === 3;
        });
        await waitFor(
            'a temperature reading of demo-0001 and demo-0002',
            async () =>
                (await demo.api(`${REGISTRY}/devices/demo-0001/sensors/temperature`)).status === 200 &&
                (await demo.api(`${REGISTRY}/devices/demo-0002/sensors/temperature`)).status === 200,
        );
    });

    after(async function () {
        await client?.close();
        await attacker?.endAsync();
        await demo?.stop();
    });

    it('keeps every MCP tool working after readings under every Object.prototype member name', async () => {
        for (const name of Object.getOwnPropertyNames(Object.prototype)) {
            await attacker.publishAsync(
                `devices/demo-0000/sensors/${name}/data`,
                `{"seq":1,"value":{"reading":1,"unit":"pwn","quality":1},"__proto__":{"unit":"pwn"}}`,
                { qos: 1, retain: true },
            );
        }
        const tools = (await client.listTools()).tools.map((t) => t.name);
        assert.ok(tools.length >= 12, tools.join(', '));
        for (const name of tools) {
            const args: Record<string, unknown> =
                name === 'control_actuator'
                    ? { device_id: 'demo-0001', actuator: 'led', action: 'toggle' }
                    : name === 'configure_device'
                      ? { device_id: 'demo-0001', publish_interval_ms: 500 }
                      : name === 'read_sensor'
                        ? { device_id: 'demo-0001', sensor: 'temperature', history_minutes: 5 }
                        : /device_info|device_sensors|diagnostics/.test(name)
                          ? { device_id: 'demo-0000' }
                          : {};
            const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
            assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
        }
        const other = (await json(`${REGISTRY}/devices/demo-0001/sensors/temperature`)) as { unit: string };
        assert.equal(other.unit, '°C', "another device's reading took the attacker's unit");
    });

    it('acts on nothing for cross-site posts, form or JSON, with or without a confirmation claim', async () => {
        const before = await actuators('demo-0002');
        const attempts: [string, RequestInit][] = [
            [
                'form, no token',
                { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'action=toggle' },
            ],
            [
                'JSON, no token',
                { headers: { 'content-type': 'application/json' }, body: '{"action":"toggle"}' },
            ],
        ];
        for (const [what, init] of attempts) {
            const res = await fetch(`${demo.editorUrl}${REGISTRY}/devices/demo-0002/actuators/led/commands`, {
                method: 'POST',
                ...init,
            });
            assert.equal(res.status, 401, what);
        }
        const withLogin: [string, string, Record<string, string>, string][] = [
            ['led', 'form', { 'content-type': 'application/x-www-form-urlencoded' }, 'action=toggle'],
            [
                'led',
                'JSON from evil',
                { 'content-type': 'application/json', origin: 'http://evil.example' },
                '{"action":"toggle"}',
            ],
            [
                'door',
                'JSON claiming confirmation from evil',
                { 'content-type': 'application/json', origin: 'http://evil.example' },
                '{"action":"on","confirmed":true}',
            ],
            [
                'door',
                'JSON cross-site fetch',
                { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
                '{"action":"on","confirmed":true}',
            ],
        ];
        for (const [actuator, what, headers, body] of withLogin) {
            const res = await demo.api(`${REGISTRY}/devices/demo-0002/actuators/${actuator}/commands`, {
                method: 'POST',
                headers,
                body,
            });
            assert.ok([403, 415].includes(res.status), `${what}: HTTP ${res.status}`);
        }
        const claimed = await demo.api(`${REGISTRY}/devices/demo-0002/actuators/door/commands`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"action":"on","confirmed":true}',
        });
        assert.equal(claimed.status, 428, 'a confirmation flag is not a confirmation');
        assert.deepEqual(await actuators('demo-0002'), before);
    });

    it('keeps the door confirmation when forged capabilities drop it, and raises an alert', async () => {
        const caps = (await json(`${REGISTRY}/devices/demo-0001`)).capabilities as {
            metadata: Record<string, Record<string, unknown>>;
            seq: number;
        };
        const forged = {
            ...caps,
            seq: caps.seq + 1,
            metadata: { ...caps.metadata, door: { ...caps.metadata.door, requires_confirmation: false } },
        };
        await attacker.publishAsync('devices/demo-0001/capabilities', JSON.stringify(forged), {
            qos: 1,
            retain: true,
        });
        await waitFor('the safety_lowered alert', async () => {
            const { alerts } = (await json(`${REGISTRY}/alerts?device=demo-0001`)) as {
                alerts: { error_type: string }[];
            };
            return alerts.some((a) => a.error_type === 'safety_lowered');
        });
        const res = await demo.api(`${REGISTRY}/devices/demo-0001/actuators/door/commands`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"action":"on"}',
        });
        assert.equal(((await res.json()) as { outcome: string }).outcome, 'confirmation_required');
        assert.equal((await actuators('demo-0001')).door?.state, false);
    });

    it('adds a bounded number to lost for a seq of 4,000,000,000', async () => {
        const lostOf = async () =>
            (
                (await json(`${REGISTRY}/metrics?device=demo-0002`)).devices as {
                    counters: { lost: number };
                }[]
            )[0].counters.lost;
        const before = await lostOf();
        await attacker.publishAsync(
            'devices/demo-0002/sensors/temperature/data',
            '{"seq":4000000000,"value":{"reading":99}}',
            {
                qos: 1,
            },
        );
        await waitFor('the seq_restart alert', async () => {
            const { alerts } = (await json(`${REGISTRY}/alerts?device=demo-0002`)) as {
                alerts: { error_type: string }[];
            };
            return alerts.some((a) => a.error_type === 'seq_restart');
        });
        // The device's own next messages continue its real count.
        await waitFor('a later reading of demo-0002', async () => {
            const r = (await json(`${REGISTRY}/devices/demo-0002/sensors/temperature`)) as {
                reading: number;
            };
            return r.reading !== 99;
        });
        assert.ok((await lostOf()) - before < 10, `lost grew from ${before} to ${await lostOf()}`);
    });

    it(`stays at its device cap with bounded memory when ${FLOOD_IDS} new device ids arrive`, async () => {
        for (let i = 0; i < FLOOD_IDS; i++) {
            attacker.publish(`devices/flood-${i}/sensors/t/data`, `{"seq":${i},"value":{"reading":1}}`, {
                qos: 0,
            });
        }
        await attacker.publishAsync('devices/flood-end/sensors/t/data', '{"seq":1,"value":{"reading":1}}', {
            qos: 1,
        });
        await waitFor(
            'the flood processed',
            async () => (await demo.api(`${REGISTRY}/devices/flood-end`)).status === 200,
            60000,
        );
        const list = (await json(`${REGISTRY}/devices?limit=1`)) as { total: number };
        assert.ok(list.total <= MAX_DEVICES, `${list.total} devices (cap ${MAX_DEVICES})`);
        const rss = rssMb(demo.pid);
        assert.ok(rss < RSS_BOUND_MB, `demo RSS ${rss.toFixed(0)} MB`);
        for (const id of ['demo-0000', 'demo-0001', 'demo-0002']) {
            assert.equal((await demo.api(`${REGISTRY}/devices/${id}`)).status, 200, `${id} was evicted`);
        }
        console.log(
            `      after ${FLOOD_IDS} new ids: ${list.total} devices kept, demo RSS ${rss.toFixed(0)} MB`,
        );
    });
});
