/** What other nodes use of a deployed mcpb-registry config node. */
import type { Node } from '../node-red-types';
import type { DeviceRegistry } from './device-registry';
import type { DeviceRequests } from './device-requests';

export interface RegistryNode extends Node {
    registry: DeviceRegistry;
    requests: DeviceRequests;
}
