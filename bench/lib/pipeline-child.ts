/**
 * One pipeline under test, in its own process so that its CPU time and peak
 * RSS are its own. Driven by the benchmark over IPC (see ipc.ts).
 */
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import mqtt from 'mqtt';
import type { ChildStats, FromChild, PipelineConfig, ToChild } from './ipc';
import { startLineWriter } from './line-writer';
import { oursFlow, stockFlow } from './nodered-flows';
import { startNodeRed } from './nodered-runtime';

const reply = (m: FromChild) => process.send?.(m);
let cpuMark = process.cpuUsage();
/** With MCPB_BENCH_PROFILE=<dir>, the measured window (mark → stats) is CPU-profiled into <dir>. */
const profileDir = process.env.MCPB_BENCH_PROFILE;
const inspector = profileDir ? new Session() : undefined;
let pipelineName = '';

function post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) =>
        inspector?.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
    );
}

async function startProfile(): Promise<void> {
    if (!inspector) return;
    inspector.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
}

async function stopProfile(): Promise<void> {
    if (!inspector || !profileDir) return;
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, `${pipelineName}.cpuprofile`), JSON.stringify(profile));
}
let received = 0;
let lastReceivedAt = 0;

function peakRssMb(): number {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
}

/** The receive limit: a subscriber that only counts. */
async function startBare(c: PipelineConfig): Promise<void> {
    const client = mqtt.connect(c.mqttUrl, { clean: true });
    client.on('message', () => {
        received++;
        lastReceivedAt = Date.now();
    });
    await new Promise<void>((resolve, reject) => {
        client.once('connect', () =>
            client.subscribe('devices/+/sensors/+/data', { qos: 0 }, (err) =>
                err ? reject(err) : resolve(),
            ),
        );
    });
}

/** Resolves once the registry holds `count` devices: the fleet is registered before any measurement. */
async function registryKnows(nodes: { getNode(id: string): unknown }, count: number): Promise<void> {
    // The flows start after RED.start() resolves: the node may not exist yet.
    const known = () =>
        (nodes.getNode('n-registry') as { registry: { devices: Map<string, unknown> } } | null)?.registry
            .devices.size ?? 0;
    const deadline = Date.now() + 120_000;
    while (known() < count) {
        if (Date.now() > deadline) throw new Error(`the registry knows ${known()} devices, not ${count}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}

async function start(c: PipelineConfig): Promise<void> {
    if (c.pipeline === 'bare') await startBare(c);
    else if (c.pipeline === 'handwritten') await startLineWriter(c);
    else {
        const red = await startNodeRed(
            c.pipeline === 'stock' ? stockFlow(c) : oursFlow(c, c.pipeline === 'oursStore'),
        );
        const nodes = (red as unknown as { nodes: { getNode(id: string): unknown } }).nodes;
        if (c.pipeline !== 'stock') await registryKnows(nodes, c.registered);
        // MCPB_BENCH_DEBUG=1: the store's and the registry's counters every second (ours).
        if (process.env.MCPB_BENCH_DEBUG && c.pipeline !== 'stock') {
            setInterval(() => {
                const influx = nodes.getNode('n-influx') as { storeStatus(): object } | null;
                const registry = nodes.getNode('n-registry') as {
                    registry: { devices: Map<string, unknown>; counters: { totals: object } };
                } | null;
                console.log(
                    JSON.stringify({
                        store: influx?.storeStatus(),
                        devices: registry?.registry.devices.size,
                        totals: registry?.registry.counters.totals,
                    }),
                );
            }, 1000).unref();
        }
    }
}

process.on('message', (m: ToChild) => {
    if (m.type === 'start') {
        pipelineName = m.config.pipeline;
        start(m.config).then(
            () => reply({ type: 'started' }),
            (e: Error) => reply({ type: 'failed', error: e.stack ?? e.message }),
        );
    } else if (m.type === 'mark') {
        if (typeof global.gc === 'function') global.gc();
        void startProfile().then(() => {
            cpuMark = process.cpuUsage();
            reply({ type: 'marked' });
        });
    } else if (m.type === 'count') {
        reply({ type: 'received', count: received, at: lastReceivedAt });
    } else if (m.type === 'stats') {
        const cpu = process.cpuUsage(cpuMark);
        const stats: ChildStats = {
            cpuUserMs: cpu.user / 1000,
            cpuSystemMs: cpu.system / 1000,
            peakRssMb: peakRssMb(),
        };
        void stopProfile().then(() => reply({ type: 'stats', stats }));
    }
});
