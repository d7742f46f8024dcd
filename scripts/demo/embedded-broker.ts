/** An in-process MQTT broker (Aedes) on 127.0.0.1, for machines without Mosquitto. */
import net from 'node:net';
import { listenOn } from './listen';

export interface EmbeddedBroker {
    url: string;
    port: number;
    stop(): Promise<void>;
}

export async function startEmbeddedBroker(port: number): Promise<EmbeddedBroker> {
    // aedes is ESM-only: load it with a real dynamic import.
    const { Aedes } = await import('aedes');
    const aedes = await Aedes.createBroker();
    // No Nagle: command round trips are chains of small writes (see simulator/connection.ts).
    const server = net.createServer((socket) => {
        socket.setNoDelay(true);
        aedes.handle(socket);
    });
    try {
        await listenOn(server, port, '--mqtt-port', 'the embedded MQTT broker');
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
