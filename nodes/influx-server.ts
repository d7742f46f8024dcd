/**
 * mcpb-influx-server: the InfluxDB connection shared by mcpb-influx-store
 * nodes. It owns the one bounded, batching writer they feed, fans its status
 * out to them, and answers the registry's history queries (it implements
 * HistoryStore; the registry reaches it with RED.nodes.getNode(id)).
 */
import type { HistoryPoint, HistoryQuery, HistoryStore, StoreStatus } from './lib/history-store';
import type { InfluxServerNode, StatusUser } from './lib/influx/server-node';
import { BatchWriter } from './lib/influx/batch-writer';
import type { InfluxClient } from './lib/influx/client';
import type { Node, NodeAPI, NodeDef, NodeStatus } from './lib/node-red-types';
import { serverSettings, type InfluxServerConfig } from './lib/influx/settings';
import { InfluxV1Client } from './lib/influx/v1-client';
import { InfluxV2Client } from './lib/influx/v2-client';
import { WriteError } from './lib/influx/write-error';

/** How often at most the users' status is refreshed, and drops are logged. */
const STATUS_EVERY_MS = 250;
const WARN_EVERY_MS = 10_000;

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
        const writer = new BatchWriter(client, settings.writer);
        const users = new Set<StatusUser>();
        let statusTimer: NodeJS.Timeout | undefined;
        let warnedDropped = 0;
        let warnedAt = 0;

        node.writer = writer;
        (node as { kind: HistoryStore['kind'] }).kind = client.kind;
        node.query = (q: HistoryQuery): Promise<HistoryPoint[]> => client.history(q);
        node.storeStatus = (): StoreStatus => ({ kind: client.kind, ...writer.stats() });

        node.register = (user) => {
            users.add(user);
            user.status(statusFor(writer.stats()));
        };
        node.deregister = (user) => {
            users.delete(user);
        };

        function publish(): void {
            statusTimer = undefined;
            const stats = writer.stats();
            const status = statusFor(stats);
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
                    publish();
                    if (statusTimer !== undefined) clearTimeout(statusTimer);
                    users.clear();
                    client.close();
                })
                .finally(done);
        });
    }

    function statusFor(stats: ReturnType<BatchWriter['stats']>): NodeStatus {
        const text = `${t('status.buffered')} ${stats.buffered} · ${t('status.dropped')} ${stats.dropped}`;
        if (!stats.connected)
            return { fill: 'red', shape: 'ring', text: `${t('status.retrying')} · ${text}` };
        return { fill: stats.dropped > 0 ? 'yellow' : 'green', shape: 'dot', text };
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
