import assert from 'node:assert/strict';
import { ConfirmationTickets, type TicketSubject } from '../../nodes/lib/registry/confirmation-tickets';
import { SafetyRules, parseConfirmPatterns } from '../../nodes/lib/registry/safety-rules';
import { SWITCH, capsPayload } from './support/wire';

const strict = { ...SWITCH, requires_confirmation: true };

describe('unit: SafetyRules', () => {
    it('requires confirmation when the request metadata declares it', () => {
        const rules = new SafetyRules();
        assert.equal(rules.requiresConfirmation('d', 'a', true), true);
        assert.equal(rules.requiresConfirmation('d', 'a', false), false);
        assert.equal(rules.requiresConfirmation('d', 'a', undefined), false);
    });

    it('remembers a declared requirement when later capabilities drop it (sticky), and reports it', () => {
        const rules = new SafetyRules();
        assert.deepEqual(
            rules.observe('d', capsPayload('d', { actuators: { door: strict, led: SWITCH } })),
            [],
        );
        const lowered = rules.observe('d', capsPayload('d', { actuators: { door: SWITCH, led: SWITCH } }));
        assert.deepEqual(lowered, ['door']);
        assert.equal(rules.requiresConfirmation('d', 'door', false), true);
        assert.equal(rules.requiresConfirmation('d', 'led', false), false);
        assert.equal(rules.requiresConfirmation('other', 'door', false), false, 'per device');
    });

    it('lifts a remembered requirement only by the operator, and it returns when declared again', () => {
        const rules = new SafetyRules();
        rules.observe('d', capsPayload('d', { actuators: { door: strict } }));
        assert.equal(rules.clear('d', 'door'), true);
        assert.equal(rules.clear('d', 'door'), false);
        assert.equal(rules.requiresConfirmation('d', 'door', false), false);
        assert.deepEqual(rules.stickyOf('d'), []);
        rules.observe('d', capsPayload('d', { actuators: { door: strict } }));
        assert.equal(rules.requiresConfirmation('d', 'door', false), true);
    });

    it('ignores metadata inherited rather than declared (an actuator named like an Object method)', () => {
        const rules = new SafetyRules();
        const caps = capsPayload('d', { actuators: { led: SWITCH } });
        caps.actuators.push('toString');
        assert.deepEqual(rules.observe('d', caps), []);
        assert.deepEqual(rules.stickyOf('d'), []);
    });

    it('restores saved sticky actuators, skipping what is not a name', () => {
        const rules = new SafetyRules();
        rules.restore('d', ['door', 42, null, 'gate']);
        rules.restore('d', 'door');
        assert.deepEqual(rules.stickyOf('d').sort(), ['door', 'gate']);
        rules.forget('d');
        assert.deepEqual(rules.stickyOf('d'), []);
    });

    describe('operator patterns', () => {
        it('match device/actuator globs where * stays inside one id', () => {
            const rules = new SafetyRules(['garage-1/door', 'garage-*/lock*', '*/siren']);
            assert.equal(rules.requiresConfirmation('garage-1', 'door', false), true);
            assert.equal(rules.requiresConfirmation('garage-1', 'door2', false), false);
            assert.equal(rules.requiresConfirmation('garage-7', 'lock_main', false), true);
            assert.equal(rules.requiresConfirmation('garage-7', 'unlock', false), false);
            assert.equal(rules.requiresConfirmation('anything', 'siren', false), true);
            assert.equal(rules.requiresConfirmation('house', 'garage-1', false), false);
        });

        it('treat regular-expression characters literally', () => {
            const rules = new SafetyRules(['a.b/c']);
            assert.equal(rules.requiresConfirmation('axb', 'c', false), false);
        });

        it('are parsed from text, dropping what is no device/actuator glob', () => {
            assert.deepEqual(parseConfirmPatterns(' garage-1/door, */siren\nbad pattern/x/y a.b/c  lock '), [
                'garage-1/door',
                '*/siren',
            ]);
            assert.deepEqual(parseConfirmPatterns(undefined), []);
        });
    });
});

describe('unit: ConfirmationTickets', () => {
    const subject: TicketSubject = { deviceId: 'd', actuator: 'door', action: 'open', value: undefined };
    const T = 1_000_000;

    it('lets exactly the command it was issued for through, once', () => {
        const tickets = new ConfirmationTickets(1000);
        const { ticket, expiresAt } = tickets.issue(subject, T);
        assert.equal(expiresAt, T + 1000);
        assert.equal(tickets.redeem(ticket, subject, T + 10), true);
        assert.equal(tickets.redeem(ticket, subject, T + 20), false);
    });

    it('refuses another command and is spent by the attempt', () => {
        const tickets = new ConfirmationTickets(1000);
        for (const other of [
            { ...subject, deviceId: 'e' },
            { ...subject, actuator: 'gate' },
            { ...subject, action: 'close' },
            { ...subject, value: 1 },
        ]) {
            const { ticket } = tickets.issue(subject, T);
            assert.equal(tickets.redeem(ticket, other, T), false, JSON.stringify(other));
            assert.equal(tickets.redeem(ticket, subject, T), false, 'spent by the failed attempt');
        }
    });

    it('expires', () => {
        const tickets = new ConfirmationTickets(1000);
        const { ticket } = tickets.issue(subject, T);
        assert.equal(tickets.redeem(ticket, subject, T + 1000), false);
    });

    it('takes a null value for the same command as no value', () => {
        const tickets = new ConfirmationTickets(1000);
        const { ticket } = tickets.issue({ ...subject, value: null }, T);
        assert.equal(tickets.redeem(ticket, subject, T), true, 'null and undefined are the same command');
    });

    it('is unguessable and unknown tickets are refused', () => {
        const tickets = new ConfirmationTickets(1000);
        const a = tickets.issue(subject, T).ticket;
        const b = tickets.issue(subject, T).ticket;
        assert.notEqual(a, b);
        assert.ok(a.length >= 24);
        assert.equal(tickets.redeem('guess', subject, T), false);
    });

    it('prunes expired tickets when issuing and stays bounded', () => {
        const tickets = new ConfirmationTickets(1000);
        for (let i = 0; i < 5; i++) tickets.issue(subject, T);
        tickets.issue(subject, T + 1000);
        assert.equal(tickets.size, 1);
        const first = tickets.issue(subject, T + 1000).ticket;
        for (let i = 0; i < 1100; i++) tickets.issue(subject, T + 1000);
        assert.equal(tickets.size, 1000);
        assert.equal(tickets.redeem(first, subject, T + 1000), false, 'the oldest was dropped at the bound');
    });
});
