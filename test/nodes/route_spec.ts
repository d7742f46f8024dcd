import assert from 'node:assert/strict';
import { helper } from './test-helper';
import type { NodeMessage } from '../../nodes/lib/node-red-types';
import { waitFor } from '../support/services';
import { nodeRed, routeNode, nodeRedMajors } from './fixtures';

// The same behaviour on every Node-RED the running Node supports (nodeRedMajors; the packaging test runs a real 4.1 process).
for (const major of nodeRedMajors()) {
    const nr = nodeRed(major);
    describe(`mcpb-route (Node-RED ${major}.x)`, function () {
        before(() => helper.init(nr.runtime));
        beforeEach(() => helper.startServer());
        afterEach(async () => {
            await helper.unload();
            await helper.stopServer();
        });

        async function route(checkall: boolean, messages: NodeMessage[]): Promise<string[][]> {
            await helper.load(routeNode, [
                { id: 'tab', type: 'tab', label: 'test' },
                {
                    id: 'r',
                    type: 'mcpb-route',
                    z: 'tab',
                    checkall: String(checkall),
                    rules: [
                        { t: 'kind', v: 'sensor_data' },
                        { t: 'device', v: 'esp1' },
                        { t: 'sensor', v: 'humidity' },
                        { t: 'actuator', v: 'led' },
                        { t: 'else' },
                    ],
                    outputs: 5,
                    wires: [['o0'], ['o1'], ['o2'], ['o3'], ['o4']],
                },
                ...[0, 1, 2, 3, 4].map((i) => ({ id: `o${i}`, type: 'helper', z: 'tab' })),
            ]);
            const seen: string[][] = [[], [], [], [], []];
            for (let i = 0; i < 5; i++) {
                (
                    helper.getNode(`o${i}`) as unknown as {
                        on(e: 'input', f: (m: NodeMessage) => void): void;
                    }
                ).on('input', (m) => seen[i].push(String(m.name)));
            }
            const r = helper.getNode('r') as unknown as { receive(m: NodeMessage): void };
            for (const m of messages) r.receive(m);
            const expected = checkall ? 7 : 5;
            await waitFor('routed', async () => seen.flat().length === expected);
            return seen;
        }

        const messages: NodeMessage[] = [
            { name: 'a', kind: 'sensor_data', device: 'esp1', sensor: 'temperature' },
            {
                name: 'b',
                kind: 'sensor_batch',
                device: 'esp2',
                payload: { readings: [{ sensor: 'humidity', reading: 1 }] },
            },
            { name: 'c', kind: 'actuator_status', device: 'esp2', actuator: 'led' },
            { name: 'd', kind: 'metrics', device: 'esp3' },
            { name: 'e', kind: 'sensor_data', device: 'esp2', sensor: 'humidity' },
        ];

        it('sends each message to every matching output, else to the otherwise output', async function () {
            const seen = await route(true, messages);
            assert.deepEqual(seen, [['a', 'e'], ['a'], ['b', 'e'], ['c'], ['d']]);
        });

        it('stops at the first match when configured so', async function () {
            const seen = await route(false, messages);
            assert.deepEqual(seen, [['a', 'e'], [], ['b'], ['c'], ['d']]);
        });

        it('marks itself invalid on a bad rule instead of shifting later rules to other ports', async () => {
            await helper.load(routeNode, [
                { id: 'tab', type: 'tab', label: 'test' },
                {
                    id: 'r',
                    type: 'mcpb-route',
                    z: 'tab',
                    rules: [{ t: 'kind', v: 'sensor_data' }, { t: 'colour', v: 'red' }, { t: 'else' }],
                    outputs: 3,
                    wires: [['o0'], ['o1'], ['o2']],
                },
                ...[0, 1, 2].map((i) => ({ id: `o${i}`, type: 'helper', z: 'tab' })),
            ]);
            const r = helper.getNode('r') as unknown as {
                receive(m: NodeMessage): void;
                error: { args: unknown[][] };
                status: { args: { text: string }[][] };
            };
            let routed = 0;
            for (const i of [0, 1, 2]) {
                (helper.getNode(`o${i}`) as unknown as { on(e: 'input', f: () => void): void }).on(
                    'input',
                    () => routed++,
                );
            }
            assert.match(String(r.error.args[0]?.[0]), /invalid-rule/);
            assert.equal(r.status.args[0]?.[0].text, 'mcpb-route.status.invalid');
            r.receive({ kind: 'metrics', device: 'x' });
            await waitFor('the message reported as not routed', async () => r.error.args.length === 2);
            assert.equal(routed, 0, 'nothing is routed while a rule is invalid');
        });
    });
}
