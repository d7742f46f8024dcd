/**
 * Payloads of the MQTT protocol as they appear inside registry answers
 * (capabilities, configuration, metrics, diagnostics results), as zod schemas
 * derived from the protocol's own JSON Schemas — not restated. References to
 * common.schema.json are inlined; the few keywords zod cannot express
 * (dependentRequired, not) are left to the ajv decoder, which already enforced them
 * when the message arrived. Unknown fields stay allowed, as in the protocol.
 */
import { z } from 'zod';
import common from '../../schemas/common.schema.json';
import { SCHEMAS } from '../schemas';
import type { MessageKind } from '../topics';

const COMMON_REF = 'common.schema.json#/$defs/';
const LOCAL_REF = '#/$defs/';
const DROPPED = new Set(['$schema', '$id', 'dependentRequired', 'dependentSchemas', 'not']);

/** Inlines references into common.schema.json (and, inside common's definitions, its own local ones). */
function forZod(node: unknown, inCommon = false): unknown {
    if (Array.isArray(node)) return node.map((n) => forZod(n, inCommon));
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as { $ref?: unknown }).$ref;
    const name =
        typeof ref !== 'string'
            ? undefined
            : ref.startsWith(COMMON_REF)
              ? ref.slice(COMMON_REF.length)
              : inCommon && ref.startsWith(LOCAL_REF)
                ? ref.slice(LOCAL_REF.length)
                : undefined;
    if (name !== undefined) return forZod((common.$defs as Record<string, unknown>)[name], true);
    return Object.fromEntries(
        Object.entries(node)
            .filter(([key]) => !DROPPED.has(key))
            .map(([key, value]) => [key, forZod(value, inCommon)]),
    );
}

function fromProtocol<T>(schema: object, description: string): z.ZodType<T> {
    // Typed as the protocol's interface for the payload (messages.ts), which mirrors the same schema.
    return z
        .fromJSONSchema(forZod(schema) as Parameters<typeof z.fromJSONSchema>[0])
        .describe(description) as unknown as z.ZodType<T>;
}

export function mqttPayload<T>(kind: MessageKind, description: string): z.ZodType<T> {
    return fromProtocol<T>(SCHEMAS[kind], description);
}

/** The device configuration object (common.schema.json#/$defs/deviceConfig). */
export function deviceConfigPayload<T>(description: string): z.ZodType<T> {
    return fromProtocol<T>({ $ref: `${COMMON_REF}deviceConfig` }, description);
}
