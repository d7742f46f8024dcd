import assert from 'node:assert/strict';
import {
    decode,
    DELIVERY,
    encodeCommand,
    MESSAGE_KINDS,
    newCommandId,
    parseTopic,
    SCHEMAS,
    topics,
} from '../../protocol/src';

describe('topic builder and parser', () => {
    it('round-trips every kind', () => {
        const built: [string, string][] = [
            [topics.capabilities('d-1'), 'capabilities'],
            [topics.status('d-1'), 'status'],
            [topics.error('d-1'), 'error'],
            [topics.metrics('d-1'), 'metrics'],
            [topics.sensorData('d-1', 'temp'), 'sensor_data'],
            [topics.sensorBatch('d-1'), 'sensor_batch'],
            [topics.actuatorCommand('d-1', 'led'), 'actuator_command'],
            [topics.actuatorStatus('d-1', 'led'), 'actuator_status'],
            [topics.configState('d-1'), 'config_state'],
            [topics.configSet('d-1'), 'config_set'],
            [topics.diagnosticsRequest('d-1'), 'diagnostics_request'],
            [topics.diagnosticsResult('d-1'), 'diagnostics_result'],
            [topics.announce('d-1'), 'announce_request'],
        ];
        assert.deepEqual(new Set(built.map(([, kind]) => kind)), new Set(MESSAGE_KINDS));
        for (const [topic, kind] of built) {
            const parsed = parseTopic(topic);
            assert.ok(parsed.ok, topic);
            if (parsed.ok) assert.deepEqual([parsed.topic.kind, parsed.topic.deviceId], [kind, 'd-1']);
        }
    });

    it('refuses to build a topic from an illegal id', () => {
        assert.throws(() => topics.status('a/b'), /device id "a\/b"/);
        assert.throws(() => topics.sensorData('d', '+'), /wildcard/);
        assert.throws(() => topics.actuatorCommand('d', ''), /empty/);
    });

    it('defines delivery and a schema for every kind', () => {
        for (const kind of MESSAGE_KINDS) {
            assert.ok(DELIVERY[kind], kind);
            assert.ok(SCHEMAS[kind], kind);
        }
        assert.deepEqual(DELIVERY.sensor_data, { qos: 0, retain: false });
        assert.deepEqual(DELIVERY.capabilities, { qos: 1, retain: true });
        assert.deepEqual(DELIVERY.actuator_command, { qos: 1, retain: false });
    });

    it('encodes commands that the decoder accepts', () => {
        const id = newCommandId();
        const result = decode(
            topics.actuatorCommand('d', 'led'),
            JSON.stringify(encodeCommand(id, 'set', 3)),
        );
        assert.ok(result.ok);
        if (!result.ok) return;
        const payload = result.message.payload as { id: string; action: string; value: number };
        assert.deepEqual([payload.id, payload.action, payload.value], [id, 'set', 3]);
    });
});
