import assert from 'node:assert/strict';
import { helper } from './test-helper';
import { waitFor } from '../support/services';
import { command, commandFlow, onlineDevice } from './command-fixtures';
import { commandNode, decodeNode, nodeRed, registryNode, nodeRedMajors } from './fixtures';

// The same behaviour on every Node-RED the running Node supports (nodeRedMajors; the packaging test runs a real 4.1 process).
for (const major of nodeRedMajors()) {
    const nr = nodeRed(major);
    describe(`mcpb-command (Node-RED ${major}.x)`, function () {
        before(() => helper.init(nr.runtime));
        beforeEach(async () => {
            await helper.startServer();
            await helper.load([nr.mqtt, registryNode, decodeNode, commandNode], commandFlow());
        });
        afterEach(async () => {
            await helper.unload();
            await helper.stopServer();
        });

        it('reports the state the device confirmed, and counts it', async function () {
            const { id, sim, registry } = await onlineDevice();
            try {
                const [port, msg] = await command({
                    device: id,
                    actuator: 'dimmer',
                    action: 'set',
                    value: 40,
                });
                assert.equal(port, 1);
                const outcome = msg.payload as { outcome: string; state: number; command_id: string };
                assert.equal(outcome.outcome, 'applied');
                assert.equal(outcome.state, 40);
                assert.equal(sim.device.actuatorState.dimmer, 40);
                assert.equal(
                    registry.devices.get(id)?.actuators.get('dimmer')?.lastCommand?.command_id,
                    outcome.command_id,
                );
                assert.equal(registry.devices.get(id)?.counters.commands_applied, 1);
                const [, toggled] = await command({ device: id, actuator: 'led', action: 'toggle' });
                assert.equal((toggled.payload as { state: boolean }).state, true);
            } finally {
                await sim.stop();
            }
        });

        it('dry run, lease and loop guard from a flow, each recorded with the node as origin', async function () {
            const { id, sim, registry } = await onlineDevice();
            try {
                const before = sim.device.counts().commandsReceived;
                const [planPort, plan] = await command({
                    device: id,
                    actuator: 'led',
                    action: 'on',
                    dry_run: true,
                    reason: 'flow check',
                });
                assert.equal(planPort, 1);
                assert.deepEqual(
                    [
                        (plan.payload as { outcome: string }).outcome,
                        (plan.payload as { would: string }).would,
                    ],
                    ['planned', 'send'],
                );
                const [leasePort, leased] = await command({
                    device: id,
                    actuator: 'led',
                    action: 'on',
                    lease_s: 30,
                });
                assert.equal(leasePort, 1);
                assert.ok((leased.payload as { lease_until?: string }).lease_until);
                assert.equal(sim.device.counts().commandsReceived, before + 1, 'the dry run sent nothing');
                // The door declares min_interval_ms 2000: confirmed on, then off at once is refused by the registry.
                const [, asked] = await command({ device: id, actuator: 'door', action: 'on' });
                const ticket = (asked.payload as { ticket: string }).ticket;
                await command({ device: id, actuator: 'door', action: 'on', confirmation: ticket });
                const [port, limited] = await command({ device: id, actuator: 'door', action: 'off' });
                assert.equal(port, 2);
                assert.equal(limited.outcome, 'rate_limited');
                assert.ok(((limited.payload as { retry_after_ms: number }).retry_after_ms ?? 0) > 0);
                const log = registry.ledger.query({ device: id, limit: 10 });
                assert.deepEqual(
                    log.entries.map((e) => [e.outcome, e.origin.via, e.origin.node_id]),
                    [
                        ['rate_limited', 'flow', 'cmd'],
                        ['applied', 'flow', 'cmd'],
                        ['confirmation_required', 'flow', 'cmd'],
                        ['applied', 'flow', 'cmd'],
                        ['planned', 'flow', 'cmd'],
                    ],
                );
                assert.equal(log.entries.at(-1)?.reason, 'flow check');
            } finally {
                await sim.stop();
            }
        });

        it('reports a rejection by the device with its reason and code', async function () {
            const { id, sim } = await onlineDevice({
                rejectCommands: { reason: 'door is jammed', code: 'JAMMED' },
            });
            try {
                const [, asked] = await command({ device: id, actuator: 'door', action: 'on' });
                const ticket = (asked.payload as { ticket: string }).ticket;
                const [port, msg] = await command({
                    device: id,
                    actuator: 'door',
                    action: 'on',
                    confirmation: ticket,
                });
                assert.equal(port, 2);
                assert.deepEqual(
                    [msg.outcome, msg.reason, (msg.payload as { code: string }).code],
                    ['rejected', 'door is jammed', 'JAMMED'],
                );
            } finally {
                await sim.stop();
            }
        });

        it('refuses invalid commands before anything is published', async function () {
            const { id, sim } = await onlineDevice();
            try {
                const cases: [object, string][] = [
                    [{ device: id, actuator: 'dimmer', action: 'set', value: 150 }, 'OUT_OF_RANGE'],
                    [{ device: id, actuator: 'valve', action: 'on' }, 'UNKNOWN_ACTUATOR'],
                    [{ device: id, actuator: 'led', action: 'set', value: true }, 'UNSUPPORTED_ACTION'],
                    [{ device: 'ghost', actuator: 'led', action: 'on' }, 'UNKNOWN_DEVICE'],
                    [{ actuator: 'led', action: 'on' }, 'MISSING_TARGET'],
                ];
                for (const [payload, code] of cases) {
                    const [port, msg] = await command(payload);
                    assert.equal(port, 2);
                    assert.equal(msg.outcome, 'invalid');
                    assert.equal((msg.payload as { code: string }).code, code);
                }
                assert.equal(sim.device.actuatorState.dimmer, 0);
            } finally {
                await sim.stop();
            }
        });

        it('answers offline for an offline device', async function () {
            const { id, sim, registry } = await onlineDevice();
            await sim.stop();
            await waitFor('offline', async () => registry.devices.get(id)?.online === false);
            const [port, msg] = await command({ device: id, actuator: 'led', action: 'on' });
            assert.equal(port, 2);
            assert.equal(msg.outcome, 'offline');
        });

        it('completes a command with no decode node deployed (the registry hears answers itself)', async function () {
            await helper.unload();
            await helper.load([nr.mqtt, registryNode, commandNode], commandFlow({ withDecode: false }));
            const { id, sim, registry } = await onlineDevice();
            try {
                const [port, msg] = await command({ device: id, actuator: 'led', action: 'on' });
                assert.equal(port, 1);
                assert.deepEqual([msg.outcome, (msg.payload as { state: boolean }).state], ['applied', true]);
                assert.equal(registry.devices.get(id)?.actuators.get('led')?.state, true);
            } finally {
                await sim.stop();
            }
        });

        it('lets a confirmation-required command through only with its one-time ticket', async function () {
            const { id, sim, registry } = await onlineDevice();
            try {
                const door = { device: id, actuator: 'door', action: 'on' };
                const [askedPort, asked] = await command(door);
                assert.equal(askedPort, 2);
                assert.equal(asked.outcome, 'confirmation_required');
                const ticket = (asked.payload as { ticket: string }).ticket;
                const refused = async (payload: object) => {
                    const [, msg] = await command(payload);
                    return [msg.outcome, (msg.payload as { code?: string }).code];
                };
                assert.deepEqual(await refused({ ...door, confirmation: 'forged' }), [
                    'invalid',
                    'BAD_CONFIRMATION',
                ]);
                const [, other] = await command(door);
                const otherTicket = (other.payload as { ticket: string }).ticket;
                assert.deepEqual(await refused({ ...door, action: 'off', confirmation: otherTicket }), [
                    'invalid',
                    'BAD_CONFIRMATION',
                ]);
                assert.equal(sim.device.actuatorState.door, false, 'nothing reached the door');
                const [port, msg] = await command({ ...door, confirmation: ticket });
                assert.deepEqual([port, msg.outcome], [1, 'applied']);
                assert.deepEqual(await refused({ ...door, confirmation: ticket }), [
                    'invalid',
                    'BAD_CONFIRMATION',
                ]);
                assert.equal(registry.devices.get(id)?.counters.commands_sent, 1);
            } finally {
                await sim.stop();
            }
        });

        it('times out when the device never answers', async function () {
            const { id, sim, registry, requests } = await onlineDevice({ ignoreCommands: true });
            try {
                const [port, msg] = await command({
                    device: id,
                    actuator: 'led',
                    action: 'on',
                    timeout_ms: 300,
                });
                assert.equal(port, 2);
                assert.equal(msg.outcome, 'timeout');
                assert.equal(registry.devices.get(id)?.counters.commands_timed_out, 1);
                assert.equal(requests.pending.size, 0);
            } finally {
                await sim.stop();
            }
        });

        it('runs config and diagnostics requests through the HTTP API', async function () {
            const { id, sim } = await onlineDevice();
            try {
                const config = await helper
                    .request()
                    .post(`/mcp-bridge/registries/reg/devices/${id}/config`)
                    .send({ publish_interval_ms: 2000 });
                assert.equal(config.status, 200);
                assert.equal(config.body.config.publish_interval_ms, 2000);
                const badConfig = await helper
                    .request()
                    .post(`/mcp-bridge/registries/reg/devices/${id}/config`)
                    .send({ publish_interval_ms: 5 });
                assert.equal(badConfig.status, 422);
                const diag = await helper
                    .request()
                    .post(`/mcp-bridge/registries/reg/devices/${id}/diagnostics`)
                    .send({});
                assert.equal(diag.body.outcome, 'completed');
                assert.equal(diag.body.result.overall, 'ok');
                const cmd = await helper
                    .request()
                    .post(`/mcp-bridge/registries/reg/devices/${id}/actuators/mode/commands`)
                    .send({ action: 'set', value: 'boost' });
                assert.equal(cmd.status, 200);
                assert.equal(cmd.body.state, 'boost');
                const invalid = await helper
                    .request()
                    .post(`/mcp-bridge/registries/reg/devices/${id}/actuators/mode/commands`)
                    .send({ action: 'set', value: 'turbo' });
                assert.equal(invalid.status, 422);
                assert.equal(invalid.body.code, 'BAD_VALUE');
            } finally {
                await sim.stop();
            }
        });
    });
}
