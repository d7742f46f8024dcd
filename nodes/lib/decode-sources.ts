/**
 * Where an mcpb-decode node takes traffic from and writes readings to: by
 * default the registry's broker and InfluxDB server, so both are configured
 * once; explicitly another broker, a wired `mqtt in`, another server or none.
 */
import type { NodeDef } from './node-red-types';
import type { RegistryNode } from './registry/registry-node';
import { sharedDataTopics } from './share-group';

export interface DecodeDef extends NodeDef {
    /** registry: the registry's broker; broker: the one selected here; input: a wired `mqtt in`. */
    source?: 'registry' | 'broker' | 'input';
    broker?: string;
    topic?: string;
    qos?: number | string;
    registry?: string;
    /** registry: the registry's InfluxDB server; server: the one selected here; none: no writes. */
    store?: 'registry' | 'server' | 'none';
    influx?: string;
}

/** The broker and InfluxDB server node ids this node uses, after the registry defaults. */
export function resolveDecodeSources(
    def: DecodeDef,
    registryNode: Pick<RegistryNode, 'brokerId' | 'influxId'> | null,
): { brokerId?: string; influxId?: string; registryHearsControl: boolean } {
    const source = def.source ?? 'registry';
    const brokerId =
        source === 'broker' ? def.broker : source === 'registry' ? registryNode?.brokerId : undefined;
    const store = def.store ?? 'registry';
    const influxId =
        store === 'server' ? def.influx : store === 'registry' ? registryNode?.influxId : undefined;
    const linked = registryNode?.brokerId;
    const registryHearsControl = linked !== undefined && (source === 'input' || brokerId === linked);
    return { brokerId: brokerId || undefined, influxId: influxId || undefined, registryHearsControl };
}

/**
 * What the node subscribes on its broker: its topic (default devices/#), or,
 * when its registry is in a share group and hears the control plane on this
 * same broker, the group's shared subscriptions of the high-rate topics.
 */
export function decodeTopics(
    def: DecodeDef,
    registryNode: Pick<RegistryNode, 'brokerId' | 'shareGroup'> | null,
    brokerId: string | undefined,
): string[] {
    const group = registryNode?.shareGroup;
    if (group && brokerId !== undefined && brokerId === registryNode?.brokerId)
        return sharedDataTopics(group);
    return [def.topic || 'devices/#'];
}
