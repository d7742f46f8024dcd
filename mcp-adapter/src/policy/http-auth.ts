/**
 * HTTP side of the policy: which MCP client sends a request (its bearer
 * token's hash in the policy), and the per-client session server.
 */
import type { IncomingMessage } from 'node:http';
import type { Rejection } from '../http-guard';
import type { RegistryClientOptions } from '../registry-client';
import type { ToolContext } from '../tool-context';
import { authenticateToken, bearerToken, type Policy } from './policy';
import { ClientScope } from './scope';
import { ScopedRegistryClient } from './scoped-registry';

export type Identity = { client: ClientScope } | { rejection: Rejection };

export class PolicyAuthenticator {
    private readonly scopes = new Map<string, ClientScope>();

    constructor(readonly policy: Policy) {
        for (const c of policy.mcp_clients) this.scopes.set(c.name, new ClientScope(c));
    }

    get clientNames(): string[] {
        return [...this.scopes.keys()];
    }

    identify(req: IncomingMessage): Identity {
        const token = bearerToken(req.headers.authorization);
        const client = token === undefined ? undefined : authenticateToken(this.policy, token);
        const scope = client ? this.scopes.get(client.name) : undefined;
        if (!scope) {
            return {
                rejection: {
                    status: 401,
                    message: 'Unauthorized: send Authorization: Bearer <token> of a client in the policy',
                    headers: { 'www-authenticate': 'Bearer realm="mcp-mqtt-bridge"' },
                },
            };
        }
        return { client: scope };
    }

    /** The tool context of one client's session: same registry, seen through the client's scope. */
    contextFor(base: ToolContext, registryOptions: RegistryClientOptions, client: ClientScope): ToolContext {
        return { ...base, registry: new ScopedRegistryClient(registryOptions, client) };
    }
}
