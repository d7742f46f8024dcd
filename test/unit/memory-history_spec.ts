import assert from 'node:assert/strict';
import type { Reading } from '@mcp-mqtt-bridge/protocol';
import { MemoryHistory } from '../../nodes/lib/registry/memory-history';

const all = (h: MemoryHistory, sensor = 's') => h.query({ deviceId: 'd1', sensor, sinceMs: 0, limit: 100 });

describe('unit: MemoryHistory', () => {
    it('gives back every kind of reading as it came, with its quality only when it had one', async () => {
        const h = new MemoryHistory(10);
        const readings: [Reading, number | undefined][] = [
            [21.5, 97],
            [-0, undefined],
            [true, 100],
            [false, undefined],
            [null, 0],
            ['open', 50.5],
            ['', undefined],
        ];
        readings.forEach(([reading, quality], i) => h.record('d1', 's', 1000 + i, reading, quality));
        assert.deepEqual(
            await all(h),
            readings.map(([reading, quality], i) => ({
                time: 1000 + i,
                reading,
                ...(quality === undefined ? {} : { quality }),
            })),
        );
    });

    it('keeps the newest points of each sensor once its ring is full, oldest first', async () => {
        const h = new MemoryHistory(3);
        for (let i = 0; i < 7; i++) h.record('d1', 's', i, i % 2 === 0 ? i : `t${i}`);
        h.record('d1', 'other', 99, 1);
        assert.deepEqual(
            (await all(h)).map((p) => p.reading),
            [4, 't5', 6],
        );
        assert.deepEqual(await all(h, 'other'), [{ time: 99, reading: 1 }]);
    });

    it('grows a ring as points come and keeps the newest once it is full', async () => {
        const h = new MemoryHistory(40);
        for (let i = 0; i < 100; i++) h.record('d1', 's', i, i % 7 === 0 ? `t${i}` : i, i);
        const kept = await all(h);
        assert.deepEqual(
            kept.map((p) => p.time),
            Array.from({ length: 40 }, (_, k) => 60 + k),
        );
        assert.deepEqual(kept[3], { time: 63, reading: 't63', quality: 63 });
        assert.deepEqual(kept[4], { time: 64, reading: 64, quality: 64 });
        const early = new MemoryHistory(40);
        for (let i = 0; i < 17; i++) early.record('d1', 's', i, i);
        assert.deepEqual(
            (await all(early)).map((p) => p.reading),
            Array.from({ length: 17 }, (_, k) => k),
        );
    });

    it('answers a window and a limit with the newest points inside them', async () => {
        const h = new MemoryHistory(10);
        for (let i = 0; i < 10; i++) h.record('d1', 's', i * 10, i);
        const picked = await h.query({ deviceId: 'd1', sensor: 's', sinceMs: 25, limit: 3 });
        assert.deepEqual(
            picked.map((p) => p.time),
            [70, 80, 90],
        );
        assert.deepEqual(await h.query({ deviceId: 'd1', sensor: 's', sinceMs: 85, limit: 10 }), [
            { time: 90, reading: 9 },
        ]);
    });

    it('forgets a device', async () => {
        const h = new MemoryHistory(5);
        h.record('d1', 's', 1, 1);
        h.forget('d1');
        assert.deepEqual(await all(h), []);
        assert.equal(h.storeStatus().written, 1);
    });
});
