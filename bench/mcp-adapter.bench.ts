/**
 * MCP adapter benchmark, everything real on loopback: SDK client → Streamable
 * HTTP → adapter → registry HTTP API (Node-RED runtime with the pack) → private
 * Mosquitto → simulated device → ack → result.
 *   1. control_actuator round trip, p50/p99 over 1,000 calls;
 *   2. list_devices / query_devices p99 with 10,000 registered devices.
 * Each figure has a baseline measured in the same run (the same registry HTTP
 * call without MCP), reported as a ratio. Writes bench/results/mcp-adapter.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startAdapter } from '../mcp-adapter/src/index';
import { silentLogger } from '../mcp-adapter/src/logger';
import { topics } from '../protocol/src';
import { DeviceConnection, SimulatedDevice, defaultProfile } from '../simulator';
import { connectHttp, endpoint } from '../test/mcp-adapter/harness';
import { startRegistryRuntime } from '../test/mcp-adapter/registry-runtime';
import { startMosquitto, waitFor } from '../test/support/services';

const ROUND_TRIPS = 1000;
const QUERIES = 500;
/** With the bench device, 10,000: the registry's default device cap (one more would be refused). */
const FLEET = 9999;
const WARMUP = 50;

interface Stats {
    n: number;
    p50: number;
    p99: number;
    mean: number;
}

function stats(samples: number[]): Stats {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return { n: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), mean: round(mean) };
}

async function measure(times: number, run: (i: number) => Promise<void>): Promise<Stats> {
    for (let i = 0; i < WARMUP; i++) await run(i);
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
        const start = process.hrtime.bigint();
        await run(i);
        samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return stats(samples);
}

async function mcpCall(
    client: Client,
    name: string,
    args: Record<string, unknown>,
    expect: (s: Record<string, unknown>) => boolean,
) {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    if (result.isError || !result.structuredContent || !expect(result.structuredContent)) {
        throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    }
}

async function registryCall(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
    const res = await fetch(url, init);
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return body;
}

/** Registers devices the way real ones do: retained capabilities and online status. */
async function registerFleet(mqttUrl: string, count: number): Promise<void> {
    const client = await mqtt.connectAsync(mqttUrl);
    const batch: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
        const id = `fleet-${String(i).padStart(5, '0')}`;
        const caps = { device_id: id, seq: 0, ...defaultProfile(i) };
        batch.push(
            client.publishAsync(topics.capabilities(id), JSON.stringify(caps), { qos: 1, retain: true }),
        );
        batch.push(client.publishAsync(topics.status(id), 'online', { qos: 1, retain: true }));
        if (batch.length >= 1000) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
    await client.endAsync();
}

function row(name: string, mcp: Stats, base: Stats, goal: string): string {
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '-');
    return [
        name.padEnd(34),
        String(mcp.n).padStart(5),
        mcp.p50.toFixed(2).padStart(8),
        mcp.p99.toFixed(2).padStart(8),
        base.p50.toFixed(2).padStart(9),
        base.p99.toFixed(2).padStart(9),
        `${ratio(mcp.p50, base.p50)}x`.padStart(8),
        `${ratio(mcp.p99, base.p99)}x`.padStart(8),
        `  ${goal}`,
    ].join(' ');
}

async function main(): Promise<void> {
    // Mosquitto leaves Nagle on by default: ~40 ms per QoS 1 hop with delayed ACKs (see the report).
    const broker = await startMosquitto({ extraConfig: ['set_tcp_nodelay true'] });
    const runtime = await startRegistryRuntime(broker.url);
    const connection = await DeviceConnection.open(broker.url, 'bench-device-c', 'bench-device');
    const device = new SimulatedDevice(connection, {
        id: 'bench-device',
        publishIntervalMs: 0,
        metricsIntervalMs: 0,
    });
    await device.start();
    const adapter = await startAdapter({
        registryUrl: runtime.adminUrl,
        http: true,
        port: 0,
        logger: silentLogger,
    });
    const client = await connectHttp(endpoint(adapter));
    const api = `${runtime.adminUrl}mcp-bridge/registries/default`;
    try {
        await waitFor('the bench device online', async () => {
            const d = await registryCall(`${api}/devices/bench-device`);
            return d.online === true;
        });

        // 1. Round trip: dimmer set to a new value each time, acknowledged by the device.
        const control = await measure(ROUND_TRIPS, (i) =>
            mcpCall(
                client,
                'control_actuator',
                { device_id: 'bench-device', actuator: 'dimmer', action: 'set', value: i % 100 },
                (s) => s.outcome === 'applied',
            ),
        );
        const controlBase = await measure(ROUND_TRIPS, async (i) => {
            const body = await registryCall(`${api}/devices/bench-device/actuators/dimmer/commands`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ action: 'set', value: i % 100 }),
            });
            if (body.outcome !== 'applied') throw new Error(JSON.stringify(body));
        });

        // 2. Queries over a 10,000-device fleet.
        const fleetStart = Date.now();
        await registerFleet(broker.url, FLEET);
        await waitFor(
            `${FLEET + 1} devices in the registry`,
            async () => (await registryCall(`${api}/devices?limit=1`)).total === FLEET + 1,
            120000,
        );
        const registerSeconds = (Date.now() - fleetStart) / 1000;
        const list = await measure(QUERIES, () =>
            mcpCall(client, 'list_devices', { limit: 100 }, (s) => s.total === FLEET + 1),
        );
        const listBase = await measure(QUERIES, async () => {
            await registryCall(`${api}/devices?limit=100`);
        });
        const query = await measure(QUERIES, () =>
            mcpCall(
                client,
                'query_devices',
                { actuator_type: 'door', online: true, location: 'office', limit: 100 },
                (s) => (s.total as number) > 0,
            ),
        );
        const queryBase = await measure(QUERIES, async () => {
            await registryCall(`${api}/devices?actuator=door&online=true&location=office&limit=100`);
        });

        const header = `${'measure (ms)'.padEnd(34)} ${'n'.padStart(5)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'base p50'.padStart(9)} ${'base p99'.padStart(9)} ${'p50 x'.padStart(8)} ${'p99 x'.padStart(8)}   goal`;
        console.log(header);
        console.log(row('control_actuator round trip', control, controlBase, 'p50 < 10, p99 < 30'));
        console.log(row(`list_devices (${FLEET} devices)`, list, listBase, 'p99 < 20'));
        console.log(row(`query_devices (${FLEET} devices)`, query, queryBase, 'p99 < 20'));
        console.log(
            `(baseline: the same registry HTTP call without MCP; fleet registered in ${registerSeconds.toFixed(1)} s)`,
        );

        const results = {
            benchmark: 'mcp-adapter',
            date: new Date().toISOString(),
            node: process.version,
            transport: 'streamable-http (loopback)',
            control_actuator: {
                mcp: control,
                baseline_registry_http: controlBase,
                goal: { p50_ms: 10, p99_ms: 30 },
            },
            list_devices: {
                devices: FLEET + 1,
                page: 100,
                mcp: list,
                baseline_registry_http: listBase,
                goal: { p99_ms: 20 },
            },
            query_devices: {
                devices: FLEET + 1,
                page: 100,
                mcp: query,
                baseline_registry_http: queryBase,
                goal: { p99_ms: 20 },
            },
            ratios: {
                control_p50: control.p50 / controlBase.p50,
                control_p99: control.p99 / controlBase.p99,
                list_p99: list.p99 / listBase.p99,
                query_p99: query.p99 / queryBase.p99,
            },
            goals_met: control.p50 < 10 && control.p99 < 30 && list.p99 < 20 && query.p99 < 20,
            fleet_registration_s: registerSeconds,
        };
        const out = path.join(__dirname, 'results', 'mcp-adapter.json');
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
        console.log(`wrote ${path.relative(process.cwd(), out)}`);
    } finally {
        await client.close();
        await adapter.close();
        await device.stop(true);
        await connection.close(true);
        await runtime.stop();
        await broker.stop();
    }
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        console.error(e);
        process.exit(1);
    },
);
