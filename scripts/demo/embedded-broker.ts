/**
 * An in-process MQTT broker (Aedes), for machines without Mosquitto. By default
 * it listens on 127.0.0.1 only. With another listen address (so a real ESP32
 * on the LAN can join the demo) it requires a password from every client that
 * is not this machine's loopback 127.0.0.1 — the demo's own Node-RED, adapter
 * and simulated fleet — and lets such a client act only as the device its
 * user name names: publish under devices/<user>/ (never a command) and
 * subscribe to its own requests.
 */
import net from 'node:net';
import { IDENTIFIER_PATTERN } from '@mcp-mqtt-bridge/protocol';
import { listenOn } from './listen';

export interface EmbeddedBroker {
    url: string;
    port: number;
    stop(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
    /** Listen address; default 127.0.0.1. */
    host?: string;
    /** Required from clients that are not on 127.0.0.1 (user name = device id). */
    devicePassword?: string;
}

const LOCAL = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** Topics only the server publishes: a device account may not send commands or requests. */
const SERVER_TOPIC = /\/(actuators\/[^/]+\/cmd|config\/set|diagnostics\/request)$/;

/** The broker's own publications (client null) and clients on 127.0.0.1 are the demo's own processes. */
function isLocal(client: { conn?: unknown } | null): boolean {
    if (client === null) return true;
    return LOCAL.has((client.conn as { remoteAddress?: string } | undefined)?.remoteAddress ?? '');
}

export async function startEmbeddedBroker(
    port: number,
    options: EmbeddedBrokerOptions = {},
): Promise<EmbeddedBroker> {
    const host = options.host ?? '127.0.0.1';
    /** Device accounts by client id: the device id each connected LAN client speaks for. */
    const deviceOf = new Map<string, string>();
    // aedes is ESM-only: load it with a real dynamic import.
    const { Aedes } = await import('aedes');
    const aedes = await Aedes.createBroker({
        authenticate: (client, username, password, done) => {
            if (isLocal(client)) return done(null, true);
            const ok =
                options.devicePassword !== undefined &&
                typeof username === 'string' &&
                IDENTIFIER_PATTERN.test(username) &&
                password?.toString() === options.devicePassword;
            if (ok) deviceOf.set(client.id, username);
            done(null, ok);
        },
        authorizePublish: (client, packet, done) => {
            if (isLocal(client)) return done(null);
            const device = client ? deviceOf.get(client.id) : undefined;
            const own = device !== undefined && packet.topic.startsWith(`devices/${device}/`);
            done(own && !SERVER_TOPIC.test(packet.topic) ? null : new Error("not this device's topic"));
        },
        authorizeSubscribe: (client, subscription, done) => {
            if (isLocal(client)) return done(null, subscription);
            const device = deviceOf.get(client.id);
            const own = device !== undefined && subscription.topic.startsWith(`devices/${device}/`);
            done(own ? null : new Error("not this device's topic"), own ? subscription : null);
        },
    });
    aedes.on('clientDisconnect', (client) => deviceOf.delete(client.id));
    // No Nagle: command round trips are chains of small writes (see simulator/connection.ts).
    const server = net.createServer((socket) => {
        socket.setNoDelay(true);
        aedes.handle(socket);
    });
    try {
        await listenOn(server, port, '--mqtt-port', 'the embedded MQTT broker', host);
    } catch (e) {
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        throw e;
    }
    const actual = (server.address() as net.AddressInfo).port;
    return {
        url: `mqtt://127.0.0.1:${actual}`,
        port: actual,
        async stop() {
            await new Promise<void>((resolve) => aedes.close(() => resolve()));
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
