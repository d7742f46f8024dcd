/**
 * Recent alerts, bounded per severity so a flood of low-severity alerts never
 * evicts a critical one, and folded: a repeat of the same device, source, type
 * and component updates one alert (count, latest message and time) instead of
 * adding another.
 */
import type { Alert, Severity } from '@mcp-mqtt-bridge/protocol';

const SEVERITIES: readonly Severity[] = [0, 1, 2, 3];

function foldKey(alert: Alert): string {
    return `${alert.device_id}\u0000${alert.source}\u0000${alert.error_type}\u0000${alert.component ?? ''}`;
}

export class AlertLog {
    /** Per severity, by fold key; Map order is age order (a repeat moves to the end). */
    private readonly bySeverity = SEVERITIES.map(() => new Map<string, Alert>());

    constructor(private readonly perSeverity: number) {}

    /** Adds or folds an alert; returns the alert as kept (with its count). */
    add(alert: Alert): Alert {
        const kept = this.bySeverity[alert.severity];
        const key = foldKey(alert);
        const earlier = kept.get(key);
        const entry: Alert = earlier
            ? { ...alert, count: (earlier.count ?? 1) + 1, first_at: earlier.first_at ?? earlier.timestamp }
            : alert;
        kept.delete(key);
        kept.set(key, entry);
        if (kept.size > this.perSeverity) kept.delete(kept.keys().next().value as string);
        return entry;
    }

    /** Newest first, across severities. */
    recent(): Alert[] {
        const all: Alert[] = [];
        for (const kept of this.bySeverity) for (const alert of kept.values()) all.push(alert);
        return all.sort((a, b) => b.timestamp - a.timestamp);
    }

    /** Drops every alert of one device (the device was forgotten). */
    forget(deviceId: string): void {
        for (const kept of this.bySeverity) {
            for (const [key, alert] of kept) if (alert.device_id === deviceId) kept.delete(key);
        }
    }

    get size(): number {
        return this.bySeverity.reduce((n, kept) => n + kept.size, 0);
    }

    /** Replaces the contents (snapshot restore), oldest first so age order survives. */
    load(alerts: readonly Alert[]): void {
        for (const kept of this.bySeverity) kept.clear();
        for (const alert of [...alerts].reverse()) {
            if (SEVERITIES.includes(alert.severity)) this.add(alert);
        }
    }
}

/** Keeps a device's own recent alerts, folded the same way, newest first. */
export function foldInto(list: Alert[], alert: Alert, max: number): void {
    const key = foldKey(alert);
    const at = list.findIndex((a) => foldKey(a) === key);
    if (at >= 0) list.splice(at, 1);
    list.unshift(alert);
    if (list.length > max) list.length = max;
}
