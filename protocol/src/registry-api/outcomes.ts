/**
 * How the registry's answers map to HTTP statuses: one table for the registry
 * (which sends them) and its clients (which read them back).
 */
import type { CommandOutcome, ConfigOutcome, DiagnosticsOutcome } from './shapes';

export type RequestOutcome = CommandOutcome | ConfigOutcome | DiagnosticsOutcome;
export type OutcomeName = RequestOutcome['outcome'];

const STATUS_OF_OUTCOME: Record<OutcomeName, number> = {
    applied: 200,
    completed: 200,
    rejected: 409,
    offline: 409,
    confirmation_required: 428,
    rate_limited: 429,
    planned: 200,
    broker_unavailable: 503,
    timeout: 504,
    invalid: 422,
};

/** HTTP status of an outcome; an invalid request naming an unknown device is a 404. */
export function httpStatusOf(outcome: RequestOutcome): number {
    if (outcome.outcome === 'invalid' && outcome.code === 'UNKNOWN_DEVICE') return 404;
    return STATUS_OF_OUTCOME[outcome.outcome];
}

/** The statuses on which a request route answers with an outcome body rather than an error. */
export const OUTCOME_STATUSES: ReadonlySet<number> = new Set([404, ...Object.values(STATUS_OF_OUTCOME)]);

/** Error codes of `{error: {code, message}}` answers (docs/registry-api.md). */
export const API_ERROR_STATUS = {
    BAD_REQUEST: 400,
    UNSUPPORTED_MEDIA_TYPE: 415,
    CROSS_SITE: 403,
    UNKNOWN_REGISTRY: 404,
    UNKNOWN_DEVICE: 404,
    UNKNOWN_SENSOR: 404,
    NO_READING: 404,
    INTERNAL: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
