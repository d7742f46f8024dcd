/** The adapter's options (CLI flags and startAdapter()) and their checks. */
import type { Logger } from './logger';
import type { Policy } from './policy/policy';

/** One registry of a fleet: a Node-RED instance's admin root, its registry node id and token. */
export interface RegistryTarget {
    url: string;
    /** Default `default`. */
    id?: string;
    token?: string;
}

export interface AdapterOptions {
    /** Node-RED admin root serving the registry API, e.g. http://127.0.0.1:1880/ */
    registryUrl: string;
    /** Registry node id, default `default`. */
    registryId?: string;
    /** Node-RED adminAuth bearer token for the registry API. */
    registryToken?: string;
    /**
     * Several registries presented as one fleet (Node-RED instances in one MQTT share group,
     * docs/scale-out.md). When given, replaces registryUrl/registryId/registryToken.
     */
    registries?: RegistryTarget[];
    /** Serve Streamable HTTP instead of stdio. */
    http?: boolean;
    /** HTTP port (0 = any free port). Default 3917. */
    port?: number;
    /** HTTP bind address. Default 127.0.0.1. */
    host?: string;
    /** Bearer token MCP clients must send over HTTP; required off loopback. */
    token?: string;
    /** Extra browser origins allowed to call the HTTP endpoint (loopback origins always are). */
    allowedOrigins?: string[];
    /**
     * HTTP: the access policy (docs/policy.md): each MCP client authenticates with its own bearer
     * token and gets only its scope. Replaces `token`.
     */
    policy?: Policy;
    /** Register no tool that needs the registry's write permission (commands, config, diagnostics). */
    readOnly?: boolean;
    /** Send commands that need confirmation when the client cannot elicit (operator's choice). */
    allowUnconfirmed?: boolean;
    /** Registry request timeout in ms (commands wait for the device on top of this). Default 5000. */
    timeoutMs?: number;
    /** HTTP: close a session without requests or open streams for this long (ms); 0 = never. Default 30 min. */
    sessionIdleTimeoutMs?: number;
    /** HTTP: open sessions at most; a new one evicts the least recently used idle session. Default 100. */
    maxSessions?: number;
    logger?: Logger;
}

export const DEFAULT_PORT = 3917;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_SESSION_IDLE_TIMEOUT_S = 30 * 60;
export const DEFAULT_MAX_SESSIONS = 100;
export const MCP_PATH = '/mcp';

export function isLoopbackHost(host: string): boolean {
    const h = host.replace(/^\[|\]$/g, '').toLowerCase();
    return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Throws with an explanation when the HTTP setup would expose the adapter without a token. */
export function checkHttpExposure(host: string, token: string | undefined): void {
    if (isLoopbackHost(host) || token) return;
    throw new Error(
        `Refusing to listen on ${host} without a bearer token: a non-loopback address exposes device control ` +
            'to the network. Set --token (or MCP_BRIDGE_TOKEN), or bind --host 127.0.0.1.',
    );
}

/** Throws with an explanation when the HTTP session limits cannot work. */
export function checkSessionLimits(idleTimeoutMs: number, maxSessions: number): void {
    if (!Number.isFinite(idleTimeoutMs) || idleTimeoutMs < 0)
        throw new Error(
            `Session idle timeout must be 0 (never) or a positive duration, got ${idleTimeoutMs}`,
        );
    if (!Number.isInteger(maxSessions) || maxSessions < 1)
        throw new Error(`Max sessions must be an integer of at least 1, got ${maxSessions}`);
}

/**
 * --registry-url may be repeated (one fleet over several registries); the
 * n-th --registry-id / --registry-token belong to the n-th URL, and a single
 * one applies to every URL.
 */
export function registryTargets(urls: string[], ids: string[], tokens: string[]): RegistryTarget[] {
    const pick = (list: string[], i: number, what: string): string | undefined => {
        if (list.length > 1 && list.length !== urls.length)
            throw new Error(
                `give one ${what} for all registries, or one per --registry-url (${urls.length})`,
            );
        return list.length === 1 ? list[0] : list[i];
    };
    return urls.map((url, i) => ({
        url,
        id: pick(ids, i, '--registry-id'),
        token: pick(tokens, i, '--registry-token'),
    }));
}
