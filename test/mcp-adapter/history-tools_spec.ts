/**
 * Answer sizes of the fleet-wide tools with 200 devices, through the real
 * registry HTTP API (nodes/lib/registry/http-api.ts on an express app on
 * loopback) and the real tools (in-memory MCP transport).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { decode } from '@mcp-mqtt-bridge/protocol';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { RegistryClient } from '../../mcp-adapter/src/registry-client';
import { registerDeviceTools } from '../../mcp-adapter/src/tools/devices';
import { registerMonitoringTools } from '../../mcp-adapter/src/tools/monitoring';
import { registerSensorTools } from '../../mcp-adapter/src/tools/sensors';
import type { NodeAPI } from '../../nodes/lib/node-red-types';
import { MemoryEventLog } from '../../nodes/lib/history-events';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { registerRegistryApi } from '../../nodes/lib/registry/http-api';
import { liveRegistries } from '../../nodes/lib/registry/live-registries';
import { text } from './harness';
import { ActuatorQueue } from '../../mcp-adapter/src/actuator-queue';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as () => http.RequestListener & {
    use(handler: unknown): void;
    get: unknown;
    post: unknown;
    delete: unknown;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonBody = (require('express') as { json: () => unknown }).json;

function ingest(registry: DeviceRegistry, topic: string, body: object, now: number): void {
    const r = decode(topic, JSON.stringify(body));
    if (!r.ok) throw new Error(r.error.message);
    registry.ingest(r.message, false, now);
}

describe('MCP tools: bounded answers for a fleet of 200 devices', function () {
    const id = 'fleet-200';
    let server: http.Server;
    let client: Client;

    before(async () => {
        const registry = new DeviceRegistry();
        const now = Date.now();
        for (let d = 0; d < 200; d++) {
            const device = `sim-${String(d).padStart(4, '0')}`;
            ingest(
                registry,
                `devices/${device}/capabilities`,
                {
                    device_id: device,
                    seq: 0,
                    timestamp: now / 1000,
                    protocol: 1,
                    firmware_version: '1.0.0',
                    platform: 'esphome',
                    location: `room-${d % 20}`,
                    sensors: ['temperature', 'humidity', 'pressure'],
                    actuators: ['led'],
                    metadata: {
                        temperature: { unit: '°C', accuracy: 0.5 },
                        humidity: { unit: '%' },
                        pressure: { unit: 'hPa' },
                        led: { value_type: 'boolean', supported_actions: ['on', 'off', 'toggle'] },
                    },
                },
                now,
            );
            let seq = 1;
            for (let i = 0; i < 60; i++) {
                const t = now - (60 - i) * 10000;
                for (const [sensor, value] of [
                    ['temperature', 20 + Math.sin(i / 5) + d / 100],
                    ['humidity', 40 + (i % 10)],
                    ['pressure', 1000 + d / 10],
                ] as const) {
                    ingest(
                        registry,
                        `devices/${device}/sensors/${sensor}/data`,
                        { device_id: device, seq: seq++, timestamp: t / 1000, value: { reading: value } },
                        t,
                    );
                }
            }
        }
        const app = express();
        app.use(jsonBody());
        const RED = {
            httpAdmin: app,
            auth: { needsPermission: () => (_req: unknown, _res: unknown, next: () => void) => next() },
        } as unknown as NodeAPI;
        registerRegistryApi(RED);
        liveRegistries.add({
            id,
            name: id,
            registry,
            requests: undefined as never,
            events: undefined as never,
            store: () => registry.history,
            historyEvents: new MemoryEventLog(),
            mqttConnected: () => true,
        });
        server = http.createServer(app);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const port = (server.address() as AddressInfo).port;
        const ctx = {
            registry: new RegistryClient({
                baseUrl: `http://127.0.0.1:${port}/`,
                registryId: id,
                timeoutMs: 10000,
            }),
            logger: silentLogger,
            allowUnconfirmed: false,
            actuators: new ActuatorQueue(),
        };
        const mcp = new McpServer({ name: 'test', version: '1.0.0' });
        registerDeviceTools(mcp, ctx);
        registerSensorTools(mcp, ctx);
        registerMonitoringTools(mcp, ctx);
        const [a, b] = InMemoryTransport.createLinkedPair();
        await mcp.connect(a);
        client = new Client({ name: 'test', version: '1.0.0' });
        await client.connect(b);
    });

    after(async () => {
        await client.close();
        liveRegistries.remove(id);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const call = async (name: string, args: Record<string, unknown>) => {
        const result = await client.callTool({ name, arguments: args });
        assert.equal(result.isError, undefined, text(result));
        return {
            text: text(result),
            json: JSON.stringify(result.structuredContent),
            structured: result.structuredContent as Record<string, unknown>,
        };
    };

    it('read_all_sensors {} stays under 20,000 characters, one sorted line per device, and says how to get the rest', async () => {
        const first = await call('read_all_sensors', {});
        console.log(
            `      read_all_sensors {}: text ${first.text.length} chars, structured ${first.json.length} chars`,
        );
        assert.ok(first.text.length < 20000, `text ${first.text.length}`);
        assert.ok(first.json.length < 20000, `structured ${first.json.length}`);
        assert.match(first.text, /^30 device\(s\) of 200, 90 reading\(s\)\./);
        assert.match(first.text, /cursor="30"/);
        const lines = first.text.split('\n').filter((l) => l.startsWith('sim-'));
        assert.equal(lines.length, 30);
        assert.deepEqual([...lines].sort(), lines);
        let cursor = first.structured.next_cursor as string | undefined;
        const seen = new Set(lines.map((l) => l.split(':')[0]));
        while (cursor) {
            const next = await call('read_all_sensors', { cursor });
            for (const l of next.text.split('\n').filter((x) => x.startsWith('sim-')))
                seen.add(l.split(':')[0]);
            cursor = next.structured.next_cursor as string | undefined;
        }
        assert.equal(seen.size, 200);
    });

    it('get_device_metrics {} and list_devices {} are paged and compact', async () => {
        const metrics = await call('get_device_metrics', {});
        const list = await call('list_devices', {});
        console.log(
            `      get_device_metrics {}: text ${metrics.text.length}, structured ${metrics.json.length}; ` +
                `list_devices {}: text ${list.text.length}, structured ${list.json.length}`,
        );
        assert.ok(metrics.text.length + metrics.json.length < 20000);
        assert.match(metrics.text, /^25 of 200 device\(s\)\./);
        assert.match(metrics.text, /cursor="25"/);
        assert.ok(list.text.length < 10000);
        assert.match(
            list.text,
            /\nsim-0000 online @room-0 sensors: temperature,humidity,pressure actuators: led/,
        );
    });

    it("read_sensor with 10 min history fits well under 8,000 characters by default, rounded to the sensor's accuracy", async () => {
        const r = await call('read_sensor', {
            device_id: 'sim-0007',
            sensor: 'temperature',
            history_minutes: 10,
        });
        console.log(
            `      read_sensor 10 min: text ${r.text.length} chars, structured ${r.json.length} chars`,
        );
        assert.ok(r.text.length < 8000 && r.json.length < 8000);
        assert.match(r.text, /History 10 min \(memory\): \d+ points, .* \(over the whole window\)/);
        const history = r.structured.history as { decimals: number; points: { reading: number }[] };
        assert.equal(history.decimals, 1);
        for (const p of history.points) assert.equal(p.reading, Math.round(p.reading * 10) / 10);
        const budget = await call('read_sensor', {
            device_id: 'sim-0007',
            sensor: 'temperature',
            history_minutes: 10,
            max_points: 10,
        });
        const h = budget.structured.history as { buckets: { count: number }[]; stats: { count: number } };
        assert.ok(h.buckets.length <= 10);
        assert.equal(
            h.buckets.reduce((n, b) => n + b.count, 0),
            h.stats.count,
        );
    });
});
