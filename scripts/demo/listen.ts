/** Listening on a demo port; a port clash names the flag that picks another one. */
import type http from 'node:http';
import type net from 'node:net';

export class PortInUseError extends Error {}

export function portInUse(port: number, flag: string, what: string): PortInUseError {
    return new PortInUseError(
        `port ${port} (${what}) is already in use: start with ${flag} <another port>, or ${flag} 0 for any free port`,
    );
}

export function isAddressInUse(e: unknown): boolean {
    return (e as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';
}

export function listenOn(
    server: net.Server | http.Server,
    port: number,
    flag: string,
    what: string,
    host = '127.0.0.1',
): Promise<void> {
    return new Promise<void>((resolve, reject) => {
        server.once('error', (e) => reject(isAddressInUse(e) ? portInUse(port, flag, what) : e));
        server.listen(port, host, resolve);
    });
}
