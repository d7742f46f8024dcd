/**
 * Guards the registry's state-changing routes against cross-site requests: a
 * web page can make a browser send a form post (or a "simple" request) to a
 * local Node-RED without reading the answer, so such routes accept only
 * `application/json` bodies (which a page cannot send cross-site without a
 * CORS preflight that Node-RED does not grant) and refuse any request a browser
 * marks as coming from another site (`Sec-Fetch-Site`) or whose `Origin` is not
 * this server. Non-browser clients (the MCP adapter, curl) send neither header.
 */
import type { AdminHandler, AdminRequest } from '../node-red-types';

function firstHeader(req: AdminRequest, name: string): string | undefined {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
}

/** Why a request must be refused, or undefined when it may go on. */
export function crossSiteProblem(
    req: AdminRequest,
): { code: 'CROSS_SITE' | 'UNSUPPORTED_MEDIA_TYPE'; message: string } | undefined {
    const site = firstHeader(req, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return { code: 'CROSS_SITE', message: `cross-site request refused (Sec-Fetch-Site: ${site})` };
    }
    const origin = firstHeader(req, 'origin');
    if (origin !== undefined && origin !== 'null') {
        let host: string | undefined;
        try {
            host = new URL(origin).host;
        } catch {
            host = undefined;
        }
        if (host !== firstHeader(req, 'host')) {
            return { code: 'CROSS_SITE', message: 'cross-site request refused (Origin is not this server)' };
        }
    } else if (origin === 'null') {
        return { code: 'CROSS_SITE', message: 'cross-site request refused (opaque Origin)' };
    }
    if (req.method !== 'DELETE') {
        const type = (firstHeader(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
        if (type !== 'application/json') {
            return {
                code: 'UNSUPPORTED_MEDIA_TYPE',
                message: `this route accepts only application/json bodies (got ${type || 'none'})`,
            };
        }
    }
    return undefined;
}

export const refuseCrossSite: AdminHandler = (req, res, next) => {
    const problem = crossSiteProblem(req);
    if (!problem) return next();
    res.status(problem.code === 'CROSS_SITE' ? 403 : 415).json({ error: problem });
};
