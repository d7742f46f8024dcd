/**
 * mcpb-influx-server: the InfluxDB connection shared by mcpb-influx-store
 * nodes. It owns the one bounded, batching writer they feed, fans its status
 * out to them, and answers the registry's history queries (it implements
 * HistoryStore; the registry reaches it with RED.nodes.getNode(id)).
 */
import path from 'node:path';
import type { Alert } from '@mcp-mqtt-bridge/protocol';
import type { HistoryPoint, HistoryQuery, HistoryStore, StoreStatus } from './lib/history-store';
import type { InfluxServerNode, StatusUser } from './lib/influx/server-node';
import { BatchWriter, type WriterEvent } from './lib/influx/batch-writer';
import { Spool } from './lib/influx/spool';
import { REGISTRY_ALERT_ID } from './lib/registry/device-registry';
import { liveRegistries } from './lib/registry/live-registries';
import type { InfluxClient } from './lib/influx/client';
import type { Node, NodeAPI, NodeDef, NodeStatus } from './lib/node-red-types';
import { serverSettings, type InfluxServerConfig } from './lib/influx/settings';
import { InfluxV1Client } from './lib/influx/v1-client';
import { InfluxV2Client } from './lib/influx/v2-client';
import { WriteError } from './lib/influx/write-error';

/** How often at most the users' status is refreshed, and drops are logged. */
const STATUS_EVERY_MS = 250;
const WARN_EVERY_MS = 10_000;
/** Drops are summed into one registry alert at most this often. */
const DROP_ALERT_EVERY_MS = 1000;

type ServerDef = NodeDef & InfluxServerConfig;

export = function (RED: NodeAPI) {
    const t = (key: string, subs?: Record<string, string | number>) =>
        RED._(`mcpb-influx-server.${key}`, subs);

    function InfluxServer(this: Node, nodeDef: NodeDef) {
        RED.nodes.createNode(this, nodeDef);
        const def = nodeDef as ServerDef;
        const node = this as unknown as InfluxServerNode;
        const settings = serverSettings(def, node.credentials ?? {});
        const client = createClient(settings.apiVersion, settings.connection, (e) => node.error(e));
        const spool = openSpool(node, settings.spoolBytes);
        const writer = new BatchWriter(client, settings.writer, spool);
        const highWater = Math.floor(settings.writer.maxBufferedPoints / 2);
        const users = new Set<StatusUser>();
        let statusTimer: NodeJS.Timeout | undefined;
        let warnedDropped = 0;
        let warnedAt = 0;
        let dropsToReport = 0;
        let dropReason = '';
        let dropTimer: NodeJS.Timeout | undefined;

        /** Alerts go to every deployed registry whose history store is this server. */
        function alert(error_type: string, message: string, severity: Alert['severity']): void {
            const entry: Alert = {
                device_id: REGISTRY_ALERT_ID,
                source: 'registry',
                error_type,
                message: `InfluxDB ${settings.connection.url}: ${message}`,
                severity,
                timestamp: Date.now() / 1000,
            };
            for (const live of ownRegistries()) live.registry.addAlert({ ...entry });
        }

        /** The deployed registries whose history store is this server. */
        function ownRegistries() {
            return liveRegistries.all().filter((live) => live.store() === (node as unknown as HistoryStore));
        }

        function reportDrops(): void {
            dropTimer = undefined;
            if (dropsToReport === 0) return;
            const { dropped } = writer.stats();
            alert(
                'storage_dropped',
                `${dropsToReport} point(s) dropped (${dropped} in all): ${dropReason}`,
                2,
            );
            dropsToReport = 0;
        }

        writer.on('event', (e: WriterEvent) => {
            if (e.type === 'dropped') {
                // Counted in the registries' totals too, which a restart keeps (the writer's start at 0).
                for (const live of ownRegistries()) live.registry.counters.totals.storage_dropped += e.points;
                dropsToReport += e.points;
                dropReason = e.reason;
                if (dropTimer === undefined) dropTimer = setTimeout(reportDrops, DROP_ALERT_EVERY_MS);
                return;
            }
            if (e.type === 'down') {
                const keep = spool ? 'spooling to disk' : 'buffering in memory';
                alert('storage_down', `unreachable (${e.error}); ${keep}, probing every second`, 2);
            } else if (e.type === 'up') {
                const s = Math.round(e.downForMs / 100) / 10;
                alert('storage_down', `reachable again after ${s} s; writing what was held`, 1);
            } else {
                alert('storage_buffer_high', `${e.buffered} of ${e.limit} points held in memory`, 1);
            }
            // Status changes show at once, not at the next throttled refresh.
            if (statusTimer !== undefined) clearTimeout(statusTimer);
            publish();
        });

        node.writer = writer;
        (node as { kind: HistoryStore['kind'] }).kind = client.kind;
        node.query = (q: HistoryQuery): Promise<HistoryPoint[]> => client.history(q);
        node.storeStatus = (): StoreStatus => ({ kind: client.kind, ...writer.stats() });

        node.register = (user) => {
            users.add(user);
            user.status(statusFor(writer.stats(), highWater));
        };
        node.deregister = (user) => {
            users.delete(user);
        };

        function publish(): void {
            statusTimer = undefined;
            const stats = writer.stats();
            const status = statusFor(stats, highWater);
            for (const user of users) user.status(status);
            const now = Date.now();
            if (stats.dropped > warnedDropped && now - warnedAt >= WARN_EVERY_MS) {
                node.warn(t('warn.dropped', { dropped: stats.dropped, error: stats.lastError ?? '-' }));
                warnedDropped = stats.dropped;
                warnedAt = now;
            }
        }

        writer.on('change', () => {
            if (statusTimer === undefined) statusTimer = setTimeout(publish, STATUS_EVERY_MS);
        });

        node.on('close', (_removed: boolean, done: () => void) => {
            writer
                .close(settings.closeTimeoutMs)
                .then(() => {
                    if (statusTimer !== undefined) clearTimeout(statusTimer);
                    statusTimer = undefined;
                    if (dropTimer !== undefined) clearTimeout(dropTimer);
                    reportDrops();
                    publish();
                    if (statusTimer !== undefined) clearTimeout(statusTimer);
                    users.clear();
                    client.close();
                })
                .finally(done);
        });
    }

    /** Red while InfluxDB is down; yellow after drops, above the high-water mark or while points are spooled. */
    function statusFor(stats: ReturnType<BatchWriter['stats']>, highWater: number): NodeStatus {
        let text = `${t('status.buffered')} ${stats.buffered} · ${t('status.dropped')} ${stats.dropped}`;
        if (stats.spooled > 0) text += ` · ${t('status.spooled')} ${stats.spooled}`;
        if (!stats.connected) return { fill: 'red', shape: 'ring', text: `${t('status.down')} · ${text}` };
        const trouble = stats.dropped > 0 || stats.buffered >= highWater || stats.spooled > 0;
        return { fill: trouble ? 'yellow' : 'green', shape: 'dot', text };
    }

    /** The spool lives in the user directory; without one (or at 0 MB) there is none. */
    function openSpool(node: InfluxServerNode, bytes: number): Spool | undefined {
        const userDir = RED.settings.userDir;
        if (bytes <= 0 || !userDir) return undefined;
        try {
            return new Spool(path.join(userDir, `mcpb-influx-spool-${node.id}`), bytes);
        } catch (e) {
            node.warn(`${t('errors.spool')}: ${(e as Error).message}`);
            return undefined;
        }
    }

    /** A client, or, for settings that cannot work, one whose every write fails without retries. */
    function createClient(
        apiVersion: 'v1' | 'v2',
        connection: ConstructorParameters<typeof InfluxV1Client>[0],
        report: (message: string) => void,
    ): InfluxClient {
        try {
            return apiVersion === 'v2' ? new InfluxV2Client(connection) : new InfluxV1Client(connection);
        } catch (e) {
            const message = `${t('errors.config')}: ${(e as Error).message}`;
            report(message);
            const fail = () => Promise.reject(new WriteError(message, undefined, false));
            return {
                kind: apiVersion === 'v2' ? 'influxdb-v2' : 'influxdb-v1',
                write: fail,
                history: fail,
                close() {},
            };
        }
    }

    RED.nodes.registerType('mcpb-influx-server', InfluxServer, {
        credentials: {
            user: { type: 'password' },
            password: { type: 'password' },
            token: { type: 'password' },
        },
    });
};
