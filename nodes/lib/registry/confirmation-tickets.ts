/**
 * One-time confirmation tickets. A command to an actuator that needs a user's
 * confirmation is answered with a ticket bound to device, actuator, action and
 * value; only that ticket, presented once and before it expires, lets the same
 * command through. A flag in a request body proves nothing; a ticket proves the
 * caller read the registry's answer (which a cross-site page cannot) and came
 * back with the same command.
 */
import { randomBytes } from 'node:crypto';
import type { ActuatorValue } from '@mcp-mqtt-bridge/protocol';

export const TICKET_TTL_MS = 120000;
/** Outstanding tickets; beyond this the oldest is dropped (it simply expires early). */
const MAX_TICKETS = 1000;

export interface TicketSubject {
    deviceId: string;
    actuator: string;
    action: string;
    value: ActuatorValue | undefined;
}

interface Ticket {
    subject: string;
    expiresAt: number;
}

function subjectKey(s: TicketSubject): string {
    return JSON.stringify([s.deviceId, s.actuator, s.action, s.value ?? null]);
}

export class ConfirmationTickets {
    private readonly tickets = new Map<string, Ticket>();

    constructor(private readonly ttlMs = TICKET_TTL_MS) {}

    issue(subject: TicketSubject, now: number): { ticket: string; expiresAt: number } {
        this.prune(now);
        if (this.tickets.size >= MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value as string);
        const ticket = randomBytes(18).toString('base64url');
        const expiresAt = now + this.ttlMs;
        this.tickets.set(ticket, { subject: subjectKey(subject), expiresAt });
        return { ticket, expiresAt };
    }

    /** True once for a live ticket issued for exactly this command; the ticket is spent either way. */
    redeem(ticket: string, subject: TicketSubject, now: number): boolean {
        const found = this.tickets.get(ticket);
        if (!found) return false;
        this.tickets.delete(ticket);
        return found.expiresAt > now && found.subject === subjectKey(subject);
    }

    get size(): number {
        return this.tickets.size;
    }

    private prune(now: number): void {
        for (const [ticket, t] of this.tickets) if (t.expiresAt <= now) this.tickets.delete(ticket);
    }
}
