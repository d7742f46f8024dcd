/**
 * InfluxQL text for history queries. Every identifier is double-quoted and
 * every literal single-quoted with InfluxQL's escapes (\\, \', \", \n), so a
 * device or sensor name can never end a literal and add query text; numbers
 * are checked to be finite integers before they are written.
 */
import type { HistoryQuery } from '../history-store';
import { MEASUREMENTS } from './message-points';

const ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n' };

function escapeBody(value: string): string {
    return value.replace(/[\\'"\n]/g, (c) => ESCAPES[c]);
}

export function quoteIdentifier(name: string): string {
    return `"${escapeBody(name)}"`;
}

export function quoteString(value: string): string {
    return `'${escapeBody(value)}'`;
}

export const MAX_HISTORY_LIMIT = 100_000;

export function checkHistoryQuery(q: HistoryQuery): void {
    if (typeof q.deviceId !== 'string' || q.deviceId === '')
        throw new Error('history query needs a deviceId');
    if (typeof q.sensor !== 'string' || q.sensor === '') throw new Error('history query needs a sensor');
    if (!Number.isFinite(q.sinceMs)) throw new Error('history query sinceMs must be a finite number');
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_HISTORY_LIMIT) {
        throw new Error(`history query limit must be an integer from 1 to ${MAX_HISTORY_LIMIT}`);
    }
}

/** The newest `limit` readings of one sensor since `sinceMs` (the caller reverses them). */
export function historyInfluxQL(q: HistoryQuery, retentionPolicy?: string): string {
    checkHistoryQuery(q);
    const from = retentionPolicy
        ? `${quoteIdentifier(retentionPolicy)}.${quoteIdentifier(MEASUREMENTS.sensor)}`
        : quoteIdentifier(MEASUREMENTS.sensor);
    return (
        'SELECT "reading","reading_bool","reading_text","reading_null","quality" ' +
        `FROM ${from} WHERE "device_id" = ${quoteString(q.deviceId)} AND "sensor" = ${quoteString(q.sensor)} ` +
        `AND time >= ${Math.floor(q.sinceMs)}ms ORDER BY time DESC LIMIT ${q.limit}`
    );
}
