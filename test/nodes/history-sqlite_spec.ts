/**
 * The embedded SQLite history (nodes/lib/sqlite/sqlite-history.ts) and the
 * history answers built on it (nodes/lib/registry/history-answer.ts): stats
 * equal to those computed straight from the file, gaps labelled by cause,
 * retention by age and size, bounded queue, persistence across reopen.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode, type DeviceMessage } from '@mcp-mqtt-bridge/protocol';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { decimalsFor, historyAnswer, rounder } from '../../nodes/lib/registry/history-answer';
import { PresenceRecorder } from '../../nodes/lib/registry/presence-recorder';
import { openDatabase } from '../../nodes/lib/sqlite/binding';
import { SqliteHistory } from '../../nodes/lib/sqlite/sqlite-history';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

function message(topic: string, body: object): DeviceMessage {
    const r = decode(topic, JSON.stringify(body));
    if (!r.ok) throw new Error(`${topic}: ${r.error.message}`);
    return r.message;
}

const capabilities = (id: string) =>
    message(`devices/${id}/capabilities`, {
        device_id: id,
        timestamp: T0 / 1000,
        seq: 0,
        protocol: 1,
        firmware_version: '1.0.0',
        platform: 'esphome',
        sensors: ['temperature'],
        actuators: [],
        metadata: { temperature: { unit: '°C', accuracy: 0.5 } },
    });
const reading = (id: string, value: number, ms: number, seq: number) =>
    message(`devices/${id}/sensors/temperature/data`, {
        device_id: id,
        timestamp: ms / 1000,
        seq,
        value: { reading: value, unit: '°C' },
    });
const status = (id: string, state: 'online' | 'offline', ms: number) =>
    message(`devices/${id}/status`, { device_id: id, status: state, timestamp: ms / 1000 });

describe('SQLite history store and history answers', function () {
    let dir: string;
    let stores: SqliteHistory[];
    let clock: number;
    const open = (extra: Partial<ConstructorParameters<typeof SqliteHistory>[0]> = {}) => {
        const store = new SqliteHistory({
            file: path.join(dir, 'history.sqlite'),
            retentionDays: 7,
            maxBytes: 100 * 1024 * 1024,
            now: () => clock,
            ...extra,
        });
        stores.push(store);
        return store;
    };

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-history-'));
        stores = [];
        clock = T0;
    });
    afterEach(() => {
        for (const s of stores) s.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A registry fed on a fake clock, recording into the store, with presence events. */
    function fleet(store: SqliteHistory) {
        const registry = new DeviceRegistry();
        registry.persistentHistory = store;
        const presence = new PresenceRecorder(registry, store, () => clock);
        return { registry, presence };
    }

    it('keeps string readings in column s: points and last come back as text, statistics skip them; a schema-1 file gains the column', async () => {
        // A schema-1 file (no s column) is migrated on open.
        const file = path.join(dir, 'history.sqlite');
        const { db } = openDatabase(file);
        db.exec(
            'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);' +
                "INSERT INTO meta VALUES ('schema', '1');" +
                'CREATE TABLE series (id INTEGER PRIMARY KEY, device TEXT NOT NULL, sensor TEXT NOT NULL, UNIQUE (device, sensor));' +
                'CREATE TABLE readings (series INTEGER NOT NULL, t INTEGER NOT NULL, v REAL, k INTEGER NOT NULL, q REAL);',
        );
        db.close();
        const store = open();
        store.record('d1', 'mixed', T0, 20);
        store.record('d1', 'mixed', T0 + 1000, '12.50');
        store.record('d1', 'mixed', T0 + 2000, 22);
        store.record('d1', 'mixed', T0 + 3000, 'événement "x"');
        const points = await store.query({ deviceId: 'd1', sensor: 'mixed', sinceMs: 0, limit: 10 });
        assert.deepEqual(
            points.map((p) => p.reading),
            [20, '12.50', 22, 'événement "x"'],
        );
        const summary = await store.summarize({
            deviceId: 'd1',
            sensor: 'mixed',
            fromMs: T0 - 1000,
            toMs: T0 + 5000,
            maxPoints: 100,
        });
        assert.equal(summary.stats.count, 4);
        assert.equal(summary.stats.numeric, 2);
        assert.equal(summary.stats.min, 20);
        assert.equal(summary.stats.max, 22);
        assert.equal(summary.stats.last, 'événement "x"');
    });

    it('answers min/max/mean over the whole window equal to those computed straight from the file, with buckets that fit the budget', async () => {
        const store = open();
        const { registry } = fleet(store);
        registry.ingest(capabilities('t1'), true, T0);
        for (let i = 0; i < 1200; i++) {
            clock = T0 + i * 1000;
            registry.ingest(
                reading('t1', 20 + 3 * Math.sin(i / 50) + (i % 7) * 0.01, clock, i + 1),
                false,
                clock,
            );
        }
        const record = registry.devices.get('t1');
        assert.ok(record);
        const now = clock + 500;
        const minutes = 10;
        const h = await historyAnswer({
            store,
            events: store,
            record,
            sensor: 'temperature',
            minutes,
            maxPoints: 48,
            now,
        });

        // Straight from the file, through another connection.
        const { db } = openDatabase(path.join(dir, 'history.sqlite'));
        const rows = db
            .prepare(
                'SELECT v FROM readings JOIN series ON series.id = readings.series WHERE device = ? AND sensor = ? AND t >= ? AND t <= ?',
            )
            .all('t1', 'temperature', now - minutes * 60000, now)
            .map((r) => Number(r.v));
        db.close();
        const round = rounder(decimalsFor(0.5));
        assert.equal(h.stats.count, rows.length);
        assert.ok(rows.length > 500, 'more points than the budget');
        assert.equal(h.stats.min, round(Math.min(...rows)));
        assert.equal(h.stats.max, round(Math.max(...rows)));
        assert.equal(h.stats.mean, round(rows.reduce((a, b) => a + b, 0) / rows.length));
        assert.equal(h.stats_scope, 'window');
        assert.equal(h.source, 'sqlite');
        assert.equal(h.decimals, 1);
        assert.ok(h.buckets && h.buckets.length <= 48 && h.buckets.length > 40, String(h.buckets?.length));
        assert.equal(
            h.buckets.reduce((n, b) => n + b.count, 0),
            rows.length,
            'the buckets hold every point of the window',
        );
        assert.deepEqual(h.points, []);
        assert.deepEqual(h.gaps, []);
        assert.ok(JSON.stringify(h).length < 8000, `history JSON is ${JSON.stringify(h).length} characters`);
        assert.match(h.note ?? '', /stats over all \d+ stored point/);
    });

    it('labels a minute offline inside the window as device_offline, and a flat signal as flat', async () => {
        const store = open();
        const { registry } = fleet(store);
        registry.ingest(capabilities('t2'), true, T0);
        let seq = 1;
        const at = (s: number) => T0 + s * 1000;
        for (let s = 0; s < 600; s++) {
            clock = at(s);
            if (s === 200) registry.ingest(status('t2', 'offline', clock), false, clock);
            if (s === 260) registry.ingest(status('t2', 'online', clock), false, clock);
            if (s >= 200 && s < 260) continue;
            registry.ingest(reading('t2', 21, clock, seq++), false, clock);
            registry.tick(clock);
        }
        const record = registry.devices.get('t2');
        assert.ok(record);
        const h = await historyAnswer({
            store,
            events: store,
            record,
            sensor: 'temperature',
            minutes: 10,
            maxPoints: 48,
            now: at(600),
        });
        assert.equal(h.gaps?.length, 1, JSON.stringify(h.gaps));
        const gap = h.gaps[0];
        assert.equal(gap.cause, 'device_offline');
        assert.equal(gap.from, new Date(at(199)).toISOString());
        assert.equal(gap.to, new Date(at(260)).toISOString());
        assert.match(gap.detail, /offline from 12:03:20 to 12:04:20 UTC/);
        assert.equal(h.flat, false, 'a gap is not a flat signal');

        // The same values with no gap: flat.
        const flat = await historyAnswer({
            store,
            events: store,
            record,
            sensor: 'temperature',
            minutes: 5,
            maxPoints: 48,
            now: at(599),
        });
        assert.deepEqual(flat.gaps, []);
        assert.equal(flat.flat, true);
        assert.equal(flat.stats.min, flat.stats.max);
    });

    it('labels lost messages (seq) and a silent online device differently', async () => {
        const store = open();
        const { registry } = fleet(store);
        registry.ingest(capabilities('t3'), true, T0);
        const at = (s: number) => T0 + s * 1000;
        let seq = 1;
        for (let s = 0; s < 300; s++) {
            clock = at(s);
            if ((s >= 100 && s < 130) || (s >= 200 && s < 230)) {
                if (s < 130) seq++; // the first silence: messages sent but lost
                registry.tick(clock);
                continue;
            }
            registry.ingest(reading('t3', 20 + s / 100, clock, seq++), false, clock);
            registry.tick(clock);
        }
        const record = registry.devices.get('t3');
        assert.ok(record);
        const h = await historyAnswer({
            store,
            events: store,
            record,
            sensor: 'temperature',
            minutes: 5,
            maxPoints: 500,
            now: at(300),
        });
        assert.deepEqual(
            h.gaps?.map((g) => g.cause),
            ['messages_lost', 'no_messages'],
        );
        assert.match(h.gaps?.[0].detail ?? '', /^30 message\(s\)/);
        assert.equal(h.points.length, h.stats.count, 'raw points when they fit the budget');
    });

    it('keeps history across a reopen (restart / full deploy) and labels the downtime bridge_down', async () => {
        const first = open();
        for (let s = 0; s < 60; s++) first.record('d', 'temperature', T0 + s * 1000, s);
        clock = T0 + 60000;
        first.close();
        clock = T0 + 120000;
        const second = open();
        for (let s = 120; s < 180; s++) second.record('d', 'temperature', T0 + s * 1000, s);
        const registry = new DeviceRegistry();
        registry.ingest(reading('d', 1, T0, 1), false, T0);
        const record = registry.devices.get('d');
        assert.ok(record);
        const h = await historyAnswer({
            store: second,
            events: second,
            record,
            sensor: 'temperature',
            minutes: 3,
            maxPoints: 500,
            now: T0 + 180000,
        });
        assert.equal(h.stats.count, 120);
        assert.equal(h.stats.min, 0);
        assert.equal(h.gaps?.[0].cause, 'bridge_down');
    });

    it('deletes by age and by size, counts what a full queue drops', () => {
        const store = open({ retentionDays: 1, maxBytes: 512 * 1024, maxQueue: 1000, batchSize: 100000 });
        for (let i = 0; i < 1500; i++) store.record('d', 's', T0 - 2 * 86400000 + i, i);
        assert.equal(store.storeStatus().dropped, 500);
        store.flush();
        assert.equal(store.storeStatus().written, 1000);
        for (let round = 0; round < 40; round++) {
            for (let i = 0; i < 1000; i++) store.record('d', 's', T0 + round * 1000 + i, i);
            store.flush();
        }
        store.enforceRetention();
        assert.ok(store.retentionDeleted >= 1000, 'the two-day-old points are gone');
        assert.ok(store.usedBytes() <= 512 * 1024, `used ${store.usedBytes()} bytes`);
        const { db } = openDatabase(path.join(dir, 'history.sqlite'));
        const oldest = Number(db.prepare('SELECT MIN(t) t FROM readings').get()?.t);
        db.close();
        assert.ok(oldest >= T0, 'the oldest rows went first');
    });

    it('writes fast enough for the hot path (measured: points per second and CPU per point)', () => {
        const store = open({ batchSize: 1e9, maxQueue: 1e9 });
        const n = 200000;
        const cpu = process.cpuUsage();
        const start = process.hrtime.bigint();
        for (let i = 0; i < n; i++)
            store.record(`dev-${i % 200}`, 'temperature', T0 + i, 20 + (i % 100) / 10, 90);
        const queued = process.hrtime.bigint();
        store.flush();
        const done = process.hrtime.bigint();
        const used = process.cpuUsage(cpu);
        const seconds = Number(done - start) / 1e9;
        const cpuUsPerPoint = (used.user + used.system) / n;
        console.log(
            `      ${store.binding}: ${n} points in ${seconds.toFixed(2)} s = ${Math.round(n / seconds)} points/s; ` +
                `record() ${(Number(queued - start) / n).toFixed(0)} ns/point; CPU ${cpuUsPerPoint.toFixed(2)} µs/point; ` +
                `file ${(store.usedBytes() / n).toFixed(1)} bytes/point`,
        );
        assert.equal(store.storeStatus().written, n);
        assert.ok(n / seconds > 20000, 'at least 20,000 points/s');
    });
});
