/**
 * The command ledger: every command the registry handled — from an MCP
 * client, a flow, the editor or the API — with its origin, the caller's
 * stated reason, the approval it used, its outcome and timing. A ring of
 * bounded size (the oldest entry goes first), persisted with the snapshot,
 * read newest first with filters and a stable cursor (the entry's seq).
 */
import {
    COMMAND_LOG_CAPACITY,
    commandLogEntry,
    type CommandLog,
    type CommandLogEntry,
} from '@mcp-mqtt-bridge/protocol';

export interface LedgerQuery {
    device?: string;
    actuator?: string;
    outcome?: string;
    /** Only entries at or after this time (ms since the epoch). */
    sinceMs?: number;
    /** Only entries older than this seq (the previous page's next_cursor). */
    before?: number;
    limit: number;
}

export class CommandLedger {
    private entries: CommandLogEntry[] = [];
    private nextSeq = 1;

    constructor(private readonly capacity = COMMAND_LOG_CAPACITY) {}

    /** Records an entry (its seq is assigned here) and returns it. */
    add(entry: Omit<CommandLogEntry, 'seq'>): CommandLogEntry {
        const kept: CommandLogEntry = { seq: this.nextSeq++, ...entry };
        this.entries.push(kept);
        if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
        return kept;
    }

    get size(): number {
        return this.entries.length;
    }

    query(q: LedgerQuery): CommandLog {
        const matching: CommandLogEntry[] = [];
        for (let i = this.entries.length - 1; i >= 0; i--) {
            const e = this.entries[i] as CommandLogEntry;
            if (q.device !== undefined && e.device_id !== q.device) continue;
            if (q.actuator !== undefined && e.actuator !== q.actuator) continue;
            if (q.outcome !== undefined && e.outcome !== q.outcome) continue;
            if (q.sinceMs !== undefined && Date.parse(e.at) < q.sinceMs) continue;
            matching.push(e);
        }
        const before = q.before;
        const start = before === undefined ? 0 : matching.findIndex((e) => e.seq < before);
        const from = start < 0 ? matching.length : start;
        const page = matching.slice(from, from + q.limit);
        const more = from + q.limit < matching.length;
        return {
            entries: page,
            total: matching.length,
            ...(more && page.length ? { next_cursor: String((page.at(-1) as CommandLogEntry).seq) } : {}),
        };
    }

    /** Oldest first, for the snapshot. */
    all(): CommandLogEntry[] {
        return [...this.entries];
    }

    /** Restores saved entries (snapshot); entries that do not match the contract are dropped. */
    load(saved: unknown): void {
        if (!Array.isArray(saved)) return;
        const kept: CommandLogEntry[] = [];
        for (const raw of saved.slice(-this.capacity)) {
            const parsed = commandLogEntry.safeParse(raw);
            if (parsed.success) kept.push(parsed.data);
        }
        this.entries = kept;
        this.nextSeq = Math.max(this.nextSeq, ...kept.map((e) => e.seq + 1));
    }
}
