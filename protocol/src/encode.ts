import { randomUUID } from 'node:crypto';
import type {
    ActuatorCommandPayload,
    ActuatorValue,
    ConfigSetPayload,
    DiagnosticsRequestPayload,
} from './messages';

/** A fresh command id: a legal identifier, unique enough to match one acknowledgement. */
export function newCommandId(): string {
    return randomUUID();
}

/** Optional parts of a command body. */
export interface CommandOptions {
    /**
     * Lease in seconds: the device reverts the actuator when it ends (validate it first with
     * validateCommand: the actuator must declare max_lease_s).
     */
    lease_s?: number;
}

/** Server -> device command body. Time in Unix seconds, like every timestamp of the protocol. */
export function encodeCommand(
    id: string,
    action: string,
    value?: ActuatorValue,
    options: CommandOptions = {},
): ActuatorCommandPayload {
    const body: ActuatorCommandPayload = { id, action, timestamp: Date.now() / 1000 };
    if (value !== undefined && value !== null) body.value = value;
    if (options.lease_s !== undefined) body.lease_s = options.lease_s;
    return body;
}

export function encodeConfigSet(id: string, settings: Omit<ConfigSetPayload, 'id'>): ConfigSetPayload {
    return { id, ...settings };
}

export function encodeDiagnosticsRequest(id: string, checks?: string[]): DiagnosticsRequestPayload {
    return checks && checks.length ? { id, checks } : { id };
}
