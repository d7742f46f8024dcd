/**
 * mcpb-influx-store: writes the decode node's messages to InfluxDB through an
 * mcpb-influx-server config node. Sensor readings always; actuator states,
 * device errors and device metrics when enabled (schema in docs/influxdb.md).
 * Each message is done() once its points are buffered; points the bounded
 * buffer cannot take are counted as dropped and shown in the node status.
 */
import { MessagePoints, type DecodedMessage } from './lib/influx/message-points';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage } from './lib/node-red-types';
import type { InfluxServerNode } from './lib/influx/server-node';

interface StoreDef extends NodeDef {
    server?: string;
    storeActuators?: boolean;
    storeErrors?: boolean;
    storeMetrics?: boolean;
}

export = function (RED: NodeAPI) {
    function InfluxStore(this: Node, nodeDef: NodeDef) {
        RED.nodes.createNode(this, nodeDef);
        const def = nodeDef as StoreDef;
        const node: Node = this; // eslint-disable-line @typescript-eslint/no-this-alias -- used in callbacks
        const server = def.server
            ? (RED.nodes.getNode(def.server) as unknown as InfluxServerNode | null)
            : null;
        if (!server) {
            node.status({ fill: 'red', shape: 'ring', text: 'mcpb-influx-store.status.no-server' });
            node.on('input', (_msg: NodeMessage, _send: unknown, done: DoneFunction) =>
                done(new Error(RED._('mcpb-influx-store.errors.no-server'))),
            );
            return;
        }
        const points = new MessagePoints({
            actuators: def.storeActuators !== false,
            errors: def.storeErrors !== false,
            metrics: def.storeMetrics !== false,
        });
        const writer = server.writer;
        server.register(node);

        node.on('input', (msg: NodeMessage, _send: unknown, done: DoneFunction) => {
            try {
                points.write(msg as DecodedMessage, writer);
                done();
            } catch (e) {
                done(e as Error);
            }
        });
        node.on('close', (_removed: boolean, done: () => void) => {
            server.deregister(node);
            done();
        });
    }

    RED.nodes.registerType('mcpb-influx-store', InfluxStore);
};
