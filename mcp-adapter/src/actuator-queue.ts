/**
 * Commands to one actuator, one after the other (per adapter). Two commands
 * sent at once would both pass the registry's loop guard check before either
 * was sent, so a user could be asked to confirm both although the guard then
 * refuses the second before sending it. In turn, the second is checked once
 * the first is done, and refused without asking anyone.
 */
export class ActuatorQueue {
    /** Per actuator: settles when the last queued command is done. */
    private readonly tails = new Map<string, Promise<void>>();

    async run<T>(
        deviceId: string,
        actuator: string,
        signal: AbortSignal,
        task: () => Promise<T>,
    ): Promise<T> {
        // Ids are single topic levels: they cannot contain '/'.
        const key = `${deviceId}/${actuator}`;
        const before = this.tails.get(key) ?? Promise.resolve();
        let release = () => {};
        const mine = new Promise<void>((resolve) => (release = resolve));
        // The next command waits for this one and for everything queued before it, even if this one gives up.
        const tail = before.then(() => mine);
        this.tails.set(key, tail);
        try {
            await untilSettledOrAborted(before, signal);
            return await task();
        } finally {
            release();
            void tail.then(() => {
                if (this.tails.get(key) === tail) this.tails.delete(key);
            });
        }
    }

    /** Actuators with a command running or waiting (bounded by the commands in flight). */
    get size(): number {
        return this.tails.size;
    }
}

function untilSettledOrAborted(before: Promise<void>, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        void before.then(() => {
            signal.removeEventListener('abort', onAbort);
            resolve();
        });
    });
}
