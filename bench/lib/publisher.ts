/**
 * Simulated devices for the benchmark: one MQTT connection per device, each
 * publishing seed-format sensor messages (QoS 0) with a per-device seq and a
 * device timestamp that keeps every point of a series distinct.
 */
import mqtt, { type MqttClient } from 'mqtt';

export const SENSORS = [
    { id: 'temperature', unit: '°C', base: 21 },
    { id: 'humidity', unit: '%', base: 45 },
    { id: 'pressure', unit: 'hPa', base: 1013 },
    { id: 'light', unit: 'lx', base: 300 },
] as const;

export interface Message {
    client: number;
    topic: string;
    payload: string;
}

export const deviceId = (i: number) => `bench-dev-${String(i).padStart(4, '0')}`;

/** `total` messages, round robin over devices and their four sensors. */
export function seedMessages(total: number, devices: number): Message[] {
    const start = Math.floor(Date.now() / 1000) - 3600;
    const seqs = new Array<number>(devices).fill(0);
    const messages: Message[] = [];
    for (let n = 0; n < total; n++) {
        const d = n % devices;
        const sensor = SENSORS[Math.floor(n / devices) % SENSORS.length];
        const seq = seqs[d]++;
        const id = deviceId(d);
        const payload = {
            device_id: id,
            seq,
            timestamp: start + seq / 1000,
            type: 'sensor',
            component: sensor.id,
            action: 'read',
            value: {
                reading: Math.round((sensor.base + Math.sin(seq / 50) * 5) * 100) / 100,
                unit: sensor.unit,
                quality: 100,
            },
            metrics: { free_heap: 234567, uptime: 3600 + seq },
        };
        messages.push({
            client: d,
            topic: `devices/${id}/sensors/${sensor.id}/data`,
            payload: JSON.stringify(payload),
        });
    }
    return messages;
}

export async function connectDevices(mqttUrl: string, devices: number): Promise<MqttClient[]> {
    return Promise.all(
        Array.from({ length: devices }, (_, i) => {
            const client = mqtt.connect(mqttUrl, { clientId: `${deviceId(i)}-pub`, clean: true });
            return new Promise<MqttClient>((resolve, reject) => {
                client.once('connect', () => resolve(client));
                client.once('error', reject);
            });
        }),
    );
}

/** An MQTT 3.1.1 PUBLISH packet, QoS 0 (fixed header, remaining length, topic, payload). */
export function publishPacket(topic: string, payload: string): Buffer {
    const t = Buffer.from(topic);
    const p = Buffer.from(payload);
    let remaining = 2 + t.length + p.length;
    const length: number[] = [];
    do {
        let byte = remaining % 128;
        remaining = Math.floor(remaining / 128);
        if (remaining > 0) byte |= 0x80;
        length.push(byte);
    } while (remaining > 0);
    const head = Buffer.from([0x30, ...length, t.length >> 8, t.length & 0xff]);
    return Buffer.concat([head, t, p]);
}

/**
 * The messages encoded once, per device connection, in chunks: publishing then
 * costs a socket write per chunk, so the load generator does not limit what
 * is measured (mqtt.js's publish() costs several µs per message).
 */
export function encodeForClients(messages: Message[], clients: number, chunk = 500): Buffer[][] {
    const packets: Buffer[][] = Array.from({ length: clients }, () => []);
    for (const m of messages) packets[m.client].push(publishPacket(m.topic, m.payload));
    return packets.map((list) => {
        const chunks: Buffer[] = [];
        for (let i = 0; i < list.length; i += chunk) chunks.push(Buffer.concat(list.slice(i, i + chunk)));
        return chunks;
    });
}

/** Writes every device's packets on its own connection, as fast as the sockets take them. */
export async function publishAll(clients: MqttClient[], encoded: Buffer[][]): Promise<void> {
    const rounds = Math.max(...encoded.map((c) => c.length));
    for (let r = 0; r < rounds; r++) {
        for (let c = 0; c < clients.length; c++) {
            const chunk = encoded[c][r];
            if (chunk) clients[c].stream.write(chunk);
        }
        const slow = clients.filter((c) => c.stream.writableNeedDrain);
        await Promise.all(slow.map((c) => new Promise((resolve) => c.stream.once('drain', resolve))));
    }
}
