/**
 * The methods of Node-RED's core `mqtt-broker` config node (10-mqtt.js) that
 * the pack reuses, so broker settings (TLS, credentials, MQTT v5) live in one
 * place: users register to make it connect, subscribe with a ref, publish.
 */
import type { Node, NodeAPI } from './node-red-types';
import { compileTopicFilter } from './topic-filter';

export interface MqttPacketInfo {
    retain?: boolean;
    qos?: number;
    properties?: { subscriptionIdentifier?: number | number[] };
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
    /** The core node's subscriptions by topic and ref (internal to 10-mqtt.js: see subscribeMatched). */
    subscriptions?: Record<string, Record<string, CoreSubscription | undefined> | undefined>;
    subscriptionIdentifiersAvailable?(): boolean;
    _clientOn?(event: 'message', handler: MqttCallback): void;
    _clientRemoveListeners?(event: 'message', handler: MqttCallback): void;
    publish(
        msg: { topic: string; payload: string | Buffer; qos: 0 | 1 | 2; retain: boolean },
        done?: (err?: Error) => void,
    ): void;
}

/** What 10-mqtt.js keeps per subscription (Node-RED 4.0 to 5.x). */
interface CoreSubscription {
    callback?: MqttCallback;
    handler?: MqttCallback | null;
    options?: { properties?: { subscriptionIdentifier?: number } };
}

/**
 * broker.subscribe(), with the topic filter compiled once. The core node's
 * handler builds a RegExp from the filter for every message it is given
 * (matchTopic in 10-mqtt.js): about 1 µs, 5% of the decode node's hot path.
 * The core node keeps each subscription's handler on the subscription object
 * and reattaches that same handler on every reconnect, so the one set here
 * stays for the subscription's life. A Node-RED that keeps them otherwise
 * keeps its own handler: the same messages, only slower.
 */
export function subscribeMatched(
    broker: CoreBrokerNode,
    topic: string,
    options: { qos: 0 | 1 | 2 },
    callback: MqttCallback,
    ref: string,
): void {
    broker.subscribe(topic, options, callback, ref);
    // The topic is the user's setting: read the core node's maps by own keys only.
    const byRef = own(broker.subscriptions, topic);
    const subscription = own(byRef, ref);
    const on = broker._clientOn?.bind(broker);
    const off = broker._clientRemoveListeners?.bind(broker);
    if (!subscription || !on || !off) return;
    const matches = compileTopicFilter(topic);
    const handler: MqttCallback = (t, payload, packet) => {
        // MQTT 5: a message for another subscription of this client names that one's identifier.
        const got = packet.properties?.subscriptionIdentifier;
        const own = subscription.options?.properties?.subscriptionIdentifier;
        const forOther =
            got !== undefined && own !== undefined && !(Array.isArray(got) ? got.includes(own) : got === own);
        if (forOther && broker.subscriptionIdentifiersAvailable?.()) return;
        if (!matches(t)) return;
        try {
            // Looked up per message, as the core handler does: a redeploy gives the subscription a new callback.
            subscription.callback?.(t, payload, packet);
        } catch (err) {
            broker.error(`MQTT subscription handler error: ${String(err)}`);
        }
    };
    // Connected: the core handler is attached already. Otherwise the core node attaches ours on connect.
    if (subscription.handler) {
        off('message', subscription.handler);
        on('message', handler);
    }
    subscription.handler = handler;
}

function own<T>(map: Record<string, T | undefined> | undefined, key: string): T | undefined {
    return map !== undefined && Object.hasOwn(map, key) ? map[key] : undefined;
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
