/** The command flow and helpers, shared by the Node-RED 4.1 and 5.0 specs. */
import { helper } from './test-helper';
import type { NodeMessage } from '../../nodes/lib/node-red-types';
import type { RegistryNode } from '../../nodes/lib/registry/registry-node';
import type { Misbehaviour } from '../../simulator/device';
import { waitFor } from '../support/services';
import { brokerConfig, startDevice, uniqueId } from './fixtures';

/** The command flow; without its decode node the registry alone must still complete commands. */
export function commandFlow({ withDecode = true } = {}) {
    const flow = [
        { id: 'tab', type: 'tab', label: 'test' },
        brokerConfig(),
        { id: 'reg', type: 'mcpb-registry', broker: 'broker', persist: false },
        { id: 'dec', type: 'mcpb-decode', z: 'tab', broker: 'broker', registry: 'reg', wires: [] },
        { id: 'cmd', type: 'mcpb-command', z: 'tab', registry: 'reg', wires: [['done'], ['failed']] },
        { id: 'done', type: 'helper', z: 'tab' },
        { id: 'failed', type: 'helper', z: 'tab' },
    ];
    return withDecode ? flow : flow.filter((n) => !('id' in n) || n.id !== 'dec');
}

type Waiting = (answer: [number, NodeMessage]) => void;
const listening = new WeakSet<object>();
let waiting: Waiting | undefined;

/**
 * Sends one command message and returns [output index, message]. Listeners are
 * attached once per loaded flow (Node-RED 5 does not support once() on 'input').
 */
export function command(payload: object): Promise<[number, NodeMessage]> {
    const node = (id: string) =>
        helper.getNode(id) as unknown as { on(e: 'input', f: (m: NodeMessage) => void): void };
    const done = node('done');
    if (!listening.has(done)) {
        listening.add(done);
        done.on('input', (m) => waiting?.([1, m]));
        node('failed').on('input', (m) => waiting?.([2, m]));
    }
    return new Promise((resolve, reject) => {
        // Every outcome comes within the answer timeout; past it, say what the registry saw.
        const timer = setTimeout(() => reject(new Error(stuckReport(payload))), COMMAND_DEADLINE_MS);
        waiting = (answer) => {
            clearTimeout(timer);
            resolve(answer);
        };
        (helper.getNode('cmd') as unknown as { receive(m: NodeMessage): void }).receive({ payload });
    });
}

const COMMAND_DEADLINE_MS = 12000;

function stuckReport(payload: object): string {
    const node = helper.getNode('reg') as unknown as RegistryNode;
    const device = (payload as { device?: unknown }).device;
    const record = typeof device === 'string' ? node.registry.devices.get(device) : undefined;
    return (
        `the command node gave no outcome within ${COMMAND_DEADLINE_MS} ms for ${JSON.stringify(payload)}: ` +
        `broker ${node.registry.brokerState}, device online ${String(record?.online)}, ` +
        `requests waiting ${node.requests.pending.size}, counters ${JSON.stringify(record?.counters)}`
    );
}

export async function onlineDevice(misbehave?: Misbehaviour) {
    const id = uniqueId('cmd');
    const node = helper.getNode('reg') as unknown as RegistryNode;
    const registry = node.registry;
    await waitFor('registry connected to the broker', async () => registry.brokerState === 'connected');
    const sim = await startDevice({ id, misbehave });
    await waitFor(
        'device known',
        async () =>
            registry.devices.get(id)?.online === true && registry.devices.get(id)?.capabilities !== null,
    );
    return { id, sim, registry, requests: node.requests };
}
