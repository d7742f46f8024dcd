import assert from 'node:assert/strict';
import { decode, mergeCapabilitiesParts, firstSeq, isCompleteDocument } from '../../protocol/src';
import type { CapabilitiesPart } from '../../protocol/src';

function part(
    index: number,
    count: number,
    seq: number,
    sensors: string[],
    actuators: string[],
): CapabilitiesPart {
    const metadata: CapabilitiesPart['metadata'] = {};
    for (const s of sensors) metadata[s] = { unit: '°C' };
    for (const a of actuators) metadata[a] = { value_type: 'boolean', supported_actions: ['on', 'off'] };
    return {
        device_id: 'dev1',
        seq,
        firmware_version: '1.0.0',
        name: 'Device',
        part: index,
        parts: count,
        sensors,
        actuators,
        metadata,
    };
}

describe('protocol: capabilities in parts', () => {
    const parts = [
        part(0, 3, 10, ['t1', 't2'], []),
        part(1, 3, 11, ['t3'], ['r1']),
        part(2, 3, 12, [], ['r2']),
    ];

    it('every part decodes on its own', () => {
        for (const p of parts) {
            const result = decode('devices/dev1/capabilities', JSON.stringify(p));
            assert.ok(result.ok, result.ok ? '' : result.error.message);
        }
    });

    it('merges the parts of one announcement in any order into one document', () => {
        const result = mergeCapabilitiesParts([parts[2], parts[0], parts[1]]);
        assert.ok(result.ok, result.ok ? '' : result.reason);
        if (!result.ok) return;
        assert.deepEqual(result.capabilities.sensors, ['t1', 't2', 't3']);
        assert.deepEqual(result.capabilities.actuators, ['r1', 'r2']);
        assert.deepEqual(Object.keys(result.capabilities.metadata), ['t1', 't2', 't3', 'r1', 'r2']);
        assert.equal(result.capabilities.seq, 10);
        assert.equal('part' in result.capabilities, false);
        assert.equal('parts' in result.capabilities, false);
        // The merged document is a valid single capabilities message.
        const decoded = decode('devices/dev1/capabilities', JSON.stringify(result.capabilities));
        assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.message);
    });

    it('names the missing parts (a retained part 0 alone is incomplete, never silently truncated)', () => {
        const result = mergeCapabilitiesParts([parts[0]]);
        assert.equal(result.ok, false);
        if (result.ok) return;
        assert.deepEqual(result.missing, [1, 2]);
        assert.equal(isCompleteDocument(parts[0]), false);
    });

    it('refuses parts of different announcements, repeated parts and ids declared twice', () => {
        const older = part(1, 3, 5, ['t3'], ['r1']); // an earlier boot's part 1
        assert.equal(mergeCapabilitiesParts([parts[0], older, parts[2]]).ok, false);
        assert.equal(mergeCapabilitiesParts([parts[0], parts[0], parts[1]]).ok, false);
        const clash = part(2, 3, 12, ['t1'], []);
        const result = mergeCapabilitiesParts([parts[0], parts[1], clash]);
        assert.equal(result.ok ? 'ok' : result.reason, '"t1" is declared in two parts');
    });

    it('a single document is complete as it is; seq arithmetic wraps', () => {
        const single: CapabilitiesPart = { ...part(0, 1, 0, ['t'], []) };
        delete single.part;
        delete single.parts;
        assert.equal(isCompleteDocument(single), true);
        const merged = mergeCapabilitiesParts([single]);
        assert.ok(merged.ok);
        assert.equal(firstSeq(part(2, 3, 1, [], [])), 4294967295);
    });
});
