/**
 * Follows the registry's Server-Sent Events stream (GET .../events) and hands
 * each `device` event to a callback. When the registry goes away the stream is
 * reopened with exponential backoff. `onConnect` runs each time the stream
 * opens: changes made while it was closed are unknown, so subscribers re-read.
 */
import type { Logger } from './logger';
import { redactUrl, type RegistryClient } from './registry-client';
import { checkAgainst, deviceEvent, type DeviceEvent } from '@mcp-mqtt-bridge/protocol';

export interface RegistryEventsOptions {
    onEvent(event: DeviceEvent): void;
    onConnect(): void;
    logger: Logger;
    minBackoffMs?: number;
    maxBackoffMs?: number;
}

export class RegistryEvents {
    /** The running loop's controller; a new one per start() so an old loop can never resume. */
    private current: AbortController | undefined;

    constructor(
        private readonly registry: RegistryClient,
        private readonly options: RegistryEventsOptions,
    ) {}

    start(): void {
        if (this.current) return;
        this.current = new AbortController();
        void this.loop(this.current.signal);
    }

    stop(): void {
        this.current?.abort();
        this.current = undefined;
    }

    private async loop(signal: AbortSignal): Promise<void> {
        const url = this.registry.url('/events');
        const minBackoff = this.options.minBackoffMs ?? 250;
        let backoff = minBackoff;
        while (!signal.aborted) {
            try {
                await this.follow(url, signal, () => (backoff = minBackoff));
                if (!signal.aborted) this.options.logger.warn('registry event stream ended; reconnecting');
            } catch (e) {
                if (signal.aborted) break;
                this.options.logger.warn(
                    `registry event stream ${redactUrl(url)} failed (${describe(e)}); retrying in ${backoff} ms`,
                );
            }
            await sleep(backoff, signal);
            backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 10000);
        }
    }

    private async follow(url: string, signal: AbortSignal, onOpen: () => void): Promise<void> {
        const res = await fetch(url, {
            headers: this.registry.headers({ accept: 'text/event-stream' }),
            signal,
        });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onOpen();
        this.options.onConnect();
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body) {
            buffer += decoder.decode(chunk as Uint8Array, { stream: true });
            let match: RegExpExecArray | null;
            while ((match = /\r?\n\r?\n/.exec(buffer))) {
                this.dispatch(buffer.slice(0, match.index));
                buffer = buffer.slice(match.index + match[0].length);
            }
        }
    }

    /** One SSE block: `event:` and `data:` lines. */
    private dispatch(block: string): void {
        let type = 'message';
        const data: string[] = [];
        for (const line of block.split(/\r?\n/)) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (type !== 'device' || data.length === 0) return;
        let json: unknown;
        try {
            json = JSON.parse(data.join('\n'));
        } catch {
            json = undefined;
        }
        const checked = checkAgainst(deviceEvent, json);
        if (checked.ok) this.options.onEvent(checked.value);
        else this.options.logger.warn('ignored a registry event the API contract does not allow');
    }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
        });
    });
}

function describe(e: unknown): string {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return cause ?? (e as Error).message;
}
