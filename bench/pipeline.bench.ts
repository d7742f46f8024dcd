/**
 * Throughput of the sensor hot path, Mosquitto → pipeline → InfluxDB 1.x, for
 * four pipelines in the same run: (a) a bare mqtt.js subscriber that only
 * counts, (b) a hand-written mqtt.js → line protocol → /write batch writer,
 * (c) the stock Node-RED flow (mqtt in → function → join → influxdb batch) and
 * (d) the pack's default flow (mcpb-decode → mcpb-influx-store). Each runs in
 * its own process; msg/s is measured from the first publish until InfluxDB
 * holds every point (InfluxDB's own write statistics, then an InfluxQL
 * count), or until that stops growing.
 *
 * Every pipeline runs --rounds times (5 by default; round robin, so load from
 * other processes on a shared machine hits all of them alike) and the table
 * shows each pipeline's median run by msg/s. Before each run the benchmark
 * waits until InfluxDB and Mosquitto are idle, and each run's database is
 * dropped after it, so no run pays for the previous one's compaction.
 *
 * Ours runs in the default configuration: the registry persists its snapshot
 * (persist on), default buffer bounds, a fleet of --devices devices × 4
 * sensors publishing and --registered devices known to the registry (retained
 * capabilities, announced before the runs).
 *
 * Drain: the live figure swings with this shared machine because the
 * publisher and the broker can be the bottleneck. So handwritten, stock and
 * ours are also measured draining a backlog: --drain-messages readings are
 * queued in Mosquitto first: the pipeline starts, subscribes and (ours) knows
 * the registered fleet, then is frozen (SIGSTOP) while the backlog is
 * published, and the clock runs from its SIGCONT
 * until InfluxDB holds every point: the pipeline is the bottleneck. CPU µs per
 * message is the pipeline process's CPU time over the same window. InfluxDB
 * keeps its data on tmpfs (/dev/shm) when there is one, so that no write waits
 * for its WAL fsync on the disk: InfluxDB, not the pipeline, is what the
 * faster pipelines wait for at the end of a drain (ours' buffer climbs to
 * about 98,000 points).
 *
 * The last line: ours/stock=<x> ours/handwritten=<y> (drain throughput
 * ratios) cpu ours/stock=<a> cpu ours/handwritten=<b> (CPU per message of the
 * other divided by ours: higher is better for ours) lost=<n> (every live and
 * drain run of ours). Each ratio is the median over rounds of ours against the other
 * pipeline's drain in the same round: runs back to back share the machine's
 * state, which moves the absolute figures by up to 30% between rounds.
 *
 * Every process runs on the Node that runs this script; the Node-RED ones on
 * the newest Node-RED that Node supports (5.0 from Node 22.9, else 4.1;
 * MCPB_NODE_RED=4|5 chooses). The line before the last names both, and the
 * results go to bench/results/pipeline-node<major>.json. `npm run bench` runs
 * this on the system Node and then on the current LTS (scripts/bench.sh).
 *
 *   node --expose-gc -r tsx/cjs bench/pipeline.bench.ts [--messages N] [--devices N] [--registered N]
 *        [--drain-messages N] [--only a,b] [--rounds N] [--profile]
 *   MCPB_BENCH_NODE_FLAGS='--trace-gc' …   (flags for the pipeline processes)
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import mqtt from 'mqtt';
import { defaultProfile } from '../simulator/profile';
import { startInfluxDB, startMosquitto, waitFor } from '../test/support/services';
import type { ChildStats, FromChild, PipelineConfig, PipelineName, ToChild } from './lib/ipc';
import { connectDevices, deviceId, encodeForClients, publishAll, seedMessages } from './lib/publisher';
import { median } from './lib/stats';
import { quiet } from './lib/quiet-services';
import { influxWritten } from './lib/influx-progress';
import { benchNodeRedMajor } from './lib/nodered-runtime';

const PIPELINES: { name: PipelineName; label: string }[] = [
    { name: 'bare', label: '(a) bare mqtt.js subscriber, count only' },
    { name: 'handwritten', label: '(b) hand-written mqtt.js → line protocol → /write' },
    { name: 'stock', label: '(c) stock Node-RED: mqtt in → function → join → influxdb batch' },
    { name: 'ours', label: '(d) ours (default flow): mcpb-decode writing to InfluxDB' },
    { name: 'oursStore', label: '(e) ours: mcpb-decode → mcpb-influx-store' },
];
const STALL_MS = 10_000;

interface Result {
    pipeline: PipelineName;
    label: string;
    messages: number;
    stored: number;
    lost: number;
    seconds: number;
    msgPerSec: number;
    cpuMs: number;
    cpuUsPerMsg: number;
    peakRssMb: number;
}

const program = new Command()
    .option('--messages <n>', 'messages to publish', (v) => Number(v), 100_000)
    .option('--devices <n>', 'simulated devices (4 sensors each)', (v) => Number(v), 1000)
    .option(
        '--registered <n>',
        'devices the registry knows (retained capabilities)',
        (v) => Number(v),
        10_000,
    )
    .option(
        '--drain-messages <n>',
        'messages queued in the broker for the drain runs',
        (v) => Number(v),
        200_000,
    )
    .option('--batch <n>', 'points per InfluxDB write', (v) => Number(v), 5000)
    .option('--only <names>', 'comma-separated subset of bare,handwritten,stock,ours,oursStore')
    // Five: the paired drain ratio of one round swings ±20% on this shared machine; three rounds'
    // median still moved by 0.1 between runs of the same build.
    .option('--rounds <n>', 'runs per pipeline; the median run counts', (v) => Number(v), 5)
    .option(
        '--profile',
        "CPU-profile each pipeline's measured window into bench/results/profiles/<name>.cpuprofile",
    )
    .parse();
const opts = program.opts<{
    messages: number;
    devices: number;
    registered: number;
    drainMessages: number;
    batch: number;
    only?: string;
    rounds: number;
    profile?: boolean;
}>();

/** Follows Mosquitto's $SYS subscription count, to know when a pipeline has subscribed. */
async function subscriptionWatcher(mqttUrl: string) {
    let count = -1;
    let updates = 0;
    const client = mqtt.connect(mqttUrl, { clean: true });
    client.on('message', (_t, payload) => {
        count = Number(payload.toString());
        updates++;
    });
    await new Promise<void>((resolve) =>
        client.once('connect', () => client.subscribe('$SYS/broker/subscriptions/count', () => resolve())),
    );
    // The first value is the retained one, from before this subscription: wait for a fresh one.
    await waitFor('$SYS subscription count', async () => updates >= 2);
    return { current: () => count, close: () => client.endAsync() };
}

async function influxCount(url: string, db: string): Promise<number> {
    const q = new URLSearchParams({ db, q: 'SELECT count(reading) FROM sensor_data' });
    const body = (await (await fetch(`${url}/query?${q}`)).json()) as {
        results: { series?: { values: [string, number][] }[] }[];
    };
    return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

function startChild(config: PipelineConfig): {
    child: ChildProcess;
    next(type: FromChild['type']): Promise<FromChild>;
} {
    // MCPB_BENCH_NODE_FLAGS: extra V8/Node flags for the pipelines, e.g. --trace-gc to see the GC in a drain.
    const extra = process.env.MCPB_BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
    const execArgv = ['--expose-gc', '-r', 'tsx/cjs', ...extra];
    const env = { ...process.env };
    if (opts.profile) env.MCPB_BENCH_PROFILE = path.join(__dirname, 'results', 'profiles');
    const child = fork(path.join(__dirname, 'lib', 'pipeline-child.ts'), [], {
        execArgv,
        env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const inbox: FromChild[] = [];
    const waiters: (() => void)[] = [];
    child.on('message', (m: FromChild) => {
        inbox.push(m);
        waiters.splice(0).forEach((w) => w());
    });
    const next = async (type: FromChild['type']): Promise<FromChild> => {
        for (;;) {
            const i = inbox.findIndex((m) => m.type === type || m.type === 'failed');
            if (i >= 0) {
                const [m] = inbox.splice(i, 1);
                if (m.type === 'failed') throw new Error(`${config.pipeline} failed: ${m.error}`);
                return m;
            }
            if (child.exitCode !== null) throw new Error(`${config.pipeline} exited with ${child.exitCode}`);
            await new Promise<void>((r) => {
                waiters.push(r);
                setTimeout(r, 200);
            });
        }
    };
    child.send({ type: 'start', config } satisfies ToChild);
    return { child, next };
}

async function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
}

/**
 * Resolves with [stored, when the last one arrived] once all are in, or the count stalls.
 * `poll` returns the count and, when it knows better than the poll time, when the last one arrived.
 */
async function completion(
    poll: () => Promise<[number, number?]>,
    expected: number,
): Promise<[number, number]> {
    let last = -1;
    let lastAt = Date.now();
    for (;;) {
        const [n, at] = await poll();
        const now = at ?? Date.now();
        if (n !== last) [last, lastAt] = [n, now];
        if (n >= expected) return [n, now];
        if (now - lastAt > STALL_MS) return [last, lastAt];
        await new Promise((r) => setTimeout(r, 50));
    }
}

/**
 * InfluxDB's data directory on tmpfs when there is one (/dev/shm): no write waits for a WAL
 * fsync on the disk. Every pipeline writes to the same InfluxDB.
 */
function inMemoryDir(): string | undefined {
    return fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/mcpb-bench-influxdb-') : undefined;
}

/** Retained capabilities for `count` devices (the first ones also publish readings). */
async function registerDevices(mqttUrl: string, count: number): Promise<void> {
    const client = await mqtt.connectAsync(mqttUrl, { clean: true });
    for (let i = 0; i < count; i += 500) {
        const ids = Array.from({ length: Math.min(500, count - i) }, (_, k) => deviceId(i + k));
        await Promise.all(
            ids.map((id, k) =>
                client.publishAsync(
                    `devices/${id}/capabilities`,
                    JSON.stringify({ ...defaultProfile(i + k), device_id: id, seq: 0 }),
                    { qos: 1, retain: true },
                ),
            ),
        );
    }
    await client.endAsync();
}

/** The pipelines measured draining a backlog (the receive-only one has nothing to drain into). */
const DRAINED = new Set<PipelineName>(['handwritten', 'stock', 'ours']);

async function run(): Promise<void> {
    const messages = seedMessages(opts.messages, opts.devices);
    const encoded = encodeForClients(messages, opts.devices);
    console.log(
        `pipeline bench: ${opts.messages} messages from ${opts.devices} devices × 4 sensors, batch ${opts.batch}, ` +
            `${opts.registered} devices registered; drain of ${opts.drainMessages} queued messages`,
    );
    const [mosquitto, influx] = await Promise.all([
        startMosquitto(),
        startInfluxDB({ dataDir: inMemoryDir() }),
    ]);
    const watcher = await subscriptionWatcher(mosquitto.url);
    const registered = Math.max(opts.registered, opts.devices);
    await registerDevices(mosquitto.url, registered);
    const devices = await connectDevices(mosquitto.url, opts.devices);
    const wanted = opts.only?.split(',');
    const results: Result[] = [];
    const drains: Result[] = [];
    const base = watcher.current();

    const influxQuery = (q: string) =>
        fetch(`${influx.url}/query?${new URLSearchParams({ q })}`, { method: 'POST' });
    const servicePids = [mosquitto.process.pid, influx.process.pid].filter(
        (p): p is number => p !== undefined,
    );

    /** A pipeline on a fresh database, subscribed and settled, its CPU clock marked: ready to measure. */
    async function startMeasured(name: PipelineName, database: string, expected: number) {
        await waitFor('the previous pipeline to unsubscribe', async () => watcher.current() === base, 20_000);
        if (!(await quiet(servicePids))) console.log(`  (InfluxDB or Mosquitto still busy before ${name})`);
        await influxQuery(`CREATE DATABASE ${database}`);
        const pipeline = startChild({
            pipeline: name,
            mqttUrl: mosquitto.url,
            influxUrl: influx.url,
            database,
            expected,
            batchSize: opts.batch,
            registered,
        });
        try {
            await pipeline.next('started');
            await waitFor(`${name} to subscribe`, async () => watcher.current() > base, 30_000);
            await new Promise((r) => setTimeout(r, 1200)); // one more $SYS period: every subscription in place
            pipeline.child.send({ type: 'mark' } satisfies ToChild);
            await pipeline.next('marked');
        } catch (e) {
            await stopChild(pipeline.child);
            throw e;
        }
        return pipeline;
    }

    /** When InfluxDB has written every point (or stopped growing), then how many it holds. */
    async function storedBy(database: string, expected: number): Promise<[number, number]> {
        const [, doneAt] = await completion(
            async () => [await influxWritten(influx.url, database)],
            expected,
        );
        return [await influxCount(influx.url, database), doneAt];
    }

    /** The measured window's figures, with the pipeline's CPU time since its mark. */
    async function resultOf(
        pipeline: ReturnType<typeof startChild>,
        { name, label }: { name: PipelineName; label: string },
        messages: number,
        [stored, seconds]: [number, number],
    ): Promise<Result> {
        pipeline.child.send({ type: 'stats' } satisfies ToChild);
        const { stats } = (await pipeline.next('stats')) as { type: 'stats'; stats: ChildStats };
        const cpuMs = stats.cpuUserMs + stats.cpuSystemMs;
        return {
            pipeline: name,
            label,
            messages,
            stored,
            lost: messages - stored,
            seconds,
            msgPerSec: stored / seconds,
            cpuMs,
            cpuUsPerMsg: (cpuMs * 1000) / messages,
            peakRssMb: stats.peakRssMb,
        };
    }

    try {
        const rounds = Array.from({ length: Math.max(1, opts.rounds) }, (_, round) => round);
        const runs = rounds.flatMap((round) =>
            PIPELINES.filter((p) => !wanted || wanted.includes(p.name)).map((p) => ({ ...p, round })),
        );
        for (const live of runs) {
            const database = `bench_${live.name}_${live.round}`;
            const pipeline = await startMeasured(live.name, database, messages.length);
            try {
                const t0 = Date.now();
                let publishedAt = 0;
                const published = publishAll(devices, encoded).then(() => (publishedAt = Date.now()));
                const [stored, doneAt] =
                    live.name === 'bare'
                        ? await completion(async () => {
                              pipeline.child.send({ type: 'count' } satisfies ToChild);
                              const m = (await pipeline.next('received')) as Extract<
                                  FromChild,
                                  { type: 'received' }
                              >;
                              return [m.count, m.at];
                          }, messages.length)
                        : await storedBy(database, messages.length);
                await published;
                const result = await resultOf(pipeline, live, messages.length, [
                    stored,
                    (doneAt - t0) / 1000,
                ]);
                results.push(result);
                console.log(
                    `  ${live.label}: ${Math.round(result.msgPerSec)} msg/s, lost ${result.lost} ` +
                        `(published in ${((publishedAt - t0) / 1000).toFixed(2)} s)`,
                );
            } finally {
                await stopChild(pipeline.child);
                // Its data would keep InfluxDB compacting into the next run.
                await influxQuery(`DROP DATABASE ${database}`);
            }
        }
        // Drain runs: the backlog first, then the pipeline.
        const drainMessages = seedMessages(opts.drainMessages, opts.devices);
        // Later device time than the live runs' points (a new database anyway).
        const drainEncoded = encodeForClients(drainMessages, opts.devices);
        const drainRuns = rounds.flatMap((round) =>
            PIPELINES.filter((p) => DRAINED.has(p.name) && (!wanted || wanted.includes(p.name))).map((p) => ({
                ...p,
                round,
            })),
        );
        for (const drain of drainRuns) {
            const database = `drain_${drain.name}_${drain.round}`;
            const pipeline = await startMeasured(drain.name, database, drainMessages.length);
            let frozen = false;
            try {
                // Frozen, the pipeline reads nothing: the backlog queues in the broker for it.
                pipeline.child.kill('SIGSTOP');
                frozen = true;
                await publishAll(devices, drainEncoded);
                // A QoS 1 publish after the readings on every connection: its PUBACK says they are queued.
                await Promise.all(devices.map((d) => d.publishAsync('bench/sentinel', '', { qos: 1 })));
                const t0 = Date.now();
                pipeline.child.kill('SIGCONT');
                frozen = false;
                const [storedCount, doneAt] = await storedBy(database, drainMessages.length);
                const result = await resultOf(pipeline, drain, drainMessages.length, [
                    storedCount,
                    (doneAt - t0) / 1000,
                ]);
                drains.push(result);
                console.log(
                    `  drain ${drain.label}: ${Math.round(result.msgPerSec)} msg/s, lost ${result.lost}, ` +
                        `${result.cpuUsPerMsg.toFixed(1)} CPU µs/msg`,
                );
            } finally {
                if (frozen) pipeline.child.kill('SIGCONT');
                await stopChild(pipeline.child);
                await influxQuery(`DROP DATABASE ${database}`);
            }
        }
    } finally {
        await Promise.all(devices.map((d) => d.endAsync()));
        await watcher.close();
        await Promise.all([mosquitto.stop(), influx.stop()]);
    }
    report(results, drains);
}

/** Ours against `other` round by round (the n-th drain of each ran in round n). */
function perRound(
    drains: Result[],
    other: PipelineName,
    of: (ours: Result, other: Result) => number,
): number[] {
    const theirs = drains.filter((r) => r.pipeline === other);
    return drains
        .filter((r) => r.pipeline === 'ours')
        .slice(0, theirs.length)
        .map((ours, round) => of(ours, theirs[round]));
}

/** Each pipeline's median run by msg/s (the lower middle one for an even count), in pipeline order. */
function medianRuns(results: Result[]): Result[] {
    return PIPELINES.flatMap(({ name }) => {
        const runs = results.filter((r) => r.pipeline === name).sort((a, b) => a.msgPerSec - b.msgPerSec);
        return runs.length > 0 ? [runs[Math.floor((runs.length - 1) / 2)]] : [];
    });
}

function table(results: Result[]): void {
    const rows = results.map((r) => [
        r.label,
        Math.round(r.msgPerSec).toLocaleString('en-US'),
        String(r.lost),
        r.seconds.toFixed(2),
        Math.round(r.cpuMs).toLocaleString('en-US'),
        r.cpuUsPerMsg.toFixed(1),
        r.peakRssMb.toFixed(0),
    ]);
    const head = ['pipeline', 'msg/s', 'lost', 's', 'CPU ms', 'CPU µs/msg', 'peak RSS MB'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (cells: string[]) =>
        '| ' +
        cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') +
        ' |';
    console.log('');
    console.log(line(head));
    console.log(
        '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|',
    );
    rows.forEach((r) => console.log(line(r)));
}

/** Prints the median runs and the summary line; `allResults` and `allDrains` hold every run. */
function report(allResults: Result[], allDrains: Result[]): void {
    const results = medianRuns(allResults);
    const drains = medianRuns(allDrains);
    console.log('');
    console.log('live: from the first publish until InfluxDB holds every point');
    table(results);
    console.log('');
    console.log(
        'drain: backlog queued in the broker first; from its release until InfluxDB holds every point',
    );
    table(drains);

    const live = (n: PipelineName) => results.find((r) => r.pipeline === n);
    const throughput = (ours: Result, other: Result) => ours.msgPerSec / other.msgPerSec;
    const efficiency = (ours: Result, other: Result) => other.cpuUsPerMsg / ours.cpuUsPerMsg;
    const rounds = {
        oursOverStock: perRound(allDrains, 'stock', throughput),
        oursOverHandwritten: perRound(allDrains, 'handwritten', throughput),
        cpuOursOverStock: perRound(allDrains, 'stock', efficiency),
        cpuOursOverHandwritten: perRound(allDrains, 'handwritten', efficiency),
    };
    const ratio = (perRound: number[]) => (perRound.length > 0 ? median(perRound).toFixed(2) : 'n/a');
    // Every run of ours counts, not only the median ones.
    const lost = [...allResults, ...allDrains]
        .filter((r) => r.pipeline === 'ours')
        .reduce((n, r) => n + r.lost, 0);
    const summary = {
        oursOverStock: ratio(rounds.oursOverStock),
        oursOverHandwritten: ratio(rounds.oursOverHandwritten),
        cpuOursOverStock: ratio(rounds.cpuOursOverStock),
        cpuOursOverHandwritten: ratio(rounds.cpuOursOverHandwritten),
        liveOursOverStock:
            live('ours') && live('stock')
                ? ((live('ours') as Result).msgPerSec / (live('stock') as Result).msgPerSec).toFixed(2)
                : 'n/a',
        lost,
    };
    const node = process.versions.node;
    const nodeRed = benchNodeRedMajor();
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
        path.join(__dirname, 'results', `pipeline-node${node.split('.')[0]}.json`),
        JSON.stringify(
            {
                date: new Date().toISOString(),
                node: process.version,
                nodeRed,
                options: opts,
                results,
                drains,
                allResults,
                allDrains,
                rounds,
                summary,
            },
            null,
            2,
        ) + '\n',
    );
    console.log('');
    console.log(`runtime: Node ${node}, Node-RED ${nodeRed} (stock and ours; the others are plain Node)`);
    console.log(
        `ours/stock=${summary.oursOverStock} ours/handwritten=${summary.oursOverHandwritten} ` +
            `cpu ours/stock=${summary.cpuOursOverStock} cpu ours/handwritten=${summary.cpuOursOverHandwritten} ` +
            `lost=${summary.lost}`,
    );
}

run().catch((e: Error) => {
    console.error(e);
    process.exitCode = 1;
});
