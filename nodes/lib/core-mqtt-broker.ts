/**
 * The methods of Node-RED's core `mqtt-broker` config node (10-mqtt.js) that
 * the pack reuses, so broker settings (TLS, credentials, MQTT v5) live in one
 * place: users register to make it connect, subscribe with a ref, publish.
 */
import type { Node, NodeAPI } from './node-red-types';

export interface MqttPacketInfo {
    retain?: boolean;
    qos?: number;
}

export type MqttCallback = (topic: string, payload: Buffer, packet: MqttPacketInfo) => void;

export interface CoreBrokerNode extends Node {
    connected: boolean;
    /** mqtt://host:port (or ws/wss/mqtts) as the core node built it from its settings. */
    brokerurl?: string;
    /** The mqtt.js options the core node connects with: credentials, TLS, MQTT version, will. */
    options?: object;
    /** The core node's mqtt.js client (replaced on reconnect or redeploy). */
    client?: { stream?: { setNoDelay?(noDelay: boolean): unknown } };
    register(user: Node): void;
    deregister(user: Node, done: () => void, autoDisconnect?: boolean): void;
    subscribe(topic: string, options: { qos: 0 | 1 | 2 }, callback: MqttCallback, ref: string): void;
    unsubscribe(topic: string, ref: string, removeClientSubscription?: boolean): void;
    publish(
        msg: { topic: string; payload: string | Buffer; qos: 0 | 1 | 2; retain: boolean },
        done?: (err?: Error) => void,
    ): void;
}

/** The core broker node with this id, or undefined when the id is empty or not deployed. */
export function findBroker(RED: NodeAPI, id: unknown): CoreBrokerNode | undefined {
    if (typeof id !== 'string' || id === '') return undefined;
    const node = RED.nodes.getNode(id);
    if (!node || typeof (node as Partial<CoreBrokerNode>).subscribe !== 'function') return undefined;
    return node as CoreBrokerNode;
}

/** Publishes through the core broker node; resolves false when it is not connected (it would drop silently). */
export function publishVia(
    broker: CoreBrokerNode | undefined,
    topic: string,
    body: object,
    qos: 0 | 1,
    retain = false,
): Promise<boolean> {
    if (!broker || !broker.connected) return Promise.resolve(false);
    disableNagle(broker);
    return new Promise((resolve) => {
        broker.publish({ topic, payload: JSON.stringify(body), qos, retain }, (err) => resolve(!err));
    });
}

/**
 * Commands are small QoS 1 writes that a device answers at once: with Nagle's
 * algorithm on the core node's socket, each round trip waits ~40 ms for a
 * delayed ACK. Cheap to repeat, so it is applied before every command publish
 * (the core node may have reconnected with a new socket).
 */
function disableNagle(broker: CoreBrokerNode): void {
    broker.client?.stream?.setNoDelay?.(true);
}
