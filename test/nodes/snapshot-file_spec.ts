/**
 * The registry's snapshot file off the hot path: a reading costs it nothing
 * (no event), a write serialises only what changed (asynchronously), and
 * the file always reads back as the registry's state. Measures the
 * synchronous cost of a write for 10,000 devices, full against incremental, and
 * checks the round-robin refresh that replaced a full serialisation every 30th write.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from '@mcp-mqtt-bridge/protocol';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { snapshotOf } from '../../nodes/lib/registry/registry-snapshot';
import { REFRESH_WRITES, SnapshotFile } from '../../nodes/lib/registry/snapshot-file';
import { defaultProfile } from '../../simulator/profile';
import { waitFor } from '../support/services';

function feed(registry: DeviceRegistry, id: string, sensor: string, seq: number, reading: number): void {
    const topic = `devices/${id}/sensors/${sensor}/data`;
    const payload = JSON.stringify({ seq, timestamp: 1704067200 + seq, value: { reading, quality: 90 } });
    const result = decode(topic, payload);
    assert.ok(result.ok);
    registry.ingest(result.message, false, Date.now());
}

function withoutTime(text: string | Buffer): unknown {
    const parsed = JSON.parse(text.toString()) as { saved_at?: string };
    delete parsed.saved_at;
    return parsed;
}

describe('SnapshotFile: incremental, asynchronous writes', function () {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-snapshot-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('writes the same state as a full snapshot, serialising only the devices that changed', async () => {
        const registry = new DeviceRegistry();
        for (let d = 0; d < 100; d++) feed(registry, `dev-${d}`, 's', 0, d);
        const file = path.join(dir, 'snap.json');
        const snapshot = new SnapshotFile(file, registry, 20, (e) => assert.fail(e));
        snapshot.start();
        // Readings cost the hot path no event: the write finds them by the devices' message counters.
        assert.equal(registry.listenerCount('reading'), 0);
        feed(registry, 'dev-1', 's', 1, 1);
        await waitFor('the first write', async () => fs.existsSync(file));
        const first = snapshot.stats.serialised;
        feed(registry, 'dev-7', 's', 1, 42);
        feed(registry, 'dev-7', 's', 3, 43); // a gap: the sequence state is part of the device
        await waitFor('the second write', async () => snapshot.stats.writes === 2);
        await waitFor('the file renamed', async () => !fs.existsSync(`${file}.tmp-async`));
        assert.equal(snapshot.stats.serialised - first, 1, 'only dev-7 serialised again');
        assert.deepEqual(
            withoutTime(fs.readFileSync(file, 'utf8')),
            withoutTime(JSON.stringify(snapshotOf(registry))),
        );
        // a device forgotten leaves the file too
        registry.forget('dev-3');
        await waitFor('the third write', async () => snapshot.stats.writes === 3);
        await waitFor('the file renamed', async () => !fs.existsSync(`${file}.tmp-async`));
        assert.deepEqual(
            withoutTime(fs.readFileSync(file, 'utf8')),
            withoutTime(JSON.stringify(snapshotOf(registry))),
        );
        snapshot.close();
        const restored = new DeviceRegistry();
        new SnapshotFile(file, restored, 20, (e) => assert.fail(e)).load(Date.now());
        assert.equal(restored.devices.size, 99);
        assert.equal(restored.devices.get('dev-7')?.counters.lost, 1);
    });

    it('10,000 devices: a write after 1,000 devices changed serialises only those 1,000 (times printed)', function () {
        this.timeout(60000);
        const registry = new DeviceRegistry();
        for (let d = 0; d < 10000; d++) {
            for (const s of ['a', 'b', 'c', 'd']) feed(registry, `dev-${d}`, s, 0, d);
        }
        const snapshot = new SnapshotFile(path.join(dir, 'big.json'), registry, 1000, () => undefined);
        snapshot.start();
        const fullStart = performance.now();
        JSON.stringify(snapshotOf(registry)); // what every write cost before
        const fullMs = performance.now() - fullStart;
        snapshot.build(true);
        const afterFull = snapshot.stats.serialised;
        // The last 1,000: apart from the refresh slice, which starts at the first device.
        for (let d = 9000; d < 10000; d++) feed(registry, `dev-${d}`, 'a', 1, d + 1);
        const incStart = performance.now();
        const text = snapshot.build();
        const incMs = performance.now() - incStart;
        snapshot.close();
        assert.deepEqual(withoutTime(text), withoutTime(JSON.stringify(snapshotOf(registry))));
        console.log(
            `      snapshot of 10,000 devices (${(text.length / 1e6).toFixed(1)} MB): full ${fullMs.toFixed(1)} ms, ` +
                `incremental after 1,000 changed (and 334 refreshed) ${incMs.toFixed(1)} ms (synchronous)`,
        );
        // The work, not the time (this machine is shared): the changed devices and one refresh slice.
        assert.equal(afterFull, 10000);
        assert.equal(snapshot.stats.serialised - afterFull, 1000);
        assert.equal(snapshot.stats.refreshed, Math.ceil(10000 / REFRESH_WRITES));
    });

    it('serialises a capabilities document once, and again only when the device announces new ones', () => {
        const registry = new DeviceRegistry();
        const announce = (id: string, name: string) => {
            const payload = { ...defaultProfile(0), device_id: id, name, seq: 0 };
            const result = decode(`devices/${id}/capabilities`, JSON.stringify(payload));
            assert.ok(result.ok);
            registry.ingest(result.message, false, Date.now());
        };
        for (let d = 0; d < 10; d++) announce(`dev-${d}`, `first ${d}`);
        const snapshot = new SnapshotFile(path.join(dir, 'caps.json'), registry, 1000, () => undefined);
        const current = () => withoutTime(JSON.stringify(snapshotOf(registry)));
        snapshot.build(true);
        assert.equal(snapshot.stats.capabilitiesSerialised, 10);
        // Readings change the devices, not their capabilities: reused, and the file still whole.
        for (let d = 0; d < 10; d++) feed(registry, `dev-${d}`, 'temperature', 1, d);
        assert.deepEqual(withoutTime(snapshot.build()), current());
        assert.equal(snapshot.stats.serialised, 20);
        assert.equal(snapshot.stats.capabilitiesSerialised, 10);
        // A new document replaces the old one: its JSON is made once and is the one written.
        announce('dev-4', 'renamed');
        const text = snapshot.build();
        assert.equal(snapshot.stats.capabilitiesSerialised, 11);
        assert.deepEqual(withoutTime(text), current());
        const saved = JSON.parse(text.toString()) as {
            devices: { id: string; capabilities: { name: string } }[];
        };
        assert.equal(saved.devices.find((d) => d.id === 'dev-4')?.capabilities.name, 'renamed');
    });

    it('state changed without an event reaches the file within 30 writes, 1/30 of the fleet per write', () => {
        const registry = new DeviceRegistry();
        for (let d = 0; d < 100; d++) feed(registry, `dev-${d}`, 's', 0, d);
        const snapshot = new SnapshotFile(path.join(dir, 'refresh.json'), registry, 1000, () => undefined);
        snapshot.build(true);
        // Command counters change without a 'change' event: only the refresh brings them in.
        for (let d = 0; d < 100; d++) registry.countCommand(`dev-${d}`, 'sent');
        const current = () => withoutTime(JSON.stringify(snapshotOf(registry)));
        const perWrite = Math.ceil(100 / REFRESH_WRITES);
        let text = snapshot.build();
        assert.notDeepEqual(withoutTime(text), current(), 'one write refreshes only a slice');
        for (let write = 2; write <= Math.ceil(100 / perWrite); write++) {
            const before = snapshot.stats.refreshed;
            text = snapshot.build();
            assert.equal(snapshot.stats.refreshed - before, perWrite, `write ${write} refreshes one slice`);
        }
        assert.deepEqual(withoutTime(text), current(), 'every device refreshed within 25 writes');
        assert.equal(snapshot.stats.serialised, 100, 'nothing serialised as changed after the first build');
    });
});
