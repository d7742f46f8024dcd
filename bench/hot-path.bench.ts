/**
 * The decode node's work per reading against the hand-written writer's, in one
 * process over the same messages: no broker, no InfluxDB, only the code under
 * test. The pipeline bench's drain swings ±30% between runs on this shared
 * machine; here pairs of slices run back to back (alternating which goes
 * first), and the median ratio of 60 pairs repeats within about ±5% from run
 * to run: enough to see whether a change to the hot path pays.
 *
 *   hand-written: JSON.parse and one line of line protocol (bench/lib/line-writer.ts),
 *                 the slice's lines joined and encoded as its request body
 *   ours:         decode() → registry.ingest() → MessagePoints.writeMessage() into the
 *                 writer's LineBuffer, with the registry as the default node builds it:
 *                 10,000 devices registered, the snapshot file, presence recorder and
 *                 request handler listening
 *
 * Each slice is fresh messages (seq keeps rising, as in a drain). The snapshot's
 * timed writes run between slices, outside the figures (the pipeline bench's
 * drain has them). Writes bench/results/hot-path.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from '@mcp-mqtt-bridge/protocol';
import { defaultProfile } from '../simulator/profile';
import { lineOf } from './lib/line-writer';
import { deviceId, seedMessages } from './lib/publisher';
import { median, quantile } from './lib/stats';

type Lib = typeof import('../nodes/lib/registry/device-registry') &
    typeof import('../nodes/lib/registry/device-requests') &
    typeof import('../nodes/lib/registry/snapshot-file') &
    typeof import('../nodes/lib/registry/presence-recorder') &
    typeof import('../nodes/lib/history-events') &
    typeof import('../nodes/lib/influx/message-points') &
    typeof import('../nodes/lib/influx/line-buffer');

const REGISTERED = 10_000;
const DEVICES = 1_000;
const SLICE = 10_000;
const WARMUP_PAIRS = 5;
const PAIRS = Number(process.env.BENCH_PAIRS ?? 60);
const SNAPSHOT_DEBOUNCE_MS = 2000;

/** The built pack when scripts/bench.sh asks for it (MCPB_BENCH_PACK=dist), else the sources. */
function load(): Lib {
    const base = path.join(
        __dirname,
        '..',
        process.env.MCPB_BENCH_PACK === 'dist' ? 'dist/nodes/lib' : 'nodes/lib',
    );
    const modules = [
        'registry/device-registry',
        'registry/device-requests',
        'registry/snapshot-file',
        'registry/presence-recorder',
        'history-events',
        'influx/message-points',
        'influx/line-buffer',
    ];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the pack is chosen at run time
    return Object.assign({}, ...modules.map((m) => require(path.join(base, m)) as object)) as Lib;
}

type Wire = [topic: string, payload: Buffer];

function cpuMicros(run: () => void): number {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    return used.user + used.system;
}

async function main(): Promise<void> {
    const lib = load();
    const registry = new lib.DeviceRegistry(lib.DEFAULT_REGISTRY_OPTIONS);
    registry.setBrokerState('connected', Date.now());
    for (let i = 0; i < REGISTERED; i++) {
        const id = deviceId(i);
        const caps = decode(
            `devices/${id}/capabilities`,
            JSON.stringify({ ...defaultProfile(i), device_id: id, seq: 0 }),
        );
        if (!caps.ok) throw new Error(`capabilities of ${id} did not decode: ${caps.error.message}`);
        registry.ingest(caps.message, true, Date.now());
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-hot-path-'));
    const snapshot = new lib.SnapshotFile(
        path.join(dir, 'registry.json'),
        registry,
        SNAPSHOT_DEBOUNCE_MS,
        (e) => {
            throw e;
        },
    );
    snapshot.start();
    const presence = new lib.PresenceRecorder(registry, new lib.MemoryEventLog());
    const requests = new lib.DeviceRequests(registry, () => Promise.resolve(false));
    const points = new lib.MessagePoints({ actuators: true, errors: true, metrics: true });

    const slices: Wire[][] = [];
    const all = seedMessages((WARMUP_PAIRS + PAIRS) * SLICE, DEVICES);
    for (let i = 0; i < all.length; i += SLICE) {
        slices.push(all.slice(i, i + SLICE).map((m) => [m.topic, Buffer.from(m.payload)]));
    }

    // Each ends with the slice's request body, as its writer sends it.
    let lines: string[] = [];
    const body = new lib.LineBuffer(SLICE);
    const hand = (slice: Wire[]) => () => {
        for (const [topic, payload] of slice) lines.push(lineOf(topic, payload));
        Buffer.from(lines.join('\n'));
    };
    const ours = (slice: Wire[]) => () => {
        for (const [topic, payload] of slice) {
            const receivedAt = Date.now();
            const result = decode(topic, payload);
            if (!result.ok) throw new Error(`${topic}: ${result.error.message}`);
            if (!registry.ingest(result.message, false, receivedAt, result.memo))
                throw new Error(`${topic} refused`);
            points.writeMessage(result.message, receivedAt, body, registry.updatedSensor);
        }
        // The writer hands a written body back for the next batch.
        body.recycle(body.take());
    };

    const handMicros: number[] = [];
    const oursMicros: number[] = [];
    const ratios: number[] = [];
    for (const [n, slice] of slices.entries()) {
        // Which goes first alternates, so neither always finds the caches warm.
        let h: number;
        let o: number;
        if (n % 2 === 0) {
            h = cpuMicros(hand(slice));
            o = cpuMicros(ours(slice));
        } else {
            o = cpuMicros(ours(slice));
            h = cpuMicros(hand(slice));
        }
        lines = [];
        // Timers (the snapshot's write) run between slices.
        await new Promise((resolve) => setImmediate(resolve));
        if (n < WARMUP_PAIRS) continue;
        handMicros.push(h / SLICE);
        oursMicros.push(o / SLICE);
        ratios.push(o / h);
    }
    snapshot.close();
    presence.close();
    requests.close();
    fs.rmSync(dir, { recursive: true, force: true });

    const summary = {
        pairs: PAIRS,
        slice: SLICE,
        registered: REGISTERED,
        devices: DEVICES,
        handwritten_cpu_us: Number(median(handMicros).toFixed(2)),
        ours_cpu_us: Number(median(oursMicros).toFixed(2)),
        ours_over_handwritten_cpu: Number(median(ratios).toFixed(3)),
        ratio_quartiles: [0.25, 0.75].map((q) => Number(quantile(ratios, q).toFixed(3))),
    };
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
        path.join(__dirname, 'results', 'hot-path.json'),
        JSON.stringify(summary, null, 2) + '\n',
    );
    console.log(
        `hot path (${PAIRS} pairs of ${SLICE} readings, ${REGISTERED} devices registered): ` +
            `hand-written ${summary.handwritten_cpu_us} µs, ours ${summary.ours_cpu_us} µs CPU per reading; ` +
            `ours/handwritten CPU ${summary.ours_over_handwritten_cpu} (quartiles ${summary.ratio_quartiles.join('–')})`,
    );
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
