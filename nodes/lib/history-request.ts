/**
 * What an mcpb-history node reads for one message: device, sensor, window
 * (minutes) and point budget, from msg properties or msg.payload fields over
 * the node's settings, checked against the registry API's limits.
 */
import { HISTORY_BUDGET_DEFAULT, HISTORY_MINUTES_MAX, HISTORY_POINTS } from '@mcp-mqtt-bridge/protocol';
import type { NodeDef, NodeMessage } from './node-red-types';

export interface HistoryDef extends NodeDef {
    registry?: string;
    device?: string;
    sensor?: string;
    minutes?: number | string;
    maxPoints?: number | string;
}

export const HISTORY_NODE_DEFAULTS = { minutes: 60, maxPoints: HISTORY_BUDGET_DEFAULT } as const;

/** Thrown for a bad request; the message is a catalog key, the code goes to msg.error. */
export class HistoryInputError extends Error {
    constructor(
        readonly key: string,
        readonly code: string,
        readonly substitutions: Record<string, string | number> = {},
    ) {
        super(key);
    }
}

export interface HistoryRequest {
    device: string;
    sensor: string;
    minutes: number;
    maxPoints: number;
}

function pick(msg: NodeMessage, ...names: string[]): unknown {
    const payload =
        msg.payload !== null && typeof msg.payload === 'object' && !Array.isArray(msg.payload)
            ? (msg.payload as Record<string, unknown>)
            : {};
    for (const name of names) {
        if (Object.hasOwn(payload, name) && payload[name] !== undefined && payload[name] !== '')
            return payload[name];
        if (Object.hasOwn(msg, name) && msg[name] !== undefined && msg[name] !== '') return msg[name];
    }
    return undefined;
}

function integer(value: unknown, fallback: number, min: number, max: number, name: string): number {
    if (value === undefined || value === null || value === '') return fallback;
    const n = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
        throw new HistoryInputError('mcpb-history.errors.bad-number', 'BAD_INPUT', { name, min, max });
    }
    return n;
}

/** The request of one message: msg.payload fields (when an object), else msg properties, over the node's settings. */
export function historyRequestOf(msg: NodeMessage, def: HistoryDef): HistoryRequest {
    const device = pick(msg, 'device', 'device_id') ?? def.device;
    const sensor = pick(msg, 'sensor') ?? def.sensor;
    if (typeof device !== 'string' || !device || typeof sensor !== 'string' || !sensor) {
        throw new HistoryInputError('mcpb-history.errors.missing-target', 'MISSING_TARGET');
    }
    const minutes = integer(
        pick(msg, 'minutes', 'history_minutes'),
        integer(def.minutes, HISTORY_NODE_DEFAULTS.minutes, 1, HISTORY_MINUTES_MAX, 'minutes'),
        1,
        HISTORY_MINUTES_MAX,
        'minutes',
    );
    const maxPoints = integer(
        pick(msg, 'maxPoints', 'max_points'),
        integer(def.maxPoints, HISTORY_NODE_DEFAULTS.maxPoints, 1, HISTORY_POINTS.max, 'maxPoints'),
        1,
        HISTORY_POINTS.max,
        'maxPoints',
    );
    return { device, sensor, minutes, maxPoints };
}

/** What reaches a Catch node: `code` is copied to msg.error.code by the runtime; toString() is the message alone. */
export class HistoryNodeError extends Error {
    constructor(
        message: string,
        readonly code: string,
    ) {
        super(message);
        this.name = 'HistoryNodeError';
    }

    override toString(): string {
        return this.message;
    }
}
