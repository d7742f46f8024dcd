/**
 * Requests sent to devices (commands, config, diagnostics) waiting for the one
 * answer that echoes their id. Each resolves exactly once: with the answer, or
 * undefined on timeout or when the registry closes.
 */
import type { DeviceMessage } from '@mcp-mqtt-bridge/protocol';

interface Waiter {
    deviceId: string;
    resolve: (answer: DeviceMessage | undefined) => void;
    timer: NodeJS.Timeout;
}

export class PendingRequests {
    private readonly waiting = new Map<string, Waiter>();

    /** Register before publishing, so an answer that beats the publish callback is not missed. */
    wait(commandId: string, deviceId: string, timeoutMs: number): Promise<DeviceMessage | undefined> {
        return new Promise((resolve) => {
            const timer = setTimeout(() => this.finish(commandId, undefined), timeoutMs);
            this.waiting.set(commandId, { deviceId, resolve, timer });
        });
    }

    /** Hands a device's answer to its waiter; false when nobody waits for this id from this device. */
    deliver(commandId: string, answer: DeviceMessage): boolean {
        const waiter = this.waiting.get(commandId);
        if (!waiter || waiter.deviceId !== answer.deviceId) return false;
        this.finish(commandId, answer);
        return true;
    }

    cancel(commandId: string): void {
        this.finish(commandId, undefined);
    }

    closeAll(): void {
        for (const id of [...this.waiting.keys()]) this.finish(id, undefined);
    }

    get size(): number {
        return this.waiting.size;
    }

    private finish(commandId: string, answer: DeviceMessage | undefined): void {
        const waiter = this.waiting.get(commandId);
        if (!waiter) return;
        this.waiting.delete(commandId);
        clearTimeout(waiter.timer);
        waiter.resolve(answer);
    }
}
