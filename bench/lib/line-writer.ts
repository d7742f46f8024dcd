/**
 * The hand-written baseline: mqtt.js → JSON.parse → line protocol → InfluxDB
 * /write in batches, two writes in flight, no retries. What a developer writes
 * in an afternoon; the pack's store is measured against it.
 */
import http from 'node:http';
import mqtt from 'mqtt';

export interface LineWriterOptions {
    mqttUrl: string;
    influxUrl: string;
    database: string;
    batchSize: number;
}

export async function startLineWriter(o: LineWriterOptions): Promise<void> {
    const url = new URL(o.influxUrl);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const path = `/write?db=${encodeURIComponent(o.database)}&precision=u`;
    const waiting: string[][] = [];
    let batch: string[] = [];
    let inFlight = 0;
    let timer: NodeJS.Timeout | undefined;

    const pump = () => {
        while (inFlight < 2 && waiting.length > 0) {
            const body = (waiting.shift() as string[]).join('\n');
            inFlight++;
            const req = http.request(
                { hostname: url.hostname, port: url.port, path, method: 'POST', agent },
                (res) => {
                    res.resume();
                    res.on('end', () => {
                        inFlight--;
                        pump();
                    });
                },
            );
            req.on('error', () => {
                inFlight--;
                pump();
            });
            req.end(body);
        }
    };
    const seal = () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        if (batch.length === 0) return;
        waiting.push(batch);
        batch = [];
        pump();
    };

    const client = mqtt.connect(o.mqttUrl, { clean: true });
    client.on('message', (topic, payload) => {
        batch.push(lineOf(topic, payload));
        if (batch.length >= o.batchSize) seal();
        else if (!timer) timer = setTimeout(seal, 1000);
    });
    await new Promise<void>((resolve, reject) => {
        client.once('connect', () =>
            client.subscribe('devices/+/sensors/+/data', { qos: 0 }, (err) =>
                err ? reject(err) : resolve(),
            ),
        );
        client.once('error', reject);
    });
}

/** The baseline's whole work per message: JSON.parse and one line of line protocol, no checks. */
export function lineOf(topic: string, payload: Buffer): string {
    const parts = topic.split('/');
    const p = JSON.parse(payload.toString()) as {
        seq: number;
        timestamp?: number;
        value: { reading: number; unit?: string; quality?: number };
    };
    const unit = p.value.unit ? `,unit=${p.value.unit}` : '';
    const time = p.timestamp !== undefined ? Math.round(p.timestamp * 1e6) : Date.now() * 1000;
    return `sensor_data,device_id=${parts[1]},sensor=${parts[3]}${unit} reading=${p.value.reading},quality=${p.value.quality ?? 100},seq=${p.seq}i ${time}`;
}
