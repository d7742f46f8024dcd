/**
 * Contract checks for the adapter's tools through a real SDK client: tools are
 * listed first (so the SDK client validates every structuredContent against
 * the tool's outputSchema), and every result is checked again here with ajv
 * against the JSON Schema the server published, so a tool whose output drifts
 * from its declared schema fails the test that called it.
 */
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { callResult, text } from './harness';

/** Every tool the adapter registers when writes are allowed. */
export const ALL_TOOLS = [
    'configure_device',
    'control_actuator',
    'device_diagnostics',
    'get_alerts',
    'get_command_log',
    'get_device_info',
    'get_device_metrics',
    'get_system_status',
    'list_devices',
    'query_devices',
    'read_all_sensors',
    'read_device_sensors',
    'read_sensor',
] as const;
export type ToolName = (typeof ALL_TOOLS)[number];
/** The tools that need the registry's write permission: not registered in read-only mode. */
export const WRITE_TOOLS: readonly ToolName[] = [
    'configure_device',
    'control_actuator',
    'device_diagnostics',
];

function compile(schema: object): ValidateFunction {
    const dialect = (schema as { $schema?: string }).$schema ?? '';
    const ajv = dialect.includes('2020-12')
        ? new Ajv2020({ strict: false, allErrors: true })
        : new Ajv({ strict: false, allErrors: true });
    return ajv.compile(schema);
}

export interface ContractClient {
    client: Client;
    tools: Map<string, Tool>;
    /** Calls a tool; its structuredContent (when present) must match the tool's outputSchema. */
    call(name: ToolName, args?: Record<string, unknown>, options?: RequestOptions): Promise<CallToolResult>;
    /** A successful call: no isError, structuredContent present and valid. */
    ok<T = Record<string, unknown>>(
        name: ToolName,
        args?: Record<string, unknown>,
        options?: RequestOptions,
    ): Promise<{ result: CallToolResult; data: T }>;
    /** A failed call: isError, its text matches `pattern`; structuredContent (if any) valid. */
    fails<T = Record<string, unknown> | undefined>(
        name: ToolName,
        args: Record<string, unknown>,
        pattern: RegExp,
        options?: RequestOptions,
    ): Promise<{ result: CallToolResult; data: T }>;
    /** Errors of the output schema of `name` for this value ([] when it validates). */
    schemaErrors(name: ToolName, value: unknown): string[];
    /** Tools called with success / with an isError result, and successful outputs per tool. */
    succeeded: Set<string>;
    failed: Set<string>;
    outputs: Map<string, Record<string, unknown>[]>;
}

/** Lists the tools (first thing, as a client must for output validation) and wraps the client. */
export async function contractClient(client: Client): Promise<ContractClient> {
    const listed = await client.listTools();
    const tools = new Map(listed.tools.map((t) => [t.name, t]));
    const validators = new Map<string, ValidateFunction>();
    for (const tool of listed.tools) {
        assert.ok(tool.outputSchema, `tool ${tool.name} declares no outputSchema`);
        validators.set(tool.name, compile(tool.outputSchema));
    }
    const schemaErrors = (name: string, value: unknown): string[] => {
        const validate = validators.get(name);
        assert.ok(validate, `tool ${name} is not listed`);
        if (validate(value)) return [];
        return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    };
    const self: ContractClient = {
        client,
        tools,
        succeeded: new Set(),
        failed: new Set(),
        outputs: new Map(),
        schemaErrors,
        async call(name, args = {}, options) {
            // The SDK client rejects here when structuredContent does not match the listed outputSchema.
            const result = callResult(await client.callTool({ name, arguments: args }, undefined, options));
            if (result.structuredContent !== undefined) {
                const errors = schemaErrors(name, result.structuredContent);
                assert.deepEqual(
                    errors,
                    [],
                    `${name} output drifted from its outputSchema: ${errors.join('; ')}\n${text(result)}`,
                );
            }
            if (result.isError) self.failed.add(name);
            else {
                self.succeeded.add(name);
                const seen = self.outputs.get(name) ?? [];
                seen.push(result.structuredContent as Record<string, unknown>);
                self.outputs.set(name, seen);
            }
            return result;
        },
        async ok<T>(name: ToolName, args: Record<string, unknown> = {}, options?: RequestOptions) {
            const result = await self.call(name, args, options);
            assert.equal(result.isError, undefined, `${name} failed: ${text(result)}`);
            assert.ok(result.structuredContent, `${name} returned no structuredContent`);
            return { result, data: result.structuredContent as T };
        },
        async fails<T>(
            name: ToolName,
            args: Record<string, unknown>,
            pattern: RegExp,
            options?: RequestOptions,
        ) {
            const result = await self.call(name, args, options);
            assert.equal(result.isError, true, `${name} should have failed: ${text(result)}`);
            assert.match(text(result), pattern);
            return { result, data: result.structuredContent as T };
        },
    };
    return self;
}

/**
 * The checker must catch drift: for each recorded output, an unknown top-level
 * field and each missing required field must make it invalid.
 */
export function assertDriftIsCaught(contract: ContractClient): void {
    for (const [name, outputs] of contract.outputs) {
        const schema = contract.tools.get(name)?.outputSchema as
            { required?: string[]; additionalProperties?: unknown } | undefined;
        assert.ok(schema, name);
        assert.equal(schema.additionalProperties, false, `${name}: its outputSchema accepts any extra field`);
        for (const output of outputs) {
            assert.notDeepEqual(
                contract.schemaErrors(name as ToolName, { ...output, drifted_field: 1 }),
                [],
                `${name}: an extra field goes unnoticed`,
            );
            for (const field of schema.required ?? []) {
                const rest = Object.fromEntries(Object.entries(output).filter(([k]) => k !== field));
                assert.notDeepEqual(
                    contract.schemaErrors(name as ToolName, rest),
                    [],
                    `${name}: missing '${field}' goes unnoticed`,
                );
            }
        }
    }
}
