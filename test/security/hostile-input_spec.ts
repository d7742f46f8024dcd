/**
 * Hostile input, end to end: a corpus of names every JavaScript object knows
 * (Object.prototype members, `__proto__`, `prototype`, numbers, maximum-length
 * ids), forged and malformed messages, floods of new ids, cross-site and
 * form-encoded requests, sent through every door — MQTT topics and payload
 * keys, the registry HTTP API, MCP tool arguments — into a real Node-RED
 * registry on a private Mosquitto, with a real MCP SDK client over stdio.
 * Each input must get a clear answer (an error code, or harmless acceptance);
 * afterwards Object.prototype is untouched, a good device is still
 * controllable, every tool still answers, and memory stayed bounded.
 */
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { DeviceConnection, SimulatedDevice } from '../../simulator';
import { connectStdio, type StdioSession } from '../mcp-adapter/harness';
import { startRegistryRuntime, type RegistryRuntime } from '../mcp-adapter/registry-runtime';
import { startMosquitto, waitFor, type RunningService } from '../support/services';

const MAX_DEVICES = 300;
const FLOOD_IDS = 2000;
/** Resident memory the whole corpus may add to this process (Node-RED, registry and all). */
const RSS_BOUND_MB = 150;

/** Names that mean something to every JavaScript object, and other awkward but legal ids. */
const HOSTILE_NAMES = [
    ...Object.getOwnPropertyNames(Object.prototype),
    'prototype',
    'then',
    'toJSON',
    'length',
    'name',
    'apply',
    'call',
    'bind',
    'caller',
    'arguments',
    'undefined',
    'null',
    'NaN',
    'Infinity',
    '0',
    '1',
    '007',
    '-1',
    '4294967296',
    'x'.repeat(64),
].filter((n) => /^[A-Za-z0-9_-]{1,64}$/.test(n));

/** The device that has an actuator of this name. */
const actuatorHost = (n: string) => `act-${HOSTILE_NAMES.indexOf(n)}`;

/** What no input may leave behind on the shared prototype. */
function prototypeKeys(): string[] {
    return Object.getOwnPropertyNames(Object.prototype).sort();
}

function textOf(result: CallToolResult): string {
    return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('hostile input through MQTT, the registry API and MCP arguments', function () {
    this.timeout(120000);
    let broker: RunningService;
    let runtime: RegistryRuntime;
    let stdio: StdioSession;
    let publisher: MqttClient;
    let good: SimulatedDevice;
    let goodConnection: DeviceConnection;
    const protoBefore = prototypeKeys();
    const answers: { door: string; input: string; answer: string }[] = [];
    const api = (path: string, init?: RequestInit) =>
        fetch(`${runtime.adminUrl}mcp-bridge/registries/registry${path}`, init);
    const tool = (name: string, args: Record<string, unknown>) =>
        stdio.client.callTool({ name, arguments: args }) as Promise<CallToolResult>;

    before(async function () {
        broker = await startMosquitto();
        runtime = await startRegistryRuntime(broker.url, { maxDevices: MAX_DEVICES });
        goodConnection = await DeviceConnection.open(broker.url, 'good-c', 'good');
        good = new SimulatedDevice(goodConnection, {
            id: 'good',
            publishIntervalMs: 0,
            metricsIntervalMs: 0,
        });
        await good.start();
        publisher = await mqtt.connectAsync(broker.url, { clientId: 'attacker' });
        stdio = await connectStdio(['--registry-url', runtime.adminUrl, '--registry-id', 'registry']);
        await stdio.client.listTools();
        await waitFor('the good device known', async () => (await api('/devices/good')).status === 200);
    });

    after(async function () {
        await stdio?.close();
        await publisher?.endAsync();
        await good?.stop();
        await goodConnection?.close();
        await runtime?.stop();
        await broker?.stop();
    });

    it(`answers ${HOSTILE_NAMES.length} hostile names as device, sensor and actuator ids on MQTT without harm`, async () => {
        const rssBefore = process.memoryUsage().rss;
        let seq = 0;
        const publish = (topic: string, body: unknown) =>
            publisher.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });
        for (const n of HOSTILE_NAMES) {
            // The name as a device id with a sensor of the same name, and as an actuator of another device.
            await publish(`devices/${n}/capabilities`, {
                device_id: n,
                seq: seq++,
                firmware_version: '1',
                sensors: [n],
                actuators: [],
                metadata: { [n]: { unit: 'x', value_type: 'number' } },
            });
            await publish(`devices/${actuatorHost(n)}/capabilities`, {
                device_id: actuatorHost(n),
                seq: seq++,
                firmware_version: '1',
                sensors: [],
                actuators: [n],
                metadata: { [n]: { value_type: 'boolean', supported_actions: ['on', 'off'] } },
            });
            await publish(`devices/${n}/status`, { status: 'online' });
            // The name as a sensor of a device without capabilities (bounded), and in a batch.
            await publish(`devices/undeclared/sensors/${n}/data`, { seq: seq++, value: { reading: 1 } });
            await publish(`devices/undeclared/sensors/batch`, {
                seq: seq++,
                readings: [{ sensor: n, reading: 2, unit: 'x' }],
            });
            // A payload that tries to set a prototype.
            await publish(
                `devices/good/sensors/${n}/data`,
                `{"seq":1,"value":{"reading":1},"__proto__":{"polluted":"${n}"}}`,
            );
        }
        // Forged and malformed: 4 billion seq, wildcards, oversized ids, junk.
        await publish('devices/good/sensors/temperature/data', {
            seq: 4_000_000_000,
            value: { reading: 20 },
        });
        await publish(`devices/${'y'.repeat(65)}/status`, { status: 'online' });
        await publish('devices/good/capabilities', '{"__proto__": {"polluted": 1}}');
        await publish('devices/good/error', '{"seq":2,"error_type":"x","message":"m","severity":9}');
        await publish('devices/good/sensors/temperature/data', 'not json');
        for (const n of HOSTILE_NAMES) answers.push({ door: 'mqtt', input: n, answer: 'published' });

        // Every hostile device id is known and answers through the API as data.
        for (const n of HOSTILE_NAMES) {
            await waitFor(
                `device "${n}" in the registry`,
                async () => (await api(`/devices/${n}`)).status === 200,
            );
        }
        const constructorDevice = (await (await api('/devices/constructor')).json()) as {
            device_id: string;
            sensors: string[];
        };
        assert.deepEqual(
            [constructorDevice.device_id, constructorDevice.sensors],
            ['constructor', ['constructor']],
        );
        const undeclared = (await (await api('/devices/undeclared')).json()) as { sensors: string[] };
        assert.ok(
            undeclared.sensors.length <= 32,
            `${undeclared.sensors.length} sensors kept before capabilities`,
        );
        assert.deepEqual(prototypeKeys(), protoBefore, 'Object.prototype changed');
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        const status = (await (await api('/status')).json()) as { counters: { lost: number } };
        assert.ok(status.counters.lost < 100, `lost = ${status.counters.lost} after a forged seq`);
        assert.ok((process.memoryUsage().rss - rssBefore) / 2 ** 20 < RSS_BOUND_MB);
    });

    it('answers every hostile name on every registry route with a clear code, and refuses cross-site writes', async () => {
        const allowed = new Set([200, 204, 400, 403, 404, 409, 415, 422, 428, 503, 504]);
        for (const n of HOSTILE_NAMES) {
            const e = encodeURIComponent(n);
            const requests: [string, Promise<Response>][] = [
                ['GET device', api(`/devices/${e}`)],
                ['GET sensor', api(`/devices/${e}/sensors/${e}`)],
                ['GET good sensor', api(`/devices/good/sensors/${e}`)],
                ['GET readings', api(`/readings?devices=${e}&sensors=${e}`)],
                ['GET alerts', api(`/alerts?device=${e}`)],
                [
                    'POST command to the actuator of that name',
                    // Nothing runs that device: its answer is a prompt timeout.
                    api(`/devices/${actuatorHost(n)}/actuators/${e}/commands`, {
                        method: 'POST',
                        headers: { 'content-type': 'application/json' },
                        body: JSON.stringify({ action: 'on', timeout_ms: 100 }),
                    }),
                ],
                [
                    'POST command',
                    api(`/devices/${e}/actuators/${e}/commands`, {
                        method: 'POST',
                        headers: { 'content-type': 'application/json' },
                        body: JSON.stringify({ action: n, value: n, __proto__: { polluted: 1 } }),
                    }),
                ],
                [
                    'POST config',
                    api('/devices/good/config', {
                        method: 'POST',
                        headers: { 'content-type': 'application/json' },
                        body: JSON.stringify({ streaming: { [n]: { enabled: true } } }),
                    }),
                ],
            ];
            for (const [what, pending] of requests) {
                const res = await pending;
                const body = (await res.json().catch(() => undefined)) as
                    { error?: { code: string }; outcome?: string; code?: string } | undefined;
                assert.ok(allowed.has(res.status), `${what} ${n}: HTTP ${res.status}`);
                if (res.status >= 400) {
                    assert.ok(
                        body?.error?.code || body?.outcome,
                        `${what} ${n}: no code in ${JSON.stringify(body)}`,
                    );
                }
                answers.push({
                    door: 'http',
                    input: `${what} ${n}`,
                    answer: String(body?.error?.code ?? body?.outcome ?? res.status),
                });
            }
        }
        const led = '/devices/good/actuators/led/commands';
        const crossSite: [string, RequestInit][] = [
            [
                'form post',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/x-www-form-urlencoded' },
                    body: 'action=toggle',
                },
            ],
            [
                'text post',
                { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"action":"toggle"}' },
            ],
            [
                'foreign Origin',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
                    body: '{"action":"toggle"}',
                },
            ],
            [
                'Sec-Fetch-Site',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
                    body: '{"action":"toggle"}',
                },
            ],
            [
                'opaque Origin',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', origin: 'null' },
                    body: '{"action":"toggle"}',
                },
            ],
            [
                'confirmed flag on the door',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
                    body: '{"action":"on","confirmed":true}',
                },
            ],
        ];
        const ledBefore = good.actuatorState.led;
        for (const [what, init] of crossSite) {
            const res = await api(
                what.includes('door') ? '/devices/good/actuators/door/commands' : led,
                init,
            );
            assert.ok([403, 415].includes(res.status), `${what}: HTTP ${res.status}`);
            answers.push({ door: 'http', input: what, answer: String(res.status) });
        }
        // A JSON body claiming confirmation, from a non-browser client, still only gets a ticket.
        const claimed = await api('/devices/good/actuators/door/commands', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"action":"on","confirmed":true}',
        });
        assert.equal(claimed.status, 428);
        assert.equal(good.actuatorState.led, ledBefore, 'a cross-site request toggled the LED');
        assert.equal(good.actuatorState.door, false, 'the door opened without confirmation');
        assert.deepEqual(prototypeKeys(), protoBefore);
    });

    it('answers every hostile name as MCP tool arguments with a result, never a crash', async () => {
        for (const n of HOSTILE_NAMES) {
            const calls: [string, Record<string, unknown>][] = [
                ['get_device_info', { device_id: n }],
                ['read_sensor', { device_id: n, sensor: n }],
                ['read_sensor', { device_id: 'good', sensor: n, history_minutes: 5 }],
                ['control_actuator', { device_id: n, actuator: n, action: 'on' }],
                ['control_actuator', { device_id: 'good', actuator: n, action: n }],
                ['configure_device', { device_id: 'good', streaming: { [n]: { enabled: true } } }],
                ['read_all_sensors', { device_ids: [n], sensors: [n] }],
            ];
            for (const [name, args] of calls) {
                const result = await tool(name, args);
                assert.ok(textOf(result).length > 0, `${name}(${JSON.stringify(args)}) answered nothing`);
                answers.push({
                    door: 'mcp',
                    input: `${name} ${n}`,
                    answer: result.isError ? 'error result' : 'ok',
                });
            }
        }
        // A streaming setting for a sensor the device does not have is refused by the device, never applied.
        const ctor = await tool('configure_device', {
            device_id: 'good',
            streaming: { constructor: { enabled: true } },
        });
        assert.equal(ctor.isError, true, textOf(ctor));
        assert.deepEqual(prototypeKeys(), protoBefore);
    });

    it(`keeps the registry at its cap when ${FLOOD_IDS} new device ids arrive, evicting ids that never announced themselves`, async () => {
        const rssBefore = process.memoryUsage().rss;
        for (let i = 0; i < FLOOD_IDS; i++) {
            publisher.publish(`devices/flood-${i}/sensors/t/data`, `{"seq":${i},"value":{"reading":${i}}}`, {
                qos: 0,
            });
        }
        await publisher.publishAsync('devices/flood-last/sensors/t/data', '{"seq":1,"value":{"reading":1}}', {
            qos: 1,
        });
        await waitFor('the last flood id', async () => (await api('/devices/flood-last')).status === 200);
        const list = (await (await api('/devices?limit=1000')).json()) as {
            total: number;
            devices: { device_id: string }[];
        };
        assert.ok(list.total <= MAX_DEVICES, `${list.total} devices kept (cap ${MAX_DEVICES})`);
        assert.ok(
            list.devices.some((d) => d.device_id === 'good'),
            'the announced good device was evicted',
        );
        assert.ok((process.memoryUsage().rss - rssBefore) / 2 ** 20 < RSS_BOUND_MB);
        answers.push({ door: 'mqtt', input: `${FLOOD_IDS} new ids`, answer: `${list.total} kept` });
    });

    it('still controls the good device and answers every tool after the whole corpus', async () => {
        await good.publishReading('temperature', 21.5);
        await waitFor(
            'a reading of the good device',
            async () => (await api('/devices/good/sensors/temperature')).status === 200,
        );
        const tools = (await stdio.client.listTools()).tools.map((t) => t.name);
        for (const name of tools) {
            const args: Record<string, unknown> =
                name === 'control_actuator'
                    ? { device_id: 'good', actuator: 'led', action: 'toggle' }
                    : name === 'configure_device'
                      ? { device_id: 'good', publish_interval_ms: 5000 }
                      : /device_info|device_sensors|diagnostics/.test(name)
                        ? { device_id: 'good' }
                        : name === 'read_sensor'
                          ? { device_id: 'good', sensor: 'temperature' }
                          : {};
            const result = await tool(name, args);
            assert.notEqual(result.isError, true, `${name}: ${textOf(result)}`);
        }
        const before = good.actuatorState.led;
        const toggled = await tool('control_actuator', {
            device_id: 'good',
            actuator: 'led',
            action: 'toggle',
        });
        assert.match(textOf(toggled), /^Applied/);
        assert.equal(good.actuatorState.led, !before);
        assert.ok(answers.length >= 200, `the corpus has ${answers.length} inputs`);
        console.log(
            `      corpus: ${answers.length} hostile inputs (${HOSTILE_NAMES.length} names × MQTT, HTTP and MCP doors)`,
        );
    });
});
