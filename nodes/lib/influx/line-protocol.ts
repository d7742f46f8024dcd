/**
 * InfluxDB line protocol: escaping (the client library's escapers) and the
 * point time. Times are written in microseconds (precision "u"/"us"), which
 * keeps every time an exact JavaScript number and leaves room to keep points
 * of one series apart when they carry the same time.
 */
import { escape } from '@influxdata/influxdb-client';

/** Identifiers that need no escaping (the protocol's ids always match). */
const PLAIN = /^[A-Za-z0-9_.:-]*$/;

/**
 * A tag key, tag value or field key. Line protocol has no escape for a
 * trailing backslash (it would escape the separator after it), so trailing
 * backslashes are removed; control characters become spaces.
 */
export function escapeTag(value: string): string {
    if (PLAIN.test(value)) return value;
    // eslint-disable-next-line no-control-regex -- control characters are what we replace
    return escape.tag(value.replace(/[\u0000-\u001f]/g, ' ').replace(/\\+$/, ''));
}

/** A string field value, quoted. */
export function stringField(value: string): string {
    return escape.quoted(value);
}

/** A float field value; non-finite numbers have no line-protocol form. */
export function floatField(value: number): string | undefined {
    return Number.isFinite(value) ? String(value) : undefined;
}

export function integerField(value: number): string | undefined {
    return Number.isSafeInteger(value) ? `${value}i` : undefined;
}

/** Device time (Unix seconds, fractions allowed) to microseconds. */
export function secondsToMicros(seconds: number): number {
    return Math.round(seconds * 1e6);
}

export function millisToMicros(ms: number): number {
    return Math.round(ms * 1000);
}
