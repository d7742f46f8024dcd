/**
 * InfluxDB v1 API: POST /write (line protocol) and GET /query (InfluxQL).
 * Serves InfluxDB 1.x and the v1 compatibility API of InfluxDB 2.x and 3.x
 * (there the database maps to a bucket and a token can stand in for a password).
 */
import type { HistoryPoint, HistoryQuery } from '../history-store';
import type { ConnectionSettings, InfluxClient } from './client';
import { toHistoryPoint } from './client';
import { httpRequest, httpTarget, type HttpTarget } from './http-request';
import { historyInfluxQL, quoteIdentifier } from './influxql';
import { assertWritten, WriteError } from './write-error';

interface InfluxQLAnswer {
    error?: string;
    results?: {
        error?: string;
        series?: { columns: string[]; values: unknown[][] }[];
    }[];
}

export class InfluxV1Client implements InfluxClient {
    readonly kind = 'influxdb-v1' as const;
    private readonly target: HttpTarget;
    private readonly headers: Record<string, string>;
    private readonly writePath: string;

    constructor(private readonly settings: ConnectionSettings) {
        if (!settings.database) throw new Error('InfluxDB v1 needs a database');
        this.target = httpTarget(settings.url, settings.maxSockets, settings.timeoutMs);
        this.headers = authHeaders(settings);
        const params = new URLSearchParams({ db: settings.database, precision: 'u' });
        if (settings.retentionPolicy) params.set('rp', settings.retentionPolicy);
        this.writePath = `/write?${params}`;
    }

    async write(body: Buffer, signal: AbortSignal): Promise<void> {
        const headers = { ...this.headers, 'content-type': 'text/plain; charset=utf-8' };
        let answer = await httpRequest(this.target, 'POST', this.writePath, headers, body, signal);
        if (answer.status === 404 && this.settings.createDatabase && /database not found/.test(answer.body)) {
            await this.createDatabase();
            answer = await httpRequest(this.target, 'POST', this.writePath, headers, body, signal);
        }
        assertWritten(answer);
    }

    /** As Telegraf does: a missing database (e.g. a fresh or restarted server) is created once asked for. */
    private async createDatabase(): Promise<void> {
        const q = `CREATE DATABASE ${quoteIdentifier(this.settings.database)}`;
        const answer = await httpRequest(
            this.target,
            'POST',
            `/query?${new URLSearchParams({ q })}`,
            this.headers,
        );
        if (answer.status !== 200 || /"error"/.test(answer.body)) {
            throw new WriteError(
                `could not create database: ${answer.status} ${answer.body.trim()}`,
                answer.status,
                false,
            );
        }
    }

    async history(q: HistoryQuery): Promise<HistoryPoint[]> {
        const statement = historyInfluxQL(q, this.settings.retentionPolicy || undefined);
        const rows = await this.query(statement);
        return rows
            .reverse()
            .map((r) =>
                toHistoryPoint(r.time as number, r.reading, r.reading_bool, r.quality, r.reading_text),
            );
    }

    /** Runs one InfluxQL statement; rows as objects keyed by column, time in ms. */
    async query(statement: string): Promise<Record<string, unknown>[]> {
        const params = new URLSearchParams({ db: this.settings.database, q: statement, epoch: 'ms' });
        const answer = await httpRequest(this.target, 'GET', `/query?${params}`, this.headers);
        let parsed: InfluxQLAnswer;
        try {
            parsed = JSON.parse(answer.body) as InfluxQLAnswer;
        } catch {
            throw WriteError.fromStatus(answer.status, answer.body);
        }
        const error = parsed.error ?? parsed.results?.[0]?.error;
        if (answer.status !== 200 || error) {
            throw new WriteError(
                `InfluxDB query failed (${answer.status}): ${error ?? answer.body}`,
                answer.status,
                false,
            );
        }
        const rows: Record<string, unknown>[] = [];
        for (const series of parsed.results?.[0]?.series ?? []) {
            for (const values of series.values) {
                rows.push(Object.fromEntries(series.columns.map((c, i) => [c, values[i]])));
            }
        }
        return rows;
    }

    close(): void {
        this.target.agent.destroy();
    }
}

function authHeaders(s: ConnectionSettings): Record<string, string> {
    if (s.token) return { authorization: `Token ${s.token}` };
    if (s.user) {
        return { authorization: `Basic ${Buffer.from(`${s.user}:${s.password ?? ''}`).toString('base64')}` };
    }
    return {};
}
