/**
 * Checks every HTTP request before the MCP transport sees it: Host (DNS
 * rebinding), Origin (browsers on foreign sites) and the bearer token.
 * The SDK's host-header helper checks only Host, hence this module.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './options';

export interface GuardOptions {
    /** Host names accepted in the Host header; undefined = any (non-loopback bind protected by the token). */
    allowedHostnames?: string[];
    /** Exact origins (scheme://host[:port]) accepted besides loopback ones. */
    allowedOrigins: string[];
    token?: string;
}

export interface Rejection {
    status: 401 | 403;
    message: string;
    headers?: Record<string, string>;
}

function hostnameOf(hostHeader: string): string {
    try {
        return new URL(`http://${hostHeader}`).hostname.toLowerCase();
    } catch {
        return '';
    }
}

function originAllowed(origin: string, allowed: string[]): boolean {
    if (allowed.includes(origin)) return true;
    try {
        return isLoopbackHost(new URL(origin).hostname);
    } catch {
        return false;
    }
}

function tokenMatches(header: string | undefined, token: string): boolean {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1].trim());
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
}

export function checkRequest(req: IncomingMessage, options: GuardOptions): Rejection | undefined {
    const host = req.headers.host;
    if (options.allowedHostnames) {
        const hostname = host ? hostnameOf(host) : '';
        if (!options.allowedHostnames.includes(hostname)) {
            return {
                status: 403,
                message: `Forbidden: Host header ${JSON.stringify(host ?? '')} is not allowed`,
            };
        }
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, options.allowedOrigins)) {
        return { status: 403, message: `Forbidden: Origin ${JSON.stringify(origin)} is not allowed` };
    }
    if (options.token && !tokenMatches(req.headers.authorization, options.token)) {
        return {
            status: 401,
            message: 'Unauthorized: send Authorization: Bearer <token>',
            headers: { 'www-authenticate': 'Bearer realm="mcp-mqtt-bridge"' },
        };
    }
    return undefined;
}
