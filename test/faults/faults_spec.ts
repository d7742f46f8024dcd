/**
 * Faults against real processes on loopback, with 50 simulated devices
 * publishing 1,000 readings/s in all: Node-RED restarted (registry persisted
 * in its user directory), a device rebooted, the broker killed for 20 s and
 * restarted empty, InfluxDB stopped (SIGSTOP) and killed (SIGKILL) for 60 s.
 * After each fault the traffic pauses until every device's figures add up
 * exactly: sent = stored in InfluxDB + counted lost by the registry (seq).
 * Prints a summary table of the measured figures.
 *
 * Lengths: InfluxDB down 60 s is the required figure and runs once; SIGSTOP
 * lasts just past the 10 s write timeout (what the assertion needs: the writer
 * must notice a server that accepts connections but never answers); the broker
 * stays down 20 s as required.
 */
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { FaultBed, type Figures } from './bed';
import { startMosquitto, waitFor } from '../support/services';

const DEVICES = 50;
const PER_SECOND = 1000;
const INFLUX_DOWN_MS = 60_000;
const INFLUX_STOP_MS = 12_000;
const BROKER_DOWN_MS = 20_000;

interface Row {
    fault: string;
    outage: string;
    sent: number;
    stored: number;
    lost: number;
    announceLost: number;
    dropped: number;
    recovery: string;
    exact: boolean;
}

const rows: Row[] = [];

function table(): string {
    const head = [
        'fault',
        'outage',
        'readings sent',
        'stored',
        'counted lost',
        'of which announce msgs',
        'store dropped',
        'recovery',
        'every missing reading counted',
    ];
    const lines = rows.map((r) => [
        r.fault,
        r.outage,
        String(r.sent),
        String(r.stored),
        String(r.lost),
        String(r.announceLost),
        String(r.dropped),
        r.recovery,
        r.exact ? 'yes' : 'NO',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

/** Resolves once `ms` have passed since `since`: an outage of a given length (not a wait for a condition). */
function outageUntil(since: number, ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, since + ms - Date.now())));
}

describe('faults: real Mosquitto, InfluxDB and Node-RED with 1,000 readings/s flowing', function () {
    this.timeout(180_000);
    const bed = new FaultBed(DEVICES, PER_SECOND);
    /** Totals at the end of the previous fault: each row shows what its fault added. */
    let previous: Figures = { sent: 0, stored: 0, lost: 0, announceLost: 0 };
    let droppedBefore = 0;

    before(async function () {
        this.timeout(120_000);
        await bed.start();
        bed.traffic.start();
        await waitFor(
            'readings in InfluxDB',
            async () => ((await bed.stored()).size ?? 0) === DEVICES,
            20000,
        );
    });

    after(async function () {
        this.timeout(60_000);
        if (rows.length)
            console.log(`\n  fault suite (${DEVICES} devices, ${PER_SECOND} readings/s)\n${table()}\n`);
        await bed.stop();
    });

    async function storage(): Promise<{
        connected: boolean;
        written: number;
        dropped: number;
        buffered: number;
    }> {
        return (await bed.api('/status')).storage;
    }

    async function messages(): Promise<number> {
        return (await bed.api('/status')).counters.messages as number;
    }

    /** Lets traffic flow until the registry has counted `count` more messages. */
    async function flowFor(count: number): Promise<void> {
        const start = await messages();
        await waitFor(`${count} more messages`, async () => (await messages()) - start >= count, 30000);
    }

    /** Pauses the traffic, waits until the figures add up, records the row, resumes. */
    async function record(fault: string, outage: string, recovery: string): Promise<Row> {
        bed.traffic.stop();
        const figures = await bed.settle();
        const { dropped } = await storage();
        const row: Row = {
            fault,
            outage,
            sent: figures.sent - previous.sent,
            stored: figures.stored - previous.stored,
            lost: figures.lost - previous.lost,
            announceLost: figures.announceLost - previous.announceLost,
            dropped: dropped - droppedBefore,
            recovery,
            exact: figures.exact,
        };
        rows.push(row);
        previous = figures;
        droppedBefore = dropped;
        const explained = figures.exact
            ? []
            : await Promise.all(figures.mismatch.slice(0, 3).map((m) => bed.explain(m.split(':')[0])));
        bed.traffic.start();
        assert.ok(
            figures.exact,
            `not every missing reading is counted (or more than announced is):\n${figures.mismatch.slice(0, 10).join('\n')}\n${explained.join('\n')}`,
        );
        return row;
    }

    it('Node-RED restarted while devices publish: every missing message is counted (seq state persisted)', async function () {
        await flowFor(2000);
        const lostBefore = (await bed.api('/status')).counters.lost as number;
        await bed.nodeRed.stop();
        const down = Date.now();
        await bed.startNodeRed();
        const up = Date.now();
        await waitFor('messages counted again', async () => (await messages()) > 0, 20000);
        const recovered = Date.now();
        await flowFor(3000);
        const row = await record(
            'Node-RED restart (SIGTERM, persist on)',
            `${((up - down) / 1000).toFixed(1)} s`,
            `${((recovered - up) / 1000).toFixed(1)} s to first message`,
        );
        assert.ok(row.lost > 0, 'devices published while Node-RED was down: some messages must be missing');
        const status = await bed.api('/status');
        assert.ok(status.counters.lost >= lostBefore + row.lost, 'totals survive the restart');
        const alerts = (await bed.api('/alerts?limit=200')).alerts as { error_type: string }[];
        assert.ok(
            alerts.some((a) => a.error_type === 'messages_lost'),
            'the loss is alerted',
        );
    });

    it('a device reboots: its restarted seq is not counted as loss, and it is online again', async function () {
        const index = 0;
        const id = bed.ids[index];
        bed.traffic.paused.add(index);
        const lostOf = async () => (await bed.lost()).get(id) ?? 0;
        await waitFor('the device’s readings settled', async () => {
            const stored = (await bed.stored()).get(id) ?? 0;
            return stored + (await lostOf()) === bed.traffic.sent[index];
        });
        const lostBefore = await lostOf();
        const started = Date.now();
        await bed.restartDevice(index);
        bed.traffic.paused.delete(index);
        await waitFor('the device online with readings again', async () => {
            const detail = await bed.api(`/devices/${id}`);
            return detail.online === true && (await bed.stored()).get(id) !== undefined;
        });
        await flowFor(2000);
        const back = Date.now();
        await record(
            'device reboot (link dropped, seq from 0)',
            '-',
            `${((back - started) / 1000).toFixed(1)} s`,
        );
        assert.equal(await lostOf(), lostBefore, 'a reboot is not loss');
    });

    it('broker killed for 20 s, restarted empty: devices stale, alert, broker_unavailable, loss counted, state rebuilt', async function () {
        await flowFor(2000);
        const killed = Date.now();
        await FaultBed.kill(bed.mqtt);
        await waitFor('every device stale with reason "broker"', async () => {
            const { devices } = (await bed.api('/devices?limit=1000')) as {
                devices: { online: boolean; offline_reason?: string }[];
            };
            return devices.every((d) => !d.online && d.offline_reason === 'broker');
        });
        const detected = Date.now() - killed;
        const alerts = (await bed.api('/alerts?limit=200')).alerts as {
            error_type: string;
            severity: number;
        }[];
        assert.ok(
            alerts.some((a) => a.error_type === 'broker_down' && a.severity === 2),
            'broker_down alert',
        );
        const command = await bed.post(`/devices/${bed.ids[1]}/actuators/led/commands`, { action: 'on' });
        assert.equal(command.body.outcome, 'broker_unavailable', JSON.stringify(command.body));

        await outageUntil(killed, BROKER_DOWN_MS);
        const port = bed.mqtt.port;
        await bed.mqtt.stop();
        bed.mqtt = await startMosquitto({ port }); // no persistence: no retained messages survive
        const restarted = Date.now();
        await waitFor(
            'every device online again',
            async () => {
                const { devices } = (await bed.api('/devices?limit=1000')) as {
                    devices: { online: boolean }[];
                };
                return devices.length === DEVICES && devices.every((d) => d.online);
            },
            20000,
        );
        const online = Date.now() - restarted;
        const start = await messages();
        await waitFor('readings flowing again', async () => (await messages()) > start + 500, 20000);
        const flowing = Date.now() - restarted;

        // The broker restarted empty: the devices' re-announcements put every retained message back.
        const retained = await retainedCounts(bed.mqtt.url);
        assert.deepEqual(retained, { capabilities: DEVICES, online: DEVICES });

        await flowFor(3000);
        // Devices that were subscribed again when the registry's broadcast came (the others
        // re-announced after their own reconnect anyway).
        const answered = bed.fleet.devices.filter((d) => d.announcements > 0).length;
        const row = await record(
            `broker SIGKILL, restarted empty (${answered}/${DEVICES} answered the announce request)`,
            `${(BROKER_DOWN_MS / 1000).toFixed(0)} s (stale after ${(detected / 1000).toFixed(1)} s)`,
            `${(online / 1000).toFixed(1)} s online, ${(flowing / 1000).toFixed(1)} s readings`,
        );
        assert.ok(row.lost > 0, 'readings published around the outage are missing and counted');
        const after = (await bed.api('/alerts?limit=200')).alerts as {
            error_type: string;
            message: string;
        }[];
        assert.ok(after.some((a) => a.error_type === 'broker_down' && /was down for/.test(a.message)));
    });

    it('InfluxDB stopped (SIGSTOP) past the write timeout: alerted, nothing lost, writing resumes within 3 s', async function () {
        await flowFor(2000);
        const stopped = Date.now();
        bed.influx.process.kill('SIGSTOP');
        try {
            await waitFor(
                'the storage_down alert',
                async () => {
                    const alerts = (await bed.api('/alerts?limit=200')).alerts as {
                        error_type: string;
                        timestamp: number;
                    }[];
                    return alerts.some(
                        (a) => a.error_type === 'storage_down' && a.timestamp * 1000 >= stopped,
                    );
                },
                20000,
            );
            assert.equal((await storage()).connected, false);
            await outageUntil(stopped, INFLUX_STOP_MS);
        } finally {
            bed.influx.process.kill('SIGCONT');
        }
        const resumed = Date.now();
        const written = (await storage()).written;
        await waitFor(
            'writes again',
            async () => {
                const s = await storage();
                return s.connected && s.written > written;
            },
            10000,
        );
        const recovery = Date.now() - resumed;
        await flowFor(3000);
        const row = await record(
            'InfluxDB SIGSTOP / SIGCONT',
            `${((resumed - stopped) / 1000).toFixed(1)} s`,
            `${(recovery / 1000).toFixed(1)} s to first write`,
        );
        assert.equal(row.dropped, 0);
        assert.equal(row.lost, 0);
        assert.ok(recovery <= 3000, `writing resumed after ${recovery} ms`);
    });

    it('InfluxDB killed for 60 s at 1,000 readings/s: 0 lost (spooled), history degrades, writing resumes within 3 s', async function () {
        this.timeout(240_000);
        await flowFor(2000);
        const killed = Date.now();
        await FaultBed.kill(bed.influx);
        await waitFor('storage down', async () => !(await storage()).connected, 10000);
        const sensor = await bed.api(`/devices/${bed.ids[2]}/sensors/temperature?history_minutes=5`);
        assert.equal(sensor.history.source, 'memory');
        assert.match(sensor.history.note, /history store unavailable/);
        assert.equal(typeof sensor.reading, 'number');

        await outageUntil(killed, INFLUX_DOWN_MS);
        const during = await storage();
        await bed.restartInflux();
        const restarted = Date.now();
        await waitFor(
            'writes again',
            async () => {
                const s = await storage();
                return s.connected && s.written > during.written;
            },
            10000,
        );
        const recovery = Date.now() - restarted;
        await flowFor(3000);
        const row = await record(
            'InfluxDB SIGKILL, restarted',
            `${(INFLUX_DOWN_MS / 1000).toFixed(0)} s`,
            `${(recovery / 1000).toFixed(1)} s to first write`,
        );
        assert.equal(row.dropped, 0, 'nothing dropped');
        assert.equal(row.lost, 0, 'nothing lost');
        assert.ok(row.sent >= (PER_SECOND * INFLUX_DOWN_MS) / 1000 / 2, `${row.sent} readings sent`);
        assert.ok(recovery <= 3000, `writing resumed after ${recovery} ms`);
        const alerts = (await bed.api('/alerts?limit=200')).alerts as {
            error_type: string;
            message: string;
        }[];
        assert.ok(alerts.some((a) => a.error_type === 'storage_down' && /reachable again/.test(a.message)));
    });
});

/** Retained capabilities and "online" statuses a fresh subscriber receives. */
async function retainedCounts(url: string): Promise<{ capabilities: number; online: number }> {
    const client = await mqtt.connectAsync(url, { clientId: `faults-check-${process.pid}` });
    const capabilities = new Set<string>();
    const online = new Set<string>();
    client.on('message', (topic, payload, packet) => {
        if (!packet.retain) return;
        const [, id, kind] = topic.split('/');
        if (kind === 'capabilities') capabilities.add(id);
        if (kind === 'status' && /online/.test(payload.toString())) online.add(id);
    });
    await client.subscribeAsync(['devices/+/capabilities', 'devices/+/status'], { qos: 1 });
    try {
        await waitFor(
            'retained capabilities and status of every device',
            async () => capabilities.size >= DEVICES && online.size >= DEVICES,
            5000,
        );
    } catch {
        // reported by the caller's assertion with the counts
    }
    await client.endAsync();
    return { capabilities: capabilities.size, online: online.size };
}
