import type { ReadingError, ReadingErrorCode } from './errors';
import { isActuatorMetadata, type CapabilitiesPayload, type Reading, type SensorMetadata } from './messages';

export type ReadingValidation = { ok: true } | { ok: false; error: ReadingError };

const OK: ReadingValidation = { ok: true };

/**
 * Checks a decoded reading against what its device declared for the sensor:
 * strings only from sensors with value_type "string" (within max_length and
 * options), no numbers or booleans from those. null (no valid value) always
 * fits. A sensor the capabilities do not describe (or no capabilities yet)
 * is not checked here: decode() already bounds every reading.
 */
export function validateReading(
    capabilities: CapabilitiesPayload | null | undefined,
    sensor: string,
    reading: Reading,
): ReadingValidation {
    if (reading === null || !capabilities) return OK;
    // The hot path: a number or boolean fits every sensor not declared string.
    if (typeof reading !== 'string' && !stringSensorsOf(capabilities).has(sensor)) return OK;
    if (!capabilities.sensors.includes(sensor)) return OK;
    const meta = sensorMetadata(capabilities, sensor);
    if (meta.value_type !== 'string') {
        if (typeof reading !== 'string') return OK;
        return reject(
            'WRONG_TYPE',
            `sensor "${sensor}" is declared ${meta.value_type ?? 'numeric'}, got a string reading`,
        );
    }
    if (typeof reading !== 'string')
        return reject(
            'WRONG_TYPE',
            `sensor "${sensor}" is declared string, got ${typeof reading} ${String(reading)}`,
        );
    if (meta.max_length !== undefined && [...reading].length > meta.max_length)
        return reject(
            'TOO_LONG',
            `sensor "${sensor}" reading has ${[...reading].length} characters (max_length ${meta.max_length})`,
        );
    if (meta.options !== undefined && !meta.options.includes(reading))
        return reject(
            'NOT_AN_OPTION',
            `sensor "${sensor}" reading ${JSON.stringify(reading)} is not one of its options (${meta.options.join(', ')})`,
        );
    return OK;
}

/** Sensors each capabilities document declares string-valued, found once per document. */
const stringSensors = new WeakMap<CapabilitiesPayload, ReadonlySet<string>>();

function stringSensorsOf(capabilities: CapabilitiesPayload): ReadonlySet<string> {
    let found = stringSensors.get(capabilities);
    if (found === undefined) {
        found = new Set(
            capabilities.sensors.filter((s) => sensorMetadata(capabilities, s).value_type === 'string'),
        );
        stringSensors.set(capabilities, found);
    }
    return found;
}

function sensorMetadata(capabilities: CapabilitiesPayload, sensor: string): SensorMetadata {
    const found = Object.hasOwn(capabilities.metadata, sensor) ? capabilities.metadata[sensor] : undefined;
    return found === undefined || isActuatorMetadata(found) ? {} : found;
}

function reject(code: ReadingErrorCode, message: string): ReadingValidation {
    return { ok: false, error: { code, message: `${code}: ${message}` } };
}
