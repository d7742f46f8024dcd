/**
 * What happened around the data, so that a stretch without readings can be
 * explained: a device going offline and back (last will, timeout, broker
 * down), messages counted lost (seq gaps), the bridge itself stopping and
 * starting, and points the store had to drop. The SQLite store keeps these in
 * its own table (they survive restarts); without it a bounded in-memory log
 * per device keeps the recent ones.
 */
export type HistoryEventKind = 'offline' | 'online' | 'lost' | 'start' | 'stop' | 'dropped';

export interface HistoryEvent {
    /** A device id, or STORE_EVENTS for the store's own start/stop/dropped events. */
    device: string;
    time: number;
    kind: HistoryEventKind;
    /** offline: status | timeout | broker. */
    reason?: string;
    /** lost / dropped: how many. */
    count?: number;
}

/** The pseudo device the store's own events are filed under (no device id can contain parentheses). */
export const STORE_EVENTS = '(store)';

export interface HistoryEventLog {
    addEvent(event: HistoryEvent): void;
    /**
     * Events of the device and of the store between fromMs and toMs, oldest
     * first, preceded by the last event of each before fromMs (the state at the
     * window's start).
     */
    eventsAround(device: string, fromMs: number, toMs: number): HistoryEvent[];
}

const PER_DEVICE = 64;

export class MemoryEventLog implements HistoryEventLog {
    private readonly byDevice = new Map<string, HistoryEvent[]>();

    constructor(private readonly maxDevices = 10000) {}

    addEvent(event: HistoryEvent): void {
        let list = this.byDevice.get(event.device);
        if (!list) {
            if (this.byDevice.size >= this.maxDevices) {
                const oldest = this.byDevice.keys().next();
                if (!oldest.done) this.byDevice.delete(oldest.value);
            }
            list = [];
            this.byDevice.set(event.device, list);
        }
        list.push(event);
        if (list.length > PER_DEVICE) list.shift();
    }

    forget(device: string): void {
        this.byDevice.delete(device);
    }

    eventsAround(device: string, fromMs: number, toMs: number): HistoryEvent[] {
        return [
            ...around(this.byDevice.get(device) ?? [], fromMs, toMs),
            ...around(this.byDevice.get(STORE_EVENTS) ?? [], fromMs, toMs),
        ].sort((a, b) => a.time - b.time);
    }
}

function around(list: HistoryEvent[], fromMs: number, toMs: number): HistoryEvent[] {
    const out: HistoryEvent[] = [];
    let before: HistoryEvent | undefined;
    for (const e of list) {
        if (e.time < fromMs) {
            if (e.kind !== 'lost' && e.kind !== 'dropped') before = e;
        } else if (e.time <= toMs) out.push(e);
    }
    return before ? [before, ...out] : out;
}
