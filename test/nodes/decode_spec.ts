import assert from 'node:assert/strict';
import { helper } from './test-helper';
import mqtt from 'mqtt';
import type { NodeMessage } from '../../nodes/lib/node-red-types';
import type { RegistryNode } from '../../nodes/lib/registry/registry-node';
import { sharedServices, waitFor } from '../support/services';
import { loadDecodeVectors, payloadOf } from '../support/vectors';
import { brokerConfig, decodeNode, nodeRed, registryNode, uniqueId, nodeRedMajors } from './fixtures';

interface Received extends NodeMessage {
    error?: { message: string; code?: string; source: { id: string } };
}

function collect(id: string): Received[] {
    const got: Received[] = [];
    (helper.getNode(id) as unknown as { on(e: 'input', f: (m: Received) => void): void }).on('input', (m) =>
        got.push(m),
    );
    return got;
}

// The same behaviour on every Node-RED the running Node supports (nodeRedMajors; the packaging test runs a real 4.1 process).
for (const major of nodeRedMajors()) {
    const nr = nodeRed(major);
    describe(`mcpb-decode (Node-RED ${major}.x)`, function () {
        before(() => helper.init(nr.runtime));
        beforeEach(() => helper.startServer());
        afterEach(async () => {
            await helper.unload();
            await helper.stopServer();
        });

        it('sends every invalid protocol vector to a Catch node with its code, and counts it', async function () {
            const invalid = loadDecodeVectors().filter((v) => v.expect.error !== undefined);
            assert.ok(invalid.length > 50);
            await helper.load(
                [registryNode, decodeNode, nr.catchNode],
                [
                    { id: 'tab', type: 'tab', label: 'test' },
                    { id: 'reg', type: 'mcpb-registry', persist: false },
                    { id: 'dec', type: 'mcpb-decode', z: 'tab', registry: 'reg', wires: [['ok']] },
                    { id: 'ok', type: 'helper', z: 'tab' },
                    {
                        id: 'catcher',
                        type: 'catch',
                        z: 'tab',
                        scope: null,
                        uncaught: false,
                        wires: [['caught']],
                    },
                    { id: 'caught', type: 'helper', z: 'tab' },
                ],
            );
            const ok = collect('ok');
            const caught = collect('caught');
            const dec = helper.getNode('dec') as unknown as { receive(m: NodeMessage): void };
            for (const v of invalid) dec.receive({ topic: v.topic, payload: payloadOf(v), vector: v.name });
            await waitFor('all errors caught', async () => caught.length === invalid.length);
            for (const v of invalid) {
                const m = caught.find((c) => c.vector === v.name);
                assert.ok(m, `${v.file}/${v.name} reached the Catch node`);
                assert.equal(m.error?.code, v.expect.error, `${v.name}: msg.error.code`);
                assert.equal(m.code, v.expect.error, `${v.name}: msg.code`);
                assert.ok(
                    m.error?.message.startsWith(`${v.expect.error}:`),
                    `${v.name}: ${m.error?.message}`,
                );
                assert.equal(m.error?.source.id, 'dec');
            }
            assert.equal(ok.length, 0);
            const totals = (helper.getNode('reg') as unknown as RegistryNode).registry.counters.totals
                .decode_errors;
            const counted = Object.values(totals).reduce((a, b) => a + (b ?? 0), 0);
            assert.equal(counted, invalid.length);

            // Still working after all that: a valid message passes with the normalised shape.
            dec.receive({
                topic: 'devices/d1/sensors/temperature/data',
                payload: Buffer.from('{"seq":1,"value":{"reading":20.5,"unit":"°C"}}'),
            });
            await waitFor('valid message out', async () => ok.length === 1);
            assert.equal(ok[0].kind, 'sensor_data');
            assert.equal(ok[0].device, 'd1');
            assert.equal(ok[0].sensor, 'temperature');
            assert.deepEqual(ok[0].payload, { seq: 1, value: { reading: 20.5, unit: '°C' } });
            assert.equal(ok[0].retained, false);
            assert.equal(typeof ok[0].receivedAt, 'number');
        });

        it('decodes traffic from a wired core mqtt-in node and from its own broker subscription alike', async function () {
            const id = uniqueId('dec-modes');
            await helper.load(
                [nr.mqtt, registryNode, decodeNode],
                [
                    { id: 'tab', type: 'tab', label: 'test' },
                    brokerConfig(),
                    { id: 'reg', type: 'mcpb-registry', persist: false },
                    {
                        id: 'in',
                        type: 'mqtt in',
                        z: 'tab',
                        broker: 'broker',
                        topic: `devices/${id}/#`,
                        qos: '1',
                        datatype: 'buffer',
                        wires: [['wired']],
                    },
                    { id: 'wired', type: 'mcpb-decode', z: 'tab', registry: 'reg', wires: [['fromWired']] },
                    {
                        id: 'direct',
                        type: 'mcpb-decode',
                        z: 'tab',
                        broker: 'broker',
                        topic: `devices/${id}/#`,
                        wires: [['fromDirect']],
                    },
                    { id: 'fromWired', type: 'helper', z: 'tab' },
                    { id: 'fromDirect', type: 'helper', z: 'tab' },
                ],
            );
            const wired = collect('fromWired');
            const direct = collect('fromDirect');
            await waitFor(
                'connected',
                async () => (helper.getNode('broker') as unknown as { connected: boolean }).connected,
            );
            const client = await mqtt.connectAsync(sharedServices().mqttUrl);
            try {
                await client.publishAsync(
                    `devices/${id}/sensors/batch`,
                    JSON.stringify({
                        seq: 3,
                        readings: [
                            { sensor: 'a', reading: 1 },
                            { sensor: 'b', reading: true },
                        ],
                    }),
                    { qos: 1 },
                );
                await client.publishAsync(
                    `devices/${id}/actuators/led/status`,
                    JSON.stringify({ seq: 4, state: true }),
                    { qos: 1 },
                );
                await waitFor('both modes decoded', async () => wired.length === 2 && direct.length === 2);
            } finally {
                await client.endAsync();
            }
            for (const got of [wired, direct]) {
                const batch = got.find((m) => m.kind === 'sensor_batch');
                assert.deepEqual(batch?.payload, {
                    seq: 3,
                    readings: [
                        { sensor: 'a', reading: 1 },
                        { sensor: 'b', reading: true },
                    ],
                });
                const status = got.find((m) => m.kind === 'actuator_status');
                assert.equal(status?.actuator, 'led');
                assert.equal(status?.device, id);
            }
            const registry = (helper.getNode('reg') as unknown as RegistryNode).registry;
            assert.equal(registry.devices.get(id)?.readings.get('b')?.reading, true);
        });

        it('takes only what its own topic filter matches from a shared broker, once, also after a reconnect', async function () {
            const id = uniqueId('dec-filter');
            const decode = (node: string, topic: string, out: string) => ({
                id: node,
                type: 'mcpb-decode',
                z: 'tab',
                source: 'broker',
                broker: 'broker',
                store: 'none',
                topic,
                wires: [[out]],
            });
            await helper.load(
                [nr.mqtt, decodeNode],
                [
                    { id: 'tab', type: 'tab', label: 'test' },
                    brokerConfig(),
                    decode('all', `devices/${id}-a/#`, 'gotAll'),
                    decode('data', `devices/+/sensors/+/data`, 'gotData'),
                    { id: 'gotAll', type: 'helper', z: 'tab' },
                    { id: 'gotData', type: 'helper', z: 'tab' },
                ],
            );
            const all = collect('gotAll');
            const dataMessages = collect('gotData');
            const broker = helper.getNode('broker') as unknown as {
                connected: boolean;
                client: { options: { reconnectPeriod: number }; stream: { destroy(): void } };
            };
            await waitFor('connected', async () => broker.connected);
            const client = await mqtt.connectAsync(sharedServices().mqttUrl);
            const reading = (seq: number) => JSON.stringify({ seq, value: { reading: seq } });
            const publishRound = async (seq: number) => {
                await client.publishAsync(`devices/${id}-a/sensors/t/data`, reading(seq), { qos: 1 });
                await client.publishAsync(`devices/${id}-a/status`, 'online', { qos: 1 });
                // Delivered for the other node's subscription: a sibling id sharing the prefix of devices/<id>-a/#.
                await client.publishAsync(`devices/${id}-ab/sensors/t/data`, reading(seq), { qos: 1 });
                await client.publishAsync(`devices/${id}-b/sensors/t/data`, reading(seq), { qos: 1 });
            };
            const mine = (got: Received[]) => got.filter((m) => String(m.device).startsWith(id));
            try {
                await publishRound(1);
                await waitFor(
                    'the first round',
                    async () => all.length === 2 && mine(dataMessages).length === 3,
                );
                // The connection drops; the core node reconnects and resubscribes with the same handlers.
                broker.client.options.reconnectPeriod = 100;
                broker.client.stream.destroy();
                await waitFor('reconnected', async () => !broker.connected).catch(() => undefined);
                await waitFor('reconnected', async () => broker.connected);
                await publishRound(2);
                await waitFor(
                    'the second round',
                    async () => all.length >= 4 && mine(dataMessages).length >= 6,
                );
                // A last message on each: everything before it has arrived, so the counts are final.
                await client.publishAsync(`devices/${id}-a/status`, 'offline', { qos: 1 });
                await client.publishAsync(`devices/${id}-b/sensors/t/data`, reading(3), { qos: 1 });
                await waitFor('the sentinels', async () =>
                    all.some(
                        (m) => m.kind === 'status' && (m.payload as { status: string }).status === 'offline',
                    ),
                );
                await waitFor('the sentinels', async () =>
                    mine(dataMessages).some(
                        (m) => m.device === `${id}-b` && (m.payload as { seq: number }).seq === 3,
                    ),
                );
            } finally {
                await client.endAsync();
            }
            assert.deepEqual(
                all.map((m) => `${m.device} ${m.kind}`),
                [
                    `${id}-a sensor_data`,
                    `${id}-a status`,
                    `${id}-a sensor_data`,
                    `${id}-a status`,
                    `${id}-a status`,
                ],
            );
            assert.deepEqual(
                mine(dataMessages).map((m) => `${m.device} ${(m.payload as { seq: number }).seq}`),
                [`${id}-a 1`, `${id}-ab 1`, `${id}-b 1`, `${id}-a 2`, `${id}-ab 2`, `${id}-b 2`, `${id}-b 3`],
            );
        });
    });
}
