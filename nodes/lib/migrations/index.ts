/**
 * Node configuration migrations. Every node saves a `version`; when a flow
 * saved by an older release is deployed, the node's constructor runs the
 * migrations above that version, in order, before reading its settings. Each
 * migration is a pure function with its own tests (test/unit/migrations_spec.ts).
 * The editor applies the same rules when an old node is opened (see the node's
 * oneditprepare), so what the form shows is what runs.
 */
import type { NodeDef } from '../node-red-types';
import { decodeMigrations } from './decode';

export interface Migration {
    /** The version this migration produces. */
    to: number;
    up(def: Record<string, unknown>): Record<string, unknown>;
}

const MIGRATIONS: Record<string, readonly Migration[]> = {
    'mcpb-decode': decodeMigrations,
};

/** The version a node of this type saves today. */
export function currentVersion(type: string): number {
    const list = MIGRATIONS[type] ?? [];
    return list.length ? list[list.length - 1].to : 1;
}

/** The saved configuration brought up to the current version (a copy; the input is not changed). */
export function migrateConfig<D extends NodeDef>(type: string, saved: D): D {
    const from = Number((saved as { version?: unknown }).version) || 1;
    let def: Record<string, unknown> = { ...(saved as object) };
    for (const m of MIGRATIONS[type] ?? []) {
        if (m.to > from) def = { ...m.up(def), version: m.to };
    }
    return def as unknown as D;
}
