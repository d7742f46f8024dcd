/** What other nodes use of a deployed mcpb-registry config node. */
import type { HistoryStore } from '../history-store';
import type { Node } from '../node-red-types';
import type { DeviceRegistry } from './device-registry';
import type { DeviceRequests } from './device-requests';

export interface RegistryNode extends Node {
    registry: DeviceRegistry;
    requests: DeviceRequests;
    /** The core mqtt-broker node the registry's own link uses (undefined: no link). */
    brokerId?: string;
    /** The InfluxDB server node the registry reads history from, if any. */
    influxId?: string;
    historyStore(): HistoryStore;
    /** The MQTT share group this instance takes its share of the high-rate topics in (decode nodes follow it). */
    shareGroup?: string;
    /** Set when the configured history store could not be used: history is in memory only. */
    historyNote?: string;
}
