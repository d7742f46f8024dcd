/** configure_device: changes a device's runtime settings (publish interval, streaming). Not in read-only mode. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { looseRecord } from '../output-schemas';
import type { ConfigOutcome } from '../registry-types';
import type { ToolContext } from '../tool-context';
import { failure, registryFailure, success } from '../tool-results';

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
                device_id: z.string().min(1),
                publish_interval_ms: z.number().int().min(100).max(86_400_000).optional(),
                metrics_interval_ms: z.number().int().min(1000).max(86_400_000).optional(),
                streaming: z
                    .record(
                        z.string(),
                        z.object({ enabled: z.boolean(), interval_ms: z.number().int().min(10).optional() }),
                    )
                    .optional()
                    .describe('per sensor id: {enabled, interval_ms}'),
                reset_metrics: z.boolean().optional(),
            },
            outputSchema: {
                outcome: z.enum(['applied', 'rejected', 'timeout', 'offline', 'invalid']),
                command_id: z.string().optional(),
                config: looseRecord.optional(),
                duration_ms: z.number().optional(),
            },
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
                    timeoutMs: 33000,
                });
                return outcomeResult(outcome, device_id);
            } catch (e) {
                return registryFailure(e, { deviceId: device_id });
            }
        },
    );
}
