/** A representative run on Node-RED 5.0.x: decode → registry → command round trip, and a Catch. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { helper } from './test-helper';
import type { NodeMessage } from '../../nodes/lib/node-red-types';
import { command, commandFlow, onlineDevice } from './command-fixtures';
import { commandNode, decodeNode, nodeRed, registryNode } from './fixtures';

const nr = nodeRed(5);

describe('node pack on Node-RED 5.0', function () {
    before(() => helper.init(nr.runtime));
    beforeEach(() => helper.startServer());
    afterEach(async () => {
        await helper.unload();
        await helper.stopServer();
    });

    it('loads the 5.x runtime', function () {
        const manifest = JSON.parse(fs.readFileSync(require.resolve('node-red-5/package.json'), 'utf8')) as {
            version: string;
        };
        assert.match(manifest.version, /^5\./);
        assert.ok(nr.runtime.includes('node-red-5'));
    });

    it('confirms a command round trip and times out a silent device', async function () {
        await helper.load([nr.mqtt, registryNode, decodeNode, commandNode], commandFlow());
        const { id, sim } = await onlineDevice();
        try {
            const [port, msg] = await command({ device: id, actuator: 'led', action: 'on' });
            assert.equal(port, 1);
            assert.equal((msg.payload as { state: boolean }).state, true);
        } finally {
            await sim.stop();
        }
        const silent = await onlineDevice({ ignoreCommands: true });
        try {
            const [port, msg] = await command({
                device: silent.id,
                actuator: 'led',
                action: 'on',
                timeout_ms: 200,
            });
            assert.equal(port, 2);
            assert.equal(msg.outcome, 'timeout');
        } finally {
            await silent.sim.stop();
        }
    });

    it('sends a spoofed message to a Catch node with ID_MISMATCH', async function () {
        await helper.load(
            [registryNode, decodeNode],
            [
                { id: 'tab', type: 'tab', label: 'test' },
                { id: 'reg', type: 'mcpb-registry', persist: false },
                { id: 'dec', type: 'mcpb-decode', z: 'tab', registry: 'reg', wires: [[]] },
                { id: 'catcher', type: 'catch', z: 'tab', scope: null, uncaught: false, wires: [['caught']] },
                { id: 'caught', type: 'helper', z: 'tab' },
            ],
        );
        const caught = new Promise<NodeMessage>((resolve) =>
            (helper.getNode('caught') as unknown as { on(e: 'input', f: (m: NodeMessage) => void): void }).on(
                'input',
                resolve,
            ),
        );
        (helper.getNode('dec') as unknown as { receive(m: NodeMessage): void }).receive({
            topic: 'devices/esp1/metrics',
            payload: '{"device_id":"esp2","seq":1}',
        });
        const msg = await caught;
        assert.equal((msg.error as { code: string }).code, 'ID_MISMATCH');
    });
});
