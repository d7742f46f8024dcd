/**
 * InfluxDB v2 API: /api/v2/write (line protocol, token auth) over the same
 * keep-alive request as the v1 client, since the body is bytes (the library's
 * transport takes strings only); Flux queries through
 * @influxdata/influxdb-client. The batching, retries and bounds are ours
 * (BatchWriter), so the library's WriteApi, with a buffer and retry loop of
 * its own, is not used.
 */
import { InfluxDB } from '@influxdata/influxdb-client';
import type { HistoryPoint, HistoryQuery } from '../history-store';
import type { ConnectionSettings, InfluxClient } from './client';
import { toHistoryPoint } from './client';
import { historyFlux } from './flux';
import { httpRequest, httpTarget, type HttpTarget } from './http-request';
import { assertWritten } from './write-error';

export class InfluxV2Client implements InfluxClient {
    readonly kind = 'influxdb-v2' as const;
    private readonly influx: InfluxDB;
    private readonly target: HttpTarget;
    private readonly writePath: string;
    private readonly writeHeaders: Record<string, string>;

    constructor(private readonly settings: ConnectionSettings) {
        if (!settings.bucket) throw new Error('InfluxDB v2 needs a bucket');
        this.target = httpTarget(settings.url, settings.maxSockets, settings.timeoutMs);
        this.influx = new InfluxDB({
            url: settings.url,
            token: settings.token,
            timeout: settings.timeoutMs,
            transportOptions: { agent: this.target.agent },
        });
        const params = new URLSearchParams({ org: settings.org, bucket: settings.bucket, precision: 'us' });
        this.writePath = `/api/v2/write?${params}`;
        this.writeHeaders = { 'content-type': 'text/plain; charset=utf-8' };
        if (settings.token) this.writeHeaders.authorization = `Token ${settings.token}`;
    }

    async write(body: Buffer, signal: AbortSignal): Promise<void> {
        assertWritten(
            await httpRequest(this.target, 'POST', this.writePath, this.writeHeaders, body, signal),
        );
    }

    async history(q: HistoryQuery): Promise<HistoryPoint[]> {
        const rows = await this.influx
            .getQueryApi(this.settings.org)
            .collectRows<Record<string, unknown>>(historyFlux(q, this.settings.bucket));
        return rows
            .reverse()
            .map((r) =>
                toHistoryPoint(
                    Date.parse(String(r._time)),
                    r.reading,
                    r.reading_bool,
                    r.quality,
                    r.reading_text,
                ),
            );
    }

    close(): void {
        this.target.agent.destroy();
    }
}
