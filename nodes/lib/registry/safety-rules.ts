/**
 * Which actuators need a user's confirmation is decided here, by the server:
 * an actuator needs it when the operator's policy names it, or when its device
 * ever declared it. A later capabilities message can add the requirement but
 * never remove it; only the operator can (clear()). Ids key Maps and Sets only.
 */
import type { CapabilitiesPayload } from '@mcp-mqtt-bridge/protocol';
import { isActuatorMetadata } from '@mcp-mqtt-bridge/protocol';

/** A `device/actuator` glob (`*` matches any part of an id, e.g. `garage-1/door` or `garage-1/lock*`) as a RegExp. */
function globToRegExp(glob: string): RegExp {
    const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[A-Za-z0-9_-]*');
    return new RegExp(`^${escaped}$`);
}

export function parseConfirmPatterns(text: string | undefined): string[] {
    return (text ?? '')
        .split(/[\s,]+/)
        .map((p) => p.trim())
        .filter((p) => /^[A-Za-z0-9_*-]+\/[A-Za-z0-9_*-]+$/.test(p));
}

export class SafetyRules {
    private readonly patterns: RegExp[];
    /** Actuators, by device, that declared requires_confirmation at some point. */
    private readonly sticky = new Map<string, Set<string>>();

    constructor(patterns: readonly string[] = []) {
        this.patterns = patterns.map(globToRegExp);
    }

    /**
     * Takes note of a capabilities document; returns the actuators whose
     * confirmation requirement it tried to lower (they keep it).
     */
    observe(deviceId: string, caps: CapabilitiesPayload): string[] {
        const lowered: string[] = [];
        const known = this.sticky.get(deviceId);
        for (const actuator of caps.actuators) {
            const meta = Object.hasOwn(caps.metadata, actuator) ? caps.metadata[actuator] : undefined;
            const declares = isActuatorMetadata(meta) && meta.requires_confirmation === true;
            if (declares) this.remember(deviceId, actuator);
            else if (known?.has(actuator)) lowered.push(actuator);
        }
        return lowered;
    }

    requiresConfirmation(deviceId: string, actuator: string, declared: boolean | undefined): boolean {
        if (declared === true || this.sticky.get(deviceId)?.has(actuator)) return true;
        const name = `${deviceId}/${actuator}`;
        return this.patterns.some((p) => p.test(name));
    }

    /** The operator lifts a remembered requirement (it returns if the device declares it again). */
    clear(deviceId: string, actuator: string): boolean {
        const known = this.sticky.get(deviceId);
        const had = known?.delete(actuator) ?? false;
        if (known && known.size === 0) this.sticky.delete(deviceId);
        return had;
    }

    forget(deviceId: string): void {
        this.sticky.delete(deviceId);
    }

    stickyOf(deviceId: string): string[] {
        return [...(this.sticky.get(deviceId) ?? [])];
    }

    restore(deviceId: string, actuators: unknown): void {
        if (!Array.isArray(actuators)) return;
        for (const a of actuators) if (typeof a === 'string') this.remember(deviceId, a);
    }

    private remember(deviceId: string, actuator: string): void {
        let set = this.sticky.get(deviceId);
        if (!set) {
            set = new Set();
            this.sticky.set(deviceId, set);
        }
        set.add(actuator);
    }
}
