/**
 * What a command node is asked to do: the node's configured device, actuator,
 * action and value, with whatever the editor left empty taken from the
 * message (msg.payload {device, actuator, action, value, confirmation, lease_s, dry_run, reason} or
 * msg.device ...). `confirmation` is the ticket of an earlier confirmation_required answer; a
 * dry run (node setting or msg.dry_run) answers the plan and sends nothing.
 */
import type { NodeMessage } from './node-red-types';

export interface CommandInput {
    device?: unknown;
    actuator?: unknown;
    action?: unknown;
    value?: unknown;
    confirmation?: unknown;
    timeout_ms?: unknown;
    lease_s?: unknown;
    dry_run?: unknown;
    reason?: unknown;
}

export interface CommandConfig {
    device?: string;
    actuator?: string;
    action?: string;
    value?: string;
    valueType?: 'none' | 'num' | 'bool' | 'str' | 'json';
    timeout?: number | string;
    /** Lease in seconds: the device reverts the actuator when it ends. */
    lease?: number | string;
    /** Answer the plan and send nothing. */
    dryRun?: boolean;
}

/** The configured value as its declared type; undefined when none is configured. */
export function configuredValue(config: CommandConfig): { value: unknown } | undefined {
    const raw = config.value ?? '';
    switch (config.valueType) {
        case 'num':
            return raw === '' ? undefined : { value: Number(raw) };
        case 'bool':
            return raw === '' ? undefined : { value: raw === 'true' };
        case 'str':
            return raw === '' ? undefined : { value: raw };
        case 'json':
            return raw === '' ? undefined : { value: JSON.parse(raw) as unknown };
        default:
            return undefined;
    }
}

export function commandFrom(msg: NodeMessage, config: CommandConfig): CommandInput {
    const p = msg.payload;
    const fromPayload: CommandInput =
        typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as CommandInput) : {};
    const pick = (name: keyof CommandInput): unknown => fromPayload[name] ?? msg[name];
    const fixedValue = configuredValue(config);
    const timeout = Number(config.timeout);
    const lease = config.lease === undefined || config.lease === '' ? NaN : Number(config.lease);
    return {
        device: config.device || pick('device'),
        actuator: config.actuator || pick('actuator'),
        action: config.action || pick('action'),
        value: fixedValue ? fixedValue.value : pick('value'),
        confirmation: pick('confirmation'),
        timeout_ms: Number.isInteger(timeout) && timeout > 0 ? timeout : pick('timeout_ms'),
        lease_s: Number.isFinite(lease) && lease > 0 ? lease : pick('lease_s'),
        dry_run: config.dryRun === true ? true : pick('dry_run'),
        reason: pick('reason'),
    };
}
