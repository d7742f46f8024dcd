/**
 * Scoped approvals: when a user confirms a command (a redeemed one-time
 * ticket) they may approve "this actuator, these actions, this range, for N
 * minutes"; commands inside the scope then need no new question. The operator
 * bounds N (0 turns scoped approvals off); approvals expire, can be revoked,
 * and are bounded in number. A scope without a number range approves only the
 * value that was confirmed. Time is passed in (`now`, ms).
 */
import { randomBytes } from 'node:crypto';
import type {
    ActuatorValue,
    ApprovalScopeRequest,
    CommandOrigin,
    ScopedApproval,
} from '@mcp-mqtt-bridge/protocol';

const MAX_APPROVALS = 1000;

export interface ApprovalSubject {
    deviceId: string;
    actuator: string;
    action: string;
    value: ActuatorValue | undefined;
}

interface Grant {
    id: string;
    deviceId: string;
    actuator: string;
    actions: string[];
    range?: { min?: number; max?: number };
    values?: ActuatorValue[];
    grantedAt: number;
    expiresAt: number;
    uses: number;
    origin: CommandOrigin;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class ScopedApprovals {
    private readonly grants = new Map<string, Grant>();

    /** @param maxMinutes the operator's bound; 0: scoped approvals are off. */
    constructor(readonly maxMinutes: number) {}

    /**
     * Records the scope a user approved along with a confirmed command; the
     * confirmed command itself is always inside it. Undefined when the operator
     * turned scoped approvals off.
     */
    grant(
        subject: ApprovalSubject,
        scope: ApprovalScopeRequest,
        origin: CommandOrigin,
        now: number,
    ): ScopedApproval | undefined {
        if (this.maxMinutes <= 0) return undefined;
        this.prune(now);
        if (this.grants.size >= MAX_APPROVALS) this.grants.delete(this.grants.keys().next().value as string);
        const minutes = Math.min(scope.minutes, this.maxMinutes);
        const actions = [...new Set([subject.action, ...(scope.actions ?? [])])];
        const ranged =
            typeof subject.value === 'number' && (scope.min !== undefined || scope.max !== undefined);
        const grant: Grant = {
            id: `apr-${randomBytes(9).toString('base64url')}`,
            deviceId: subject.deviceId,
            actuator: subject.actuator,
            actions,
            ...(ranged
                ? {
                      range: {
                          min: Math.min(scope.min ?? (subject.value as number), subject.value as number),
                          max: Math.max(scope.max ?? (subject.value as number), subject.value as number),
                      },
                  }
                : { values: [subject.value ?? null] }),
            grantedAt: now,
            expiresAt: now + minutes * 60000,
            uses: 0,
            origin,
        };
        this.grants.set(grant.id, grant);
        return view(grant);
    }

    /** The live approval that covers this command, if any (counted as used). */
    use(subject: ApprovalSubject, now: number): ScopedApproval | undefined {
        for (const g of this.grants.values()) {
            if (g.expiresAt <= now) continue;
            if (g.deviceId !== subject.deviceId || g.actuator !== subject.actuator) continue;
            if (!g.actions.includes(subject.action)) continue;
            if (!covers(g, subject.value)) continue;
            g.uses++;
            return view(g);
        }
        return undefined;
    }

    /** Would a live approval cover this command? (dry runs: nothing is counted) */
    covers(subject: ApprovalSubject, now: number): boolean {
        for (const g of this.grants.values()) {
            if (g.expiresAt > now && g.deviceId === subject.deviceId && g.actuator === subject.actuator) {
                if (g.actions.includes(subject.action) && covers(g, subject.value)) return true;
            }
        }
        return false;
    }

    list(now: number): ScopedApproval[] {
        this.prune(now);
        return [...this.grants.values()].map(view);
    }

    revoke(id: string): boolean {
        return this.grants.delete(id);
    }

    forget(deviceId: string): void {
        for (const [id, g] of this.grants) if (g.deviceId === deviceId) this.grants.delete(id);
    }

    private prune(now: number): void {
        for (const [id, g] of this.grants) if (g.expiresAt <= now) this.grants.delete(id);
    }
}

function covers(g: Grant, value: ActuatorValue | undefined): boolean {
    if (g.range) {
        if (typeof value !== 'number') return false;
        return (
            (g.range.min === undefined || value >= g.range.min) &&
            (g.range.max === undefined || value <= g.range.max)
        );
    }
    return (g.values ?? []).includes(value ?? null);
}

function view(g: Grant): ScopedApproval {
    return {
        id: g.id,
        device_id: g.deviceId,
        actuator: g.actuator,
        actions: g.actions,
        values: g.range ?? g.values ?? [],
        granted_at: iso(g.grantedAt),
        expires_at: iso(g.expiresAt),
        uses: g.uses,
        origin: g.origin,
    };
}
