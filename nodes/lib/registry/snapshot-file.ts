/**
 * Keeps the registry across Node-RED restarts: a JSON snapshot under the
 * user directory, written at most once per debounce interval after a change
 * (atomically: temp file + rename) and synchronously on close.
 *
 * Off the hot path: a reading costs the snapshot nothing. A device's message
 * counter moves with every message the registry applies, so a write finds the
 * devices readings changed by comparing it with the count it last serialised
 * (a 'reading' event per message cost about 0.3 µs, 2% of the decode node's
 * hot path); other changes come as 'change' events. A write serialises those
 * devices again and reuses the cached UTF-8 JSON of the others, so its
 * synchronous cost follows what changed, not the fleet size; the file is
 * written asynchronously, straight from the cached parts (one gathered write,
 * no copy of the whole file in memory). Readings are looked for once per
 * debounce interval: the registry's message total moved. Each write also
 * serialises again the next 1/REFRESH_WRITES of the devices, round robin, so
 * state that changed without a 'change' event (e.g. command counters) reaches
 * the file within REFRESH_WRITES writes; a full serialisation every
 * REFRESH_WRITES-th write did the same with a pause of about 160 ms for 10,000
 * devices. The write on close serialises everything.
 */
import fs from 'node:fs';
import type { CapabilitiesPayload, DeviceChange } from '@mcp-mqtt-bridge/protocol';
import type { DeviceRegistry } from './device-registry';
import type { DeviceRecord } from './types';
import { registryWide, restoreSnapshot, savedDevice, snapshotOf } from './registry-snapshot';

/**
 * Writes within which every device is serialised again, changed or not. The slice is by position
 * in the registry: a device added or removed meanwhile shifts the others, which can put one off by
 * a round (at most twice this many writes).
 */
export const REFRESH_WRITES = 30;
const COMMA = Buffer.from(',');
const HEAD_PLACEHOLDER = Buffer.alloc(0);
const CAPABILITIES_KEY = Buffer.from('{"capabilities":');
const NO_CAPABILITIES = Buffer.from('null');

export interface SnapshotWriteStats {
    writes: number;
    /** Devices serialised again because they changed (or were not cached), in all. */
    serialised: number;
    /** Unchanged devices serialised again by the round-robin refresh, in all. */
    refreshed: number;
    /** Synchronous time spent building the text, in all (ms). */
    buildMs: number;
    /** The longest single synchronous build (ms). */
    maxBuildMs: number;
    bytes: number;
    /** Capabilities documents serialised, in all (each once: see capabilitiesJson). */
    capabilitiesSerialised: number;
}

/**
 * A device serialised (UTF-8 JSON), with its message counter then: its
 * capabilities (shared by every device with that document) and the rest,
 * which starts with the comma after them.
 */
interface Serialised {
    capabilities: Buffer;
    rest: Buffer;
    messages: number;
}

export class SnapshotFile {
    private timer: NodeJS.Timeout | undefined;
    /** Looks for readings applied since the last write (see the header). */
    private watch: NodeJS.Timeout | undefined;
    /** The registry's message total when the watch last looked. */
    private messagesSeen = 0;
    /** Serialised devices by id, in registry order when joined. */
    private readonly cache = new Map<string, Serialised>();
    /** Each capabilities document's UTF-8 JSON, by the document (see capabilitiesJson). */
    private readonly capabilitiesText = new WeakMap<CapabilitiesPayload, Buffer>();
    private readonly dirty = new Set<string>();
    private writing = false;
    /** A change arrived while a write was in flight: write again after it. */
    private again = false;
    private closed = false;
    /** Where the next write's refresh starts, as an index into the registry's devices. */
    private refreshFrom = 0;
    readonly stats: SnapshotWriteStats = {
        writes: 0,
        serialised: 0,
        refreshed: 0,
        buildMs: 0,
        maxBuildMs: 0,
        bytes: 0,
        capabilitiesSerialised: 0,
    };
    private readonly onChange = (deviceId: string, change: DeviceChange) => {
        if (change === 'removed') this.cache.delete(deviceId);
        else this.dirty.add(deviceId);
        this.schedule();
    };

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
        this.messagesSeen = this.registry.counters.totals.messages;
        this.watch = setInterval(() => {
            const messages = this.registry.counters.totals.messages;
            if (messages === this.messagesSeen) return;
            this.messagesSeen = messages;
            // This interval is the debounce; a write already scheduled by a change takes them too.
            if (this.timer === undefined) this.write();
        }, this.debounceMs);
        this.watch.unref();
    }

    /** Stops watching and writes the final state (everything, synchronously). */
    close(): void {
        this.registry.off('change', this.onChange);
        clearInterval(this.watch);
        clearTimeout(this.timer);
        this.timer = undefined;
        this.closed = true;
        try {
            const temp = `${this.file}.tmp`;
            fs.writeFileSync(temp, JSON.stringify(snapshotOf(this.registry)));
            fs.renameSync(temp, this.file);
        } catch (e) {
            this.onError(e as Error);
        }
    }

    /**
     * The snapshot's bytes now (incremental, with the next refresh slice; `full`: everything
     * serialised again); exposed for the benchmark and tests.
     */
    build(full = false): Buffer {
        return Buffer.concat(this.buildParts(full));
    }

    /** What build() returns, in the parts the file is written from. */
    private buildParts(full: boolean): Buffer[] {
        const started = performance.now();
        const { registry } = this;
        if (full) {
            this.cache.clear();
            this.dirty.clear();
        }
        const count = registry.devices.size;
        const refresh = full || count === 0 ? 0 : Math.ceil(count / REFRESH_WRITES);
        const from = count === 0 ? 0 : this.refreshFrom % count;
        const parts: Buffer[] = [HEAD_PLACEHOLDER];
        let index = 0;
        for (const [id, record] of registry.devices) {
            const inRefresh = (index - from + count) % count < refresh;
            index++;
            let device = this.cache.get(id);
            // A moved message counter: readings (or other messages) applied since it was serialised.
            if (device === undefined || device.messages !== record.counters.messages || this.dirty.has(id)) {
                device = this.serialise(id, record);
                this.stats.serialised++;
            } else if (inRefresh) {
                device = this.serialise(id, record);
                this.stats.refreshed++;
            }
            if (parts.length > 1) parts.push(COMMA);
            parts.push(CAPABILITIES_KEY, device.capabilities, device.rest);
        }
        this.refreshFrom = count === 0 ? 0 : (from + refresh) % count;
        this.dirty.clear();
        if (this.cache.size > registry.devices.size) {
            for (const id of this.cache.keys()) if (!registry.devices.has(id)) this.cache.delete(id);
        }
        parts[0] = Buffer.from(
            `{"version":2,"saved_at":${JSON.stringify(new Date().toISOString())},"devices":[`,
        );
        // `],` then the registry-wide fields, as snapshotOf() writes them ({"alerts":…} without its `{`).
        parts.push(Buffer.from(`],${JSON.stringify(registryWide(registry)).slice(1)}`));
        const ms = performance.now() - started;
        this.stats.buildMs += ms;
        this.stats.maxBuildMs = Math.max(this.stats.maxBuildMs, ms);
        this.stats.bytes = parts.reduce((bytes, part) => bytes + part.length, 0);
        return parts;
    }

    private serialise(id: string, record: DeviceRecord): Serialised {
        const { capabilities, ...rest } = savedDevice(this.registry, record);
        // `rest` always holds the id: `{…}` is never empty, so `,` may follow the capabilities.
        const device: Serialised = {
            capabilities: capabilities ? this.capabilitiesJson(capabilities) : NO_CAPABILITIES,
            rest: Buffer.from(`,${JSON.stringify(rest).slice(1)}`),
            messages: record.counters.messages,
        };
        this.cache.set(id, device);
        return device;
    }

    /**
     * A capabilities document is more than half of a typical device's JSON (1,253 of 2,167 bytes
     * for the simulator's profile), yet changes only when the device announces new capabilities.
     * The registry replaces the document then, never changes it in place (its reading checks rely
     * on that too), so its JSON is kept by the document's identity, encoded once.
     */
    private capabilitiesJson(capabilities: CapabilitiesPayload): Buffer {
        let json = this.capabilitiesText.get(capabilities);
        if (json === undefined) {
            json = Buffer.from(JSON.stringify(capabilities));
            this.capabilitiesText.set(capabilities, json);
            this.stats.capabilitiesSerialised++;
        }
        return json;
    }

    private schedule(): void {
        if (this.timer || this.closed) return;
        this.timer = setTimeout(() => {
            this.timer = undefined;
            this.write();
        }, this.debounceMs);
    }

    private write(): void {
        if (this.writing) {
            this.again = true;
            return;
        }
        let parts: Buffer[];
        try {
            parts = this.buildParts(false);
        } catch (e) {
            this.onError(e as Error);
            return;
        }
        this.writing = true;
        this.stats.writes++;
        const temp = `${this.file}.tmp-async`;
        writeParts(temp, parts)
            .then(() => {
                // close() wrote the final state meanwhile: this older one must not replace it.
                if (this.closed) return fs.promises.rm(temp, { force: true });
                fs.renameSync(temp, this.file);
            })
            .catch((e: unknown) => this.onError(e as Error))
            .finally(() => {
                this.writing = false;
                if (this.again && !this.closed) {
                    this.again = false;
                    this.schedule();
                }
            });
    }
}

/** Writes `parts` to a new file in one gathered write (the cached parts are never changed in place). */
async function writeParts(file: string, parts: Buffer[]): Promise<void> {
    const bytes = parts.reduce((sum, part) => sum + part.length, 0);
    const handle = await fs.promises.open(file, 'w');
    try {
        const { bytesWritten } = await handle.writev(parts);
        if (bytesWritten !== bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes to ${file}`);
    } finally {
        await handle.close();
    }
}
