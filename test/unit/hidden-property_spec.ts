import assert from 'node:assert/strict';
import { setHidden } from '../../nodes/lib/hidden-property';

describe('unit: setHidden', () => {
    it('keeps a value under a symbol that JSON, Object.keys and deepEqual do not see, also when replaced', () => {
        const key = Symbol('companion');
        const state = { reading: 1 };
        assert.equal(setHidden(state, key, 'first'), 'first');
        assert.equal(setHidden(state, key, 'second'), 'second');
        assert.equal((state as Record<symbol, unknown>)[key], 'second');
        assert.deepEqual(Object.keys(state), ['reading']);
        assert.equal(Object.getOwnPropertyDescriptor(state, key)?.enumerable, false);
        assert.equal(JSON.stringify(state), '{"reading":1}');
        assert.deepEqual(state, { reading: 1 });
    });
});
