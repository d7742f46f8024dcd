/**
 * Resources: the device list (iot://devices) and one document per device
 * (iot://devices/{id}, ids completed from the registry), with subscriptions
 * fed by the registry's event stream.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
    ErrorCode,
    McpError,
    SubscribeRequestSchema,
    UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { isRegistryError } from './registry-error';
import { DEVICE_LIST_URI, DEVICE_URI_TEMPLATE, deviceUri } from './resource-uris';
import type { SubscriptionHub } from './subscriptions';
import type { ToolContext } from './tool-context';

/** Bound on the device list resource and on resources/list for the template. */
const LIST_LIMIT = 1000;
const COMPLETION_LIMIT = 100;
/** MCP's "resource not found" error code (2025-11-25). */
const RESOURCE_NOT_FOUND = -32002;

function json(uri: string, value: unknown) {
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 1) }] };
}

/** Resource reads are protocol requests: failures become JSON-RPC errors with a clear message. */
function readError(e: unknown, uri: string): McpError {
    if (isRegistryError(e) && e.code === 'UNKNOWN_DEVICE') {
        return new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} (unknown device)`, { uri });
    }
    if (isRegistryError(e)) return new McpError(ErrorCode.InternalError, `Registry ${e.kind}: ${e.message}`);
    return e instanceof McpError ? e : new McpError(ErrorCode.InternalError, (e as Error).message);
}

export async function completeDeviceIds(ctx: ToolContext, prefix: string): Promise<string[]> {
    try {
        const list = await ctx.registry.listDevices({ q: prefix || undefined, limit: COMPLETION_LIMIT });
        return list.devices.map((d) => d.device_id).filter((id) => id.startsWith(prefix));
    } catch {
        return []; // completion is a convenience: no suggestions when the registry is away
    }
}

export function registerResources(server: McpServer, ctx: ToolContext): void {
    server.registerResource(
        'devices',
        DEVICE_LIST_URI,
        {
            title: 'Device list',
            description: `All devices (first ${LIST_LIMIT}) with online state, sensors and actuators.`,
            mimeType: 'application/json',
        },
        async (uri) => {
            try {
                return json(uri.href, await ctx.registry.listDevices({ limit: LIST_LIMIT }));
            } catch (e) {
                throw readError(e, uri.href);
            }
        },
    );

    server.registerResource(
        'device',
        new ResourceTemplate(DEVICE_URI_TEMPLATE, {
            list: async () => {
                const list = await ctx.registry.listDevices({ limit: LIST_LIMIT });
                return {
                    resources: list.devices.map((d) => ({
                        uri: deviceUri(d.device_id),
                        name: d.name ?? d.device_id,
                        description: `${d.device_id}${d.location ? ` at ${d.location}` : ''} (${d.online ? 'online' : 'offline'})`,
                        mimeType: 'application/json',
                    })),
                };
            },
            complete: { id: (value) => completeDeviceIds(ctx, value) },
        }),
        {
            title: 'Device',
            description:
                'One device: capabilities, latest readings, actuator states, config, counters, recent errors.',
            mimeType: 'application/json',
        },
        async (uri, variables) => {
            const id = decodeURIComponent(String(variables.id));
            try {
                return json(uri.href, await ctx.registry.getDevice(id));
            } catch (e) {
                throw readError(e, uri.href);
            }
        },
    );
}

/** resources/subscribe and resources/unsubscribe for this session (McpServer has no built-in handler). */
export function registerSubscriptions(
    server: McpServer,
    hub: SubscriptionHub,
    /** Policy mode: may this session's client subscribe to the URI (device in scope)? */
    canSubscribe?: (uri: string) => Promise<boolean>,
): () => void {
    const subscriber = hub.add((uri) => {
        server.server.sendResourceUpdated({ uri }).catch(() => {}); // the session may be closing
    });
    server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
        const uri = request.params.uri;
        if (uri !== DEVICE_LIST_URI && !uri.startsWith(`${DEVICE_LIST_URI}/`)) {
            throw new McpError(
                ErrorCode.InvalidParams,
                `Cannot subscribe to ${uri}: not an iot://devices resource`,
            );
        }
        if (canSubscribe && !(await canSubscribe(uri))) {
            throw new McpError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} (unknown device)`, { uri });
        }
        hub.subscribe(subscriber, uri);
        return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
        hub.unsubscribe(subscriber, request.params.uri);
        return {};
    });
    return () => hub.remove(subscriber);
}
