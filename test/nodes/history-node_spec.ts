/**
 * mcpb-history in the node test helper: a device's readings go through the
 * registry into its store, the node reads them back into msg.payload (points
 * or buckets, whole-window stats, gaps) with settings or message overrides,
 * sets its status, and ends bad requests with done(err) (Catch: msg.error.code).
 */
import assert from 'node:assert/strict';
import type { SensorHistory } from '@mcp-mqtt-bridge/protocol';
import type { NodeMessage } from '../../nodes/lib/node-red-types';
import type { RegistryNode } from '../../nodes/lib/registry/registry-node';
import historyModule from '../../nodes/history';
import { waitFor } from '../support/services';
import { helper } from './test-helper';
import {
    brokerConfig,
    decodeNode,
    nodeRed,
    nodeRedMajors,
    registryNode,
    startDevice,
    uniqueId,
} from './fixtures';

type Spy = { calledWithMatch(arg: object): boolean; lastCall?: { args: unknown[] } };
interface TestNode {
    receive(msg: NodeMessage): void;
    on(event: 'input', listener: (msg: NodeMessage) => void): void;
    status: Spy;
}

function flow(historyConfig: object) {
    return [
        { id: 'tab', type: 'tab', label: 'test' },
        brokerConfig(),
        { id: 'reg', type: 'mcpb-registry', broker: 'broker', persist: false, history: 'memory' },
        { id: 'dec', type: 'mcpb-decode', z: 'tab', broker: 'broker', registry: 'reg', wires: [] },
        { id: 'hist', type: 'mcpb-history', z: 'tab', registry: 'reg', ...historyConfig, wires: [['out']] },
        { id: 'out', type: 'helper', z: 'tab' },
        { id: 'catcher', type: 'catch', z: 'tab', scope: ['hist'], uncaught: false, wires: [['caught']] },
        { id: 'caught', type: 'helper', z: 'tab' },
    ];
}

for (const major of nodeRedMajors()) {
    const nr = nodeRed(major);
    describe(`mcpb-history (Node-RED ${major}.x)`, function () {
        before(() => helper.init(nr.runtime));
        beforeEach(() => helper.startServer());
        afterEach(async () => {
            await helper.unload();
            await helper.stopServer();
        });

        const node = () => helper.getNode<TestNode>('hist');
        let answers: NodeMessage[] = [];
        let errors: NodeMessage[] = [];

        async function load(historyConfig: object) {
            await helper.load(
                [nr.mqtt, nr.catchNode, registryNode, decodeNode, historyModule],
                flow(historyConfig),
            );
            answers = [];
            errors = [];
            helper.getNode<TestNode>('out').on('input', (m) => answers.push(m));
            helper.getNode<TestNode>('caught').on('input', (m) => errors.push(m));
        }

        async function ask(msg: NodeMessage): Promise<{ answer?: NodeMessage; error?: NodeMessage }> {
            const [a0, e0] = [answers.length, errors.length];
            node().receive(msg);
            await waitFor(
                'the history node to answer',
                async () => answers.length > a0 || errors.length > e0,
            );
            return { answer: answers[a0], error: errors[e0] };
        }

        /** A device that sent `values` of `sensor`, 2 s apart, ending 1 s ago. */
        async function deviceWith(sensor: string, values: number[]) {
            const id = uniqueId('hist');
            const registry = helper.getNode<RegistryNode>('reg').registry;
            await waitFor('registry connected', async () => registry.brokerState === 'connected');
            const sim = await startDevice({ id });
            const end = Date.now() / 1000 - 1;
            for (const [i, v] of values.entries())
                await sim.device.publishReading(sensor, v, end - 2 * (values.length - 1 - i));
            await waitFor(
                'the readings in the registry',
                async () =>
                    registry.devices.get(id)?.readings.get(sensor)?.reading === values[values.length - 1],
            );
            return { id, sim };
        }

        it('reads the configured sensor into msg.payload: points, whole-window stats, status', async () => {
            await load({ sensor: 'temperature', minutes: 10, maxPoints: 48 });
            const values = [20.5, 21, 22.5, 19, 20];
            const { id, sim } = await deviceWith('temperature', values);
            try {
                const { answer } = await ask({ payload: { device: id } });
                assert.ok(answer, 'no answer');
                const h = answer.payload as SensorHistory;
                assert.equal(answer.topic, `${id}/temperature`);
                assert.equal(answer.unit, '°C');
                assert.deepEqual(
                    h.points.map((p) => p.reading),
                    values,
                );
                assert.equal(h.buckets, undefined);
                assert.deepEqual(
                    { count: h.stats.count, min: h.stats.min, max: h.stats.max, last: h.stats.last },
                    { count: 5, min: 19, max: 22.5, last: 20 },
                );
                assert.equal(h.minutes, 10);
                assert.equal(h.stats_scope, 'window');
                assert.ok(
                    h.gaps?.some((g) => g.cause === 'not_recorded'),
                    JSON.stringify(h.gaps),
                );
                assert.ok(
                    node().status.calledWithMatch({
                        fill: 'yellow',
                        shape: 'dot',
                        text: 'mcpb-history.status.points',
                    }),
                );
            } finally {
                await sim.stop();
            }
        });

        it('takes device, sensor, window and budget from the message and downsamples into buckets', async () => {
            await load({ sensor: 'temperature', minutes: 60, maxPoints: 48 });
            const values = Array.from({ length: 12 }, (_, i) => 40 + i);
            const { id, sim } = await deviceWith('humidity', values);
            try {
                const { answer } = await ask({
                    device: id,
                    sensor: 'humidity',
                    minutes: 5,
                    maxPoints: 3,
                } as NodeMessage);
                assert.ok(answer, 'no answer');
                const h = answer.payload as SensorHistory;
                assert.equal(answer.sensor, 'humidity');
                assert.equal(h.minutes, 5);
                assert.equal(h.points.length, 0);
                assert.ok(
                    h.buckets && h.buckets.length >= 1 && h.buckets.length <= 3,
                    JSON.stringify(h.buckets),
                );
                assert.ok((h.bucket_s ?? 0) > 0);
                assert.equal(h.stats.count, 12);
                assert.equal(h.stats.min, 40);
                assert.equal(h.stats.max, 51);
                assert.equal(
                    h.buckets.reduce((n, b) => n + b.count, 0),
                    12,
                    'the buckets hold every point',
                );
                assert.ok(node().status.calledWithMatch({ text: 'mcpb-history.status.buckets' }));
            } finally {
                await sim.stop();
            }
        });

        it('ends bad requests with an error a Catch node sees, with its code', async () => {
            await load({ minutes: 10 });
            const registry = helper.getNode<RegistryNode>('reg').registry;
            await waitFor('registry connected', async () => registry.brokerState === 'connected');
            const cases: [NodeMessage, string][] = [
                [{ payload: { device: 'ghost', sensor: 'temperature' } }, 'UNKNOWN_DEVICE'],
                [{ payload: { sensor: 'temperature' } }, 'MISSING_TARGET'],
                [{ payload: { device: 'ghost', sensor: 'temperature', minutes: 0 } }, 'BAD_INPUT'],
                [{ payload: { device: 'ghost', sensor: 'temperature', maxPoints: 'many' } }, 'BAD_INPUT'],
            ];
            const { id, sim } = await deviceWith('temperature', [21]);
            cases.push([{ payload: { device: id, sensor: 'nope' } }, 'UNKNOWN_SENSOR']);
            try {
                for (const [msg, code] of cases) {
                    const { error } = await ask(msg);
                    assert.ok(error, `no error for ${JSON.stringify(msg.payload)}`);
                    const e = error.error as { code: string; message: string; source: { id: string } };
                    assert.equal(e.code, code, JSON.stringify(e));
                    assert.equal(e.source.id, 'hist');
                    assert.match(e.message, /^mcpb-history\.errors\./);
                }
                assert.ok(node().status.calledWithMatch({ fill: 'red', text: 'mcpb-history.status.error' }));
                assert.equal(answers.length, 0);
            } finally {
                await sim.stop();
            }
        });

        it('says so in its status and errors when no registry is configured', async () => {
            await helper.load(
                [nr.catchNode, historyModule],
                [
                    { id: 'tab', type: 'tab', label: 'test' },
                    { id: 'hist', type: 'mcpb-history', z: 'tab', device: 'd', sensor: 's', wires: [[]] },
                    {
                        id: 'catcher',
                        type: 'catch',
                        z: 'tab',
                        scope: ['hist'],
                        uncaught: false,
                        wires: [['caught']],
                    },
                    { id: 'caught', type: 'helper', z: 'tab' },
                ],
            );
            assert.ok(
                node().status.calledWithMatch({ fill: 'red', text: 'mcpb-history.status.no-registry' }),
            );
            const caught = new Promise<NodeMessage>((resolve) =>
                helper.getNode<TestNode>('caught').on('input', resolve),
            );
            node().receive({ payload: 'go' });
            assert.equal(((await caught).error as { code: string }).code, 'NO_REGISTRY');
        });
    });
}
