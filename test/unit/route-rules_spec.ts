import assert from 'node:assert/strict';
import { compileRoutes, isRouteRule, type RouteRule } from '../../nodes/lib/route-rules';
import type { NodeMessage } from '../../nodes/lib/node-red-types';

const reading = (device: string, sensor: string): NodeMessage => ({ kind: 'sensor_data', device, sensor });
const batch = (device: string, sensors: string[]): NodeMessage => ({
    kind: 'sensor_batch',
    device,
    payload: { readings: sensors.map((sensor) => ({ sensor, reading: 1 })) },
});
const actuator = (device: string, name: string): NodeMessage => ({
    kind: 'actuator_status',
    device,
    actuator: name,
});

describe('unit: route rules', () => {
    const rules: RouteRule[] = [
        { t: 'kind', v: 'sensor_data' },
        { t: 'device', v: 'd1' },
        { t: 'sensor', v: 'temp' },
        { t: 'actuator', v: 'led' },
        { t: 'else' },
    ];

    it('sends a message to every matching rule, in rule order', () => {
        const route = compileRoutes(rules, false);
        assert.deepEqual(route(reading('d1', 'temp')), [0, 1, 2]);
        assert.deepEqual(route(reading('d2', 'hum')), [0]);
        assert.deepEqual(route(actuator('d2', 'led')), [3]);
    });

    it('with first-match-only, stops at the first matching rule', () => {
        const route = compileRoutes(rules, true);
        assert.deepEqual(route(reading('d1', 'temp')), [0]);
        assert.deepEqual(route(actuator('d1', 'led')), [1]);
    });

    it("routes to 'else' only what no earlier rule matched", () => {
        const route = compileRoutes(rules, false);
        assert.deepEqual(route({ kind: 'metrics', device: 'd9' }), [4]);
        assert.deepEqual(route({ kind: 'metrics', device: 'd1' }), [1]);
        const elseFirst = compileRoutes([{ t: 'else' }, { t: 'device', v: 'd1' }], false);
        assert.deepEqual(elseFirst({ device: 'd1' }), [0, 1], "an 'else' before any rule takes everything");
    });

    it('matches a batch on a sensor rule when one of its readings is for that sensor', () => {
        const route = compileRoutes([{ t: 'sensor', v: 'temp' }], false);
        assert.deepEqual(route(batch('d1', ['hum', 'temp'])), [0]);
        assert.deepEqual(route(batch('d1', ['hum'])), []);
        assert.deepEqual(route({ kind: 'sensor_batch', payload: { readings: 'temp' } }), []);
        assert.deepEqual(route({ kind: 'sensor_data', payload: { readings: [{ sensor: 'temp' }] } }), []);
    });

    it('compares values exactly, and a rule without a value matches nothing but an empty value', () => {
        const route = compileRoutes([{ t: 'device', v: 'd1' }, { t: 'sensor' }], false);
        assert.deepEqual(route({ device: 'D1' }), []);
        assert.deepEqual(route({ device: 'd10' }), []);
        assert.deepEqual(route({ sensor: 'x' }), []);
        assert.deepEqual(route({ sensor: '' }), [1]);
    });

    it('treats names like Object properties as plain values', () => {
        const route = compileRoutes(
            [
                { t: 'sensor', v: '__proto__' },
                { t: 'device', v: 'constructor' },
            ],
            false,
        );
        assert.deepEqual(route(reading('d1', 'temp')), []);
        assert.deepEqual(route(reading('constructor', '__proto__')), [0, 1]);
    });

    it('without rules, routes nowhere', () => {
        assert.deepEqual(compileRoutes([], false)(reading('d1', 't')), []);
    });

    it('isRouteRule() accepts the five rule types only', () => {
        for (const t of ['kind', 'device', 'sensor', 'actuator', 'else'])
            assert.equal(isRouteRule({ t, v: 'x' }), true, t);
        for (const bad of [null, undefined, 'kind', { t: 'topic' }, { v: 'x' }, { t: '__proto__' }])
            assert.equal(isRouteRule(bad), false, JSON.stringify(bad));
    });
});
