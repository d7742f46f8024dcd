/**
 * mcpb-decode: validates device traffic with the protocol's decoder, feeds the
 * registry and emits one normalised message per MQTT message:
 * { topic, kind, device, sensor?, actuator?, payload, receivedAt, retained }.
 * Traffic comes straight from a core mqtt-broker node — by default the
 * registry's, so the broker is configured once (the faster path:
 * bench/decode-input.bench.ts) — or from a wired core `mqtt in` node. It also
 * writes the readings to InfluxDB itself (by default the registry's server),
 * like mcpb-influx-store, saving the Node-RED hop on the hot path; with nothing
 * wired to its output it then creates no messages at all. Control-plane
 * messages the registry hears on its own connection are not fed to it twice.
 */
import { randomBytes } from 'node:crypto';
import { decode, type DecodeResult, type DeviceMessage } from '@mcp-mqtt-bridge/protocol';
import {
    findBroker,
    subscribeMatched,
    type CoreBrokerNode,
    type MqttPacketInfo,
} from './lib/core-mqtt-broker';
import { DeviceMessageError } from './lib/decode-error';
import type { DoneFunction, Node, NodeAPI, NodeMessage, SendFunction } from './lib/node-red-types';
import { MessagePoints } from './lib/influx/message-points';
import type { InfluxServerNode } from './lib/influx/server-node';
import { migrateConfig } from './lib/migrations';
import { isControlPlaneKind, isControlPlaneTopic } from './lib/registry/broker-link';
import { decodeTopics, resolveDecodeSources, type DecodeDef } from './lib/decode-sources';
import type { DeviceRegistry } from './lib/registry/device-registry';
import type { RegistryNode } from './lib/registry/registry-node';

const STATUS_INTERVAL_MS = 1000;
/**
 * Control-plane topics whose messages a decode node with nothing wired has no
 * use for when the registry hears them itself: none becomes an InfluxDB point
 * (actuator states and errors do, so they are not here). A resumed session or
 * a reconnect brings one retained capabilities and status message per device:
 * 10,000 devices would be 20,000 decodes for nothing.
 */
const UNSTORED_CONTROL = /^devices\/[^/]+\/(capabilities|status|config|diagnostics\/result)$/;
/** Counter values with exactly eight hex digits. */
const FIRST_COUNT = 0x10000000;
const COUNT_END = 0x100000000;

/**
 * Message ids for the messages the node creates, in Node-RED's format (16 hex
 * digits). Left to send(), each id costs eight Math.random() calls and a
 * join; a random prefix per node (renewed when the counter runs out) and a
 * counter are as unique for the cost of formatting one number.
 */
function messageIds(): () => string {
    let prefix = '';
    let count = COUNT_END;
    return () => {
        if (count >= COUNT_END) {
            prefix = randomBytes(4).toString('hex');
            count = FIRST_COUNT;
        }
        return prefix + (count++).toString(16);
    };
}

/** Sets the normalised fields on a message that came in on a wire (no copy of the payload). */
function normalise(
    out: NodeMessage,
    topic: string,
    message: DeviceMessage,
    retained: boolean,
    receivedAt: number,
): void {
    out.topic = topic;
    out.kind = message.kind;
    out.device = message.deviceId;
    if (message.sensor !== undefined) out.sensor = message.sensor;
    if (message.actuator !== undefined) out.actuator = message.actuator;
    out.payload = message.payload;
    out.receivedAt = receivedAt;
    out.retained = retained;
}

/**
 * A new normalised message, the same fields as normalise() sets. Built as one
 * literal per shape: adding the properties one by one costs a property store
 * per field and a growing backing array on every message of the hot path.
 */
function normalised(
    _msgid: string,
    topic: string,
    message: DeviceMessage,
    retained: boolean,
    receivedAt: number,
): NodeMessage {
    const { kind, deviceId: device, payload, sensor, actuator } = message;
    if (sensor !== undefined) return { _msgid, topic, kind, device, sensor, payload, receivedAt, retained };
    if (actuator !== undefined) {
        return { _msgid, topic, kind, device, actuator, payload, receivedAt, retained };
    }
    return { _msgid, topic, kind, device, payload, receivedAt, retained };
}

/** What a core `mqtt in` node hands over: a Buffer or string, or an object if it parsed JSON itself. */
function rawPayload(payload: unknown): Buffer | string {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) return payload;
    return JSON.stringify(payload) ?? '';
}

export = function (RED: NodeAPI) {
    function DecodeNode(this: Node, saved: DecodeDef) {
        // The runtime's own (non-enumerable) fields stay on `saved`; settings are read from `def`.
        RED.nodes.createNode(this, saved);
        const def = migrateConfig('mcpb-decode', saved);
        const registryNode = def.registry ? (RED.nodes.getNode(def.registry) as RegistryNode | null) : null;
        const registry: DeviceRegistry | undefined = registryNode?.registry;
        const { brokerId, influxId, registryHearsControl } = resolveDecodeSources(def, registryNode);
        const influx = influxId ? (RED.nodes.getNode(influxId) as unknown as InfluxServerNode | null) : null;
        const points = influx
            ? new MessagePoints({
                  actuators: true,
                  errors: true,
                  metrics: true,
                  seqTimes: registryNode?.shareGroup !== undefined,
              })
            : undefined;
        const wired = (def.wires ?? []).some((output) => output.length > 0);
        const nextMessageId = messageIds();
        let decoded = 0;
        let failed = 0;
        let shown = '';

        /** Red while the store is down, yellow after failures, drops or a buffer above half full. */
        const showStatus = () => {
            const store = influx?.storeStatus();
            const text = `${decoded} ok, ${failed} bad, ${store?.buffered}, ${store?.dropped}, ${store?.connected}`;
            if (text === shown) return;
            shown = text;
            // The registry's persistent history could not be opened: say so where users look.
            const memoryOnly = !store && registryNode?.historyNote !== undefined;
            const counts = store
                ? RED._('mcpb-decode.status.counts-stored', { decoded, failed, ...store })
                : RED._(memoryOnly ? 'mcpb-decode.status.counts-memory' : 'mcpb-decode.status.counts', {
                      decoded,
                      failed,
                  });
            if (store && !store.connected) {
                this.status({ fill: 'red', shape: 'ring', text: counts });
                return;
            }
            const high = influx !== null && store !== undefined && store.buffered * 2 >= influx.writer.limit;
            const trouble = failed > 0 || memoryOnly || (store !== undefined && store.dropped > 0) || high;
            this.status({ fill: trouble ? 'yellow' : 'green', shape: 'dot', text: counts });
        };
        const statusTimer = setInterval(showStatus, STATUS_INTERVAL_MS);
        // Storage going down or up shows at once.
        influx?.writer.on('event', showStatus);

        /** False when the registry refused the message just handled (a bound): it is not stored either. */
        let accepted = true;

        /**
         * Readings go to InfluxDB; points the bounded buffer cannot take are counted there. A
         * reading's series is kept on the registry's state of its sensor, which ingest() just set.
         */
        function store(message: DeviceMessage, receivedAt: number): void {
            if (!points || !influx || !accepted) return;
            const home = message.kind === 'sensor_data' ? registry?.updatedSensor : undefined;
            points.writeMessage(message, receivedAt, influx.writer, home);
        }

        /** The hot path: one decode, one registry update (the caller sends the message). */
        function handle(
            topic: string,
            payload: Buffer | string,
            retained: boolean,
            receivedAt: number,
        ): DecodeResult {
            const result = decode(topic, payload);
            if (!result.ok) {
                failed++;
                if (!(registryHearsControl && isControlPlaneTopic(topic))) {
                    registry?.recordDecodeError(result.error, receivedAt);
                }
                return result;
            }
            decoded++;
            accepted =
                !registry ||
                (registryHearsControl && isControlPlaneKind(result.message.kind)) ||
                registry.ingest(result.message, retained, receivedAt, result.memo);
            return result;
        }

        this.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
            const receivedAt = Date.now();
            const topic = String(msg.topic ?? '');
            const retained = msg.retain === true;
            const result = handle(topic, rawPayload(msg.payload), retained, receivedAt);
            if (!result.ok) {
                msg.code = result.error.code;
                return done(new DeviceMessageError(result.error));
            }
            normalise(msg, topic, result.message, retained, receivedAt);
            store(result.message, receivedAt);
            send(msg);
            done();
        });

        const broker: CoreBrokerNode | undefined = findBroker(RED, brokerId);
        const topics = decodeTopics(def, registryNode, brokerId);
        if (broker) {
            const qos = Number(def.qos) === 0 ? 0 : 1;
            broker.register(this);
            for (const topic of topics)
                subscribeMatched(
                    broker,
                    topic,
                    { qos },
                    (t: string, payload: Buffer, packet: MqttPacketInfo) => {
                        // Control-plane messages the registry hears itself, with nothing to store or send.
                        if (
                            !wired &&
                            registryHearsControl &&
                            !t.endsWith('/data') &&
                            UNSTORED_CONTROL.test(t)
                        )
                            return;
                        const receivedAt = Date.now();
                        const retained = packet.retain === true;
                        const result = handle(t, payload, retained, receivedAt);
                        if (result.ok) {
                            store(result.message, receivedAt);
                            // With nothing wired, no Node-RED message is made at all.
                            if (wired)
                                this.send(
                                    normalised(nextMessageId(), t, result.message, retained, receivedAt),
                                );
                            return;
                        }
                        const { code } = result.error;
                        const msg: NodeMessage = { _msgid: nextMessageId(), topic: t, payload, code };
                        this.error(new DeviceMessageError(result.error), msg);
                    },
                    this.id,
                );
        }
        if (def.registry && !registry) this.warn(RED._('mcpb-decode.errors.no-registry'));
        if (influxId && !influx) this.warn(RED._('mcpb-decode.errors.no-influx'));
        if (def.source !== 'input' && !broker) this.warn(RED._('mcpb-decode.errors.no-broker'));

        this.on('close', (removed, done) => {
            clearInterval(statusTimer);
            influx?.writer.off('event', showStatus);
            if (!broker) return done();
            for (const topic of topics) broker.unsubscribe(topic, this.id, removed);
            broker.deregister(this, done, removed);
        });
    }

    RED.nodes.registerType('mcpb-decode', DecodeNode);
};
