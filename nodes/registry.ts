/**
 * mcpb-registry: the config node that holds the live device registry, serves
 * it over the admin HTTP API and sends commands through the user's core
 * mqtt-broker this. Decode nodes feed it.
 */
import path from 'node:path';
import { findBroker, publishVia, type CoreBrokerNode } from './lib/core-mqtt-broker';
import type { HistoryStore } from './lib/history-store';
import type { NodeAPI, NodeDef } from './lib/node-red-types';
import { DEFAULT_REGISTRY_OPTIONS, DeviceRegistry } from './lib/registry/device-registry';
import { DeviceRequests } from './lib/registry/device-requests';
import { EventStream } from './lib/registry/event-stream';
import { registerRegistryApi } from './lib/registry/http-api';
import { liveRegistries } from './lib/registry/live-registries';
import type { RegistryNode } from './lib/registry/registry-node';
import { SnapshotFile } from './lib/registry/snapshot-file';

const SNAPSHOT_DEBOUNCE_MS = 2000;

interface RegistryDef extends NodeDef {
    broker?: string;
    influx?: string;
    offlineTimeout?: number | string;
    historyPoints?: number | string;
    persist?: boolean;
}

function positive(value: unknown, fallback: number): number {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : fallback;
}

export = function (RED: NodeAPI) {
    registerRegistryApi(RED);

    function RegistryNodeConstructor(this: RegistryNode, def: RegistryDef) {
        RED.nodes.createNode(this, def);
        const registry = new DeviceRegistry({
            ...DEFAULT_REGISTRY_OPTIONS,
            offlineTimeoutMs: positive(def.offlineTimeout, 300) * 1000,
            historyPoints: Math.round(positive(def.historyPoints, DEFAULT_REGISTRY_OPTIONS.historyPoints)),
        });
        const broker: CoreBrokerNode | undefined = findBroker(RED, def.broker);
        if (broker) broker.register(this);
        else if (def.broker) this.warn(RED._('mcpb-registry.errors.no-broker'));
        const requests = new DeviceRequests(registry, (topic, body) => publishVia(broker, topic, body, 1));
        this.registry = registry;
        this.requests = requests;

        const store = (): HistoryStore => {
            const influx = def.influx
                ? (RED.nodes.getNode(def.influx) as unknown as HistoryStore | null)
                : null;
            return influx ?? registry.history;
        };

        let snapshot: SnapshotFile | undefined;
        const userDir = RED.settings.userDir;
        if (def.persist !== false && userDir) {
            const file = path.join(userDir, `mcpb-registry-${def.id}.json`);
            snapshot = new SnapshotFile(file, registry, SNAPSHOT_DEBOUNCE_MS, (e) => this.warn(e.message));
            snapshot.load(Date.now());
            snapshot.start();
        }

        const sweepEvery = Math.min(Math.max(registry.options.offlineTimeoutMs / 10, 1000), 30000);
        const sweeper = setInterval(() => registry.sweepSilent(Date.now()), sweepEvery);
        const events = new EventStream(registry);
        liveRegistries.add({
            id: this.id,
            name: def.name || this.id,
            registry,
            requests,
            events,
            store,
            mqttConnected: () => broker?.connected === true,
        });

        this.on('close', (_removed, done) => {
            clearInterval(sweeper);
            liveRegistries.remove(this.id);
            events.close();
            registry.pending.closeAll();
            snapshot?.close();
            registry.removeAllListeners();
            if (broker) broker.deregister(this, done, true);
            else done();
        });
    }

    RED.nodes.registerType('mcpb-registry', RegistryNodeConstructor);
};
