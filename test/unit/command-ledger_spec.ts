import assert from 'node:assert/strict';
import type { CommandLogEntry } from '@mcp-mqtt-bridge/protocol';
import { CommandLedger } from '../../nodes/lib/registry/command-ledger';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { restoreSnapshot, snapshotOf } from '../../nodes/lib/registry/registry-snapshot';
import { ScopedApprovals } from '../../nodes/lib/registry/scoped-approvals';

const T0 = 1_700_000_000_000;

function entry(i: number, over: Partial<CommandLogEntry> = {}): Omit<CommandLogEntry, 'seq'> {
    return {
        at: new Date(T0 + i * 1000).toISOString(),
        device_id: i % 2 ? 'd1' : 'd2',
        actuator: 'relay',
        action: 'toggle',
        origin: { via: 'mcp', client: { name: 'agent', version: '1' } },
        reason: `because ${i}`,
        outcome: i % 3 ? 'applied' : 'rate_limited',
        duration_ms: 5,
        ...over,
    };
}

describe('unit: command ledger', () => {
    it('is a bounded ring: the oldest entries go first, seq keeps counting', () => {
        const ledger = new CommandLedger(5);
        for (let i = 0; i < 8; i++) ledger.add(entry(i));
        assert.equal(ledger.size, 5);
        assert.deepEqual(
            ledger.all().map((e) => e.seq),
            [4, 5, 6, 7, 8],
        );
    });

    it('answers newest first, filtered, in pages with a stable cursor', () => {
        const ledger = new CommandLedger(100);
        for (let i = 0; i < 20; i++) ledger.add(entry(i));
        const first = ledger.query({ device: 'd1', limit: 3 });
        assert.equal(first.total, 10);
        assert.deepEqual(
            first.entries.map((e) => e.seq),
            [20, 18, 16],
        );
        assert.equal(first.next_cursor, '16');
        // New entries do not shift the next page.
        ledger.add(entry(21));
        const second = ledger.query({ device: 'd1', limit: 3, before: Number(first.next_cursor) });
        assert.deepEqual(
            second.entries.map((e) => e.seq),
            [14, 12, 10],
        );
        const limited = ledger.query({ outcome: 'rate_limited', sinceMs: T0 + 10000, limit: 100 });
        assert.deepEqual(
            limited.entries.map((e) => e.seq),
            [21, 19, 16, 13],
        );
        assert.equal(limited.next_cursor, undefined);
        assert.equal(ledger.query({ actuator: 'other', limit: 10 }).total, 0);
    });

    it('survives a restart in the snapshot; entries that break the contract are dropped', () => {
        const registry = new DeviceRegistry();
        registry.ledger.add(entry(1, { approval: { kind: 'ticket', ref: 'abc' } }));
        registry.ledger.add(entry(2));
        const saved = JSON.parse(JSON.stringify(snapshotOf(registry))) as { commands: unknown[] };
        saved.commands.push({ seq: 99, outcome: 'nonsense' });
        const restored = new DeviceRegistry();
        restoreSnapshot(restored, saved, T0);
        assert.deepEqual(restored.ledger.all(), registry.ledger.all());
        assert.equal(restored.ledger.add(entry(3)).seq, 3, 'numbering continues after the restored entries');
    });
});

describe('unit: scoped approvals', () => {
    const origin = { via: 'mcp' as const, client: { name: 'agent' } };
    const dimmer = (value: number) => ({ deviceId: 'd1', actuator: 'dimmer', action: 'set', value });

    it('covers the actuator, actions and range the user approved, until it expires or is revoked', () => {
        const approvals = new ScopedApprovals(30);
        const granted = approvals.grant(dimmer(50), { minutes: 60, min: 20, max: 80 }, origin, T0);
        assert.ok(granted);
        assert.equal(granted.expires_at, new Date(T0 + 30 * 60000).toISOString(), 'bounded by the operator');
        assert.deepEqual(granted.values, { min: 20, max: 80 });
        assert.equal(approvals.use(dimmer(70), T0 + 1000)?.id, granted.id);
        assert.equal(approvals.use(dimmer(90), T0 + 1000), undefined, 'outside the range');
        assert.equal(approvals.use({ ...dimmer(70), actuator: 'door' }, T0), undefined, 'another actuator');
        assert.equal(approvals.use({ ...dimmer(70), action: 'write' }, T0), undefined, 'another action');
        assert.equal(approvals.use(dimmer(70), T0 + 30 * 60000), undefined, 'expired');
        assert.equal(approvals.list(T0)[0]?.uses, 1);
        assert.equal(approvals.revoke(granted.id), true);
        assert.equal(approvals.use(dimmer(70), T0 + 1000), undefined, 'revoked');
    });

    it('without a range, approves only the value confirmed; 0 minutes turns them off', () => {
        const approvals = new ScopedApprovals(30);
        const door = { deviceId: 'd1', actuator: 'door', action: 'open', value: undefined };
        const granted = approvals.grant(door, { minutes: 5 }, origin, T0);
        assert.deepEqual(granted?.values, [null]);
        assert.ok(approvals.use(door, T0 + 1));
        assert.equal(approvals.use(dimmer(50), T0 + 1), undefined);
        const exact = approvals.grant(dimmer(40), { minutes: 5 }, origin, T0);
        assert.deepEqual(exact?.values, [40]);
        assert.equal(approvals.use(dimmer(41), T0 + 1), undefined);
        assert.equal(new ScopedApprovals(0).grant(door, { minutes: 5 }, origin, T0), undefined);
    });
});
