/**
 * Keeps the registry across Node-RED restarts: a JSON snapshot under the
 * user directory, written at most once per debounce interval after a change
 * (atomically: temp file + rename) and synchronously on close.
 */
import fs from 'node:fs';
import type { DeviceRegistry } from './device-registry';
import { restoreSnapshot, snapshotOf } from './registry-snapshot';

export class SnapshotFile {
    private timer: NodeJS.Timeout | undefined;
    private readonly onChange = () => this.schedule();

    constructor(
        readonly file: string,
        private readonly registry: DeviceRegistry,
        private readonly debounceMs: number,
        private readonly onError: (err: Error) => void,
    ) {}

    /** Restores the last snapshot, if any; a corrupt file is reported and ignored. */
    load(now: number): boolean {
        let text: string;
        try {
            text = fs.readFileSync(this.file, 'utf8');
        } catch {
            return false;
        }
        try {
            restoreSnapshot(this.registry, JSON.parse(text), now);
            return true;
        } catch (e) {
            this.onError(
                new Error(`ignoring unreadable registry snapshot ${this.file}: ${(e as Error).message}`),
            );
            return false;
        }
    }

    start(): void {
        this.registry.on('change', this.onChange);
    }

    /** Stops watching and writes the final state. */
    close(): void {
        this.registry.off('change', this.onChange);
        clearTimeout(this.timer);
        this.timer = undefined;
        this.write();
    }

    private schedule(): void {
        if (this.timer) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.write();
        }, this.debounceMs);
    }

    private write(): void {
        try {
            const temp = `${this.file}.tmp`;
            fs.writeFileSync(temp, JSON.stringify(snapshotOf(this.registry)));
            fs.renameSync(temp, this.file);
        } catch (e) {
            this.onError(e as Error);
        }
    }
}
