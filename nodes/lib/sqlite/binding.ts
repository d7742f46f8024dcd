/**
 * Opens an SQLite database with whichever binding this runtime has, behind
 * one small synchronous interface (both bindings are synchronous):
 *
 * 1. `node:sqlite` (built into Node >= 22.5; unflagged from 22.13): nothing to
 *    install, never out of step with the runtime's ABI. Node 22 and 24 print
 *    one ExperimentalWarning when it is first loaded.
 * 2. `better-sqlite3` 12.x, an optional dependency of the pack, for Node 20
 *    (it is a native addon: when its install failed, or it was built for
 *    another Node version, it does not load).
 * 3. Neither: the caller falls back to the in-memory history and says why.
 *
 * docs/history.md explains the choice.
 */

export type SqlValue = number | string | null;

export interface SqlStatement {
    run(...params: SqlValue[]): unknown;
    all(...params: SqlValue[]): Record<string, SqlValue>[];
    get(...params: SqlValue[]): Record<string, SqlValue> | undefined;
}

export interface SqlDatabase {
    exec(sql: string): void;
    prepare(sql: string): SqlStatement;
    close(): void;
}

export type BindingName = 'node:sqlite' | 'better-sqlite3';

export interface OpenedDatabase {
    db: SqlDatabase;
    binding: BindingName;
}

type DatabaseConstructor = new (file: string) => SqlDatabase;

/** node:sqlite's DatabaseSync, when this runtime has it (undefined on Node 20 and early 22). */
function nodeSqlite(): DatabaseConstructor | undefined {
    const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    if (typeof getBuiltin !== 'function') return undefined;
    try {
        const mod = getBuiltin('node:sqlite') as { DatabaseSync?: DatabaseConstructor } | undefined;
        return mod?.DatabaseSync;
    } catch {
        return undefined;
    }
}

function betterSqlite3(): DatabaseConstructor {
    // A plain require: the package is optional and may be missing or built for another ABI.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('better-sqlite3') as DatabaseConstructor;
}

/** Which bindings to try, in order; tests force one. */
export type BindingPreference = 'auto' | BindingName;

/**
 * Opens (creating if needed) the database file. Throws an Error whose message
 * says which bindings were tried and why each failed.
 */
export function openDatabase(file: string, prefer: BindingPreference = 'auto'): OpenedDatabase {
    const reasons: string[] = [];
    if (prefer === 'auto' || prefer === 'node:sqlite') {
        const DatabaseSync = nodeSqlite();
        if (DatabaseSync) return { db: new DatabaseSync(file), binding: 'node:sqlite' };
        reasons.push(`node:sqlite is not available in Node ${process.versions.node} (needs >= 22.13)`);
    }
    if (prefer === 'auto' || prefer === 'better-sqlite3') {
        try {
            const Database = betterSqlite3();
            return { db: new Database(file), binding: 'better-sqlite3' };
        } catch (e) {
            const first = String((e as Error).message).split('\n')[0];
            reasons.push(`better-sqlite3 did not load (${first})`);
        }
    }
    throw new Error(`no SQLite binding: ${reasons.join('; ')}`);
}

/** True when openDatabase() can succeed on this runtime (without creating a file). */
export function sqliteAvailable(): boolean {
    try {
        openDatabase(':memory:').db.close();
        return true;
    } catch {
        return false;
    }
}
