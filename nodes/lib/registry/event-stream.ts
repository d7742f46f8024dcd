/**
 * Server-Sent Events for registry changes. Readings are coalesced to at most
 * one event per device per second; other changes go out at once. Listens to
 * the registry only while someone is connected.
 */
import type { ServerResponse } from 'node:http';
import type { DeviceRegistry } from './device-registry';
import type { DeviceChange } from '@mcp-mqtt-bridge/protocol';

const READING_INTERVAL_MS = 1000;
const KEEPALIVE_MS = 25000;

export class EventStream {
    private readonly clients = new Set<ServerResponse>();
    private readonly readingsDue = new Set<string>();
    private flushTimer: NodeJS.Timeout | undefined;
    private keepAliveTimer: NodeJS.Timeout | undefined;
    private readonly onChange = (deviceId: string, change: DeviceChange) => this.broadcast(deviceId, change);
    private readonly onReading = (deviceId: string) => this.readingsDue.add(deviceId);

    constructor(private readonly registry: DeviceRegistry) {}

    add(res: ServerResponse): void {
        res.writeHead(200, {
            'Content-Type': 'text/event-stream',
            'Cache-Control': 'no-cache',
            Connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        this.clients.add(res);
        res.on('close', () => this.remove(res));
        if (this.clients.size === 1) this.startListening();
    }

    get size(): number {
        return this.clients.size;
    }

    close(): void {
        for (const res of [...this.clients]) res.end();
        this.clients.clear();
        this.stopListening();
    }

    private remove(res: ServerResponse): void {
        this.clients.delete(res);
        if (this.clients.size === 0) this.stopListening();
    }

    private startListening(): void {
        this.registry.on('change', this.onChange);
        this.registry.on('reading', this.onReading);
        this.flushTimer = setInterval(() => this.flushReadings(), READING_INTERVAL_MS);
        this.keepAliveTimer = setInterval(() => this.write(': keepalive\n\n'), KEEPALIVE_MS);
    }

    private stopListening(): void {
        this.registry.off('change', this.onChange);
        this.registry.off('reading', this.onReading);
        clearInterval(this.flushTimer);
        clearInterval(this.keepAliveTimer);
        this.readingsDue.clear();
    }

    private flushReadings(): void {
        for (const deviceId of this.readingsDue) this.broadcast(deviceId, 'reading');
        this.readingsDue.clear();
    }

    private broadcast(deviceId: string, change: DeviceChange): void {
        this.write(`event: device\ndata: ${JSON.stringify({ device_id: deviceId, change })}\n\n`);
    }

    private write(text: string): void {
        for (const res of this.clients) res.write(text);
    }
}
