/**
 * mcpb-registry: the config node that holds the live device registry, serves
 * it over the admin HTTP API and talks to devices through its own connection
 * to the user's core mqtt-broker (same settings, separate client): it hears
 * the control plane there (capabilities, status, answers, errors), so requests
 * complete whether or not a decode node is deployed. Decode nodes add the
 * sensor stream.
 */
import path from 'node:path';
import {
    ALL_DEVICES_ID,
    APPROVAL_MINUTES_DEFAULT,
    APPROVAL_MINUTES_MAX,
    decode,
    newCommandId,
    topics,
} from '@mcp-mqtt-bridge/protocol';
import { findBroker, type CoreBrokerNode } from './lib/core-mqtt-broker';
import type { HistoryStore } from './lib/history-store';
import type { NodeAPI, NodeDef } from './lib/node-red-types';
import { migrateConfig } from './lib/migrations';
import { BrokerLink, linkOptions } from './lib/registry/broker-link';
import { DEFAULT_REGISTRY_OPTIONS, DeviceRegistry } from './lib/registry/device-registry';
import { DeviceRequests } from './lib/registry/device-requests';
import { EventStream } from './lib/registry/event-stream';
import { registerRegistryApi } from './lib/registry/http-api';
import { liveRegistries } from './lib/registry/live-registries';
import type { RegistryNode } from './lib/registry/registry-node';
import { parseLoopGuardPolicy } from './lib/registry/loop-guard';
import { parseConfirmPatterns } from './lib/registry/safety-rules';
import { SnapshotFile } from './lib/registry/snapshot-file';
import { MemoryEventLog, type HistoryEventLog } from './lib/history-events';
import { PresenceRecorder } from './lib/registry/presence-recorder';
import { SqliteHistory } from './lib/sqlite/sqlite-history';
import { shareGroupOf } from './lib/share-group';
import { ShareAccounting } from './lib/registry/share-accounting';

const SNAPSHOT_DEBOUNCE_MS = 2000;
const TICK_MS = 1000;

interface RegistryDef extends NodeDef {
    broker?: string;
    influx?: string;
    offlineTimeout?: number | string;
    historyPoints?: number | string;
    maxDevices?: number | string;
    confirm?: string;
    /** Loop guard policy: `device/actuator glob: key=value, ...` lines (loop-guard.ts). */
    loopGuard?: string;
    /** The longest scoped approval a user can give, in minutes (0: off). */
    approvalMinutes?: number | string;
    persist?: boolean;
    /** sqlite (default): a file in the user directory; memory: the bounded in-memory ring only. */
    history?: 'sqlite' | 'memory';
    historyDays?: number | string;
    historyMaxMb?: number | string;
    /** MQTT share group for the high-rate topics (docs/scale-out.md); empty: this instance takes the whole stream. */
    shareGroup?: string;
}

function positive(value: unknown, fallback: number): number {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : fallback;
}

export = function (RED: NodeAPI) {
    registerRegistryApi(RED);

    function RegistryNodeConstructor(this: RegistryNode, saved: RegistryDef) {
        // The runtime's own (non-enumerable) fields stay on `saved`; settings are read from `def`.
        RED.nodes.createNode(this, saved);
        const def = migrateConfig('mcpb-registry', saved);
        const loopGuard = parseLoopGuardPolicy(def.loopGuard);
        for (const problem of loopGuard.problems)
            this.warn(RED._('mcpb-registry.errors.loop-guard', { problem }));
        const registry = new DeviceRegistry({
            ...DEFAULT_REGISTRY_OPTIONS,
            offlineTimeoutMs: positive(def.offlineTimeout, 300) * 1000,
            historyPoints: Math.round(positive(def.historyPoints, DEFAULT_REGISTRY_OPTIONS.historyPoints)),
            maxDevices: Math.round(positive(def.maxDevices, DEFAULT_REGISTRY_OPTIONS.maxDevices)),
            confirmPatterns: parseConfirmPatterns(def.confirm),
            loopGuardRules: loopGuard.rules,
        });
        const shareGroup = shareGroupOf(def.shareGroup);
        if (shareGroup === null) this.warn(RED._('mcpb-registry.errors.bad-share-group'));
        else if (shareGroup) registry.share = new ShareAccounting(shareGroup);
        this.shareGroup = shareGroup || undefined;
        const broker: CoreBrokerNode | undefined = findBroker(RED, def.broker);
        if (!broker && def.broker) this.warn(RED._('mcpb-registry.errors.no-broker'));
        let link: BrokerLink | undefined;
        const approvalMinutes = Number(def.approvalMinutes ?? APPROVAL_MINUTES_DEFAULT);
        const requests = new DeviceRequests(
            registry,
            (topic, body) => (link ? link.publish(topic, body) : Promise.resolve(false)),
            {
                approvalMaxMinutes:
                    Number.isFinite(approvalMinutes) && approvalMinutes >= 0
                        ? Math.min(approvalMinutes, APPROVAL_MINUTES_MAX)
                        : APPROVAL_MINUTES_DEFAULT,
            },
        );
        if (broker?.brokerurl) {
            registry.setBrokerState('down', Date.now());
            let connectedBefore = false;
            link = new BrokerLink(broker.brokerurl, linkOptions(broker), {
                connected: (up) => {
                    registry.setBrokerState(up ? 'connected' : 'down', Date.now());
                    if (!up) return;
                    // After an outage the broker may have lost its retained messages and devices their
                    // place in our view: every device republishes capabilities and status. (At start the
                    // snapshot and the retained messages do that, without a burst from the whole fleet.)
                    if (connectedBefore) {
                        void link?.publish(topics.announce(ALL_DEVICES_ID), {
                            id: newCommandId(),
                            reason: 'broker_reconnected',
                        });
                    }
                    connectedBefore = true;
                },
                message: (topic, payload, retained) => {
                    const receivedAt = Date.now();
                    const result = decode(topic, payload);
                    if (!result.ok) return registry.recordDecodeError(result.error, receivedAt);
                    registry.ingest(result.message, retained, receivedAt, result.memo);
                    if (!retained) requests.deliver(result.message);
                },
            });
        }
        this.registry = registry;
        this.requests = requests;
        this.brokerId = link ? def.broker : undefined;

        const userDir = RED.settings.userDir;
        // The embedded persistent history, unless InfluxDB is the store or the user chose memory.
        let sqlite: SqliteHistory | undefined;
        let historyNote: string | undefined;
        if (!def.influx && (def.history ?? 'sqlite') === 'sqlite') {
            // Without a user directory (embedded runtimes, the test helper) there is nowhere to keep a file.
            if (userDir) {
                try {
                    sqlite = new SqliteHistory({
                        file: path.join(userDir, `mcpb-history-${def.id}.sqlite`),
                        retentionDays: positive(def.historyDays, 7),
                        maxBytes: positive(def.historyMaxMb, 100) * 1024 * 1024,
                    });
                    registry.persistentHistory = sqlite;
                } catch (e) {
                    historyNote = `SQLite history unavailable, kept in memory only: ${(e as Error).message}`;
                }
            }
            if (historyNote) this.warn(RED._('mcpb-registry.errors.history-memory', { reason: historyNote }));
        }
        const historyEvents: HistoryEventLog = sqlite ?? new MemoryEventLog();
        const store = (): HistoryStore => {
            const influx = def.influx
                ? (RED.nodes.getNode(def.influx) as unknown as HistoryStore | null)
                : null;
            return influx ?? sqlite ?? registry.history;
        };
        this.historyStore = store;
        this.influxId = def.influx || undefined;

        this.historyNote = historyNote;
        let snapshot: SnapshotFile | undefined;
        if (def.persist !== false && userDir) {
            const file = path.join(userDir, `mcpb-registry-${def.id}.json`);
            snapshot = new SnapshotFile(file, registry, SNAPSHOT_DEBOUNCE_MS, (e) => this.warn(e.message));
            snapshot.load(Date.now());
            snapshot.start();
        }

        // After the snapshot: restored loss counters are not new losses.
        const presence = new PresenceRecorder(registry, historyEvents);
        const ticker = setInterval(() => registry.tick(Date.now()), TICK_MS);
        const events = new EventStream(registry);
        liveRegistries.add({
            id: this.id,
            name: def.name || this.id,
            registry,
            requests,
            events,
            store,
            historyEvents,
            historyNote,
            mqttConnected: () => link?.connected === true,
        });

        this.on('close', (_removed, done) => {
            clearInterval(ticker);
            liveRegistries.remove(this.id);
            events.close();
            requests.close();
            snapshot?.close();
            presence.close();
            registry.removeAllListeners();
            const closeStore = () => {
                registry.persistentHistory = undefined;
                sqlite?.close();
                done();
            };
            if (link) link.close().then(closeStore, closeStore);
            else closeStore();
        });
    }

    RED.nodes.registerType('mcpb-registry', RegistryNodeConstructor);
};
