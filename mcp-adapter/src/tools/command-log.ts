/** get_command_log: the registry's command ledger — who sent which command, why, and what came of it. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
    COMMAND_LOG_PAGE,
    commandLog,
    commandLogEntry,
    identifier,
    type CommandLog,
    type CommandLogEntry,
} from '@mcp-mqtt-bridge/protocol';
import { READ_ONLY, type ToolContext } from '../tool-context';
import { registryFailure, successText } from '../tool-results';

/** At most a week back, like the history tools. */
const SINCE_MINUTES_MAX = 10080;

function who(e: CommandLogEntry): string {
    const o = e.origin;
    if (o.via === 'mcp' && o.client) {
        const version = o.client.version ? ` ${o.client.version}` : '';
        const session = o.client.session_id ? ` session ${o.client.session_id.slice(0, 8)}` : '';
        return `MCP client "${o.client.name}"${version}${session}${o.user ? ` as ${o.user}` : ''}`;
    }
    if (o.via === 'flow') return `flow node ${o.node_id ?? '?'}`;
    return `registry API${o.user ? ` user ${o.user}` : ''}`;
}

function line(e: CommandLogEntry): string {
    const value = e.value !== undefined ? ` ${JSON.stringify(e.value)}` : '';
    const lease = e.lease_s !== undefined ? ` lease ${e.lease_s} s` : '';
    const result =
        e.outcome === 'applied'
            ? `applied → ${JSON.stringify(e.state)}${e.lease_until ? ` (lease until ${e.lease_until})` : ''}`
            : e.outcome === 'rate_limited'
              ? `rate_limited (${e.code ?? '?'}, retry after ${e.retry_after_ms ?? '?'} ms)`
              : `${e.outcome}${e.code ? ` (${e.code})` : ''}`;
    const approval = e.approval ? ` [${e.approval.kind} ${e.approval.ref}]` : '';
    const reason = e.reason ? ` — reason: "${e.reason}"` : ' — no reason given';
    return (
        `${e.at} ${e.device_id}/${e.actuator} ${e.dry_run ? 'DRY RUN ' : ''}${e.action}${value}${lease}: ` +
        `${result}${approval} by ${who(e)}${reason}`
    );
}

function logText(log: CommandLog): string {
    const more = log.next_cursor ? ` Older entries: call again with cursor="${log.next_cursor}".` : '';
    return [
        `${log.entries.length} of ${log.total} command(s), newest first.${more}`,
        ...log.entries.map(line),
    ].join('\n');
}

export function registerCommandLogTool(server: McpServer, ctx: ToolContext): void {
    server.registerTool(
        'get_command_log',
        {
            title: 'Command log',
            description:
                "The bridge's command ledger, newest first: every command sent to an actuator by any MCP client, " +
                'flow or user, with who sent it (client name, version, session; flow node; user), the reason ' +
                'given, the confirmation used, the outcome (applied, rejected, rate_limited, ...) and the state ' +
                'the device reported. Use it to answer "why is the pump on, and who did it?".',
            inputSchema: {
                device_id: identifier.optional().describe('only commands to this device'),
                actuator: identifier.optional().describe('only commands to this actuator'),
                outcome: commandLogEntry.shape.outcome.optional().describe('only commands with this outcome'),
                since_minutes: z
                    .number()
                    .int()
                    .min(1)
                    .max(SINCE_MINUTES_MAX)
                    .optional()
                    .describe('only commands of the last N minutes'),
                limit: z
                    .number()
                    .int()
                    .min(1)
                    .max(COMMAND_LOG_PAGE.max)
                    .default(COMMAND_LOG_PAGE.default)
                    .describe(`entries per page (1..${COMMAND_LOG_PAGE.max}); use cursor for older ones`),
                cursor: z.string().optional().describe('next_cursor from the previous page'),
            },
            outputSchema: commandLog.shape,
            annotations: READ_ONLY,
        },
        async (args, extra) => {
            try {
                const log = await ctx.registry.commandLog(
                    {
                        device: args.device_id,
                        actuator: args.actuator,
                        outcome: args.outcome,
                        since:
                            args.since_minutes !== undefined
                                ? Math.floor(Date.now() / 1000) - args.since_minutes * 60
                                : undefined,
                        limit: args.limit,
                        cursor: args.cursor,
                    },
                    { signal: extra.signal },
                );
                return successText(log, logText(log));
            } catch (e) {
                return registryFailure(e, { deviceId: args.device_id });
            }
        },
    );
}
