import type { CommandError, CommandErrorCode } from './errors';
import type { ActuatorMetadata, ActuatorValue, CapabilitiesPayload } from './messages';
import { isActuatorMetadata } from './messages';
import { matchesTextFormat, TEXT_FORMAT_PATTERNS } from './text-format';

/** What a caller asks an actuator to do. */
export interface ActuatorRequest {
    action: string;
    value?: ActuatorValue;
    /** True once a user confirmed an actuator whose metadata says requires_confirmation. */
    confirmed?: boolean;
    /** Lease in seconds: only on actuators that declare max_lease_s, and at most that. */
    lease_s?: number;
}

export type CommandValidation =
    | { ok: true; action: string; value?: ActuatorValue; lease_s?: number; metadata: ActuatorMetadata }
    | { ok: false; error: CommandError };

/** Actions whose meaning the protocol fixes; devices may declare others (increment, open, ...). */
const VALUELESS_ACTIONS = new Set(['toggle', 'press', 'read']);
const SETTING_ACTIONS = new Set(['set', 'write']);
const DEFAULT_MAX_STRING = 64;

/**
 * Checks a command against the device's declared metadata before anything is
 * published: the actuator exists, the action is supported, the value has the
 * declared type and lies in range, confirmation is given when required.
 */
export function validateCommand(
    capabilities: CapabilitiesPayload,
    actuator: string,
    command: ActuatorRequest,
): CommandValidation {
    const meta = capabilities.actuators.includes(actuator) ? capabilities.metadata[actuator] : undefined;
    if (!isActuatorMetadata(meta)) {
        const known = capabilities.actuators.length ? capabilities.actuators.join(', ') : 'none';
        return reject(
            'UNKNOWN_ACTUATOR',
            `device has no actuator "${actuator}" (actuators: ${known})`,
            '/actuator',
        );
    }
    const { action, value } = command;
    if (typeof action !== 'string' || !meta.supported_actions.includes(action)) {
        return reject(
            'UNSUPPORTED_ACTION',
            `actuator "${actuator}" does not support action ${JSON.stringify(action)} (supported: ${meta.supported_actions.join(', ')})`,
            '/action',
        );
    }
    const valueProblem = checkValue(actuator, meta, action, value);
    if (valueProblem) return { ok: false, error: valueProblem };
    const leaseProblem = checkLease(actuator, meta, action, command.lease_s);
    if (leaseProblem) return { ok: false, error: leaseProblem };
    if (meta.requires_confirmation && command.confirmed !== true) {
        return reject(
            'CONFIRMATION_REQUIRED',
            `actuator "${actuator}" requires confirmation by a user before "${action}" is sent`,
            '/confirmed',
        );
    }
    const result: CommandValidation = { ok: true, action, metadata: meta };
    if (value !== undefined && value !== null) result.value = value;
    if (command.lease_s !== undefined && command.lease_s !== null) result.lease_s = command.lease_s;
    return result;
}

/**
 * A lease is a positive number of seconds, on an actuator that declares max_lease_s, at most
 * that long, and not on a `read` (which changes nothing to revert).
 */
function checkLease(
    actuator: string,
    meta: ActuatorMetadata,
    action: string,
    lease: unknown,
): CommandError | undefined {
    if (lease === undefined || lease === null) return undefined;
    if (typeof lease !== 'number' || !Number.isFinite(lease) || lease <= 0) {
        return error(
            'BAD_VALUE',
            `lease_s must be a positive number of seconds, got ${JSON.stringify(lease)}`,
            '/lease_s',
        );
    }
    if (meta.max_lease_s === undefined) {
        return error('LEASE_NOT_SUPPORTED', `actuator "${actuator}" does not support leases`, '/lease_s');
    }
    if (action === 'read') {
        return error('LEASE_NOT_SUPPORTED', `action "read" changes nothing and takes no lease`, '/lease_s');
    }
    if (lease > meta.max_lease_s) {
        return error(
            'LEASE_TOO_LONG',
            `lease of ${lease} s on "${actuator}" is longer than its max_lease_s ${meta.max_lease_s} s`,
            '/lease_s',
        );
    }
    return undefined;
}

function checkValue(
    actuator: string,
    meta: ActuatorMetadata,
    action: string,
    value: ActuatorValue | undefined,
): CommandError | undefined {
    const absent = value === undefined || value === null;
    if (VALUELESS_ACTIONS.has(action)) {
        return absent ? undefined : error('BAD_VALUE', `action "${action}" takes no value`, '/value');
    }
    // The seeds send {"action":"on","value":true}: accept the value that agrees with the action.
    if (action === 'on' || action === 'off') {
        if (absent || value === (action === 'on')) return undefined;
        return error('BAD_VALUE', `action "${action}" takes no value (or ${action === 'on'})`, '/value');
    }
    if (absent) {
        if (SETTING_ACTIONS.has(action)) {
            return error('MISSING_VALUE', `action "${action}" on "${actuator}" needs a value`, '/value');
        }
        return undefined;
    }
    return checkTyped(actuator, meta, value);
}

function checkTyped(
    actuator: string,
    meta: ActuatorMetadata,
    value: ActuatorValue,
): CommandError | undefined {
    switch (meta.value_type) {
        case 'boolean':
            return typeof value === 'boolean' ? undefined : typeError(actuator, 'a boolean', value);
        case 'number':
        case 'integer':
            return checkNumber(actuator, meta, value);
        case 'string': {
            if (typeof value !== 'string') return typeError(actuator, 'a string', value);
            const max = meta.max_length ?? DEFAULT_MAX_STRING;
            if (value.length > max) {
                return error(
                    'OUT_OF_RANGE',
                    `value for "${actuator}" is ${value.length} characters (max ${max})`,
                    '/value',
                );
            }
            if (meta.format !== undefined && !matchesTextFormat(meta.format, value)) {
                return error(
                    'BAD_VALUE',
                    `value ${JSON.stringify(value)} for "${actuator}" is not a valid ${meta.format} (${TEXT_FORMAT_PATTERNS[meta.format]})`,
                    '/value',
                );
            }
            return undefined;
        }
        case 'enum': {
            const options = meta.options ?? [];
            if (typeof value === 'string' && options.includes(value)) return undefined;
            return error(
                'BAD_VALUE',
                `value for "${actuator}" must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}`,
                '/value',
            );
        }
        case 'none':
            return error('BAD_VALUE', `actuator "${actuator}" takes no value`, '/value');
    }
}

function checkNumber(
    actuator: string,
    meta: ActuatorMetadata,
    value: ActuatorValue,
): CommandError | undefined {
    const isInt = meta.value_type === 'integer';
    if (typeof value !== 'number' || !Number.isFinite(value) || (isInt && !Number.isInteger(value))) {
        return typeError(actuator, isInt ? 'an integer' : 'a finite number', value);
    }
    const { min_range: min, max_range: max, step } = meta;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        return error(
            'OUT_OF_RANGE',
            `value ${value} for "${actuator}" is outside ${min ?? '-inf'}..${max ?? '+inf'}${meta.unit ? ` ${meta.unit}` : ''}`,
            '/value',
        );
    }
    if (step !== undefined) {
        const steps = (value - (min ?? 0)) / step;
        if (Math.abs(steps - Math.round(steps)) > 1e-9) {
            return error(
                'BAD_VALUE',
                `value ${value} for "${actuator}" is not a multiple of step ${step}`,
                '/value',
            );
        }
    }
    return undefined;
}

function typeError(actuator: string, expected: string, value: ActuatorValue): CommandError {
    return error(
        'BAD_VALUE',
        `value for "${actuator}" must be ${expected}, got ${JSON.stringify(value)}`,
        '/value',
    );
}

function error(code: CommandErrorCode, message: string, field?: string): CommandError {
    const e: CommandError = { code, message: `${code}: ${message}` };
    if (field !== undefined) e.field = field;
    return e;
}

function reject(code: CommandErrorCode, message: string, field: string): CommandValidation {
    return { ok: false, error: error(code, message, field) };
}
