import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
    decode,
    DECODE_ERROR_CODES,
    validateCommand,
    COMMAND_ERROR_CODES,
    validateReading,
    READING_ERROR_CODES,
    MAX_STRING_READING_LENGTH,
} from '../../protocol/src';
import type { CapabilitiesPayload, DeviceMessage, Reading } from '../../protocol/src';
import { loadDecodeVectors, payloadOf, VECTORS_DIR } from '../support/vectors';

describe('protocol vectors (shared with the C++ core)', () => {
    const vectors = loadDecodeVectors();

    it('hold at least 80 decode cases and exercise every decode error code', () => {
        assert.ok(vectors.length >= 80, `only ${vectors.length} vectors`);
        const used = new Set(vectors.map((v) => v.expect.error).filter(Boolean));
        for (const code of DECODE_ERROR_CODES) assert.ok(used.has(code), `no vector for ${code}`);
    });

    for (const v of vectors) {
        it(`${v.file}: ${v.name}`, () => {
            const result = decode(v.topic, payloadOf(v));
            if (v.expect.error) {
                assert.equal(
                    result.ok,
                    false,
                    `expected ${v.expect.error}, decoded ${JSON.stringify(result)}`,
                );
                if (result.ok) return;
                assert.equal(result.error.code, v.expect.error, result.error.message);
                if (v.expect.field !== undefined)
                    assert.equal(result.error.field, v.expect.field, result.error.message);
                assert.ok(result.error.message.startsWith(`${v.expect.error}: `));
                return;
            }
            assert.ok(result.ok, result.ok ? '' : result.error.message);
            if (!result.ok) return;
            assertExpected(result.message, v.expect);
        });
    }

    describe('validateCommand vectors', () => {
        const file = JSON.parse(
            fs.readFileSync(path.join(VECTORS_DIR, 'command-validation.json'), 'utf8'),
        ) as {
            capabilities: CapabilitiesPayload;
            cases: {
                name: string;
                actuator: string;
                command: { action: string };
                expect: { ok?: true; error?: string };
            }[];
        };
        it('exercise every command error code', () => {
            const used = new Set(file.cases.map((c) => c.expect.error));
            for (const code of COMMAND_ERROR_CODES) assert.ok(used.has(code), `no vector for ${code}`);
        });
        it('use capabilities that decode cleanly', () => {
            assert.ok(decode('devices/esp32_abc123/capabilities', JSON.stringify(file.capabilities)).ok);
        });
        for (const c of file.cases) {
            it(c.name, () => {
                const result = validateCommand(file.capabilities, c.actuator, c.command);
                if (c.expect.ok) assert.ok(result.ok, result.ok ? '' : result.error.message);
                else {
                    assert.equal(result.ok, false);
                    if (!result.ok) assert.equal(result.error.code, c.expect.error, result.error.message);
                }
            });
        }
    });

    describe('validateReading vectors', () => {
        const file = JSON.parse(
            fs.readFileSync(path.join(VECTORS_DIR, 'reading-validation.json'), 'utf8'),
        ) as {
            capabilities: CapabilitiesPayload;
            cases: {
                name: string;
                sensor: string;
                reading: Reading;
                expect: { ok?: true; error?: string };
            }[];
        };
        it('exercise every reading error code, on capabilities that decode cleanly', () => {
            const used = new Set(file.cases.map((c) => c.expect.error));
            for (const code of READING_ERROR_CODES) assert.ok(used.has(code), `no vector for ${code}`);
            assert.ok(decode('devices/esp32_abc123/capabilities', JSON.stringify(file.capabilities)).ok);
        });
        it('the schema bounds string readings at MAX_STRING_READING_LENGTH', () => {
            const shared = JSON.parse(
                fs.readFileSync(path.join(VECTORS_DIR, '../schemas/common.schema.json'), 'utf8'),
            ) as { $defs: { reading: { maxLength: number } } };
            assert.equal(shared.$defs.reading.maxLength, MAX_STRING_READING_LENGTH);
        });
        for (const c of file.cases) {
            it(c.name, () => {
                const result = validateReading(file.capabilities, c.sensor, c.reading);
                if (c.expect.ok) assert.ok(result.ok, result.ok ? '' : result.error.message);
                else {
                    assert.equal(result.ok, false);
                    if (!result.ok) {
                        assert.equal(result.error.code, c.expect.error, result.error.message);
                        assert.ok(result.error.message.startsWith(`${c.expect.error}: `));
                    }
                }
            });
        }
    });
});

/** Checks the key fields a vector names against the decoded message. */
function assertExpected(message: DeviceMessage, expect: Record<string, unknown>): void {
    const payload = message.payload as unknown as Record<string, unknown>;
    for (const [key, want] of Object.entries(expect)) {
        if (key === 'kind') assert.equal(message.kind, want);
        else if (key === 'device_id') assert.equal(message.deviceId, want);
        else if (key === 'sensor') assert.equal(message.sensor, want);
        else if (key === 'actuator') assert.equal(message.actuator, want);
        else if (key === 'readings') assert.equal((payload.readings as unknown[]).length, want);
        else assert.deepEqual(payload[key], want, `payload.${key}`);
    }
}
