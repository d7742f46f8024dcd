import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decode, DECODE_ERROR_CODES, MESSAGE_KINDS } from '../../protocol/src';
import { loadDecodeVectors, payloadOf } from '../support/vectors';

/** A small deterministic generator so a failure can be replayed. */
function lcg(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32;
    };
}

const TOPICS = [
    'devices/d1/capabilities',
    'devices/d1/status',
    'devices/d1/sensors/t/data',
    'devices/d1/sensors/batch',
    'devices/d1/actuators/led/cmd',
    'devices/d1/actuators/led/status',
    'devices/d1/error',
    'devices/d1/metrics',
    'devices/d1/config',
    'devices/d1/config/set',
    'devices/d1/diagnostics/request',
    'devices/d1/diagnostics/result',
];

function assertWellFormed(result: ReturnType<typeof decode>): void {
    if (result.ok) {
        assert.ok((MESSAGE_KINDS as readonly string[]).includes(result.message.kind));
        return;
    }
    assert.ok((DECODE_ERROR_CODES as readonly string[]).includes(result.error.code), result.error.code);
    assert.ok(result.error.message.startsWith(`${result.error.code}: `), result.error.message);
}

describe('decode() never throws', () => {
    it('on every invalid vector, as bytes and as text', () => {
        const invalid = loadDecodeVectors().filter((v) => v.expect.error);
        assert.ok(invalid.length > 50);
        for (const v of invalid) {
            const asBytes = decode(v.topic, payloadOf(v));
            assert.equal(asBytes.ok, false, v.name);
            assertWellFormed(asBytes);
            assertWellFormed(decode(v.topic, v.payload));
        }
    });

    it('on 20,000 random byte payloads on every topic', () => {
        for (let i = 0; i < 20000; i++) {
            const payload = randomBytes(i % 300);
            const result = decode(TOPICS[i % TOPICS.length], payload);
            assertWellFormed(result);
        }
    });

    it('on 20,000 mutated valid payloads (deterministic)', () => {
        const valid = loadDecodeVectors().filter((v) => !v.expect.error && v.payload.length < 2000);
        const random = lcg(42);
        let accepted = 0;
        for (let i = 0; i < 20000; i++) {
            const v = valid[Math.floor(random() * valid.length)];
            const bytes = Buffer.from(v.payload);
            const flips = 1 + Math.floor(random() * 3);
            for (let f = 0; f < flips && bytes.length; f++) {
                bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
            }
            const result = decode(v.topic, bytes);
            assertWellFormed(result);
            if (result.ok) accepted++;
        }
        // Some mutations hit free text and stay valid; most must be caught.
        assert.ok(accepted < 20000 * 0.5, `accepted ${accepted} mutated payloads`);
    });

    it('on random topics', () => {
        const random = lcg(7);
        const alphabet = 'devices/+#abc_-/ü\u0000';
        for (let i = 0; i < 5000; i++) {
            let topic = '';
            const length = Math.floor(random() * 40);
            for (let c = 0; c < length; c++) topic += alphabet[Math.floor(random() * alphabet.length)];
            assertWellFormed(decode(topic, '{}'));
        }
    });

    it('honours a smaller payload limit passed as an option', () => {
        const result = decode('devices/d1/sensors/t/data', '{"seq":1,"value":{"reading":1}}', {
            maxPayloadBytes: 10,
        });
        assert.equal(result.ok, false);
        if (!result.ok) assert.equal(result.error.code, 'TOO_LARGE');
    });
});

describe('decode() UTF-8', () => {
    const topic = 'devices/d1/sensors/status/data';
    const body = (text: string) => Buffer.from(JSON.stringify({ seq: 1, value: { reading: text } }));

    it('keeps a valid payload that itself contains U+FFFD, as bytes and in a Uint8Array view', () => {
        const bytes = body('a\uFFFDb');
        for (const payload of [bytes, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)]) {
            const result = decode(topic, payload);
            assert.ok(result.ok);
            assert.equal(
                (result.message.payload as { value: { reading: string } }).value.reading,
                'a\uFFFDb',
            );
        }
    });

    it('refuses bytes that are not UTF-8, wherever they are', () => {
        for (const bad of [[0xff], [0xc3], [0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
            const bytes = body('ab');
            const at = bytes.indexOf('ab') + 1;
            const payload = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
            const result = decode(topic, payload);
            assert.ok(!result.ok && result.error.code === 'BAD_JSON', JSON.stringify(bad));
            assert.match(result.error.message, /not valid UTF-8/);
        }
    });
});

describe('decode() topic cache', () => {
    const body = '{"seq":1,"value":{"reading":1}}';

    it('gives the same result for a topic decoded twice', () => {
        const first = decode('devices/cache_a/sensors/t/data', body);
        const second = decode('devices/cache_a/sensors/t/data', body);
        assert.deepEqual(second, first);
    });

    it('still decodes an early topic correctly after more distinct topics than the cache holds', () => {
        decode('devices/cache_first/sensors/t/data', body);
        for (let i = 0; i < 5000; i++) decode(`devices/cache_${i}/sensors/s${i % 7}/data`, body);
        const result = decode('devices/cache_first/sensors/t/data', body);
        assert.ok(result.ok);
        if (result.ok)
            assert.deepEqual([result.message.deviceId, result.message.sensor], ['cache_first', 't']);
    });

    it('keeps prototype-member and numeric ids exactly, decoded once or cached', () => {
        for (const [device, sensor] of [
            ['__proto__', 'constructor'],
            ['toString', '__proto__'],
            ['123', '0'],
            ['007', 'hasOwnProperty'],
        ]) {
            for (let i = 0; i < 2; i++) {
                const result = decode(`devices/${device}/sensors/${sensor}/data`, body);
                assert.ok(result.ok);
                if (result.ok)
                    assert.deepEqual([result.message.deviceId, result.message.sensor], [device, sensor]);
            }
        }
        const a = decode('devices/constructor/actuators/__proto__/status', '{"seq":2,"state":true}');
        assert.ok(a.ok);
        if (a.ok) assert.deepEqual([a.message.deviceId, a.message.actuator], ['constructor', '__proto__']);
    });

    it('keeps rejecting a bad topic every time, and never lets a result be changed', () => {
        for (let i = 0; i < 3; i++) {
            const result = decode('devices/+/sensors/t/data', body);
            assert.equal(result.ok, false);
            if (!result.ok) assert.equal(result.error.code, 'BAD_TOPIC');
        }
        const a = decode('devices/cache_b/actuators/led/status', '{"seq":2,"state":true}');
        assert.ok(a.ok);
        if (a.ok) a.message.deviceId = 'tampered';
        const b = decode('devices/cache_b/actuators/led/status', '{"seq":3,"state":false}');
        assert.ok(b.ok);
        if (b.ok) assert.deepEqual([b.message.deviceId, b.message.actuator], ['cache_b', 'led']);
    });
});
