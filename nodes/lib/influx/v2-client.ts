/**
 * InfluxDB v2 API through @influxdata/influxdb-client: /api/v2/write (line
 * protocol, token auth) and Flux queries. The batching, retries and bounds are
 * ours (BatchWriter), so the library's transport is used directly rather than
 * its WriteApi, which has a buffer and retry loop of its own.
 */
import http from 'node:http';
import https from 'node:https';
import { InfluxDB } from '@influxdata/influxdb-client';
import type { HistoryPoint, HistoryQuery } from '../history-store';
import type { ConnectionSettings, InfluxClient } from './client';
import { toHistoryPoint } from './client';
import { historyFlux } from './flux';

export class InfluxV2Client implements InfluxClient {
    readonly kind = 'influxdb-v2' as const;
    private readonly influx: InfluxDB;
    private readonly agent: http.Agent;
    private readonly writePath: string;

    constructor(private readonly settings: ConnectionSettings) {
        if (!settings.bucket) throw new Error('InfluxDB v2 needs a bucket');
        const options = { keepAlive: true, maxSockets: settings.maxSockets };
        this.agent = settings.url.startsWith('https:') ? new https.Agent(options) : new http.Agent(options);
        this.influx = new InfluxDB({
            url: settings.url,
            token: settings.token,
            timeout: settings.timeoutMs,
            transportOptions: { agent: this.agent },
        });
        const params = new URLSearchParams({ org: settings.org, bucket: settings.bucket, precision: 'us' });
        this.writePath = `/api/v2/write?${params}`;
    }

    async write(body: string, signal: AbortSignal): Promise<void> {
        await this.influx.transport.request(this.writePath, body, {
            method: 'POST',
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            signal,
        });
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
        this.agent.destroy();
    }
}
