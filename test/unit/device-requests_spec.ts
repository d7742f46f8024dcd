import assert from 'node:assert/strict';
import {
    ANSWER_MARGIN_MS,
    DEFAULT_ANSWER_TIMEOUT_MS,
    MAX_ANSWER_TIMEOUT_MS,
    httpStatusOf,
    type DeviceMessage,
} from '@mcp-mqtt-bridge/protocol';
import { TICKET_TTL_MS } from '../../nodes/lib/registry/confirmation-tickets';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { DeviceRequests, type Publisher } from '../../nodes/lib/registry/device-requests';
import { PendingRequests } from '../../nodes/lib/registry/pending-requests';
import { detailOf } from '../../nodes/lib/registry/views';
import { SWITCH, capabilities, fakeTimers, flush, status, wire } from './support/wire';

const T0 = 1_700_000_000_000;

interface Published {
    topic: string;
    body: Record<string, unknown>;
}

/** What a device answers to one published request: [topic, payload], or nothing (it stays silent). */
type Responder = (p: Published) => [string, object] | undefined;

/**
 * A registry, its request handler and a fake broker: the Publisher records what
 * is published and, like the registry's broker link, feeds the device's answer
 * (decoded with the protocol's decoder) to the registry and to the requests.
 */
class Bench {
    readonly registry = new DeviceRegistry();
    readonly published: Published[] = [];
    connected = true;
    /** false: the broker never acknowledges a publish (mqtt.js then holds its callback). */
    acknowledges = true;
    respond: Responder | undefined;
    private seq = 100;
    readonly requests: DeviceRequests;

    constructor() {
        const publish: Publisher = (topic, body) => {
            if (!this.connected) return Promise.resolve(false);
            const p = { topic, body: body as Record<string, unknown> };
            this.published.push(p);
            const reply = this.respond?.(p);
            // The answer arrives before the publish is acknowledged: it must not be missed.
            if (reply) this.receive(wire(reply[0], { seq: this.seq++, ...reply[1] }));
            return this.acknowledges ? Promise.resolve(true) : new Promise<boolean>(() => undefined);
        };
        this.requests = new DeviceRequests(this.registry, publish);
    }

    receive(message: DeviceMessage): void {
        this.registry.ingest(message, false, Date.now());
        this.requests.deliver(message);
    }

    /** d1: a switch `led`, a dimmer with a response time, and a door that needs confirmation. */
    device(id = 'd1'): this {
        const actuators = {
            led: SWITCH,
            dimmer: {
                value_type: 'number' as const,
                supported_actions: ['set'],
                min_range: 0,
                max_range: 100,
                response_time_ms: 200,
            },
            door: { value_type: 'none' as const, supported_actions: ['open'], requires_confirmation: true },
        };
        this.receive(capabilities(id, { seq: 1, actuators }));
        return this;
    }
}

/** The device applies every command and echoes its id. */
const applies: Responder = ({ topic, body }) => [
    topic.replace(/\/cmd$/, '/status'),
    { state: body.action === 'off' ? false : true, command_id: body.id, result: 'applied' },
];

describe('unit: DeviceRequests (request correlation)', () => {
    let clock: ReturnType<typeof fakeTimers>;
    beforeEach(() => {
        clock = fakeTimers({ date: true, now: T0 });
    });
    afterEach(() => clock.restore());

    describe('command()', () => {
        it('publishes the command and answers "applied" with the state the device confirmed', async () => {
            const bench = new Bench().device();
            bench.respond = applies;
            const outcome = await bench.requests.command('d1', 'led', { action: 'on' });
            assert.equal(bench.published.length, 1);
            const [{ topic, body }] = bench.published;
            assert.equal(topic, 'devices/d1/actuators/led/cmd');
            assert.deepEqual(Object.keys(body).sort(), ['action', 'id', 'timestamp']);
            assert.equal(body.action, 'on');
            assert.deepEqual(outcome, {
                outcome: 'applied',
                command_id: body.id,
                device_id: 'd1',
                actuator: 'led',
                action: 'on',
                state: true,
                duration_ms: 0,
            });
            const c = bench.registry.devices.get('d1')?.counters;
            assert.deepEqual([c?.commands_sent, c?.commands_applied], [1, 1]);
            assert.equal(bench.registry.devices.get('d1')?.actuators.get('led')?.state, true);
            assert.equal(bench.requests.pending.size, 0);
        });

        it('answers "rejected" with the device reason, code and state', async () => {
            const bench = new Bench().device();
            bench.respond = ({ body }) => [
                'devices/d1/actuators/dimmer/status',
                { state: 10, command_id: body.id, result: 'rejected', reason: 'overheated', code: 'HOT' },
            ];
            const outcome = await bench.requests.command('d1', 'dimmer', { action: 'set', value: 50 });
            assert.equal(outcome.outcome, 'rejected');
            assert.ok(outcome.outcome === 'rejected');
            assert.deepEqual([outcome.reason, outcome.code, outcome.state], ['overheated', 'HOT', 10]);
            assert.equal(bench.published[0]?.body.value, 50);
            assert.equal(bench.registry.devices.get('d1')?.counters.commands_rejected, 1);
        });

        it('ignores answers to other commands or from other devices, then times out', async () => {
            const bench = new Bench().device().device('d2');
            bench.respond = ({ body }) => [
                'devices/d2/actuators/led/status',
                { state: true, command_id: body.id, result: 'applied' },
            ];
            const pending = bench.requests.command('d1', 'led', { action: 'on', timeout_ms: 2000 });
            await flush();
            bench.receive(
                wire('devices/d1/actuators/led/status', {
                    seq: 50,
                    state: true,
                    command_id: 'other',
                    result: 'applied',
                }),
            );
            clock.tick(1999);
            await flush();
            assert.equal(bench.requests.pending.size, 1, 'still waiting');
            clock.tick(1);
            const outcome = await pending;
            assert.deepEqual(outcome, {
                outcome: 'timeout',
                command_id: bench.published[0]?.body.id,
                device_id: 'd1',
                actuator: 'led',
                action: 'on',
                timeout_ms: 2000,
            });
            assert.equal(bench.registry.devices.get('d1')?.counters.commands_timed_out, 1);
            assert.equal(bench.requests.pending.size, 0);
        });

        it('ends at its timeout when the broker never acknowledges the publish, and takes an answer that comes first', async () => {
            const bench = new Bench().device();
            bench.acknowledges = false;
            const pending = bench.requests.command('d1', 'led', { action: 'on', timeout_ms: 2000 });
            await flush();
            clock.tick(1999);
            await flush();
            assert.equal(bench.requests.pending.size, 1, 'still waiting');
            clock.tick(1);
            assert.equal((await pending).outcome, 'timeout');
            assert.equal(bench.registry.devices.get('d1')?.counters.commands_timed_out, 1);
            bench.respond = applies;
            const answered = await bench.requests.command('d1', 'led', { action: 'off', timeout_ms: 2000 });
            assert.deepEqual(
                [answered.outcome, answered.outcome === 'applied' && answered.state],
                ['applied', false],
            );
        });

        it('waits the declared response time plus the margin by default, and at most the maximum', async () => {
            const bench = new Bench().device();
            const pending = bench.requests.command('d1', 'dimmer', { action: 'set', value: 1 });
            await flush();
            clock.tick(200 + ANSWER_MARGIN_MS - 1);
            await flush();
            assert.equal(bench.requests.pending.size, 1);
            clock.tick(1);
            const outcome = await pending;
            assert.ok(outcome.outcome === 'timeout');
            assert.equal(outcome.timeout_ms, 200 + ANSWER_MARGIN_MS);

            const capped = bench.requests.command('d1', 'led', {
                action: 'on',
                timeout_ms: MAX_ANSWER_TIMEOUT_MS,
            });
            await flush();
            clock.tick(MAX_ANSWER_TIMEOUT_MS);
            assert.equal((await capped).outcome, 'timeout');
        });

        it('sends nothing to an offline device', async () => {
            const bench = new Bench().device();
            bench.receive(status('d1', false));
            const outcome = await bench.requests.command('d1', 'led', { action: 'on' });
            assert.deepEqual(outcome, {
                outcome: 'offline',
                device_id: 'd1',
                actuator: 'led',
                message: 'device d1 is offline (reported offline); nothing was sent',
            });
            assert.equal(bench.published.length, 0);
        });

        it('says why when a silent device timed out', async () => {
            const bench = new Bench().device();
            bench.registry.tick(T0 + bench.registry.options.offlineTimeoutMs + 1);
            const outcome = await bench.requests.command('d1', 'led', { action: 'on' });
            assert.ok(outcome.outcome === 'offline');
            assert.match(outcome.message, /silent too long/);
        });

        it('answers broker_unavailable while the registry broker is down, publishing nothing', async () => {
            const bench = new Bench().device();
            bench.registry.setBrokerState('down', T0);
            const outcome = await bench.requests.command('d1', 'led', { action: 'on' });
            assert.equal(outcome.outcome, 'broker_unavailable');
            assert.equal(bench.published.length, 0);
        });

        it('answers broker_unavailable when the publish fails, leaving nothing waiting and nothing counted', async () => {
            const bench = new Bench().device();
            bench.connected = false;
            const outcome = await bench.requests.command('d1', 'led', { action: 'on' });
            assert.equal(outcome.outcome, 'broker_unavailable');
            assert.equal(bench.requests.pending.size, 0);
            assert.equal(bench.registry.devices.get('d1')?.counters.commands_sent, 0);
        });

        it('refuses bodies the contract does not allow, before looking at the device', async () => {
            const bench = new Bench().device();
            const cases: [unknown, string, string][] = [
                [{}, 'UNSUPPORTED_ACTION', '/action'],
                [{ action: '' }, 'UNSUPPORTED_ACTION', '/action'],
                [{ action: 'on', timeout_ms: 0 }, 'BAD_VALUE', '/timeout_ms'],
                [{ action: 'on', timeout_ms: MAX_ANSWER_TIMEOUT_MS + 1 }, 'BAD_VALUE', '/timeout_ms'],
                [{ action: 'on', value: { nested: true } }, 'BAD_VALUE', '/value'],
                [{ action: 'on', confirmation: 'x'.repeat(65) }, 'BAD_VALUE', '/confirmation'],
            ];
            for (const [body, code, field] of cases) {
                const outcome = await bench.requests.command('nobody', 'led', body);
                assert.ok(outcome.outcome === 'invalid', JSON.stringify(body));
                assert.deepEqual([outcome.code, outcome.field], [code, field], JSON.stringify(body));
            }
            assert.equal(bench.published.length, 0);
        });

        it('refuses commands the device capabilities do not allow', async () => {
            const bench = new Bench().device();
            const cases: [string, object, string][] = [
                ['fan', { action: 'on' }, 'UNKNOWN_ACTUATOR'],
                ['led', { action: 'set', value: 1 }, 'UNSUPPORTED_ACTION'],
                ['dimmer', { action: 'set', value: 101 }, 'OUT_OF_RANGE'],
                ['dimmer', { action: 'set' }, 'MISSING_VALUE'],
            ];
            for (const [actuator, body, code] of cases) {
                const outcome = await bench.requests.command('d1', actuator, body);
                assert.ok(outcome.outcome === 'invalid');
                assert.equal(outcome.code, code, `${actuator} ${JSON.stringify(body)}`);
            }
            assert.equal(bench.published.length, 0);
        });

        it('refuses unknown devices and devices without capabilities', async () => {
            const bench = new Bench();
            const unknown = await bench.requests.command('ghost', 'led', { action: 'on' });
            assert.ok(unknown.outcome === 'invalid');
            assert.deepEqual([unknown.code, unknown.field], ['UNKNOWN_DEVICE', '/device']);
            bench.receive(status('bare', true));
            const bare = await bench.requests.command('bare', 'led', { action: 'on' });
            assert.ok(bare.outcome === 'invalid');
            assert.equal(bare.code, 'NO_CAPABILITIES');
            assert.equal(bench.published.length, 0);
        });
    });

    describe('confirmation', () => {
        it('answers confirmation_required with a ticket, and the ticket lets the same command through once', async () => {
            const bench = new Bench().device();
            bench.respond = applies;
            const first = await bench.requests.command('d1', 'door', { action: 'open' });
            assert.ok(first.outcome === 'confirmation_required');
            assert.equal(first.expires_at, new Date(T0 + TICKET_TTL_MS).toISOString());
            assert.equal(bench.published.length, 0, 'nothing is sent before the user confirmed');

            const confirmed = await bench.requests.command('d1', 'door', {
                action: 'open',
                confirmation: first.ticket,
            });
            assert.equal(confirmed.outcome, 'applied');
            assert.equal(bench.published.length, 1);

            const replay = await bench.requests.command('d1', 'door', {
                action: 'open',
                confirmation: first.ticket,
            });
            assert.ok(replay.outcome === 'invalid');
            assert.deepEqual([replay.code, replay.field], ['BAD_CONFIRMATION', '/confirmation']);
            assert.equal(bench.published.length, 1);
        });

        it('refuses a ticket after it expired', async () => {
            const bench = new Bench().device();
            bench.respond = applies;
            const first = await bench.requests.command('d1', 'door', { action: 'open' });
            assert.ok(first.outcome === 'confirmation_required');
            clock.tick(TICKET_TTL_MS);
            const late = await bench.requests.command('d1', 'door', {
                action: 'open',
                confirmation: first.ticket,
            });
            assert.ok(late.outcome === 'invalid');
            assert.equal(late.code, 'BAD_CONFIRMATION');
            assert.equal(bench.published.length, 0);
        });

        it('refuses a ticket issued for the same command to another device', async () => {
            const bench = new Bench().device().device('d2');
            bench.respond = applies;
            const first = await bench.requests.command('d1', 'door', { action: 'open' });
            assert.ok(first.outcome === 'confirmation_required');
            const other = await bench.requests.command('d2', 'door', {
                action: 'open',
                confirmation: first.ticket,
            });
            assert.ok(other.outcome === 'invalid');
            assert.equal(other.code, 'BAD_CONFIRMATION');
            assert.equal(bench.published.length, 0);
        });

        it('asks for confirmation of actuators the operator policy names, though the device does not', async () => {
            const bench = new Bench();
            const reg = new DeviceRegistry({ ...bench.registry.options, confirmPatterns: ['d1/le*'] });
            const published: string[] = [];
            const requests = new DeviceRequests(reg, (topic) => {
                published.push(topic);
                return Promise.resolve(true);
            });
            reg.ingest(capabilities('d1', { seq: 1, actuators: { led: SWITCH } }), false, T0);
            const outcome = await requests.command('d1', 'led', { action: 'on' });
            assert.equal(outcome.outcome, 'confirmation_required');
            assert.deepEqual(published, []);
        });
    });

    describe('config()', () => {
        it('publishes the settings and answers with the configuration the device confirmed', async () => {
            const bench = new Bench().device();
            bench.respond = ({ body }) => [
                'devices/d1/config',
                { command_id: body.id, result: 'applied', config: { publish_interval_ms: 2000 } },
            ];
            const outcome = await bench.requests.config('d1', { publish_interval_ms: 2000 });
            assert.equal(bench.published[0]?.topic, 'devices/d1/config/set');
            assert.deepEqual(bench.published[0]?.body, {
                id: bench.published[0]?.body.id,
                publish_interval_ms: 2000,
            });
            assert.ok(outcome.outcome === 'applied');
            assert.deepEqual(outcome.config, { publish_interval_ms: 2000 });
            assert.deepEqual(bench.registry.devices.get('d1')?.config, { publish_interval_ms: 2000 });
        });

        it('answers "rejected" with the device reason', async () => {
            const bench = new Bench().device();
            bench.respond = ({ body }) => [
                'devices/d1/config',
                {
                    command_id: body.id,
                    result: 'rejected',
                    reason: 'busy',
                    config: { publish_interval_ms: 1000 },
                },
            ];
            const outcome = await bench.requests.config('d1', { publish_interval_ms: 2000 });
            assert.ok(outcome.outcome === 'rejected');
            assert.equal(outcome.reason, 'busy');
        });

        it('refuses an empty change (the protocol schema wants a setting) and out-of-range values', async () => {
            const bench = new Bench().device();
            const empty = await bench.requests.config('d1', {});
            assert.equal(empty.outcome, 'invalid');
            const low = await bench.requests.config('d1', { publish_interval_ms: 1 });
            assert.ok(low.outcome === 'invalid');
            assert.deepEqual([low.code, low.field], ['BAD_VALUE', '/publish_interval_ms']);
            assert.equal(bench.published.length, 0);
        });

        it('times out after the default answer timeout', async () => {
            const bench = new Bench().device();
            const pending = bench.requests.config('d1', { reset_metrics: true });
            await flush();
            clock.tick(DEFAULT_ANSWER_TIMEOUT_MS - 1);
            await flush();
            assert.equal(bench.requests.pending.size, 1);
            clock.tick(1);
            const outcome = await pending;
            assert.ok(outcome.outcome === 'timeout');
            assert.equal(outcome.timeout_ms, DEFAULT_ANSWER_TIMEOUT_MS);
        });

        it('refuses unknown devices, and reaches neither offline devices nor a down broker', async () => {
            const bench = new Bench().device();
            const unknown = await bench.requests.config('ghost', { reset_metrics: true });
            assert.ok(unknown.outcome === 'invalid');
            assert.equal(unknown.code, 'UNKNOWN_DEVICE');
            bench.registry.setBrokerState('down', T0);
            assert.equal(
                (await bench.requests.config('d1', { reset_metrics: true })).outcome,
                'broker_unavailable',
            );
            bench.registry.setBrokerState('connected', T0);
            bench.receive(status('d1', false));
            assert.equal((await bench.requests.config('d1', { reset_metrics: true })).outcome, 'offline');
            assert.equal(bench.published.length, 0);
        });
    });

    describe('diagnostics()', () => {
        it('completes with the result the device sent', async () => {
            const bench = new Bench().device();
            bench.respond = ({ body }) => [
                'devices/d1/diagnostics/result',
                { command_id: body.id, overall: 'ok', checks: [{ name: 'wifi', status: 'ok' }] },
            ];
            const outcome = await bench.requests.diagnostics('d1', { checks: ['wifi'] });
            assert.deepEqual(bench.published[0]?.body.checks, ['wifi']);
            assert.ok(outcome.outcome === 'completed');
            assert.equal(outcome.result.overall, 'ok');
            assert.equal(outcome.result.command_id, bench.published[0]?.body.id);
        });

        it('times out when the device stays silent, and closing the registry ends waiting requests', async () => {
            const bench = new Bench().device();
            const pending = bench.requests.diagnostics('d1', { timeout_ms: 500 });
            await flush();
            clock.tick(500);
            assert.equal((await pending).outcome, 'timeout');

            const closing = bench.requests.diagnostics('d1', {});
            await flush();
            bench.requests.close();
            assert.equal((await closing).outcome, 'timeout');
            assert.equal(bench.requests.pending.size, 0);
        });

        it('refuses check names the contract does not allow', async () => {
            const bench = new Bench().device();
            const outcome = await bench.requests.diagnostics('d1', { checks: ['Bad-Name'] });
            assert.equal(outcome.outcome, 'invalid');
            assert.equal(bench.published.length, 0);
        });
    });
});

describe('unit: DeviceRequests (loop guard, leases, dry run, ledger)', () => {
    let clock: ReturnType<typeof fakeTimers>;
    beforeEach(() => {
        clock = fakeTimers({ date: true, now: T0 });
    });
    afterEach(() => clock.restore());

    const RELAY = {
        value_type: 'boolean' as const,
        supported_actions: ['on', 'off', 'toggle'],
        min_interval_ms: 1000,
        max_lease_s: 60,
        safe_state: false,
    };

    /** A device with a relay that applies every command and reports leases as the protocol says. */
    function relayBench(): Bench {
        const bench = new Bench();
        bench.receive(
            capabilities('d1', {
                seq: 1,
                actuators: { relay: RELAY, door: { ...RELAY, requires_confirmation: true } },
            }),
        );
        let state = false;
        bench.respond = ({ topic, body }) => {
            state = body.action === 'toggle' ? !state : body.action === 'on';
            const lease =
                typeof body.lease_s === 'number'
                    ? {
                          lease_command_id: body.id,
                          lease_remaining_ms: body.lease_s * 1000,
                          lease_reverts_to: false,
                      }
                    : {};
            return [
                topic.replace(/\/cmd$/, '/status'),
                { state, command_id: body.id, result: 'applied', ...lease },
            ];
        };
        return bench;
    }

    it('refuses a change sooner than min_interval_ms with rate_limited and retry_after_ms, sending nothing', async () => {
        const bench = relayBench();
        assert.equal((await bench.requests.command('d1', 'relay', { action: 'on' })).outcome, 'applied');
        clock.tick(400);
        const refused = await bench.requests.command('d1', 'relay', { action: 'off' });
        assert.ok(refused.outcome === 'rate_limited');
        assert.deepEqual([refused.limit, refused.retry_after_ms], ['min_interval', 600]);
        assert.equal(refused.retry_at, new Date(T0 + 1000).toISOString());
        assert.equal(httpStatusOf(refused), 429);
        assert.equal(bench.published.length, 1, 'nothing more was sent');
        assert.equal(bench.registry.devices.get('d1')?.counters.commands_rate_limited, 1);
        clock.tick(600);
        assert.equal((await bench.requests.command('d1', 'relay', { action: 'off' })).outcome, 'applied');
    });

    it('asks no confirmation for a command the loop guard refuses', async () => {
        const bench = relayBench();
        const first = await bench.requests.command('d1', 'door', { action: 'on' });
        assert.ok(first.outcome === 'confirmation_required');
        assert.equal(
            (await bench.requests.command('d1', 'door', { action: 'on', confirmation: first.ticket }))
                .outcome,
            'applied',
        );
        const again = await bench.requests.command('d1', 'door', { action: 'off' });
        assert.equal(again.outcome, 'rate_limited');
        assert.equal(bench.requests.tickets.size, 0, 'no ticket was issued');
    });

    it("turns the device's own RATE_LIMITED rejection into rate_limited", async () => {
        const bench = relayBench();
        bench.respond = ({ topic, body }) => [
            topic.replace(/\/cmd$/, '/status'),
            {
                state: false,
                command_id: body.id,
                result: 'rejected',
                code: 'RATE_LIMITED',
                reason: 'RATE_LIMITED: too soon',
                retry_after_ms: 250,
            },
        ];
        const outcome = await bench.requests.command('d1', 'relay', { action: 'on' });
        assert.ok(outcome.outcome === 'rate_limited');
        assert.deepEqual(
            [outcome.limit, outcome.retry_after_ms, outcome.command_id, outcome.state],
            ['device', 250, bench.published[0]?.body.id, false],
        );
        assert.equal(bench.registry.devices.get('d1')?.counters.commands_rate_limited, 1);
        // The refused command changed nothing: the next one is not held back by the registry.
        bench.respond = undefined;
        assert.equal(
            (await bench.requests.command('d1', 'relay', { action: 'on', dry_run: true })).outcome,
            'planned',
        );
    });

    it('passes lease_s on, answers the lease end, and tracks the lease until the device ends it', async () => {
        const bench = relayBench();
        const outcome = await bench.requests.command('d1', 'relay', { action: 'on', lease_s: 2 });
        assert.equal(bench.published[0]?.body.lease_s, 2);
        assert.ok(outcome.outcome === 'applied');
        assert.deepEqual(
            [outcome.lease_until, outcome.lease_remaining_ms, outcome.lease_reverts_to],
            [new Date(T0 + 2000).toISOString(), 2000, false],
        );
        const record = bench.registry.devices.get('d1');
        assert.ok(record);
        clock.tick(500);
        assert.deepEqual(detailOf(bench.registry, record).actuator_states.relay?.lease, {
            command_id: outcome.command_id,
            until: new Date(T0 + 2000).toISOString(),
            remaining_ms: 1500,
            reverts_to: false,
        });
        clock.tick(1500);
        bench.receive(
            wire('devices/d1/actuators/relay/status', {
                seq: 500,
                state: false,
                reason: 'lease_expired',
                lease_command_id: outcome.command_id,
            }),
        );
        const after = detailOf(bench.registry, record).actuator_states.relay;
        assert.deepEqual([after?.state, after?.lease], [false, undefined]);
        const tooLong = await bench.requests.command('d1', 'relay', { action: 'on', lease_s: 61 });
        assert.ok(tooLong.outcome === 'invalid');
        assert.equal(tooLong.code, 'LEASE_TOO_LONG');
    });

    it('a dry run answers the plan and sends nothing, tickets included', async () => {
        const bench = relayBench();
        const plan = await bench.requests.command('d1', 'door', { action: 'on', lease_s: 30, dry_run: true });
        assert.ok(plan.outcome === 'planned');
        assert.deepEqual(
            [
                plan.would,
                plan.online,
                plan.confirmation_required,
                plan.expected_state,
                plan.loop_guard.allowed,
            ],
            ['confirmation_required', true, true, true, true],
        );
        assert.deepEqual(plan.lease, {
            lease_s: 30,
            until: new Date(T0 + 30000).toISOString(),
            reverts_to: false,
        });
        assert.deepEqual(plan.loop_guard.limits, { min_interval_ms: 1000 });
        assert.equal(bench.published.length, 0);
        assert.equal(bench.requests.tickets.size, 0);
        await bench.requests.command('d1', 'relay', { action: 'on' });
        const limited = await bench.requests.command('d1', 'relay', { action: 'off', dry_run: true });
        assert.ok(limited.outcome === 'planned');
        assert.deepEqual(
            [limited.would, limited.loop_guard.retry_after_ms, limited.current_state],
            ['rate_limited', 1000, true],
        );
        assert.equal(bench.published.length, 1);
        const c = bench.registry.devices.get('d1')?.counters;
        assert.deepEqual([c?.commands_sent, c?.commands_rate_limited], [1, 0], 'a dry run counts nothing');
    });

    it('a scoped approval lets later commands inside it through without a new ticket, recorded as such', async () => {
        const bench = relayBench();
        const asked = await bench.requests.command('d1', 'door', { action: 'on' });
        assert.ok(asked.outcome === 'confirmation_required');
        const first = await bench.requests.command('d1', 'door', {
            action: 'on',
            confirmation: asked.ticket,
            approve_scope: { minutes: 10 },
        });
        assert.ok(first.outcome === 'applied');
        assert.equal(first.approval?.kind, 'ticket');
        assert.ok(first.granted_scope?.ref);
        const plan = await bench.requests.command('d1', 'door', { action: 'on', dry_run: true });
        assert.ok(plan.outcome === 'planned');
        assert.equal(plan.confirmation_required, false, 'inside the approval: no question');
        const again = await bench.requests.command('d1', 'door', { action: 'on' });
        assert.ok(again.outcome === 'applied');
        assert.deepEqual(again.approval, {
            kind: 'scope',
            ref: first.granted_scope.ref,
            expires_at: new Date(T0 + 10 * 60000).toISOString(),
        });
        clock.tick(1000);
        const other = await bench.requests.command('d1', 'door', { action: 'off' });
        assert.equal(other.outcome === 'rate_limited' || other.outcome === 'confirmation_required', true);
        assert.equal(bench.requests.approvals.revoke(first.granted_scope.ref), true);
        assert.equal(
            (await bench.requests.command('d1', 'door', { action: 'on' })).outcome,
            'confirmation_required',
        );
        const log = bench.registry.ledger.query({ outcome: 'applied', limit: 10 });
        assert.deepEqual(
            log.entries.map((e) => [e.approval?.kind, e.granted_scope?.ref]),
            [
                ['scope', undefined],
                ['ticket', first.granted_scope.ref],
            ],
        );
    });

    it('records every command in the ledger: origin, reason, approval, outcome', async () => {
        const bench = relayBench();
        const client = { name: 'claude-desktop', version: '1.2', session_id: 's-1' };
        const asked = await bench.requests.command(
            'd1',
            'door',
            { action: 'on', reason: 'the user asked', client },
            { via: 'http', user: 'alice' },
        );
        assert.ok(asked.outcome === 'confirmation_required');
        await bench.requests.command(
            'd1',
            'door',
            { action: 'on', confirmation: asked.ticket, reason: 'the user asked', client },
            { via: 'http', user: 'alice' },
        );
        await bench.requests.command('d1', 'relay', { action: 'off' }, { via: 'flow', node_id: 'n1' });
        await bench.requests.command('nope', 'relay', { action: 'on' });
        const log = bench.registry.ledger.query({ limit: 10 });
        assert.deepEqual(
            log.entries.map((e) => [e.device_id, e.outcome, e.origin.via, e.reason ?? null]),
            [
                ['nope', 'invalid', 'http', null],
                ['d1', 'applied', 'flow', null],
                ['d1', 'applied', 'mcp', 'the user asked'],
                ['d1', 'confirmation_required', 'mcp', 'the user asked'],
            ],
        );
        const [, flow, applied, issued] = log.entries;
        assert.deepEqual(applied?.origin, { via: 'mcp', user: 'alice', client });
        assert.equal(flow?.origin.node_id, 'n1');
        assert.ok(applied?.approval && issued?.approval);
        assert.equal(applied.approval.ref, issued.approval.ref, 'the ticket issued is the ticket used');
        assert.ok(
            asked.ticket && !JSON.stringify(log).includes(asked.ticket),
            'the ticket itself is not kept',
        );
        assert.deepEqual([applied.state, applied.command_id], [true, bench.published[0]?.body.id]);
    });
});

describe('unit: PendingRequests', () => {
    let clock: ReturnType<typeof fakeTimers>;
    beforeEach(() => {
        clock = fakeTimers();
    });
    afterEach(() => clock.restore());

    const answer = (deviceId: string, commandId: string): DeviceMessage =>
        wire(`devices/${deviceId}/actuators/led/status`, {
            seq: 1,
            state: true,
            command_id: commandId,
            result: 'applied',
        });

    it('resolves a waiter with the answer from its device, once', async () => {
        const p = new PendingRequests();
        const waiting = p.wait('c1', 'd1', 1000);
        assert.equal(p.deliver('c1', answer('d2', 'c1')), false, 'another device cannot answer it');
        assert.equal(p.deliver('c1', answer('d1', 'c1')), true);
        assert.equal(p.deliver('c1', answer('d1', 'c1')), false);
        assert.equal((await waiting)?.deviceId, 'd1');
        assert.equal(p.size, 0);
    });

    it('resolves undefined at the timeout, and cancel/closeAll end waiting early', async () => {
        const p = new PendingRequests();
        const timed = p.wait('c1', 'd1', 1000);
        const cancelled = p.wait('c2', 'd1', 1000);
        const closed = p.wait('c3', 'd1', 5000);
        clock.tick(999);
        assert.equal(p.size, 3);
        p.cancel('c2');
        clock.tick(1);
        assert.equal(await timed, undefined);
        assert.equal(await cancelled, undefined);
        assert.equal(p.size, 1);
        p.closeAll();
        assert.equal(await closed, undefined);
        assert.equal(p.size, 0);
        assert.equal(p.deliver('c3', answer('d1', 'c3')), false);
    });
});
