/**
 * The access policy file (docs/policy.md): one JSON document that names
 *  - the MCP clients of the adapter (bearer token hash, what each may read and control), and
 *  - the broker accounts (the server account(s) and the devices) from which `mcpb-policy broker`
 *    generates Mosquitto's password file and ACL.
 * Parsed strictly (unknown keys are errors: a typo must not widen access).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { IDENTIFIER_PATTERN } from '@mcp-mqtt-bridge/protocol';

export const POLICY_VERSION = 1;

/** A glob over identifiers and names: `*` any run of characters, `?` one character; nothing else is special. */
const glob = z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^\s]+$/, 'no whitespace');

const identifier = z.string().regex(IDENTIFIER_PATTERN, 'letters, digits, _ and - (1..64)');

/** Devices by id glob, location glob and device_type glob: every field given must match. */
const selectorFields = {
    id: glob.optional().describe('device id glob, e.g. "kitchen-*"'),
    location: glob.optional().describe('location glob (the device must declare a location)'),
    device_type: glob.optional().describe('device_type glob (the device must declare one)'),
};
const readSelector = z.strictObject(selectorFields);
const controlSelector = z.strictObject({
    ...selectorFields,
    actuators: z.array(glob).min(1).max(100).default(['*']).describe('actuator id globs'),
});

const mcpClient = z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (1..64)'),
    token_sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the token, 64 lowercase hex digits (mcpb-policy token)'),
    read: z.array(readSelector).max(1000).default([]),
    control: z.array(controlSelector).max(1000).default([]),
});

const brokerSection = z.strictObject({
    server_users: z.array(identifier).min(1).max(100).default(['node-red']),
    devices: z.array(identifier).max(100000).default([]),
});

export const policySchema = z.strictObject({
    version: z.literal(POLICY_VERSION),
    mcp_clients: z.array(mcpClient).max(1000).default([]),
    broker: brokerSection.default({ server_users: ['node-red'], devices: [] }),
});

export type Policy = z.infer<typeof policySchema>;
export type McpClientPolicy = z.infer<typeof mcpClient>;
export type ReadSelector = z.infer<typeof readSelector>;
export type ControlSelector = z.infer<typeof controlSelector>;

function describeIssues(error: z.ZodError): string {
    return error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ');
}

/** Parses and checks a policy document; throws an Error naming the file and the first problems. */
export function parsePolicy(json: unknown, source = 'policy'): Policy {
    const parsed = policySchema.safeParse(json);
    if (!parsed.success) throw new Error(`${source} is not a valid policy: ${describeIssues(parsed.error)}`);
    const policy = parsed.data;
    const names = new Set<string>();
    const hashes = new Set<string>();
    for (const c of policy.mcp_clients) {
        if (names.has(c.name)) throw new Error(`${source}: MCP client name "${c.name}" appears twice`);
        if (hashes.has(c.token_sha256))
            throw new Error(`${source}: MCP clients "${c.name}" and another one share a token`);
        names.add(c.name);
        hashes.add(c.token_sha256);
    }
    const servers = new Set(policy.broker.server_users);
    for (const d of policy.broker.devices) {
        if (servers.has(d))
            throw new Error(`${source}: "${d}" is both a server account and a device: pick another name`);
    }
    return policy;
}

export function loadPolicy(file: string): Policy {
    let text: string;
    try {
        text = fs.readFileSync(file, 'utf8');
    } catch (e) {
        throw new Error(`cannot read the policy file ${file}: ${(e as Error).message}`, { cause: e });
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        throw new Error(`the policy file ${file} is not JSON: ${(e as Error).message}`, { cause: e });
    }
    return parsePolicy(json, `the policy file ${file}`);
}

export function tokenSha256(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compiles a glob (`*`, `?`) to an anchored RegExp; every other character is literal. */
export function globRegExp(pattern: string): RegExp {
    const source = [...pattern]
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
        .join('');
    return new RegExp(`^${source}$`, 's');
}

/**
 * Finds the MCP client whose token this is (SHA-256 compared in constant time
 * against every client, so the time says nothing about which one matched).
 */
export function authenticateToken(policy: Policy, token: string): McpClientPolicy | undefined {
    const given = Buffer.from(tokenSha256(token), 'hex');
    let found: McpClientPolicy | undefined;
    for (const client of policy.mcp_clients) {
        if (timingSafeEqual(given, Buffer.from(client.token_sha256, 'hex'))) found = client;
    }
    return found;
}

/** The bearer token of an Authorization header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S.*)$/i.exec(header ?? '');
    return match ? match[1].trim() : undefined;
}
