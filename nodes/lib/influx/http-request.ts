/**
 * One HTTP request over a private keep-alive agent (node:http/https), so a
 * server node can release its sockets on close and bound how many it opens.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
    status: number;
    body: string;
    retryAfter?: string;
}

export interface HttpTarget {
    base: URL;
    agent: http.Agent;
    timeoutMs: number;
}

export function httpTarget(url: string, maxSockets: number, timeoutMs: number): HttpTarget {
    const base = new URL(url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
        throw new Error(`InfluxDB URL must start with http:// or https://, got "${url}"`);
    }
    const options = { keepAlive: true, maxSockets };
    const agent = base.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    return { base, agent, timeoutMs };
}

export function httpRequest(
    target: HttpTarget,
    method: 'GET' | 'POST',
    pathAndQuery: string,
    headers: Record<string, string>,
    body?: string | Buffer,
    signal?: AbortSignal,
): Promise<HttpAnswer> {
    const { base, agent, timeoutMs } = target;
    const lib = base.protocol === 'https:' ? https : http;
    const prefix = base.pathname.replace(/\/+$/, '');
    return new Promise((resolve, reject) => {
        const req = lib.request(
            {
                protocol: base.protocol,
                hostname: base.hostname,
                port: base.port,
                path: prefix + pathAndQuery,
                method,
                agent,
                signal,
                timeout: timeoutMs,
                headers:
                    body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) },
            },
            (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (c: Buffer) => chunks.push(c));
                res.on('error', reject);
                res.on('end', () => {
                    const retryAfter = res.headers['retry-after'];
                    resolve({
                        status: res.statusCode ?? 0,
                        body: Buffer.concat(chunks).toString('utf8'),
                        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
                    });
                });
            },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
    });
}
