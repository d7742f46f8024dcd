/** A failed write or query, classified: retry transient failures, never client errors. */
import type { HttpAnswer } from './http-request';

export interface InfluxWriter {
    /** Writes newline-separated line-protocol points (µs precision), UTF-8. */
    write(body: Buffer, signal: AbortSignal): Promise<void>;
}

export class WriteError extends Error {
    constructor(
        message: string,
        /** HTTP status, when the server answered */
        readonly status: number | undefined,
        readonly retriable: boolean,
        readonly retryAfterMs?: number,
    ) {
        super(message);
        this.name = 'WriteError';
    }

    static fromStatus(status: number, body: string, retryAfter?: string | null): WriteError {
        // 408 (timeout) and 429 (rate limit) are worth retrying; other 4xx would fail again.
        const retriable = status >= 500 || status === 408 || status === 429;
        const seconds = retryAfter ? Number(retryAfter) : NaN;
        const detail = body.trim().slice(0, 300);
        return new WriteError(
            `InfluxDB answered ${status}${detail ? `: ${detail}` : ''}`,
            status,
            retriable,
            Number.isFinite(seconds) ? seconds * 1000 : undefined,
        );
    }

    /** Anything thrown by a transport; network failures are retriable. */
    static from(err: unknown): WriteError {
        if (err instanceof WriteError) return err;
        const e = err as { statusCode?: unknown; body?: unknown; message?: unknown; code?: unknown };
        if (typeof e?.statusCode === 'number') {
            return WriteError.fromStatus(e.statusCode, typeof e.body === 'string' ? e.body : '');
        }
        const code = typeof e?.code === 'string' ? `${e.code}: ` : '';
        return new WriteError(`InfluxDB unreachable: ${code}${String(e?.message ?? err)}`, undefined, true);
    }
}

/** A write InfluxDB did not accept (any status outside 2xx) throws its classified WriteError. */
export function assertWritten(answer: HttpAnswer): void {
    if (answer.status < 200 || answer.status > 299) {
        throw WriteError.fromStatus(answer.status, answer.body, answer.retryAfter);
    }
}
