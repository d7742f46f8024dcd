/**
 * mcpb-decode: validates device traffic with the protocol's decoder, feeds the
 * registry and emits one normalised message per MQTT message:
 * { topic, kind, device, sensor?, actuator?, payload, receivedAt, retained }.
 * Traffic comes straight from the user's core mqtt-broker node (default, the
 * faster path: bench/decode-input.bench.ts) or from a wired core `mqtt in` this.
 */
import { decode, type DeviceMessage } from '../protocol/src';
import { findBroker, type CoreBrokerNode, type MqttPacketInfo } from './lib/core-mqtt-broker';
import { DeviceMessageError } from './lib/decode-error';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, SendFunction } from './lib/node-red-types';
import type { DeviceRegistry } from './lib/registry/device-registry';
import type { RegistryNode } from './lib/registry/registry-node';

interface DecodeDef extends NodeDef {
    broker?: string;
    topic?: string;
    qos?: number | string;
    registry?: string;
}

const STATUS_INTERVAL_MS = 1000;

/** Fills `out` with the normalised fields (no copy of the payload). */
function normalise(
    out: NodeMessage,
    topic: string,
    message: DeviceMessage,
    retained: boolean,
    receivedAt: number,
) {
    out.topic = topic;
    out.kind = message.kind;
    out.device = message.deviceId;
    if (message.sensor !== undefined) out.sensor = message.sensor;
    if (message.actuator !== undefined) out.actuator = message.actuator;
    out.payload = message.payload;
    out.receivedAt = receivedAt;
    out.retained = retained;
    return out;
}

/** What a core `mqtt in` node hands over: a Buffer or string, or an object if it parsed JSON itself. */
function rawPayload(payload: unknown): Buffer | string {
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) return payload;
    return JSON.stringify(payload) ?? '';
}

export = function (RED: NodeAPI) {
    function DecodeNode(this: Node, def: DecodeDef) {
        RED.nodes.createNode(this, def);
        const registryNode = def.registry ? (RED.nodes.getNode(def.registry) as RegistryNode | null) : null;
        const registry: DeviceRegistry | undefined = registryNode?.registry;
        let decoded = 0;
        let failed = 0;
        let shown = '';

        const statusTimer = setInterval(() => {
            const text = `${decoded} ok, ${failed} bad`;
            if (text === shown) return;
            shown = text;
            this.status({
                fill: failed ? 'yellow' : 'green',
                shape: 'dot',
                text: RED._('mcpb-decode.status.counts', { decoded, failed }),
            });
        }, STATUS_INTERVAL_MS);

        /** The hot path: one decode, one registry update, one message out. */
        function handle(
            topic: string,
            payload: Buffer | string,
            retained: boolean,
            out: NodeMessage,
        ): Error | undefined {
            const receivedAt = Date.now();
            const result = decode(topic, payload);
            if (!result.ok) {
                failed++;
                registry?.recordDecodeError(result.error, receivedAt);
                out.code = result.error.code;
                return new DeviceMessageError(result.error);
            }
            decoded++;
            registry?.ingest(result.message, retained, receivedAt);
            normalise(out, topic, result.message, retained, receivedAt);
            return undefined;
        }

        this.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
            const err = handle(String(msg.topic ?? ''), rawPayload(msg.payload), msg.retain === true, msg);
            if (err) return done(err);
            send(msg);
            done();
        });

        const broker: CoreBrokerNode | undefined = findBroker(RED, def.broker);
        const topic = def.topic || 'devices/#';
        if (broker) {
            const qos = Number(def.qos) === 0 ? 0 : 1;
            broker.register(this);
            broker.subscribe(
                topic,
                { qos },
                (t: string, payload: Buffer, packet: MqttPacketInfo) => {
                    const out: NodeMessage = {};
                    const err = handle(t, payload, packet.retain === true, out);
                    if (err) {
                        out.topic = t;
                        out.payload = payload;
                        this.error(err, out);
                    } else {
                        this.send(out);
                    }
                },
                this.id,
            );
        }
        if (def.registry && !registry) this.warn(RED._('mcpb-decode.errors.no-registry'));

        this.on('close', (removed, done) => {
            clearInterval(statusTimer);
            if (!broker) return done();
            broker.unsubscribe(topic, this.id, removed);
            broker.deregister(this, done, removed);
        });
    }

    RED.nodes.registerType('mcpb-decode', DecodeNode);
};
