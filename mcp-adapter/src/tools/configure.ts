/** configure_device: changes a device's runtime settings (publish interval, streaming). Not in read-only mode. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
    DEFAULT_ANSWER_TIMEOUT_MS,
    HTTP_SLACK_MS,
    MAX_ANSWER_TIMEOUT_MS,
    configRequest,
    identifier,
    type ConfigOutcome,
} from '@mcp-mqtt-bridge/protocol';
import { configOutput } from '../tool-outputs';
import type { ToolContext } from '../tool-context';
import { brokerUnavailableText, failure, registryFailure, success } from '../tool-results';

function outcomeResult(o: ConfigOutcome, deviceId: string): CallToolResult {
    switch (o.outcome) {
        case 'applied':
            return success(o, `Device '${deviceId}' applied the configuration.`);
        case 'rejected':
            return failure(`Device '${deviceId}' rejected the configuration: ${o.reason}.`, o);
        case 'timeout':
            return failure(
                `No answer from '${deviceId}' within ${o.timeout_ms} ms; the configuration may or may not be ` +
                    'applied. Check with get_device_info before retrying.',
                o,
            );
        case 'offline':
            return failure(`Device '${deviceId}' is offline; nothing was sent.`, o);
        case 'broker_unavailable':
            return failure(brokerUnavailableText('nothing was sent'), o);
        case 'invalid':
            if (o.code === 'UNKNOWN_DEVICE') {
                return failure(
                    `Unknown device '${deviceId}'. Call list_devices or query_devices to find valid ids. ` +
                        'Nothing was sent.',
                    o,
                );
            }
            return failure(
                `Invalid configuration (${o.code}): ${o.message}. Nothing was sent. Fix the arguments ` +
                    `(get_device_info('${deviceId}') shows the sensors and the current config) and retry.`,
                o,
            );
    }
}

export function registerConfigureTool(server: McpServer, ctx: ToolContext): void {
    server.registerTool(
        'configure_device',
        {
            title: 'Configure a device',
            description:
                "Change a device's runtime settings and wait for it to acknowledge: how often it publishes " +
                'readings and metrics, per-sensor streaming mode, or reset its metrics counters. Returns the ' +
                'configuration the device reports after the change.',
            inputSchema: {
                device_id: identifier,
                publish_interval_ms: configRequest.shape.publish_interval_ms,
                metrics_interval_ms: configRequest.shape.metrics_interval_ms,
                streaming: configRequest.shape.streaming.describe('per sensor id: {enabled, interval_ms}'),
                reset_metrics: configRequest.shape.reset_metrics,
                timeout_s: z
                    .number()
                    .min(1)
                    .max(MAX_ANSWER_TIMEOUT_MS / 1000)
                    .optional()
                    .describe(
                        `how long to wait for the device to acknowledge (default ${DEFAULT_ANSWER_TIMEOUT_MS / 1000} s)`,
                    ),
            },
            outputSchema: configOutput,
            annotations: {
                readOnlyHint: false,
                destructiveHint: false,
                idempotentHint: true,
                openWorldHint: true,
            },
        },
        async ({ device_id, timeout_s, ...settings }, extra) => {
            const timeoutMs = timeout_s !== undefined ? Math.round(timeout_s * 1000) : undefined;
            try {
                const outcome = await ctx.registry.configure(
                    device_id,
                    { ...settings, ...(timeoutMs !== undefined ? { timeout_ms: timeoutMs } : {}) },
                    // The registry caps its wait; the HTTP request must outlive it.
                    { signal: extra.signal, timeoutMs: (timeoutMs ?? MAX_ANSWER_TIMEOUT_MS) + HTTP_SLACK_MS },
                );
                return outcomeResult(outcome, device_id);
            } catch (e) {
                return registryFailure(e, { deviceId: device_id });
            }
        },
    );
}
