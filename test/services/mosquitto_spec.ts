import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { sharedServices } from '../support/services';

/** Resolves with the first message on `topic`, or rejects after `timeoutMs`. */
function nextMessage(
    client: MqttClient,
    topic: string,
    timeoutMs = 5000,
): Promise<{ payload: string; retain: boolean }> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(
            () => reject(new Error(`no message on ${topic} within ${timeoutMs} ms`)),
            timeoutMs,
        );
        client.on('message', (t, payload, packet) => {
            if (t !== topic) return;
            clearTimeout(timer);
            resolve({ payload: payload.toString(), retain: packet.retain });
        });
    });
}

describe('test bed: private Mosquitto', () => {
    const clients: MqttClient[] = [];
    const connect = async (options: mqtt.IClientOptions = {}) => {
        const client = await mqtt.connectAsync(sharedServices().mqttUrl, { reconnectPeriod: 0, ...options });
        clients.push(client);
        return client;
    };
    afterEach(async () => {
        await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
    });

    it('listens on a loopback port', () => {
        assert.match(sharedServices().mqttUrl, /^mqtt:\/\/127\.0\.0\.1:\d+$/);
    });

    it('delivers a retained message to a later subscriber, flagged retained', async () => {
        const topic = `devices/smoke_${Date.now()}/capabilities`;
        const publisher = await connect();
        await publisher.publishAsync(topic, '{"retained":true}', { qos: 1, retain: true });
        const subscriber = await connect();
        const received = nextMessage(subscriber, topic);
        await subscriber.subscribeAsync(topic, { qos: 1 });
        const message = await received;
        assert.equal(message.payload, '{"retained":true}');
        assert.equal(message.retain, true);
        await publisher.publishAsync(topic, '', { qos: 1, retain: true });
    });

    it('publishes the last will when a client dies without DISCONNECT', async () => {
        const topic = `devices/will_${Date.now()}/status`;
        const watcher = await connect();
        await watcher.subscribeAsync(topic, { qos: 1 });
        const device = await mqtt.connectAsync(sharedServices().mqttUrl, {
            reconnectPeriod: 0,
            keepalive: 5,
            will: { topic, payload: Buffer.from('offline'), qos: 1, retain: true },
        });
        const will = nextMessage(watcher, topic);
        // Destroying the socket skips DISCONNECT, as a power cut would.
        device.stream.destroy();
        const message = await will;
        assert.equal(message.payload, 'offline');
        device.end(true);
        await watcher.publishAsync(topic, '', { qos: 1, retain: true });
    });
});
