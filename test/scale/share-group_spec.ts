/**
 * Scale-out (docs/scale-out.md): two Node-RED runtimes (the demo, each in its
 * own process) in one MQTT share group on a private Mosquitto, writing to
 * InfluxDB, with simulated devices, and the MCP adapter over both registries.
 * Every reading is handled by exactly one instance and stored exactly once,
 * every instance knows every device, no loss is reported (per instance or
 * merged), the adapter lists the fleet once, and a command goes through while
 * one instance is stopped.
 */
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { DeviceDetail, DeviceList, SystemStatus } from '@mcp-mqtt-bridge/protocol';
import mqtt from 'mqtt';
import { startAdapter, type RunningAdapter } from '../../mcp-adapter/src';
import { Fleet } from '../../simulator/fleet';
import { contractClient, type ContractClient } from '../mcp-adapter/contract';
import { startDemoProcess, type DemoProcess } from '../support/demo-process';
import { sharedServices, startMosquitto, waitFor, type RunningService } from '../support/services';

const READINGS = 2400;

async function influxCount(url: string, prefix: string): Promise<number> {
    const q = new URLSearchParams({
        db: 'iot',
        q: `SELECT count(reading) FROM sensor_data WHERE device_id =~ /^${prefix}-/`,
    });
    const res = await fetch(`${url}/query?${q}`);
    if (!res.ok) return -1;
    const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
    return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

describe('scale-out: two Node-RED instances in one share group, one MCP view', function () {
    this.timeout(90000);
    const prefix = `sg${Math.random().toString(36).slice(2, 7)}`;
    const group = `g${prefix}`;
    let broker: RunningService;
    let instances: DemoProcess[] = [];
    let readers: Fleet | undefined;
    let commandable: Fleet | undefined;
    let watcher: mqtt.MqttClient | undefined;
    let adapter: RunningAdapter | undefined;
    let contract: ContractClient | undefined;
    /** Data-plane messages (readings, metrics) the broker delivered to a plain subscriber, per device. */
    const dataMessages = new Map<string, number>();
    let readings = 0;

    async function detail(instance: DemoProcess, id: string): Promise<DeviceDetail> {
        const res = await instance.api(`mcp-bridge/registries/${instance.registryId}/devices/${id}`);
        assert.equal(res.status, 200, `${id} on ${instance.editorUrl}`);
        return (await res.json()) as DeviceDetail;
    }

    async function status(instance: DemoProcess): Promise<SystemStatus> {
        return (await (
            await instance.api(`mcp-bridge/registries/${instance.registryId}/status`)
        ).json()) as SystemStatus;
    }

    before(async function () {
        broker = await startMosquitto();
        const { influxUrl } = sharedServices();
        const args = ['--mqtt', broker.url, '--influx', influxUrl, '--share-group', group];
        instances = await Promise.all(
            [0, 1].map(() => startDemoProcess({ devices: 0, intervalMs: 1000, extraArgs: args })),
        );
        for (const instance of instances) {
            await waitFor(
                'the registry to connect to the broker',
                async () => (await status(instance)).mqtt.connected,
            );
        }
        watcher = await mqtt.connectAsync(broker.url, { clean: true });
        watcher.on('message', (topic) => {
            const [, device, kind] = topic.split('/');
            if (!device.startsWith(`${prefix}-`)) return;
            dataMessages.set(device, (dataMessages.get(device) ?? 0) + 1);
            if (kind === 'sensors') readings++;
        });
        await watcher.subscribeAsync(
            ['devices/+/sensors/+/data', 'devices/+/sensors/batch', 'devices/+/metrics'],
            {
                qos: 1,
            },
        );
    });

    after(async function () {
        await contract?.client.close();
        await adapter?.close();
        await readers?.stop();
        await commandable?.stop();
        await watcher?.endAsync();
        for (const instance of instances) await instance.stop();
        await broker?.stop();
    });

    it('shares the readings, stores each once, counts no loss, lists one fleet and fails commands over', async function () {
        // Six devices streaming fast, and one slow device to command later (it publishes only at boot).
        readers = new Fleet({
            url: broker.url,
            count: 6,
            prefix,
            publishIntervalMs: 50,
            metricsIntervalMs: 500,
        });
        commandable = new Fleet({
            url: broker.url,
            count: 1,
            prefix: `${prefix}-cmd`,
            publishIntervalMs: 600000,
        });
        await commandable.start();
        await readers.start();
        await waitFor(`${READINGS} readings`, async () => readings >= READINGS, 30000);
        await readers.stop();
        const ids = [...readers.devices, ...commandable.devices].map((d) => d.id).sort();
        const published = readings;

        // Stored exactly once: InfluxDB holds every reading, and each data-plane message was
        // counted by exactly one instance (the instances' non-control messages add up to what was sent).
        await waitFor(
            'InfluxDB to hold every reading',
            async () => (await influxCount(sharedServices().influxUrl, prefix)) >= published,
            20000,
        );
        assert.equal(readings, published, 'the fleet was stopped: no reading after that');
        assert.equal(await influxCount(sharedServices().influxUrl, prefix), published);
        const share = [0, 0];
        await waitFor('both instances to have counted every data-plane message', async () => {
            for (const id of ids) {
                const handled = await Promise.all(instances.map((i) => detail(i, id)));
                const data = handled.map((d) => d.counters.messages - (d.counters.control_messages ?? 0));
                if (data[0] + data[1] !== (dataMessages.get(id) ?? 0)) return false;
            }
            return true;
        });
        for (const id of ids) {
            const handled = await Promise.all(instances.map((i) => detail(i, id)));
            handled.forEach((d, n) => {
                share[n] += d.counters.messages - (d.counters.control_messages ?? 0);
                // Every device known to every instance, with its actuators; no loss reported by either.
                assert.deepEqual(d.actuators.length > 0, true, `${id} actuators on instance ${n}`);
                assert.equal(d.counters.lost, 0, `${id} lost on instance ${n}`);
                assert.ok(d.counters.seq_epochs, `${id} has a seq ledger on instance ${n}`);
            });
        }
        const totals = await Promise.all(instances.map(status));
        assert.deepEqual(
            totals.map((s) => s.share_group),
            [group, group],
        );
        const written = totals.reduce((n, s) => n + s.storage.written, 0);
        assert.ok(share[0] > 0 && share[1] > 0, `both instances took a share: ${share.join(' / ')}`);
        console.log(
            `      ${published} readings: instances handled ${share.join(' + ')} data-plane messages, ` +
                `InfluxDB holds ${published}, ${written} points written in all`,
        );

        // One MCP view over both registries; the first one listed is the one that will be stopped.
        const [a, b] = instances;
        adapter = await startAdapter({
            registryUrl: b.editorUrl,
            registries: [
                { url: b.editorUrl, id: b.registryId, token: b.registryToken },
                { url: a.editorUrl, id: a.registryId, token: a.registryToken },
            ],
            http: true,
            port: 0,
            logger: {
                debug: () => undefined,
                info: () => undefined,
                warn: () => undefined,
                error: () => undefined,
            },
        });
        const client = new Client({ name: 'scale-out-test', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(adapter.url as string)));
        contract = await contractClient(client);
        const listed = (await contract.ok<DeviceList>('list_devices', { limit: 1000 })).data;
        assert.deepEqual(listed.devices.map((d) => d.device_id).sort(), ids, 'the whole fleet, once');
        for (const id of ids) {
            const merged: DeviceDetail = (
                await contract.ok<DeviceDetail>('get_device_info', { device_id: id })
            ).data;
            assert.equal(merged.counters.lost, 0, `${id}: merged loss`);
            assert.equal(merged.counters.messages - (merged.counters.control_messages ?? 0) >= 0, true);
        }
        const fleet = (await contract.ok<SystemStatus>('get_system_status', {})).data;
        assert.deepEqual(
            fleet.instances?.map((i) => i.healthy),
            [true, true],
        );
        assert.equal(fleet.counters.lost, 0);
        assert.equal(fleet.devices.total, ids.length);

        // One instance stops: the command still goes through the other, and is applied.
        assert.equal(await b.stop(), 0, b.output());
        const target = commandable.devices[0].id;
        const outcome = (
            await contract.ok<{ outcome: string; state: unknown }>('control_actuator', {
                device_id: target,
                actuator: 'led',
                action: 'on',
            })
        ).data;
        assert.deepEqual([outcome.outcome, outcome.state], ['applied', true]);
        const degraded = (await contract.ok<SystemStatus>('get_system_status', {})).data;
        assert.deepEqual(
            degraded.instances?.map((i) => i.healthy),
            [false, true],
        );
        assert.equal(degraded.counters.lost, 0, 'the stopped instance keeps its last accounts in the merge');
        const still = (await contract.ok<DeviceList>('list_devices', { limit: 1000 })).data;
        assert.deepEqual(still.devices.map((d) => d.device_id).sort(), ids);
    });
});
