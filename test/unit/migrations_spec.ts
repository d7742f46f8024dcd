import assert from 'node:assert/strict';
import { currentVersion, migrateConfig } from '../../nodes/lib/migrations';
import type { NodeDef } from '../../nodes/lib/node-red-types';

const def = (fields: Record<string, unknown>): NodeDef =>
    ({ id: 'n1', type: 'mcpb-decode', ...fields }) as NodeDef;

describe('unit: node configuration migrations', () => {
    it('mcpb-decode saves version 2 today; types without migrations save version 1', () => {
        assert.equal(currentVersion('mcpb-decode'), 2);
        assert.equal(currentVersion('mcpb-registry'), 1);
    });

    it('mcpb-decode v1 with a broker and an InfluxDB server keeps both as explicit choices', () => {
        const migrated = migrateConfig(
            'mcpb-decode',
            def({ broker: 'b1', influx: 'i1', topic: 'devices/#' }),
        );
        assert.deepEqual(migrated, {
            id: 'n1',
            type: 'mcpb-decode',
            broker: 'b1',
            influx: 'i1',
            topic: 'devices/#',
            source: 'broker',
            store: 'server',
            version: 2,
        });
    });

    it('mcpb-decode v1 without a broker was fed by a wire, and without a server stored nothing', () => {
        const migrated = migrateConfig(
            'mcpb-decode',
            def({ version: 1, broker: '', influx: '' }),
        ) as NodeDef & {
            source?: string;
            store?: string;
            version?: number;
        };
        assert.deepEqual([migrated.source, migrated.store, migrated.version], ['input', 'none', 2]);
    });

    it('leaves a v2 configuration as it is (its source/store are the user choice)', () => {
        const saved = def({ version: 2, broker: '', influx: 'i1', source: 'registry', store: 'registry' });
        assert.deepEqual(migrateConfig('mcpb-decode', saved), saved);
        const asText = def({ version: '2', broker: 'b1', source: 'input', store: 'none' });
        assert.deepEqual(migrateConfig('mcpb-decode', asText), asText, 'a version saved as text counts too');
    });

    it('returns a copy and never changes the saved configuration', () => {
        const saved = def({ broker: 'b1' });
        const frozen = JSON.stringify(saved);
        const migrated = migrateConfig('mcpb-decode', saved);
        assert.notEqual(migrated, saved);
        assert.equal(JSON.stringify(saved), frozen);
        const other = def({ type: 'mcpb-registry', x: 1 });
        const copy = migrateConfig('mcpb-registry', other);
        assert.notEqual(copy, other);
        assert.deepEqual(copy, other);
    });
});
