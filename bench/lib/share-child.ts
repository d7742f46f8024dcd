/**
 * One Node-RED instance of a share group for bench/share-group.scale.ts, in
 * its own process: broker → mcpb-decode (shared subscriptions) → InfluxDB,
 * with the registry holding the control plane. Answers CPU time and what its
 * registry counted (messages and seq ledger per device) over IPC.
 */
import path from 'node:path';
import type { SeqEpoch } from '@mcp-mqtt-bridge/protocol';
import { coreBrokerNode } from '../../scripts/lib/core-broker-node';
import { startNodeRed } from './nodered-runtime';

export interface ShareChildConfig {
    mqttUrl: string;
    influxUrl: string;
    database: string;
    group: string;
    batchSize: number;
}

export type ToShareChild =
    { type: 'start'; config: ShareChildConfig } | { type: 'mark' } | { type: 'report' };

export interface ShareReport {
    cpuMs: number;
    messages: number;
    lost: number;
    ledgers: Record<string, SeqEpoch[]>;
    perDevice: Record<string, number>;
    written: number;
}

export type FromShareChild =
    | { type: 'started' }
    | { type: 'marked' }
    | { type: 'report'; report: ShareReport }
    | { type: 'failed'; error: string };

interface LiveEntry {
    registry: {
        devices: Map<string, { counters: { messages: number; lost: number } }>;
        share?: { ledger: { epochsOf(id: string): SeqEpoch[] | undefined } };
    };
    store(): { storeStatus(): { written: number } };
}

const reply = (m: FromShareChild) => process.send?.(m);
let cpuMark = process.cpuUsage();

function flow(c: ShareChildConfig): object[] {
    const influx = new URL(c.influxUrl);
    return [
        { id: 'tab', type: 'tab', label: 'share' },
        coreBrokerNode('n-broker', c.mqttUrl),
        {
            id: 'n-influx',
            type: 'mcpb-influx-server',
            apiVersion: 'v1',
            url: `${influx.protocol}//${influx.host}`,
            database: c.database,
            createDatabase: true,
            batchSize: c.batchSize,
            flushIntervalMs: 1000,
            maxBufferedPoints: 200000,
            maxInFlight: 2,
        },
        {
            id: 'n-registry',
            type: 'mcpb-registry',
            broker: 'n-broker',
            influx: 'n-influx',
            persist: false,
            history: 'memory',
            shareGroup: c.group,
        },
        {
            id: 'n-decode',
            type: 'mcpb-decode',
            z: 'tab',
            version: 2,
            source: 'registry',
            registry: 'n-registry',
            qos: '0',
            wires: [],
        },
    ];
}

/** The registry as the built pack keeps it (the bench loads dist/nodes: MCPB_BENCH_PACK=dist). */
function live(): LiveEntry {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the pack's own module instance
    const mod = require(path.resolve(__dirname, '../../dist/nodes/lib/registry/live-registries.js')) as {
        liveRegistries: { find(id: string): LiveEntry | undefined };
    };
    const entry = mod.liveRegistries.find('n-registry');
    if (!entry) throw new Error('registry n-registry is not deployed (run with MCPB_BENCH_PACK=dist)');
    return entry;
}

function report(): ShareReport {
    const cpu = process.cpuUsage(cpuMark);
    const { registry, store } = live();
    let messages = 0;
    let lost = 0;
    const ledgers: Record<string, SeqEpoch[]> = {};
    const perDevice: Record<string, number> = {};
    for (const [id, record] of registry.devices) {
        messages += record.counters.messages;
        lost += record.counters.lost;
        ledgers[id] = registry.share?.ledger.epochsOf(id) ?? [];
        perDevice[id] = record.counters.messages;
    }
    return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        messages,
        lost,
        ledgers,
        perDevice,
        written: store().storeStatus().written,
    };
}

process.on('message', (m: ToShareChild) => {
    if (m.type === 'start') {
        startNodeRed(flow(m.config)).then(
            () => reply({ type: 'started' }),
            (e: Error) => reply({ type: 'failed', error: e.stack ?? e.message }),
        );
    } else if (m.type === 'mark') {
        if (typeof global.gc === 'function') global.gc();
        cpuMark = process.cpuUsage();
        reply({ type: 'marked' });
    } else {
        try {
            reply({ type: 'report', report: report() });
        } catch (e) {
            reply({ type: 'failed', error: (e as Error).message });
        }
    }
});
