/** device_diagnostics: asks the device to run its self-checks and waits, reporting progress meanwhile. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
    DEFAULT_ANSWER_TIMEOUT_MS,
    DIAGNOSTICS_CHECKS_MAX,
    HTTP_SLACK_MS,
    MAX_ANSWER_TIMEOUT_MS,
    type DiagnosticsOutcome,
    identifier,
} from '@mcp-mqtt-bridge/protocol';
import { diagnosticsOutput } from '../tool-outputs';
import { brokerUnavailableText } from '../tool-results';
import type { ToolContext } from '../tool-context';
import { failure, registryFailure, success } from '../tool-results';

const PROGRESS_INTERVAL_MS = 500;
const DEFAULT_TIMEOUT_S = DEFAULT_ANSWER_TIMEOUT_MS / 1000;

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Sends notifications/progress (elapsed ms of the wait) until stopped, when the client asked for progress. */
function startProgress(extra: Extra, totalMs: number): () => void {
    const token = extra._meta?.progressToken;
    if (token === undefined) return () => {};
    const started = Date.now();
    const tick = () => {
        const elapsed = Math.min(Date.now() - started, totalMs);
        extra
            .sendNotification({
                method: 'notifications/progress',
                params: {
                    progressToken: token,
                    progress: elapsed,
                    total: totalMs,
                    message: 'waiting for the device',
                },
            })
            .catch(() => {}); // the client may be gone; the result will tell
    };
    tick();
    const timer = setInterval(tick, PROGRESS_INTERVAL_MS);
    return () => clearInterval(timer);
}

function outcomeResult(o: DiagnosticsOutcome, deviceId: string): CallToolResult {
    switch (o.outcome) {
        case 'completed': {
            const bad = o.result.checks.filter((c) => c.status !== 'ok');
            const detail = bad
                .map((c) => `${c.name}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`)
                .join('; ');
            return success(
                o,
                `Diagnostics of '${deviceId}': ${o.result.overall}${detail ? ` — ${detail}` : ''}.`,
            );
        }
        case 'timeout':
            return failure(
                `Device '${deviceId}' did not answer the diagnostics request within ${o.timeout_ms} ms. It may be ` +
                    'busy or its firmware may not support diagnostics; check get_device_info and get_alerts.',
                o,
            );
        case 'offline':
            return failure(`Device '${deviceId}' is offline; diagnostics were not requested.`, o);
        case 'broker_unavailable':
            return failure(brokerUnavailableText('diagnostics were not requested'), o);
        case 'invalid':
            return failure(
                o.code === 'UNKNOWN_DEVICE'
                    ? `Unknown device '${deviceId}'. Call list_devices to find valid ids.`
                    : `Invalid diagnostics request (${o.code}): ${o.message}.`,
                o,
            );
    }
}

export function registerDiagnosticsTool(server: McpServer, ctx: ToolContext): void {
    server.registerTool(
        'device_diagnostics',
        {
            title: 'Run device diagnostics',
            description:
                'Ask a device to run its self-checks (sensors, memory, Wi-Fi signal, MQTT) and wait for the report ' +
                '(overall ok/degraded/failed plus each check). Takes up to timeout_s; progress is reported while ' +
                'waiting. Use it when a device misbehaves or get_alerts shows errors for it.',
            inputSchema: {
                device_id: identifier,
                checks: z
                    .array(z.string().min(1))
                    .max(DIAGNOSTICS_CHECKS_MAX)
                    .optional()
                    .describe('subset of checks; omit for all'),
                timeout_s: z
                    .number()
                    .min(1)
                    .max(MAX_ANSWER_TIMEOUT_MS / 1000)
                    .default(DEFAULT_TIMEOUT_S),
            },
            outputSchema: diagnosticsOutput,
            // Running checks changes nothing, but it does reach out to the device.
            annotations: {
                readOnlyHint: true,
                destructiveHint: false,
                idempotentHint: true,
                openWorldHint: true,
            },
        },
        async (args, extra) => {
            const timeoutMs = Math.round(args.timeout_s * 1000);
            const stop = startProgress(extra, timeoutMs);
            try {
                const outcome = await ctx.registry.diagnose(
                    args.device_id,
                    { checks: args.checks, timeout_ms: timeoutMs },
                    { signal: extra.signal, timeoutMs: timeoutMs + HTTP_SLACK_MS },
                );
                return outcomeResult(outcome, args.device_id);
            } catch (e) {
                return registryFailure(e, { deviceId: args.device_id });
            } finally {
                stop();
            }
        },
    );
}
