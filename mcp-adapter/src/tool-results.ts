/**
 * Builders for tool results: structured content plus a text copy for clients
 * that ignore structuredContent, and business errors as isError results whose
 * text tells the model what to do next.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isRegistryError } from './registry-error';

export function success<T extends object>(structured: T, summary?: string): CallToolResult {
    const json = JSON.stringify(structured);
    return {
        content: [{ type: 'text', text: summary ? `${summary}\n${json}` : json }],
        structuredContent: structured as Record<string, unknown>,
    };
}

/**
 * Like success(), but the text is the given compact rendering alone (no JSON
 * copy): for answers whose text already carries every value, so their size
 * stays within the budget the tool promises.
 */
export function successText<T extends object>(structured: T, text: string): CallToolResult {
    return {
        content: [{ type: 'text', text }],
        structuredContent: structured as Record<string, unknown>,
    };
}

/** A failed call the model can act on; structured details are kept when there are some. */
export function failure(message: string, structured?: object): CallToolResult {
    return {
        isError: true,
        content: [{ type: 'text', text: structured ? `${message}\n${JSON.stringify(structured)}` : message }],
        ...(structured ? { structuredContent: structured as Record<string, unknown> } : {}),
    };
}

/** What the model is told when the registry's broker connection is down. */
export function brokerUnavailableText(what: string): string {
    return (
        `The bridge's MQTT broker connection is down, so ${what}; this says nothing about the device itself. ` +
        'Tell the user; retry in a little while (get_system_status shows when MQTT is connected again).'
    );
}

export interface ErrorContext {
    deviceId?: string;
    sensor?: string;
    actuator?: string;
}

/** Turns any failure of a registry call into a tool result with next-step advice. */
export function registryFailure(e: unknown, context: ErrorContext = {}): CallToolResult {
    if (!isRegistryError(e)) throw e;
    const device = context.deviceId ? `'${context.deviceId}'` : 'the device';
    switch (e.kind) {
        case 'unreachable':
            return failure(
                `Registry unreachable: ${e.message}. The bridge (Node-RED) is down or restarting; this says nothing ` +
                    'about the devices themselves. Tell the user the device registry cannot be reached and try again ' +
                    'in a little while. Do not guess device states.',
            );
        case 'timeout':
            return failure(
                `Registry timeout: ${e.message}. Try the call once more; if it fails again, report it.`,
            );
        case 'cancelled':
            return failure('The request was cancelled before the registry answered.');
        case 'unauthorized':
            return failure(
                'The registry refused the adapter (HTTP 401/403): its access token is missing or wrong. ' +
                    'Tell the operator to set --registry-token (or MCP_BRIDGE_REGISTRY_TOKEN). Retrying will not help.',
            );
        case 'not_found':
            return notFound(e.code, e.message, device, context);
        case 'bad_request':
            return failure(
                `The registry refused the request (${e.code ?? 'BAD_REQUEST'}): ${e.message}. Fix the arguments and retry.`,
            );
        case 'bad_answer':
            return failure(`${e.message}. Tell the operator; retrying will not help.`);
        default:
            return failure(
                `Registry error: ${e.message}. Try again later; if it persists, report it to the operator.`,
            );
    }
}

function notFound(
    code: string | undefined,
    message: string,
    device: string,
    context: ErrorContext,
): CallToolResult {
    if (code === 'UNKNOWN_DEVICE') {
        return failure(
            `Unknown device ${device}. Call list_devices or query_devices to find valid device ids, then retry.`,
        );
    }
    if (code === 'UNKNOWN_SENSOR') {
        return failure(
            `Device ${device} has no sensor '${context.sensor ?? '?'}'. Call get_device_info with this device id ` +
                'to see its sensors, then retry.',
        );
    }
    if (code === 'NO_READING') {
        return failure(
            `Sensor '${context.sensor ?? '?'}' of ${device} has not reported a value yet. Check that the device is ` +
                'online (get_device_info) and try again later.',
        );
    }
    return failure(
        `Not found (${code ?? 'HTTP 404'}): ${message}. If this names the registry, the adapter's --registry-id ` +
            'is wrong; tell the operator.',
    );
}
