/** configure_device: changes a device's runtime settings (publish interval, streaming). Not in read-only mode. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import {
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
            return failure(
                `Device '${deviceId}' rejected the configuration (${o.code ?? 'REJECTED'}): ${o.reason}.`,
                o,
            );
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
            return failure(`Invalid configuration (${o.code}): ${o.message}. Nothing was sent.`, o);
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
            },
            outputSchema: configOutput,
            annotations: {
                readOnlyHint: false,
                destructiveHint: false,
                idempotentHint: true,
                openWorldHint: true,
            },
        },
        async ({ device_id, ...body }, extra) => {
            try {
                const outcome = await ctx.registry.configure(device_id, body, {
                    signal: extra.signal,
                    timeoutMs: MAX_ANSWER_TIMEOUT_MS + HTTP_SLACK_MS,
                });
                return outcomeResult(outcome, device_id);
            } catch (e) {
                return registryFailure(e, { deviceId: device_id });
            }
        },
    );
}
