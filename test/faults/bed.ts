/**
 * The fault test bed: a private Mosquitto, InfluxDB 1.x and Node-RED (the
 * `npm start` demo flow as a child process: registry with persist on in a
 * user directory, decode writing to InfluxDB) on free loopback ports, a fleet
 * of simulated devices whose readings the bed publishes itself (so it knows
 * exactly what each device sent), and the figures a fault is judged by:
 * sent, stored (InfluxDB), counted lost (the registry, by seq).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REGISTRY_API_ROOT } from '../../protocol/src/registry-api/paths';
import type { SimulatedDevice } from '../../simulator/device';
import { Fleet } from '../../simulator/fleet';
import { startDemoProcess, type DemoProcess } from '../support/demo-process';
import { startInfluxDB, startMosquitto, waitFor, type RunningService } from '../support/services';

const SENSORS = ['temperature', 'humidity', 'pressure', 'light'];
const DB = 'iot';

export interface Figures {
    sent: number;
    stored: number;
    lost: number;
    /**
     * Counted lost beyond the readings missing: re-announcement messages (capabilities,
     * actuator states, config carry a seq) a device published after a reconnect before the
     * registry's link had resubscribed. The registry still gets them as retained messages,
     * but retained replays never move the seq count. Bounded by what the devices announced.
     */
    announceLost: number;
}

/** Publishes readings round-robin over the fleet at a fixed total rate, counting per device. */
export class Traffic {
    readonly sent: number[];
    private timer: NodeJS.Timeout | undefined;
    private emitted = 0;
    private startedAt = 0;
    private next = 0;
    /** Devices left out (e.g. while one restarts). */
    readonly paused = new Set<number>();

    constructor(
        private readonly devices: () => SimulatedDevice[],
        private readonly perSecond: number,
    ) {
        this.sent = new Array<number>(devices().length).fill(0);
    }

    get running(): boolean {
        return this.timer !== undefined;
    }

    start(): void {
        if (this.timer) return;
        this.startedAt = Date.now();
        this.emitted = 0;
        this.timer = setInterval(() => this.tick(), 20);
    }

    stop(): void {
        clearInterval(this.timer);
        this.timer = undefined;
    }

    private tick(): void {
        const due = Math.floor(((Date.now() - this.startedAt) * this.perSecond) / 1000) - this.emitted;
        // At most half a second's worth per tick: a stalled event loop does not become a burst.
        const count = Math.min(due, this.perSecond / 2);
        const devices = this.devices();
        for (let k = 0; k < count; k++) {
            const i = this.next % devices.length;
            const sensor = SENSORS[Math.floor(this.next / devices.length) % SENSORS.length];
            this.next++;
            this.emitted++;
            if (this.paused.has(i)) continue;
            this.sent[i]++;
            void devices[i].publishReading(sensor, Math.round(Math.random() * 1000) / 10);
        }
        if (count < due) this.emitted = due; // skipped, not owed
    }
}

export class FaultBed {
    mqtt!: RunningService;
    influx!: RunningService;
    nodeRed!: DemoProcess;
    fleet!: Fleet;
    traffic!: Traffic;
    readonly userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-faults-'));
    private influxDataDir = '';

    constructor(
        readonly deviceCount: number,
        readonly perSecond: number,
    ) {}

    get ids(): string[] {
        return this.fleet.devices.map((d) => d.id);
    }

    async start(): Promise<void> {
        [this.mqtt, this.influx] = await Promise.all([startMosquitto(), startInfluxDB()]);
        this.influxDataDir = this.influx.dataDir;
        await this.startNodeRed();
        this.fleet = new Fleet({
            url: this.mqtt.url,
            count: this.deviceCount,
            prefix: 'fault',
            publishIntervalMs: 0,
            metricsIntervalMs: 0,
        });
        await this.fleet.start();
        this.traffic = new Traffic(() => this.fleet.devices, this.perSecond);
        await waitFor(
            'every device in the registry',
            async () => (await this.api('/devices?limit=1000')).devices.length === this.deviceCount,
            20000,
        );
    }

    async startNodeRed(): Promise<void> {
        this.nodeRed = await startDemoProcess({
            devices: 0,
            intervalMs: 1000,
            extraArgs: ['--mqtt', this.mqtt.url, '--influx', this.influx.url, '--user-dir', this.userDir],
        });
    }

    /** GET on the registry's HTTP API. */
    // The answers of several shapes are read field by field.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async api(route: string): Promise<any> {
        // The demo runs Node-RED with adminAuth: the admin's token.
        const res = await this.nodeRed.api(`${REGISTRY_API_ROOT}/${this.nodeRed.registryId}${route}`);
        if (!res.ok) throw new Error(`${route}: HTTP ${res.status} ${await res.text()}`);
        return res.json();
    }

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async post(route: string, body: object): Promise<{ status: number; body: any }> {
        const res = await this.nodeRed.api(`${REGISTRY_API_ROOT}/${this.nodeRed.registryId}${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
    }

    /** Readings stored per device id (GROUP BY: one series per device). */
    async stored(): Promise<Map<string, number>> {
        const params = new URLSearchParams({
            db: DB,
            q: 'SELECT count(seq) FROM sensor_data GROUP BY device_id',
        });
        const res = await fetch(`${this.influx.url}/query?${params}`);
        const body = (await res.json()) as {
            results: { series?: { tags: { device_id: string }; values: [string, number][] }[] }[];
        };
        const out = new Map<string, number>();
        for (const s of body.results[0]?.series ?? []) out.set(s.tags.device_id, s.values[0][1]);
        return out;
    }

    /** Lost messages the registry counted, per device id. */
    async lost(): Promise<Map<string, number>> {
        const answer = (await this.api('/metrics?limit=1000')) as {
            devices: { device_id: string; counters: { lost: number } }[];
        };
        return new Map(answer.devices.map((d) => [d.device_id, d.counters.lost]));
    }

    /** Seq-carrying messages each device published by re-announcing, across reboots. */
    private readonly retiredAnnounced = new Map<string, number>();

    private announced(i: number): number {
        const device = this.fleet.devices[i];
        return device.announceMessages + (this.retiredAnnounced.get(device.id) ?? 0);
    }

    async restartDevice(index: number): Promise<void> {
        const old = this.fleet.devices[index];
        this.retiredAnnounced.set(old.id, this.announced(index));
        await this.fleet.restart(index);
    }

    /**
     * Totals, once for every device sent ≤ stored + lost ≤ sent + its re-announcement
     * messages (or the figures as they are at the timeout).
     */
    async settle(timeoutMs = 30000): Promise<Figures & { exact: boolean; mismatch: string[] }> {
        let last: Figures & { exact: boolean; mismatch: string[] } = {
            sent: 0,
            stored: 0,
            lost: 0,
            announceLost: 0,
            exact: false,
            mismatch: [],
        };
        await waitFor(
            'sent = stored + counted lost for every device',
            async () => {
                const [stored, lost] = await Promise.all([this.stored(), this.lost()]);
                const mismatch: string[] = [];
                let sent = 0;
                let s = 0;
                let l = 0;
                let extra = 0;
                this.ids.forEach((id, i) => {
                    const [a, b, c] = [this.traffic.sent[i], stored.get(id) ?? 0, lost.get(id) ?? 0];
                    sent += a;
                    s += b;
                    l += c;
                    const over = b + c - a;
                    if (over < 0 || over > this.announced(i)) {
                        mismatch.push(
                            `${id}: sent ${a}, stored ${b}, lost ${c}, announced ${this.announced(i)}`,
                        );
                    } else extra += over;
                });
                last = {
                    sent,
                    stored: s,
                    lost: l,
                    announceLost: extra,
                    exact: mismatch.length === 0,
                    mismatch,
                };
                return last.exact;
            },
            timeoutMs,
        ).catch(() => undefined);
        return last;
    }

    /** What tells a device's mismatch apart: seqs stored twice, the registry's counters and alerts. */
    async explain(id: string): Promise<string> {
        const params = new URLSearchParams({
            db: DB,
            q: `SELECT seq FROM sensor_data WHERE device_id = '${id}'`,
        });
        const res = await fetch(`${this.influx.url}/query?${params}`);
        const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
        const seqs = (body.results[0]?.series?.[0]?.values ?? []).map((v) => v[1]);
        const seen = new Map<number, number>();
        for (const s of seqs) seen.set(s, (seen.get(s) ?? 0) + 1);
        const twice = [...seen].filter(([, n]) => n > 1).map(([s]) => s);
        const metrics = await this.api(`/metrics?device=${id}`);
        const alerts = (
            (await this.api(`/alerts?device=${id}&limit=50`)).alerts as {
                error_type: string;
                message: string;
            }[]
        )
            .map((a) => `${a.error_type}: ${a.message}`)
            .join('; ');
        return `${id}: seqs stored twice ${JSON.stringify(twice.slice(0, 10))}; counters ${JSON.stringify(metrics.devices[0].counters)}; alerts ${alerts}`;
    }

    /** SIGKILL and wait for the exit; the data directory stays. */
    static async kill(service: RunningService, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
        const child = service.process;
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill(signal);
        await exited;
    }

    async restartInflux(): Promise<void> {
        this.influx = await startInfluxDB({ port: this.influx.port, dataDir: this.influxDataDir });
    }

    async stop(): Promise<void> {
        this.traffic?.stop();
        await this.fleet?.stop({ graceful: false }).catch(() => undefined);
        await this.nodeRed?.stop();
        if (this.influx) {
            this.influx.process.kill('SIGCONT'); // in case a test stopped it
            await this.influx.stop();
        }
        await this.mqtt?.stop();
        fs.rmSync(this.userDir, { recursive: true, force: true });
    }
}
