/**
 * Route rules, compiled once into predicates over normalised messages (the
 * decode node's output). A rule matches on kind, device, sensor or actuator;
 * 'else' matches what no earlier rule matched. A batch matches a sensor rule
 * when one of its readings is for that sensor.
 */
import type { NodeMessage } from './node-red-types';

export type RuleProperty = 'kind' | 'device' | 'sensor' | 'actuator' | 'else';

export interface RouteRule {
    t: RuleProperty;
    v?: string;
}

type Predicate = (msg: NodeMessage) => boolean;

function hasBatchSensor(msg: NodeMessage, sensor: string): boolean {
    if (msg.kind !== 'sensor_batch') return false;
    const readings = (msg.payload as { readings?: { sensor: string }[] } | undefined)?.readings;
    return Array.isArray(readings) && readings.some((r) => r.sensor === sensor);
}

function compileRule(rule: RouteRule): Predicate {
    const v = rule.v ?? '';
    switch (rule.t) {
        case 'kind':
            return (m) => m.kind === v;
        case 'device':
            return (m) => m.device === v;
        case 'sensor':
            return (m) => m.sensor === v || hasBatchSensor(m, v);
        case 'actuator':
            return (m) => m.actuator === v;
        case 'else':
            return () => true;
    }
}

/** Returns a function giving the output ports a message goes to, in rule order. */
export function compileRoutes(rules: RouteRule[], firstMatchOnly: boolean): (msg: NodeMessage) => number[] {
    const predicates = rules.map(compileRule);
    const isElse = rules.map((r) => r.t === 'else');
    return (msg) => {
        const ports: number[] = [];
        for (let i = 0; i < predicates.length; i++) {
            if (isElse[i] ? ports.length === 0 : predicates[i](msg)) {
                ports.push(i);
                if (firstMatchOnly) break;
            }
        }
        return ports;
    };
}

export function isRouteRule(value: unknown): value is RouteRule {
    if (typeof value !== 'object' || value === null) return false;
    const { t, v } = value as { t?: unknown; v?: unknown };
    if (t === 'else') return true;
    const matches = t === 'kind' || t === 'device' || t === 'sensor' || t === 'actuator';
    return matches && typeof v === 'string' && v !== '';
}

/** Index of the first rule that is not a valid rule, or -1. */
export function firstInvalidRule(rules: readonly unknown[]): number {
    return rules.findIndex((r) => !isRouteRule(r));
}
