/**
 * The open Streamable HTTP sessions and their lifetime. A session is busy
 * while any of its HTTP exchanges is open (a request in flight, a POST's SSE
 * reply, the standalone GET stream) and idle otherwise. Idle sessions expire
 * after `idleTimeoutMs`; when `maxSessions` are open, a new session first
 * evicts the least recently used idle one, and is refused when all are busy.
 * Without this, a client that initialises and vanishes (or a loop of
 * initialize calls) would hold memory and registry subscriptions forever.
 */
import type { ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from './logger';

export interface SessionPoolOptions {
    /** Close a session idle this long; 0 = never. */
    idleTimeoutMs: number;
    maxSessions: number;
    logger: Logger;
}

export interface SessionCounts {
    open: number;
    idle: number;
}

interface Entry {
    id: string;
    transport: StreamableHTTPServerTransport;
    /** Open HTTP exchanges of this session. */
    open: number;
    idleTimer?: NodeJS.Timeout;
}

/** Session ids act as credentials: logs show only a prefix. */
export function sessionLabel(id: string): string {
    return `${id.slice(0, 8)}…`;
}

export class SessionPool {
    /** Kept in least-recently-used-first order: every use moves an entry to the end. */
    private readonly entries = new Map<string, Entry>();
    /** Initialize requests admitted but not yet registered. */
    private pending = 0;

    constructor(private readonly options: SessionPoolOptions) {}

    /** Open sessions, and how many of them are idle (what the cap may evict). */
    counts(): SessionCounts {
        let idle = 0;
        for (const entry of this.entries.values()) if (entry.open === 0) idle++;
        return { open: this.entries.size, idle };
    }

    transport(id: string): StreamableHTTPServerTransport | undefined {
        return this.entries.get(id)?.transport;
    }

    /**
     * Makes room for one new session, evicting the least recently used idle
     * session when the pool is full. False when every session is busy.
     * A successful reservation ends with add() or cancelReservation().
     */
    reserve(): boolean {
        if (this.entries.size + this.pending >= this.options.maxSessions) {
            const victim = [...this.entries.values()].find((e) => e.open === 0);
            if (!victim) return false;
            this.options.logger.warn(
                `evicted idle MCP session ${sessionLabel(victim.id)}: --max-sessions ${this.options.maxSessions} ` +
                    'reached and it was the least recently used',
            );
            this.close(victim);
        }
        this.pending++;
        return true;
    }

    cancelReservation(): void {
        this.pending--;
    }

    /** Registers a reserved session; `res` is its initialize exchange, still open. */
    add(id: string, transport: StreamableHTTPServerTransport, res: ServerResponse): void {
        this.pending--;
        this.entries.set(id, { id, transport, open: 0 });
        this.track(id, res);
    }

    /** Counts one HTTP exchange of the session as open until its response closes. */
    track(id: string, res: ServerResponse): void {
        const entry = this.entries.get(id);
        if (!entry) return;
        clearTimeout(entry.idleTimer);
        entry.open++;
        this.touch(entry);
        const done = () => {
            entry.open--;
            if (this.entries.get(id) !== entry) return; // already closed
            this.touch(entry);
            if (entry.open === 0) this.armIdleTimer(entry);
        };
        // A client that hung up already must not leave the session counted busy forever.
        if (res.closed) done();
        else res.once('close', done);
    }

    /** Forgets a session whose transport closed (DELETE, expiry, eviction, shutdown). */
    remove(id: string): void {
        const entry = this.entries.get(id);
        if (!entry) return;
        clearTimeout(entry.idleTimer);
        this.entries.delete(id);
    }

    async closeAll(): Promise<void> {
        const all = [...this.entries.values()];
        for (const entry of all) this.remove(entry.id);
        await Promise.all(all.map((e) => e.transport.close()));
    }

    private touch(entry: Entry): void {
        this.entries.delete(entry.id);
        this.entries.set(entry.id, entry);
    }

    private armIdleTimer(entry: Entry): void {
        const timeout = this.options.idleTimeoutMs;
        if (timeout <= 0) return;
        entry.idleTimer = setTimeout(() => {
            this.options.logger.info(
                `closed MCP session ${sessionLabel(entry.id)}: idle for ${timeout / 1000} s (no request, no open stream)`,
            );
            this.close(entry);
        }, timeout);
        entry.idleTimer.unref();
    }

    /** Closing the transport runs its onclose, which releases the session's server and subscriptions. */
    private close(entry: Entry): void {
        this.remove(entry.id);
        entry.transport.close().catch((e: unknown) => {
            this.options.logger.warn(
                `closing MCP session ${sessionLabel(entry.id)} failed: ${(e as Error).message}`,
            );
        });
    }
}
