/**
 * Stable error codes. They are part of the contract: flows catch them, the
 * registry counts them, the MCP adapter maps them to advice, the C++ core uses
 * the same strings.
 */
export const DECODE_ERROR_CODES = ['BAD_TOPIC', 'TOO_LARGE', 'BAD_JSON', 'SCHEMA', 'ID_MISMATCH'] as const;
export type DecodeErrorCode = (typeof DECODE_ERROR_CODES)[number];

export const COMMAND_ERROR_CODES = [
    'UNKNOWN_ACTUATOR',
    'UNSUPPORTED_ACTION',
    'MISSING_VALUE',
    'BAD_VALUE',
    'OUT_OF_RANGE',
    'CONFIRMATION_REQUIRED',
    'LEASE_NOT_SUPPORTED',
    'LEASE_TOO_LONG',
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/**
 * Codes only a device answers with (actuator_status `code`), never validateCommand():
 * APPLY_FAILED (the entity refused), RATE_LIMITED (min_interval_ms; the answer carries
 * retry_after_ms).
 */
export const DEVICE_ERROR_CODES = ['APPLY_FAILED', 'RATE_LIMITED'] as const;
export type DeviceErrorCode = (typeof DEVICE_ERROR_CODES)[number];

/**
 * validateReading(): a reading that does not fit its declared sensor. WRONG_TYPE: a string
 * from a sensor without value_type string, or a number/boolean from a string sensor;
 * TOO_LONG: over the sensor's max_length; NOT_AN_OPTION: a text the sensor's options do not list.
 */
export const READING_ERROR_CODES = ['WRONG_TYPE', 'TOO_LONG', 'NOT_AN_OPTION'] as const;
export type ReadingErrorCode = (typeof READING_ERROR_CODES)[number];

export interface ReadingError {
    code: ReadingErrorCode;
    message: string;
}

export interface DecodeError {
    code: DecodeErrorCode;
    /** Human-readable, names the offending field or topic segment. */
    message: string;
    /** JSON pointer of the offending field ("/value/reading"), or the topic segment. */
    field?: string;
    topic: string;
    /** The device the topic names, when the topic was readable. */
    deviceId?: string;
}

export interface CommandError {
    code: CommandErrorCode;
    message: string;
    field?: string;
}
