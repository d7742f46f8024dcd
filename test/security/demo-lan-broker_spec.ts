/**
 * `npm start -- --mqtt-listen 0.0.0.0` lets a real ESP32 on the network join the
 * demo: the embedded broker then wants the printed device password from any
 * client that is not the demo itself (127.0.0.1), and lets it speak only as
 * the device its user name names. A client bound to another loopback address
 * (127.0.0.2) stands in for a device on the LAN.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import mqtt from 'mqtt';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';
import { waitFor } from '../support/services';

const REGISTRY = 'mcp-bridge/registries/demo-registry';

describe('npm start --mqtt-listen: devices on the network need the device password', function () {
    this.timeout(60000);
    let demo: DemoProcess;
    let password: string;
    let port: number;
    /** An MQTT client whose connections come from 127.0.0.2, as a device on the network would. */
    const lanClient = (options: mqtt.IClientOptions) =>
        new Promise<mqtt.MqttClient>((resolve, reject) => {
            const stream = () => net.createConnection({ port, host: '127.0.0.1', localAddress: '127.0.0.2' });
            const client = new mqtt.MqttClient(stream, {
                reconnectPeriod: 0,
                connectTimeout: 5000,
                ...options,
            });
            client.once('connect', () => resolve(client));
            client.once('error', (e) => {
                client.end(true);
                reject(e);
            });
        });

    before(async function () {
        assertBuilt();
        demo = await startDemoProcess({
            devices: 1,
            intervalMs: 1000,
            extraArgs: ['--mqtt-listen', '0.0.0.0'],
        });
        const line = /^Devices on your network: .*:(\d+) .* password (\S+) /m.exec(demo.output());
        assert.ok(line, demo.output());
        [port, password] = [Number(line[1]), line[2]];
    });

    after(async () => {
        await demo?.stop();
    });

    it('refuses a network client without the password, or with a wrong one', async () => {
        await assert.rejects(lanClient({}), /Not authorized|Bad username or password|connack/i);
        await assert.rejects(
            lanClient({ username: 'lan-1', password: 'guess' }),
            /Not authorized|Bad username or password|connack/i,
        );
    });

    it('lets a device with the password announce itself, but not as another device, and not send commands', async () => {
        const device = await lanClient({ username: 'lan-1', password, clientId: 'lan-1' });
        try {
            const caps = (id: string) =>
                JSON.stringify({
                    device_id: id,
                    seq: 0,
                    firmware_version: '1',
                    sensors: ['t'],
                    actuators: [],
                    metadata: { t: { unit: 'C' } },
                });
            // As another device first: dropped (or the connection closed); then as itself.
            await device.publishAsync('devices/demo-0000/actuators/led/cmd', '{"id":"x","action":"toggle"}', {
                qos: 0,
            });
            await device.publishAsync('devices/lan-2/capabilities', caps('lan-2'), { qos: 0 });
        } catch {
            // Aedes may close the connection on a forbidden publish: that refuses it too.
        } finally {
            await device.endAsync(true);
        }
        const honest = await lanClient({ username: 'lan-1', password, clientId: 'lan-1b' });
        await honest.publishAsync(
            'devices/lan-1/capabilities',
            JSON.stringify({
                device_id: 'lan-1',
                seq: 0,
                firmware_version: '1',
                sensors: ['t'],
                actuators: [],
                metadata: {},
            }),
            { qos: 1 },
        );
        await honest.endAsync();
        await waitFor(
            'lan-1 in the registry',
            async () => (await demo.api(`${REGISTRY}/devices/lan-1`)).status === 200,
        );
        assert.equal((await demo.api(`${REGISTRY}/devices/lan-2`)).status, 404, 'a device posed as another');
        const led = (await (await demo.api(`${REGISTRY}/devices/demo-0000`)).json()) as {
            counters: { commands_sent: number };
            actuator_states: Record<string, { last_command?: unknown }>;
        };
        assert.equal(led.actuator_states.led?.last_command, undefined, 'a device account sent a command');
    });
});
