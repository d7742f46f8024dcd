import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionSettings } from '../../nodes/lib/influx/client';
import { InfluxV2Client } from '../../nodes/lib/influx/v2-client';
import { WriteError } from '../../nodes/lib/influx/write-error';

interface Seen {
    method?: string;
    url?: string;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
}

/**
 * The v2 write as InfluxDB 2.x receives it (no InfluxDB 2 runs here: VictoriaMetrics, in the
 * node tests, takes the same write but checks no token). A local server records the request.
 */
describe('unit: InfluxV2Client write', () => {
    let server: http.Server;
    let seen: Seen[];
    let status: number;
    let url: string;

    before(async () => {
        server = http.createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => {
                seen.push({
                    method: req.method,
                    url: req.url,
                    headers: req.headers,
                    body: Buffer.concat(chunks),
                });
                res.statusCode = status;
                res.end(
                    status === 204 ? undefined : '{"code":"unauthorized","message":"unauthorized access"}',
                );
            });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());
    beforeEach(() => {
        seen = [];
        status = 204;
    });

    const settings = (token?: string): ConnectionSettings => ({
        url,
        database: '',
        retentionPolicy: '',
        createDatabase: false,
        org: 'acme',
        bucket: 'home/sensors',
        token,
        timeoutMs: 5000,
        maxSockets: 2,
    });

    it('posts the body bytes to /api/v2/write with org, bucket, µs precision and the token', async () => {
        const client = new InfluxV2Client(settings('s3cret'));
        const body = Buffer.from('sensor_data,device_id=d1,sensor=t,unit=°C reading=21.5 1700000000000000');
        await client.write(body, new AbortController().signal);
        client.close();
        assert.equal(seen.length, 1);
        const [request] = seen;
        assert.equal(request.method, 'POST');
        assert.equal(request.url, '/api/v2/write?org=acme&bucket=home%2Fsensors&precision=us');
        assert.equal(request.headers.authorization, 'Token s3cret');
        assert.equal(request.headers['content-type'], 'text/plain; charset=utf-8');
        assert.equal(request.headers['content-length'], String(body.length));
        assert.deepEqual(request.body, body);
    });

    it('sends no authorization header without a token', async () => {
        const client = new InfluxV2Client(settings());
        await client.write(Buffer.from('m v=1 1'), new AbortController().signal);
        client.close();
        assert.equal(seen[0]?.headers.authorization, undefined);
    });

    it('a refused token is a WriteError with the status, not retried', async () => {
        status = 401;
        const client = new InfluxV2Client(settings('wrong'));
        const failure = await client.write(Buffer.from('m v=1 1'), new AbortController().signal).then(
            () => undefined,
            (e: unknown) => e,
        );
        client.close();
        assert.ok(failure instanceof WriteError);
        assert.equal(failure.status, 401);
        assert.equal(failure.retriable, false);
        assert.match(failure.message, /401: .*unauthorized access/);
    });
});
