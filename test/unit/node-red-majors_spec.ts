import assert from 'node:assert/strict';
import { nodeRed5Supported, nodeRedMajorsFrom } from '../../scripts/lib/node-red-majors';

// The packages each major resolves to: test/nodes/node-red-5_spec.ts.
describe('Node-RED majors (node specs and benchmarks)', () => {
    it('runs Node-RED 5 from Node 22.9 on, as its engines field says', () => {
        assert.equal(nodeRed5Supported('20.19.0'), false);
        assert.equal(nodeRed5Supported('22.8.9'), false);
        assert.equal(nodeRed5Supported('22.9.0'), true);
        assert.equal(nodeRed5Supported('24.0.0'), true);
    });

    it('takes the majors MCPB_NODE_RED names, else the fallback', () => {
        assert.deepEqual(nodeRedMajorsFrom(undefined, [4, 5]), [4, 5]);
        assert.deepEqual(nodeRedMajorsFrom('', [4]), [4]);
        assert.deepEqual(nodeRedMajorsFrom(' 4 ', [5]), [4]);
    });

    it('refuses an unknown major, and 5 where this Node cannot run it', () => {
        assert.throws(() => nodeRedMajorsFrom('4,6', [4]), /unknown Node-RED major 6/);
        assert.throws(() => nodeRedMajorsFrom('latest', [4]), /unknown Node-RED major NaN/);
        if (nodeRed5Supported()) assert.deepEqual(nodeRedMajorsFrom('5', [4]), [5]);
        else assert.throws(() => nodeRedMajorsFrom('5', [4]), /needs Node ≥ 22\.9/);
    });
});
