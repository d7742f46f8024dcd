/**
 * The tools' output schemas, derived from the registry API contract in
 * @mcp-mqtt-bridge/protocol rather than restated: a tool returns what the
 * registry answered (parsed against the same schema, so unknown fields are
 * already dropped) plus the few fields the tool adds itself.
 */
import {
    actuatorValue,
    commandOutcome,
    configOutcome,
    deviceList,
    diagnosticsOutcome,
    storedReading,
} from '@mcp-mqtt-bridge/protocol';
import { z } from 'zod';

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * One object schema for a discriminated union of outcomes (MCP output schemas
 * must be objects): `outcome` is the enum of all of them, every other field is
 * optional and typed as in the first outcome that has it. `extra` adds outcomes
 * only the adapter produces (e.g. the user declined).
 */
export function outcomesAsObject(
    union: { options: readonly AnyObject[] },
    extra: { outcomes?: readonly string[]; fields?: z.ZodRawShape } = {},
): z.ZodRawShape {
    const names: string[] = [];
    const fields: Record<string, z.ZodType> = {};
    for (const option of union.options) {
        for (const [key, schema] of Object.entries(option.shape)) {
            if (key === 'outcome') names.push(String((schema as z.ZodLiteral).value));
            else if (!(key in fields)) fields[key] = (schema as z.ZodType).optional();
        }
    }
    for (const [key, schema] of Object.entries(extra.fields ?? {}))
        fields[key] ??= (schema as z.ZodType).optional();
    names.push(...(extra.outcomes ?? []));
    return { outcome: z.enum(names as [string, ...string[]]), ...fields };
}

export const deviceListOutput = {
    ...deviceList.shape,
    returned: z.number().int().describe('devices on this page'),
};

export const commandOutput = outcomesAsObject(commandOutcome, {
    outcomes: ['not_confirmed'],
    fields: { value: actuatorValue },
});
export const configOutput = outcomesAsObject(configOutcome);
export const diagnosticsOutput = outcomesAsObject(diagnosticsOutcome);

/** One current reading of a device, as read_device_sensors lists them. */
export const deviceSensorReading = storedReading.extend({ sensor: z.string(), age_s: z.number() });
