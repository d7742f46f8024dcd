import assert from 'node:assert/strict';
import { ActuatorQueue } from '../../mcp-adapter/src/actuator-queue';

/** A task that runs until the test lets it finish, and logs when it starts and ends. */
function gate(log: string[], name: string) {
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    const task = async () => {
        log.push(`${name} start`);
        await opened;
        log.push(`${name} end`);
        return name;
    };
    return { task, open };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('unit: ActuatorQueue', () => {
    it('runs commands to one actuator one after the other, and other actuators meanwhile', async () => {
        const queue = new ActuatorQueue();
        const log: string[] = [];
        const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
        const signal = new AbortController().signal;
        const first = queue.run('d1', 'door', signal, a.task);
        const second = queue.run('d1', 'door', signal, b.task);
        const other = queue.run('d1', 'led', signal, c.task);
        await tick();
        assert.deepEqual(log, ['a start', 'c start']);
        b.open(); // done before it may start: it still waits for a
        c.open();
        await tick();
        assert.deepEqual(log, ['a start', 'c start', 'c end']);
        a.open();
        assert.deepEqual(await Promise.all([first, second, other]), ['a', 'b', 'c']);
        assert.deepEqual(log, ['a start', 'c start', 'c end', 'a end', 'b start', 'b end']);
        await tick();
        assert.equal(queue.size, 0);
    });

    it('lets a waiting command give up when its request is cancelled, and keeps the order for the rest', async () => {
        const queue = new ActuatorQueue();
        const log: string[] = [];
        const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
        const live = new AbortController().signal;
        const cancel = new AbortController();
        const first = queue.run('d1', 'door', live, a.task);
        const cancelled = queue.run('d1', 'door', cancel.signal, b.task);
        const third = queue.run('d1', 'door', live, c.task);
        cancel.abort(new Error('cancelled by the client'));
        await assert.rejects(cancelled, /cancelled by the client/);
        await tick();
        assert.deepEqual(log, ['a start'], 'the third still waits for the first');
        c.open();
        a.open();
        assert.deepEqual(await Promise.all([first, third]), ['a', 'c']);
        assert.deepEqual(log, ['a start', 'a end', 'c start', 'c end']);
        await tick();
        assert.equal(queue.size, 0);
    });
});
