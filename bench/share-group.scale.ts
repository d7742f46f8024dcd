/**
 * Scale-out drain rate (docs/scale-out.md): the benchmark's fleet (seed-format
 * readings, 50 devices × 4 sensors) published as fast as Mosquitto takes it,
 * drained into InfluxDB by one Node-RED instance and by two instances in one
 * MQTT share group, each in its own process. msg/s counts from the first
 * publish until InfluxDB holds every reading; it checks that every reading is
 * stored exactly once (Σ handled = published = stored) and that the merged
 * loss (seq ledgers) is 0, and reports CPU per message per instance.
 *
 *   node --expose-gc -r tsx/cjs bench/share-group.scale.ts [--messages N] [--devices N]
 * (scripts/bench.sh runs it with MCPB_BENCH_PACK=dist: the child reads the built pack's registry.)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import mqtt from 'mqtt';
import { mergedLoss } from '@mcp-mqtt-bridge/protocol';
import { startInfluxDB, startMosquitto, waitFor } from '../test/support/services';
import { influxWritten } from './lib/influx-progress';
import { connectDevices, encodeForClients, publishAll, seedMessages } from './lib/publisher';
import type { FromShareChild, ShareChildConfig, ShareReport, ToShareChild } from './lib/share-child';

const opts = new Command()
    .option('--messages <n>', 'messages to publish', (v) => Number(v), 100_000)
    .option('--devices <n>', 'simulated devices (4 sensors each)', (v) => Number(v), 50)
    .option('--batch <n>', 'points per InfluxDB write', (v) => Number(v), 5000)
    .parse()
    .opts<{ messages: number; devices: number; batch: number }>();
const STALL_MS = 10_000;

interface Child {
    process: ChildProcess;
    next(type: FromShareChild['type']): Promise<FromShareChild>;
    send(m: ToShareChild): void;
}

function startChild(): Child {
    const child = fork(path.join(__dirname, 'lib', 'share-child.ts'), [], {
        execArgv: ['--expose-gc', '-r', 'tsx/cjs'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const inbox: FromShareChild[] = [];
    const waiters: (() => void)[] = [];
    child.on('message', (m: FromShareChild) => {
        inbox.push(m);
        waiters.splice(0).forEach((w) => w());
    });
    child.on('exit', () => waiters.splice(0).forEach((w) => w()));
    return {
        process: child,
        send: (m) => child.send(m),
        async next(type) {
            for (;;) {
                const i = inbox.findIndex((m) => m.type === type || m.type === 'failed');
                if (i >= 0) {
                    const [m] = inbox.splice(i, 1);
                    if (m.type === 'failed') throw new Error(`instance failed: ${m.error}`);
                    return m;
                }
                if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}`);
                await new Promise<void>((r) => waiters.push(r));
            }
        },
    };
}

async function influxCount(url: string, db: string): Promise<number> {
    const q = new URLSearchParams({
        db,
        q: `SELECT count(reading) FROM sensor_data WHERE device_id != '${PROBE}'`,
    });
    const res = await fetch(`${url}/query?${q}`);
    const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
    return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

const PROBE = 'bench-probe';

function probeReading(seq: number): string {
    return JSON.stringify({
        device_id: PROBE,
        seq,
        timestamp: Date.now() / 1000,
        type: 'sensor',
        component: 'temperature',
        action: 'read',
        value: { reading: 20, unit: '°C', quality: 100 },
    });
}

async function reportAll(children: Child[]): Promise<ShareReport[]> {
    const reports: ShareReport[] = [];
    for (const c of children) {
        c.send({ type: 'report' });
        reports.push(((await c.next('report')) as { report: ShareReport }).report);
    }
    return reports;
}

interface RunResult {
    instances: number;
    msgPerSec: number;
    seconds: number;
    stored: number;
    handled: number[];
    cpuUsPerMsg: number[];
    lost: number;
}

async function run(instances: number, mqttUrl: string, influxUrl: string, round: number): Promise<RunResult> {
    const database = `share_${instances}_${round}_${Date.now()}`;
    const config: ShareChildConfig = {
        mqttUrl,
        influxUrl,
        database,
        group: `bench${round}`,
        batchSize: opts.batch,
    };
    const children = Array.from({ length: instances }, startChild);
    try {
        for (const c of children) c.send({ type: 'start', config });
        await Promise.all(children.map((c) => c.next('started')));
        // Mosquitto 2.0 counts no shared subscriptions in $SYS: probe readings (a device of their own)
        // go round robin until every instance has received one, so every shared subscription is in place.
        const probe = await mqtt.connectAsync(mqttUrl, { clean: true });
        let probeSeq = 0;
        const probed = async () => {
            const reports = await reportAll(children);
            return reports.every((r) => (r.perDevice[PROBE] ?? 0) > 0);
        };
        await waitFor(
            'every instance to take a share',
            async () => {
                await probe.publishAsync(
                    `devices/${PROBE}/sensors/temperature/data`,
                    probeReading(probeSeq++),
                );
                return probed();
            },
            30000,
        );
        await probe.endAsync();
        const messages = seedMessages(opts.messages, opts.devices);
        const encoded = encodeForClients(messages, opts.devices);
        const clients = await connectDevices(mqttUrl, opts.devices);
        // The probe readings the instances took are stored too (all handled by now: the fleet took longer to connect).
        const probes = (await reportAll(children)).reduce((n, r) => n + (r.perDevice[PROBE] ?? 0), 0);
        for (const c of children) c.send({ type: 'mark' });
        await Promise.all(children.map((c) => c.next('marked')));
        const started = Date.now();
        await publishAll(clients, encoded);
        // Every reading and every probe reading, written (InfluxDB's statistics: see influx-progress.ts).
        const expected = opts.messages + probes;
        let last = -1;
        let lastChange = Date.now();
        let done = started;
        for (;;) {
            const written = await influxWritten(influxUrl, database);
            if (written !== last) {
                last = written;
                lastChange = done = Date.now();
            }
            if (written >= expected || Date.now() - lastChange > STALL_MS) break;
            await new Promise((r) => setTimeout(r, 50)); // poll interval of the drain measurement
        }
        const stored = await influxCount(influxUrl, database);
        const reports = await reportAll(children);
        await Promise.all(clients.map((c) => c.endAsync()));
        const devices = new Set(reports.flatMap((r) => Object.keys(r.ledgers)).filter((id) => id !== PROBE));
        const lost =
            reports.reduce((n, r) => n + r.lost, 0) +
            [...devices].reduce((n, id) => n + mergedLoss(reports.map((r) => r.ledgers[id])), 0);
        const seconds = (done - started) / 1000;
        return {
            instances,
            msgPerSec: Math.round(stored / seconds),
            seconds,
            stored,
            handled: reports.map((r) => r.messages - (r.perDevice[PROBE] ?? 0)),
            cpuUsPerMsg: reports.map((r) => Math.round((r.cpuMs * 1000 * 10) / Math.max(1, r.messages)) / 10),
            lost,
        };
    } finally {
        for (const c of children) {
            const exited = new Promise((r) => c.process.once('exit', r));
            c.process.kill('SIGTERM');
            await exited;
        }
    }
}

async function main(): Promise<void> {
    const broker = await startMosquitto();
    const influx = await startInfluxDB();
    const results: RunResult[] = [];
    try {
        for (const n of [1, 2]) results.push(await run(n, broker.url, influx.url, n));
    } finally {
        await broker.stop();
        await influx.stop();
    }
    console.log(
        `share group drain, ${opts.messages} readings from ${opts.devices} devices, ${os.cpus().length} cores:`,
    );
    for (const r of results) {
        const exact = r.stored === opts.messages && r.handled.reduce((a, b) => a + b, 0) === opts.messages;
        console.log(
            `  ${r.instances} instance(s): ${r.msgPerSec} msg/s (${r.seconds.toFixed(2)} s), stored ${r.stored}, ` +
                `handled ${r.handled.join(' + ')}${exact ? ' (each once)' : ' (NOT exactly once)'}, ` +
                `merged loss ${r.lost}, CPU ${r.cpuUsPerMsg.join(' / ')} µs/msg per instance`,
        );
    }
    const [one, two] = results;
    const out = path.join(__dirname, 'results', 'share-group.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(
        out,
        JSON.stringify({ messages: opts.messages, devices: opts.devices, results }, null, 2),
    );
    console.log(
        `  two-instance drain ${two.msgPerSec} msg/s vs one-instance ${one.msgPerSec} msg/s (×${(two.msgPerSec / one.msgPerSec).toFixed(2)})`,
    );
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
