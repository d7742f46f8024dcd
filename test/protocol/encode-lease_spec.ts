import assert from 'node:assert/strict';
import { decode, encodeCommand } from '../../protocol/src';

describe('encodeCommand with a lease', () => {
    it('keeps the three-argument form and adds lease_s from the options', () => {
        const plain = encodeCommand('c-1', 'set', 42);
        assert.deepEqual(Object.keys(plain).sort(), ['action', 'id', 'timestamp', 'value']);
        const leased = encodeCommand('c-2', 'on', undefined, { lease_s: 900 });
        assert.equal(leased.lease_s, 900);
        assert.equal('value' in leased, false);
        const d = decode('devices/d1/actuators/led/cmd', JSON.stringify(leased));
        assert.ok(d.ok && d.message.kind === 'actuator_command' && d.message.payload.lease_s === 900);
    });
});
