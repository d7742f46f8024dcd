/**
 * The registry's own connection to the user's broker: it takes the core
 * mqtt-broker node's settings (URL, credentials, TLS, MQTT version) so they are
 * configured once, but keeps a separate client. On it the registry hears the
 * control plane (capabilities, status, actuator/config/diagnostics answers,
 * errors), so a command completes with or without a decode node, and it
 * publishes requests, so "not connected" means exactly that.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { TOPIC_ROOT, type MessageKind } from '@mcp-mqtt-bridge/protocol';
import type { CoreBrokerNode } from '../core-mqtt-broker';

/** Topic suffixes (after devices/<id>/) of the control plane, by kind. */
const CONTROL_PLANE: Partial<Record<MessageKind, string>> = {
    capabilities: 'capabilities',
    status: 'status',
    actuator_status: 'actuators/+/status',
    config_state: 'config',
    diagnostics_result: 'diagnostics/result',
    error: 'error',
};

/** The device → server topics the registry needs whatever the flows do; sensor data stays with decode nodes. */
export const CONTROL_PLANE_TOPICS = Object.values(CONTROL_PLANE).map((suffix) => `${TOPIC_ROOT}/+/${suffix}`);
const CONTROL_SUFFIXES = new Set(Object.values(CONTROL_PLANE));

export function isControlPlaneKind(kind: MessageKind): boolean {
    return CONTROL_PLANE[kind] !== undefined;
}

/** For messages that did not decode: would the registry's own subscription have received this topic? */
export function isControlPlaneTopic(topic: string): boolean {
    const parts = topic.split('/');
    if (parts[0] !== TOPIC_ROOT || parts.length < 3) return false;
    if (parts.length === 5 && parts[2] === 'actuators' && parts[4] === 'status') return true;
    return CONTROL_SUFFIXES.has(parts.slice(2).join('/'));
}

/** Reconnect quickly and boundedly: a registry that cannot hear answers cannot act. */
const RECONNECT_PERIOD_MS = 1000;
const CLIENT_ID_SUFFIX = '-mcpb-registry';
const MAX_CLIENT_ID = 64;

export type LinkMessageHandler = (topic: string, payload: Buffer, retained: boolean) => void;

export interface LinkEvents {
    message: LinkMessageHandler;
    connected(connected: boolean): void;
}

/** The core node's mqtt.js options without what belongs to its own session (will, birth, client id). */
export function linkOptions(broker: CoreBrokerNode): IClientOptions {
    const rest = { ...((broker.options ?? {}) as IClientOptions) };
    const clientId = rest.clientId;
    delete rest.will;
    delete rest.clientId;
    const base = (clientId || `nodered-${broker.id}`).slice(0, MAX_CLIENT_ID - CLIENT_ID_SUFFIX.length);
    return {
        ...rest,
        clientId: base + CLIENT_ID_SUFFIX,
        clean: true,
        reconnectPeriod: RECONNECT_PERIOD_MS,
        resubscribe: true,
    };
}

export class BrokerLink {
    private readonly client: MqttClient;

    constructor(url: string, options: IClientOptions, events: LinkEvents) {
        this.client = mqtt.connect(url, options);
        this.client.on('connect', () => {
            (this.client.stream as { setNoDelay?(v: boolean): void }).setNoDelay?.(true);
            this.client.subscribe(CONTROL_PLANE_TOPICS, { qos: 1 });
            events.connected(true);
        });
        this.client.on('close', () => events.connected(false));
        this.client.on('error', () => undefined);
        this.client.on('message', (topic, payload, packet) => events.message(topic, payload, packet.retain));
    }

    get connected(): boolean {
        return this.client.connected;
    }

    /** QoS 1 publish; false when not connected (mqtt.js would queue it, and "sent" must mean sent). */
    publish(topic: string, body: object): Promise<boolean> {
        if (!this.client.connected) return Promise.resolve(false);
        return new Promise((resolve) => {
            this.client.publish(topic, JSON.stringify(body), { qos: 1 }, (err) => resolve(!err));
        });
    }

    close(): Promise<void> {
        return new Promise((resolve) => this.client.end(true, {}, () => resolve()));
    }
}
