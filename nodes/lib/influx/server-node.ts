/** The mcpb-influx-server config node as its store nodes and the registry see it. */
import type { HistoryStore } from '../history-store';
import type { Node } from '../node-red-types';
import type { BatchWriter } from './batch-writer';
import type { InfluxCredentials } from './settings';

export type StatusUser = Pick<Node, 'status'>;

/**
 * The config node as other nodes see it: a HistoryStore (queries and the
 * store's counters through storeStatus()). A config node shows no status of
 * its own; it pushes status to its users.
 */
export interface InfluxServerNode extends Node, HistoryStore {
    credentials?: InfluxCredentials;
    writer: BatchWriter;
    register(user: StatusUser): void;
    deregister(user: StatusUser): void;
}
