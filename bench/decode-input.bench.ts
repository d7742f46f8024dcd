/**
 * Which input mode should mcpb-decode use by default? The same seed-format
 * sensor messages go through a real Mosquitto into an embedded Node-RED 4.1,
 * decoded into the registry, in two modes:
 *   (a) core `mqtt in` (Buffer output) wired to mcpb-decode;
 *   (b) mcpb-decode subscribing through the core mqtt-broker config node itself.
 * Each mode runs ROUNDS times, alternating; the best run counts. Throughput is
 * the messages the registry counted divided by the time from first publish to
 * the last one counted. Writes bench/results/decode-input.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { coreBrokerNode } from '../scripts/lib/core-broker-node';
import { startEmbeddedNodeRed } from '../scripts/demo/embedded-node-red';
import { startMosquitto, waitFor } from '../test/support/services';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 60000);
const ROUNDS = 3;
const DEVICES = 50;
const SENSORS = ['temperature', 'humidity', 'pressure', 'light'];

type Mode = 'mqtt-in' | 'broker';

function flow(mode: Mode, mqttUrl: string): object[] {
    const decode = {
        id: 'dec',
        type: 'mcpb-decode',
        z: 't',
        registry: 'reg',
        topic: 'devices/#',
        qos: '0',
        wires: [[]],
    };
    const nodes: object[] = [
        { id: 't', type: 'tab', label: 'bench' },
        coreBrokerNode('b', mqttUrl),
        { id: 'reg', type: 'mcpb-registry', persist: false, historyPoints: 100 },
    ];
    if (mode === 'broker') nodes.push({ ...decode, broker: 'b' });
    else {
        nodes.push(decode);
        nodes.push({
            id: 'in',
            type: 'mqtt in',
            z: 't',
            broker: 'b',
            topic: 'devices/#',
            qos: '0',
            datatype: 'buffer',
            wires: [['dec']],
        });
    }
    return nodes;
}

async function deploy(base: string, nodes: object[]): Promise<void> {
    const res = await fetch(`${base}flows`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
        body: JSON.stringify(nodes),
    });
    if (res.status !== 204) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
}

async function status(
    base: string,
): Promise<{ counters: { messages: number }; mqtt: { connected: boolean } }> {
    const res = await fetch(`${base}mcp-bridge/registries/reg/status`);
    return (await res.json()) as { counters: { messages: number }; mqtt: { connected: boolean } };
}

async function run(base: string, mqttUrl: string, mode: Mode, round: number): Promise<number> {
    await deploy(base, flow(mode, mqttUrl));
    // The registry itself has no broker: wait until decode's subscription is live by probing.
    const probe = await mqtt.connectAsync(mqttUrl);
    await waitFor('subscription live', async () => {
        await probe.publishAsync(
            'devices/probe/sensors/x/data',
            JSON.stringify({ seq: 0, value: { reading: 1 } }),
        );
        return (await status(base)).counters.messages > 0;
    });
    const before = (await status(base)).counters.messages;
    const payloads: [string, string][] = [];
    for (let i = 0; i < MESSAGES; i++) {
        const device = `bench-${round}-${mode}-${i % DEVICES}`;
        const sensor = SENSORS[Math.floor(i / DEVICES) % SENSORS.length];
        const seq = Math.floor(i / DEVICES);
        const body = {
            device_id: device,
            seq,
            timestamp: 1704067200 + seq,
            type: 'sensor',
            component: sensor,
            action: 'read',
            value: { reading: 20 + (i % 100) / 10, unit: 'u', quality: 95 },
        };
        payloads.push([`devices/${device}/sensors/${sensor}/data`, JSON.stringify(body)]);
    }
    const started = process.hrtime.bigint();
    for (let i = 0; i < payloads.length; i++) {
        probe.publish(payloads[i][0], payloads[i][1], { qos: 0 });
        if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    let last = before;
    let lastChange = Date.now();
    let finished = started;
    for (;;) {
        const now = (await status(base)).counters.messages;
        if (now !== last) {
            last = now;
            lastChange = Date.now();
            finished = process.hrtime.bigint();
        }
        if (now - before >= MESSAGES || Date.now() - lastChange > 3000) break;
        await new Promise((r) => setTimeout(r, 20));
    }
    await probe.endAsync();
    const counted = last - before;
    const seconds = Number(finished - started) / 1e9;
    const rate = counted / seconds;
    console.log(
        `${mode.padEnd(8)} round ${round}: ${counted}/${MESSAGES} messages in ${seconds.toFixed(2)} s = ${Math.round(rate)} msg/s`,
    );
    return counted === MESSAGES ? rate : 0;
}

async function main(): Promise<void> {
    const broker = await startMosquitto();
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-bench-'));
    const nodeRed = await startEmbeddedNodeRed({
        userDir,
        flow: [],
        port: 0,
        log: console.log,
        logLevel: 'error',
    });
    const best: Record<Mode, number> = { 'mqtt-in': 0, broker: 0 };
    try {
        for (let round = 1; round <= ROUNDS; round++) {
            for (const mode of ['mqtt-in', 'broker'] as Mode[]) {
                best[mode] = Math.max(best[mode], await run(nodeRed.url, broker.url, mode, round));
            }
        }
    } finally {
        await nodeRed.stop();
        await broker.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
    const ratio = best.broker / best['mqtt-in'];
    const result = {
        messages: MESSAGES,
        devices: DEVICES,
        rounds: ROUNDS,
        mqtt_in_msg_s: Math.round(best['mqtt-in']),
        broker_msg_s: Math.round(best.broker),
        broker_over_mqtt_in: Number(ratio.toFixed(2)),
        node: process.version,
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
        path.join(__dirname, 'results', 'decode-input.json'),
        `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log(
        `mqtt-in=${result.mqtt_in_msg_s} msg/s broker=${result.broker_msg_s} msg/s broker/mqtt-in=${result.broker_over_mqtt_in}`,
    );
    process.exit(0);
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
