import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../../mcp-adapter/src/logger';
import { SessionPool, sessionLabel, type SessionPoolOptions } from '../../mcp-adapter/src/session-pool';
import { fakeTimers, flush } from './support/wire';

/** One HTTP exchange: open until close() (the client or the server ends it). */
class Exchange extends EventEmitter {
    closed = false;
    close(): void {
        this.closed = true;
        this.emit('close');
    }
}

class FakeTransport {
    closes = 0;
    constructor(private readonly fail = false) {}
    close(): Promise<void> {
        this.closes++;
        return this.fail ? Promise.reject(new Error('boom')) : Promise.resolve();
    }
}

class RecordingLogger implements Logger {
    readonly lines: string[] = [];
    debug(m: string): void {
        this.lines.push(`debug ${m}`);
    }
    info(m: string): void {
        this.lines.push(`info ${m}`);
    }
    warn(m: string): void {
        this.lines.push(`warn ${m}`);
    }
    error(m: string): void {
        this.lines.push(`error ${m}`);
    }
}

const asTransport = (t: FakeTransport) => t as unknown as StreamableHTTPServerTransport;
const asResponse = (e: Exchange) => e as unknown as ServerResponse;

const ID = (n: number) => `session-${n}-0123456789abcdef`;

function setup(options: Partial<Omit<SessionPoolOptions, 'logger'>> = {}) {
    const logger = new RecordingLogger();
    const pool = new SessionPool({ idleTimeoutMs: 1000, maxSessions: 3, logger, ...options });
    const transports = new Map<string, FakeTransport>();
    /** Reserves, adds and returns the session's initialize exchange (still open). */
    const open = (n: number, transport = new FakeTransport()): Exchange => {
        assert.equal(pool.reserve(), true, `room for ${ID(n)}`);
        const init = new Exchange();
        transports.set(ID(n), transport);
        pool.add(ID(n), asTransport(transport), asResponse(init));
        return init;
    };
    /** A further exchange of an open session (a request, or the GET stream). */
    const use = (n: number): Exchange => {
        const exchange = new Exchange();
        pool.track(ID(n), asResponse(exchange));
        return exchange;
    };
    return { pool, logger, transports, open, use };
}

describe('unit: SessionPool', () => {
    let clock: ReturnType<typeof fakeTimers>;
    beforeEach(() => {
        clock = fakeTimers();
    });
    afterEach(() => clock.restore());

    it('counts a session busy while any of its exchanges is open', () => {
        const { pool, open, use } = setup();
        const init = open(1);
        open(2).close();
        assert.deepEqual(pool.counts(), { open: 2, idle: 1 });
        const stream = use(1);
        init.close();
        assert.deepEqual(pool.counts(), { open: 2, idle: 1 }, 'the stream still holds session 1');
        stream.close();
        assert.deepEqual(pool.counts(), { open: 2, idle: 2 });
    });

    it('closes a session idle for idleTimeoutMs, logging only a prefix of its id', () => {
        const { pool, logger, transports, open } = setup();
        open(1).close();
        clock.tick(999);
        assert.ok(pool.transport(ID(1)));
        clock.tick(1);
        assert.equal(pool.transport(ID(1)), undefined);
        assert.equal(transports.get(ID(1))?.closes, 1);
        assert.deepEqual(pool.counts(), { open: 0, idle: 0 });
        assert.equal(logger.lines.length, 1);
        assert.match(logger.lines[0] ?? '', /^info closed MCP session session-…: idle for 1 s/);
        assert.ok(!logger.lines[0]?.includes(ID(1)), 'the full id is a credential');
    });

    it('never expires a busy session, and counts idleness from the last exchange', () => {
        const { pool, open, use } = setup();
        open(1).close();
        clock.tick(900);
        const request = use(1);
        clock.tick(5000);
        assert.ok(pool.transport(ID(1)), 'busy: no expiry');
        request.close();
        clock.tick(999);
        assert.ok(pool.transport(ID(1)));
        clock.tick(1);
        assert.equal(pool.transport(ID(1)), undefined);
    });

    it('keeps idle sessions forever with idleTimeoutMs 0', () => {
        const { pool, open } = setup({ idleTimeoutMs: 0 });
        open(1).close();
        clock.tick(365 * 24 * 3600 * 1000);
        assert.ok(pool.transport(ID(1)));
    });

    it('when full, evicts the least recently used idle session', () => {
        const { pool, logger, transports, open, use } = setup({ maxSessions: 3, idleTimeoutMs: 0 });
        open(1).close();
        open(2).close();
        open(3).close();
        use(1).close(); // 1 is now the most recently used; 2 the least
        assert.equal(pool.reserve(), true);
        assert.equal(pool.transport(ID(2)), undefined);
        assert.equal(transports.get(ID(2))?.closes, 1);
        assert.ok(pool.transport(ID(1)) && pool.transport(ID(3)));
        assert.match(logger.lines.at(-1) ?? '', /^warn evicted idle MCP session session-…: --max-sessions 3/);
    });

    it('skips busy sessions when evicting, and refuses when every session is busy', () => {
        const { pool, transports, open } = setup({ maxSessions: 2, idleTimeoutMs: 0 });
        const busy1 = open(1);
        open(2);
        assert.equal(pool.reserve(), false);
        assert.deepEqual([transports.get(ID(1))?.closes, transports.get(ID(2))?.closes], [0, 0]);
        assert.deepEqual(pool.counts(), { open: 2, idle: 0 });
        busy1.close();
        assert.equal(pool.reserve(), true, 'session 1 is idle now: it makes room');
        assert.equal(transports.get(ID(1))?.closes, 1);
        assert.ok(pool.transport(ID(2)));
    });

    it('counts reservations not yet registered against the cap', () => {
        const { pool } = setup({ maxSessions: 1 });
        assert.equal(pool.reserve(), true);
        assert.equal(pool.reserve(), false);
        pool.cancelReservation();
        assert.equal(pool.reserve(), true);
    });

    it('does not count a session busy for an exchange that closed before it was tracked', () => {
        const { pool, open } = setup();
        open(1).close();
        const gone = new Exchange();
        gone.closed = true;
        pool.track(ID(1), asResponse(gone));
        assert.deepEqual(pool.counts(), { open: 1, idle: 1 });
        clock.tick(1000);
        assert.equal(pool.transport(ID(1)), undefined, 'and it still expires');
    });

    it('forgets a removed session, and its open exchanges closing later change nothing', () => {
        const { pool, transports, open } = setup();
        const init = open(1);
        pool.remove(ID(1));
        init.close();
        clock.tick(5000);
        assert.deepEqual(pool.counts(), { open: 0, idle: 0 });
        assert.equal(transports.get(ID(1))?.closes, 0, 'remove() is for transports that closed themselves');
        pool.track(ID(1), asResponse(new Exchange()));
        assert.deepEqual(pool.counts(), { open: 0, idle: 0 }, 'an unknown id is not tracked');
    });

    it('closeAll() closes every transport', async () => {
        const { pool, transports, open } = setup();
        open(1);
        open(2).close();
        await pool.closeAll();
        assert.deepEqual(
            [...transports.values()].map((t) => t.closes),
            [1, 1],
        );
        assert.deepEqual(pool.counts(), { open: 0, idle: 0 });
    });

    it('logs a transport that fails to close, and still forgets the session', async () => {
        const { pool, logger, open } = setup();
        open(1, new FakeTransport(true)).close();
        clock.tick(1000);
        await flush();
        assert.equal(pool.transport(ID(1)), undefined);
        assert.match(logger.lines.at(-1) ?? '', /^warn closing MCP session session-… failed: boom/);
    });

    it('sessionLabel() shows only the first 8 characters', () => {
        assert.equal(sessionLabel('abcdefgh-secret'), 'abcdefgh…');
    });
});
