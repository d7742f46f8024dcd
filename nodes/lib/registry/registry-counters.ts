/** Registry-wide counters and rates (the system status), apart from per-device state. */
import type { DecodeErrorCode } from '@mcp-mqtt-bridge/protocol';
import { RateWindow } from './rate-window';

export interface RegistryTotals {
    messages: number;
    decode_errors: Partial<Record<DecodeErrorCode, number>>;
    lost: number;
    duplicates: number;
    late: number;
    commands_sent: number;
    /** Points the history store dropped (buffer full, retries spent), across restarts. */
    storage_dropped: number;
    /** Messages refused by a bound (device cap, undeclared sensor), by reason. */
    refused: Record<string, number>;
}

export function newTotals(): RegistryTotals {
    return {
        messages: 0,
        decode_errors: {},
        lost: 0,
        duplicates: 0,
        late: 0,
        commands_sent: 0,
        storage_dropped: 0,
        refused: {},
    };
}

export class RegistryCounters {
    totals: RegistryTotals = newTotals();
    readonly messageRate = new RateWindow();
    readonly errorRate = new RateWindow();
    readonly startedAt = Date.now();

    message(now: number): void {
        this.totals.messages++;
        this.messageRate.add(now);
    }

    decodeError(code: DecodeErrorCode, now: number): void {
        this.totals.decode_errors[code] = (this.totals.decode_errors[code] ?? 0) + 1;
        this.errorRate.add(now);
    }

    refused(reason: string): void {
        this.totals.refused[reason] = (this.totals.refused[reason] ?? 0) + 1;
    }

    /** Restores totals saved with a snapshot, so counters that matter survive a restart. */
    restore(saved: Partial<RegistryTotals> | undefined): void {
        if (!saved || typeof saved !== 'object') return;
        const fresh = newTotals();
        for (const key of [
            'messages',
            'lost',
            'duplicates',
            'late',
            'commands_sent',
            'storage_dropped',
        ] as const) {
            const n = saved[key];
            if (typeof n === 'number' && Number.isFinite(n)) fresh[key] = n;
        }
        fresh.decode_errors = countsOf(saved.decode_errors);
        fresh.refused = countsOf(saved.refused);
        this.totals = fresh;
    }
}

/** A saved map of counts, with only finite numbers kept and no inherited keys. */
function countsOf(saved: unknown): Record<string, number> {
    const out: Record<string, number> = Object.create(null) as Record<string, number>;
    if (!saved || typeof saved !== 'object') return out;
    for (const [key, n] of Object.entries(saved))
        if (typeof n === 'number' && Number.isFinite(n)) out[key] = n;
    return out;
}
