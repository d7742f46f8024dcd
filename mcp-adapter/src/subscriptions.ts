/**
 * Resource subscriptions of all MCP sessions of this process. One registry
 * event stream serves every session; it is open only while someone is
 * subscribed, so an adapter without subscribers holds no connection.
 */
import type { Logger } from './logger';
import type { RegistryClient } from './registry-client';
import { RegistryEvents } from './registry-events';
import type { DeviceChange, DeviceEvent } from '@mcp-mqtt-bridge/protocol';
import { DEVICE_LIST_URI, deviceUri } from './resource-uris';

/** Changes that alter the device list resource (membership or online state). */
const LIST_CHANGES = new Set<DeviceChange>(['added', 'removed', 'online', 'offline', 'capabilities']);

export interface Subscriber {
    uris: Set<string>;
    notify(uri: string): void;
}

export class SubscriptionHub {
    private readonly subscribers = new Set<Subscriber>();
    private readonly events: RegistryEvents;
    private count = 0;

    constructor(registry: RegistryClient, logger: Logger) {
        this.events = new RegistryEvents(registry, {
            logger,
            onEvent: (event) => this.deliver(urisFor(event)),
            // Changes made while the stream was closed are unknown: every subscriber re-reads.
            onConnect: () => this.deliverAll(),
        });
    }

    /** A session's subscriber; its `uris` set is edited through subscribe/unsubscribe. */
    add(notify: (uri: string) => void): Subscriber {
        const subscriber = { uris: new Set<string>(), notify };
        this.subscribers.add(subscriber);
        return subscriber;
    }

    remove(subscriber: Subscriber): void {
        if (!this.subscribers.delete(subscriber)) return;
        this.count -= subscriber.uris.size;
        this.updateStream();
    }

    subscribe(subscriber: Subscriber, uri: string): void {
        if (subscriber.uris.has(uri)) return;
        subscriber.uris.add(uri);
        this.count++;
        this.updateStream();
    }

    unsubscribe(subscriber: Subscriber, uri: string): void {
        if (!subscriber.uris.delete(uri)) return;
        this.count--;
        this.updateStream();
    }

    close(): void {
        this.subscribers.clear();
        this.count = 0;
        this.events.stop();
    }

    private updateStream(): void {
        if (this.count > 0) this.events.start();
        else this.events.stop();
    }

    private deliver(uris: string[]): void {
        for (const subscriber of this.subscribers) {
            for (const uri of uris) if (subscriber.uris.has(uri)) subscriber.notify(uri);
        }
    }

    private deliverAll(): void {
        for (const subscriber of this.subscribers) for (const uri of subscriber.uris) subscriber.notify(uri);
    }
}

function urisFor(event: DeviceEvent): string[] {
    const uris = [deviceUri(event.device_id)];
    if (LIST_CHANGES.has(event.change)) uris.push(DEVICE_LIST_URI);
    return uris;
}
