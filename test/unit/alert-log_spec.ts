import assert from 'node:assert/strict';
import type { Alert, Severity } from '@mcp-mqtt-bridge/protocol';
import { AlertLog, foldInto } from '../../nodes/lib/registry/alert-log';
import { RegistryCounters } from '../../nodes/lib/registry/registry-counters';

function alert(type: string, severity: Severity, timestamp: number, extra: Partial<Alert> = {}): Alert {
    return {
        device_id: 'd1',
        source: 'device',
        error_type: type,
        message: `${type} at ${timestamp}`,
        severity,
        timestamp,
        ...extra,
    };
}

describe('unit: AlertLog', () => {
    it('folds a repeat into one alert with a count, the first time and the latest message', () => {
        const log = new AlertLog(10);
        log.add(alert('x', 1, 100));
        log.add(alert('x', 1, 200));
        const kept = log.add(alert('x', 1, 300));
        assert.deepEqual([kept.count, kept.first_at, kept.message], [3, 100, 'x at 300']);
        assert.equal(log.size, 1);
    });

    it('keeps apart alerts that differ in device, source, type or component', () => {
        const log = new AlertLog(10);
        log.add(alert('x', 1, 1));
        log.add(alert('x', 1, 2, { device_id: 'd2' }));
        log.add(alert('x', 1, 3, { source: 'registry' }));
        log.add(alert('y', 1, 4));
        log.add(alert('x', 1, 5, { component: 'c' }));
        assert.equal(log.size, 5);
    });

    it('bounds each severity on its own, so a flood of low ones never evicts a critical one', () => {
        const log = new AlertLog(2);
        log.add(alert('critical', 3, 1));
        for (let i = 0; i < 50; i++) log.add(alert(`noise-${i}`, 0, 10 + i));
        const recent = log.recent();
        assert.equal(log.size, 3);
        assert.deepEqual(
            recent.map((a) => a.error_type),
            ['noise-49', 'noise-48', 'critical'],
        );
    });

    it('evicts the least recently repeated alert of a severity first', () => {
        const log = new AlertLog(2);
        log.add(alert('a', 1, 1));
        log.add(alert('b', 1, 2));
        log.add(alert('a', 1, 3));
        log.add(alert('c', 1, 4));
        assert.deepEqual(
            log
                .recent()
                .map((a) => a.error_type)
                .sort(),
            ['a', 'c'],
        );
    });

    it('forgets every alert of one device', () => {
        const log = new AlertLog(5);
        log.add(alert('x', 0, 1));
        log.add(alert('x', 3, 2));
        log.add(alert('x', 3, 3, { device_id: 'd2' }));
        log.forget('d1');
        assert.deepEqual(
            log.recent().map((a) => a.device_id),
            ['d2'],
        );
    });

    it('loads a saved list (newest first) keeping age order and counts, ignoring bad severities', () => {
        const log = new AlertLog(2);
        const saved = [
            alert('c', 1, 3),
            alert('b', 1, 2, { count: 4, first_at: 1 }),
            alert('a', 1, 1),
            { ...alert('bad', 1, 5), severity: 7 as Severity },
        ];
        log.load(saved);
        assert.deepEqual(
            log.recent().map((a) => [a.error_type, a.count]),
            [
                ['c', undefined],
                ['b', 4],
            ],
        );
    });
});

describe('unit: foldInto', () => {
    it('moves a repeat to the front and cuts the list at its bound', () => {
        const list: Alert[] = [];
        foldInto(list, alert('a', 1, 1), 2);
        foldInto(list, alert('b', 1, 2), 2);
        foldInto(list, alert('a', 1, 3, { count: 2 }), 2);
        foldInto(list, alert('c', 1, 4), 2);
        assert.deepEqual(
            list.map((a) => [a.error_type, a.timestamp]),
            [
                ['c', 4],
                ['a', 3],
            ],
        );
    });
});

describe('unit: RegistryCounters', () => {
    it('counts messages, decode errors by code and refusals by reason', () => {
        const c = new RegistryCounters();
        c.message(1000);
        c.message(1001);
        c.decodeError('BAD_JSON', 1002);
        c.decodeError('BAD_JSON', 1003);
        c.decodeError('BAD_TOPIC', 1004);
        c.refused('device_cap');
        assert.equal(c.totals.messages, 2);
        assert.deepEqual(c.totals.decode_errors, { BAD_JSON: 2, BAD_TOPIC: 1 });
        assert.deepEqual(c.totals.refused, { device_cap: 1 });
    });

    it('restores only finite numbers and no inherited keys from a saved snapshot', () => {
        const c = new RegistryCounters();
        const saved = JSON.parse(
            '{"messages": 12, "lost": "3", "late": null, "duplicates": 2,' +
                ' "decode_errors": {"BAD_JSON": 4, "__proto__": {"polluted": 1}, "BAD_TOPIC": "x"},' +
                ' "refused": {"device_cap": 1e400}}',
        ) as Parameters<RegistryCounters['restore']>[0];
        c.restore(saved);
        assert.equal(c.totals.messages, 12);
        assert.equal(c.totals.lost, 0);
        assert.equal(c.totals.late, 0);
        assert.equal(c.totals.duplicates, 2);
        assert.deepEqual({ ...c.totals.decode_errors }, { BAD_JSON: 4 });
        assert.deepEqual({ ...c.totals.refused }, {});
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
        c.restore(undefined);
        assert.equal(c.totals.messages, 12, 'nothing saved changes nothing');
    });
});
