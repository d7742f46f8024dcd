/**
 * One MQTT connection carrying one or many simulated devices. With one
 * device it carries that device's last will (retained "offline" on its status
 * topic); a shared connection cannot (MQTT allows one will per connection).
 */

import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ALL_DEVICES_ID, topics } from '../protocol/src';

export interface ConnectionDevice {
    readonly id: string;
    onMessage(topic: string, payload: Buffer): void;
    /** The connection came back after a loss (mqtt.js has resubscribed). */
    onReconnect?(): void;
}

export class DeviceConnection {
    readonly devices = new Map<string, ConnectionDevice>();
    /** Times the link to the broker was lost (not counting a deliberate close). */
    failures = 0;
    private constructor(readonly client: MqttClient) {
        client.on('message', (topic, payload) => {
            const id = topic.split('/', 2)[1];
            if (id === ALL_DEVICES_ID) {
                // A broadcast (devices/_all/announce): every device on this connection answers.
                for (const device of this.devices.values()) device.onMessage(topic, payload);
                return;
            }
            this.devices.get(id)?.onMessage(topic, payload);
        });
        client.on('offline', () => {
            if (!client.disconnecting) this.failures++;
        });
        // The first 'connect' happened in open(); every later one is a reconnect.
        client.on('connect', () => {
            for (const device of this.devices.values()) device.onReconnect?.();
        });
    }

    /** Connects; `willFor` gives the connection that device's last will. */
    static async open(url: string, clientId: string, willFor?: string): Promise<DeviceConnection> {
        // Like the firmware, a reading published while the link is down is gone (its seq too, so the
        // server counts it lost); mqtt.js would otherwise queue it and replay it after the reconnect.
        const options: IClientOptions = {
            clientId,
            reconnectPeriod: 1000,
            connectTimeout: 10000,
            queueQoSZero: false,
        };
        if (willFor) {
            options.will = {
                topic: topics.status(willFor),
                payload: Buffer.from(
                    JSON.stringify({ status: 'offline', device_id: willFor, reason: 'connection lost' }),
                ),
                qos: 1,
                retain: true,
            };
        }
        const client = await mqtt.connectAsync(url, options);
        // A command's PUBACK and the status answer are two small writes in a row: with
        // Nagle on, the second waits ~40 ms for the broker's delayed ACK.
        disableNagle(client);
        client.on('connect', () => disableNagle(client));
        return new DeviceConnection(client);
    }

    attach(device: ConnectionDevice): Promise<unknown> {
        this.devices.set(device.id, device);
        const base = topics.device(device.id);
        return this.client.subscribeAsync(
            [
                `${base}/actuators/+/cmd`,
                `${base}/config/set`,
                `${base}/diagnostics/request`,
                topics.announce(device.id),
                topics.announce(ALL_DEVICES_ID),
            ],
            { qos: 1 },
        );
    }

    detach(id: string): void {
        this.devices.delete(id);
    }

    /** Graceful end (no will) or a dropped link (the broker publishes the will). */
    async close(graceful = true): Promise<void> {
        if (graceful) await this.client.endAsync();
        else {
            this.client.options.reconnectPeriod = 0;
            this.client.stream.destroy();
            await this.client.endAsync(true);
        }
    }
}

function disableNagle(client: MqttClient): void {
    const socket = client.stream as Partial<Socket>;
    socket.setNoDelay?.(true);
}
