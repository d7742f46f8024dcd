import assert from 'node:assert/strict';
import fs from 'node:fs';
import { helper } from './test-helper';
import type { AdminHandler, NodeAPI } from '../../nodes/lib/node-red-types';
import type { RegistryNode } from '../../nodes/lib/registry/registry-node';
import { waitFor } from '../support/services';
import {
    brokerConfig,
    decodeNode,
    nodeRed,
    registryNode,
    startDevice,
    tempUserDir,
    uniqueId,
    nodeRedMajors,
} from './fixtures';

function flow(withDecode = true) {
    const nodes: object[] = [
        { id: 'tab', type: 'tab', label: 'test' },
        brokerConfig(),
        { id: 'reg', type: 'mcpb-registry', name: 'devices', broker: 'broker', offlineTimeout: 300 },
    ];
    if (withDecode) {
        nodes.push({
            id: 'dec',
            type: 'mcpb-decode',
            z: 'tab',
            broker: 'broker',
            topic: 'devices/#',
            registry: 'reg',
            wires: [['out']],
        });
        nodes.push({ id: 'out', type: 'helper', z: 'tab' });
    }
    return nodes;
}

function registryOf(): RegistryNode {
    return helper.getNode('reg') as unknown as RegistryNode;
}

// The same behaviour on every Node-RED the running Node supports (nodeRedMajors; the packaging test runs a real 4.1 process).
for (const major of nodeRedMajors()) {
    const nr = nodeRed(major);
    describe(`mcpb-registry (Node-RED ${major}.x)`, function () {
        let userDir: string;
        before(() => helper.init(nr.runtime));
        beforeEach(async () => {
            userDir = tempUserDir();
            helper.settings({ userDir });
            await helper.startServer();
        });
        afterEach(async () => {
            await helper.unload();
            await helper.stopServer();
            fs.rmSync(userDir, { recursive: true, force: true });
        });

        it('records readings, units, actuator states and online status from live traffic', async function () {
            const id = uniqueId('reg-live');
            await helper.load([nr.mqtt, registryNode, decodeNode], flow());
            const registry = registryOf().registry;
            await waitFor(
                'decode subscribed',
                async () => (helper.getNode('broker') as unknown as { connected: boolean }).connected,
            );
            const sim = await startDevice({ id });
            try {
                await sim.device.publishReading('temperature', 22.5);
                await waitFor(
                    'reading in the registry',
                    async () => registry.devices.get(id)?.readings.get('temperature')?.reading === 22.5,
                );
                const record = registry.devices.get(id);
                assert.ok(record);
                assert.equal(record.online, true);
                assert.equal(record.readings.get('temperature')?.unit, '°C');
                assert.equal(record.capabilities?.actuators.length, 4);
                assert.equal(record.actuators.get('led')?.state, false);
                assert.ok(record.counters.messages >= 7);
                const history = await registry.history.query({
                    deviceId: id,
                    sensor: 'temperature',
                    sinceMs: 0,
                    limit: 10,
                });
                assert.deepEqual(
                    history.map((p) => p.reading),
                    [22.5],
                );

                sim.device.skipSeq(3);
                await sim.device.publishReading('humidity', 50);
                await waitFor('loss counted', async () => record.counters.lost === 3);
                await waitFor('loss alerted', async () =>
                    registry.alerts
                        .recent()
                        .some((a) => a.device_id === id && a.error_type === 'messages_lost'),
                );
            } finally {
                await sim.stop();
            }
            await waitFor(
                'offline after graceful stop',
                async () => registry.devices.get(id)?.online === false,
            );
            assert.equal(registry.devices.get(id)?.offlineReason, 'status');
        });

        it('marks a silent device offline after the configured timeout', async function () {
            const id = uniqueId('reg-silent');
            const nodes = flow();
            (nodes[2] as { offlineTimeout: number }).offlineTimeout = 1;
            await helper.load([nr.mqtt, registryNode, decodeNode], nodes);
            const registry = registryOf().registry;
            await waitFor(
                'broker connected',
                async () => (helper.getNode('broker') as unknown as { connected: boolean }).connected,
            );
            const sim = await startDevice({ id });
            try {
                await waitFor('online', async () => registry.devices.get(id)?.online === true);
                await waitFor(
                    'timed out',
                    async () => registry.devices.get(id)?.offlineReason === 'timeout',
                    5000,
                );
                assert.ok(
                    registry.alerts
                        .recent()
                        .some((a) => a.device_id === id && a.error_type === 'device_offline'),
                );
            } finally {
                await sim.stop();
            }
        });

        it('survives a restart from its snapshot file, without any device traffic', async function () {
            const id = uniqueId('reg-snap');
            await helper.load([nr.mqtt, registryNode, decodeNode], flow());
            await waitFor(
                'broker connected',
                async () => (helper.getNode('broker') as unknown as { connected: boolean }).connected,
            );
            const sim = await startDevice({ id });
            try {
                await sim.device.publishReading('pressure', 1001.5);
                await waitFor(
                    'reading',
                    async () =>
                        registryOf().registry.devices.get(id)?.readings.get('pressure')?.reading === 1001.5,
                );
            } finally {
                await sim.stop();
            }
            await helper.unload(); // close writes the snapshot
            assert.ok(fs.existsSync(`${userDir}/mcpb-registry-reg.json`));

            await helper.load([nr.mqtt, registryNode, decodeNode], flow(false));
            const restored = registryOf().registry.devices.get(id);
            assert.ok(restored, 'device restored from the snapshot');
            // Readings are never retained on the broker: only the snapshot can know this one.
            assert.equal(restored.readings.get('pressure')?.reading, 1001.5);
            assert.equal(restored.capabilities?.sensors.length, 4);
        });

        it('rebuilds from retained capabilities, status, actuator status and config when it has no snapshot', async function () {
            const id = uniqueId('reg-retained');
            const sim = await startDevice({ id });
            try {
                await sim.device.stop(true); // retained offline status, as a device that shut down
                await helper.load([nr.mqtt, registryNode, decodeNode], flow());
                const registry = registryOf().registry;
                await waitFor('rebuilt from retained messages', async () => {
                    const r = registry.devices.get(id);
                    return (
                        !!r &&
                        r.capabilities !== null &&
                        r.config !== null &&
                        r.actuators.size === 4 &&
                        r.offlineReason === 'status'
                    );
                });
                const record = registry.devices.get(id);
                assert.equal(record?.lastSeen, null, 'retained replays are not signs of life');
                assert.equal(record?.config?.publish_interval_ms, 5000);
            } finally {
                await sim.device.clearRetained();
                await sim.connection.close();
            }
        });

        it('guards every admin route with the right permission', async function () {
            const granted: string[] = [];
            const guarded = (RED: NodeAPI) => {
                // A strict stand-in for Node-RED's adminAuth: the request must carry the exact permission.
                RED.auth = {
                    needsPermission(permission: string): AdminHandler {
                        granted.push(permission);
                        return (req, res, next) => {
                            if (req.headers['x-test-permission'] === permission) return next();
                            res.status(401).json({ error: { code: 'UNAUTHORIZED', message: permission } });
                        };
                    },
                };
                registryNode(RED);
            };
            await helper.load([nr.mqtt, guarded, decodeNode], flow());
            const routes: [string, string, string][] = [
                ['get', '/mcp-bridge/registries', 'mcp-bridge.read'],
                ['get', '/mcp-bridge/registries/reg/devices', 'mcp-bridge.read'],
                ['get', '/mcp-bridge/registries/reg/status', 'mcp-bridge.read'],
                ['get', '/mcp-bridge/registries/reg/alerts', 'mcp-bridge.read'],
                ['get', '/mcp-bridge/registries/reg/metrics', 'mcp-bridge.read'],
                ['get', '/mcp-bridge/registries/reg/readings', 'mcp-bridge.read'],
                [
                    'post',
                    '/mcp-bridge/registries/reg/devices/nope/actuators/led/commands',
                    'mcp-bridge.write',
                ],
                ['post', '/mcp-bridge/registries/reg/devices/nope/config', 'mcp-bridge.write'],
                ['post', '/mcp-bridge/registries/reg/devices/nope/diagnostics', 'mcp-bridge.write'],
            ];
            const call = (method: string, url: string) =>
                method === 'get' ? helper.request().get(url) : helper.request().post(url);
            for (const [method, url, permission] of routes) {
                const denied = await call(method, url).send({ action: 'on' });
                assert.equal(denied.status, 401, `${method} ${url} without permission`);
                const wrong = permission === 'mcp-bridge.read' ? 'mcp-bridge.write' : 'mcp-bridge.read';
                const other = await call(method, url).set('x-test-permission', wrong).send({ action: 'on' });
                assert.equal(other.status, 401, `${method} ${url} with ${wrong}`);
                const allowed = await call(method, url)
                    .set('x-test-permission', permission)
                    .send({ action: 'on' });
                assert.notEqual(allowed.status, 401, `${method} ${url} with ${permission}`);
            }
            assert.deepEqual([...new Set(granted)].sort(), ['mcp-bridge.read', 'mcp-bridge.write']);
        });

        it('answers the HTTP API: list, filter, detail, sensor history, alerts, status', async function () {
            const id = uniqueId('reg-api');
            await helper.load([nr.mqtt, registryNode, decodeNode], flow());
            await waitFor(
                'broker connected',
                async () => (helper.getNode('broker') as unknown as { connected: boolean }).connected,
            );
            const sim = await startDevice({ id });
            try {
                for (const t of [20, 21, 22]) await sim.device.publishReading('temperature', t);
                await sim.device.publishError('sensor_read_failed', 'BME280 not responding', 2, 'humidity');
                await sim.device.publishRaw(
                    `devices/${id}/metrics`,
                    JSON.stringify({ device_id: 'someone-else', seq: 99 }),
                );
                const registry = registryOf().registry;
                await waitFor(
                    'spoof counted',
                    async () => registry.devices.get(id)?.counters.decode_errors === 1,
                );
                await waitFor(
                    'readings',
                    async () => registry.devices.get(id)?.readings.get('temperature')?.reading === 22,
                );

                const list = await helper
                    .request()
                    .get('/mcp-bridge/registries/default/devices')
                    .query({ sensor: 'temperature', online: 'true', q: id });
                assert.equal(list.status, 200);
                assert.deepEqual(
                    list.body.devices.map((d: { device_id: string }) => d.device_id),
                    [id],
                );
                const none = await helper
                    .request()
                    .get('/mcp-bridge/registries/reg/devices')
                    .query({ actuator: 'valve', q: id });
                assert.equal(none.body.total, 0);
                const bad = await helper
                    .request()
                    .get('/mcp-bridge/registries/reg/devices')
                    .query({ limit: '5000' });
                assert.equal(bad.status, 400);

                const detail = await helper.request().get(`/mcp-bridge/registries/reg/devices/${id}`);
                assert.equal(detail.status, 200);
                assert.equal(detail.body.readings.temperature.reading, 22);
                assert.equal(detail.body.recent_errors[0].error_type, 'decode_error');
                assert.match(detail.body.recent_errors[0].message, /^ID_MISMATCH/);
                assert.equal(detail.body.recent_errors[1].error_type, 'sensor_read_failed');

                const sensor = await helper
                    .request()
                    .get(`/mcp-bridge/registries/reg/devices/${id}/sensors/temperature`)
                    .query({ history_minutes: 5, limit: 2 });
                assert.equal(sensor.status, 200);
                // The default store is the SQLite file in the user directory.
                assert.equal(sensor.body.history.source, 'sqlite');
                // More points than the limit: downsampled into buckets; the stats still cover every point.
                const buckets = sensor.body.history.buckets as { count: number; last: number }[];
                assert.ok(buckets.length <= 2);
                assert.equal(
                    buckets.reduce((n, b) => n + b.count, 0),
                    sensor.body.history.stats.count,
                );
                assert.equal(buckets[buckets.length - 1].last, 22);
                assert.equal(sensor.body.history.stats_scope, 'window');
                assert.equal(sensor.body.history.truncated, false);
                const unknown = await helper
                    .request()
                    .get(`/mcp-bridge/registries/reg/devices/${id}/sensors/co2`);
                assert.equal(unknown.body.error.code, 'UNKNOWN_SENSOR');
                const nodevice = await helper.request().get('/mcp-bridge/registries/reg/devices/ghost');
                assert.equal(nodevice.status, 404);
                assert.equal(nodevice.body.error.code, 'UNKNOWN_DEVICE');

                const alerts = await helper
                    .request()
                    .get('/mcp-bridge/registries/reg/alerts')
                    .query({ device: id, severity: 2 });
                assert.equal(alerts.body.alerts.length, 2);
                const status = await helper.request().get('/mcp-bridge/registries/reg/status');
                assert.equal(status.body.storage.kind, 'sqlite');
                assert.equal(status.body.mqtt.connected, true);
                assert.ok(status.body.counters.decode_errors.ID_MISMATCH >= 1);
            } finally {
                await sim.stop();
            }
        });
    });
}
