/** Tools that watch the fleet: get_alerts, get_system_status, get_device_metrics. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
    ALERT_PAGE,
    HISTORY_MINUTES_MAX,
    METRICS_PAGE,
    alertList,
    identifier,
    metricsList,
    systemStatus,
    type MetricsList,
    type SystemStatus,
} from '@mcp-mqtt-bridge/protocol';
import { READ_ONLY, type ToolContext } from '../tool-context';
import { registryFailure, success, successText } from '../tool-results';

export const SEVERITY_NAMES = ['info', 'warning', 'error', 'critical'] as const;

function statusSummary(s: SystemStatus): string {
    const storage = s.storage.connected
        ? 'connected'
        : `NOT connected${s.storage.last_error ? ` (${s.storage.last_error})` : ''}`;
    return (
        `${s.devices.online}/${s.devices.total} devices online, ${s.rates.messages_per_s} msg/s, ` +
        `${s.rates.errors_per_s} errors/s; MQTT ${s.mqtt.connected ? 'connected' : 'DISCONNECTED'}; ` +
        `storage ${s.storage.kind} ${storage}, ${s.storage.dropped} points dropped.`
    );
}

/** One line per device, sorted: registry counters, then the device's own metrics when it sent some. */
function metricsText(list: MetricsList): string {
    const lines = list.devices.map((d) => {
        const c = d.counters;
        const own = d.device_metrics
            ? ' | ' +
              Object.entries(d.device_metrics)
                  .filter(([k, v]) => k !== 'device_id' && (typeof v === 'number' || typeof v === 'string'))
                  .map(([k, v]) => `${k} ${String(v)}`)
                  .join(', ')
            : '';
        return (
            `${d.device_id} ${d.online ? 'online' : 'OFFLINE'}: msgs ${c.messages}, decode_errors ${c.decode_errors}, ` +
            `lost ${c.lost}, dup ${c.duplicates}, late ${c.late}, cmds ${c.commands_applied}/${c.commands_sent} applied ` +
            `(${c.commands_rejected} rejected, ${c.commands_timed_out} timed out)${own}`
        );
    });
    const total = list.total ?? list.devices.length;
    const more = list.next_cursor ? `More devices: call again with cursor="${list.next_cursor}".` : '';
    return [`${list.devices.length} of ${total} device(s).`, ...lines, more].filter(Boolean).join('\n');
}

export function registerMonitoringTools(server: McpServer, ctx: ToolContext): void {
    server.registerTool(
        'get_alerts',
        {
            title: 'Recent alerts',
            description:
                'Recent errors and warnings, newest first: errors the devices reported (sensor failures, low memory, ' +
                '...) and problems the registry saw (device went offline, messages lost, malformed or spoofed ' +
                'messages). Severity: 0 info, 1 warning, 2 error, 3 critical; min_severity keeps that level and above.',
            inputSchema: {
                min_severity: z.number().int().min(0).max(3).default(0),
                since_minutes: z
                    .number()
                    .min(0)
                    .max(HISTORY_MINUTES_MAX)
                    .optional()
                    .describe('only alerts from the last N minutes'),
                device_id: identifier.optional(),
                limit: z.number().int().min(1).max(ALERT_PAGE.max).default(50),
            },
            outputSchema: { ...alertList.shape, count: z.number().int() },
            annotations: READ_ONLY,
        },
        async (args, extra) => {
            try {
                const since =
                    args.since_minutes !== undefined
                        ? Math.floor(Date.now() / 1000 - args.since_minutes * 60)
                        : undefined;
                const { alerts } = await ctx.registry.alerts(
                    { severity: args.min_severity, since, device: args.device_id, limit: args.limit },
                    { signal: extra.signal },
                );
                const lines = alerts.map(
                    (a) =>
                        `${new Date(a.timestamp * 1000).toISOString()} ${SEVERITY_NAMES[a.severity] ?? a.severity} ` +
                        `${a.device_id} ${a.error_type}: ${a.message}`,
                );
                return success({ alerts, count: alerts.length }, lines.join('\n') || 'No alerts match.');
            } catch (e) {
                return registryFailure(e, { deviceId: args.device_id });
            }
        },
    );

    server.registerTool(
        'get_system_status',
        {
            title: 'System status',
            description:
                'One-call health summary of the bridge: devices online/offline, message and error rates over the ' +
                'last minute, lost/duplicate/late message counters, decode errors by kind, MQTT connection and ' +
                'storage (InfluxDB) state with dropped points. Use it first for "how is everything?".',
            inputSchema: {},
            outputSchema: systemStatus.shape,
            annotations: READ_ONLY,
        },
        async (_args, extra) => {
            try {
                const status = await ctx.registry.status({ signal: extra.signal });
                return success(status, statusSummary(status));
            } catch (e) {
                return registryFailure(e);
            }
        },
    );

    server.registerTool(
        'get_device_metrics',
        {
            title: 'Device metrics',
            description:
                'Performance counters per device: what the registry counted (messages, decode errors, lost, ' +
                "duplicate and late messages, commands sent/applied/rejected/timed out) and the device's own last " +
                'metrics report (uptime, free heap, RSSI, publish failures, ...). Omit device_id for all devices: ' +
                `one page (sorted by id, limit devices, default ${METRICS_PAGE.default}), one line per device; ` +
                'when next_cursor is present, call again with it.',
            inputSchema: {
                device_id: identifier.optional(),
                limit: z.number().int().min(1).max(METRICS_PAGE.max).default(METRICS_PAGE.default),
                cursor: z.string().optional().describe('next_cursor from the previous page'),
            },
            outputSchema: metricsList.shape,
            annotations: READ_ONLY,
        },
        async ({ device_id, limit, cursor }, extra) => {
            try {
                const answer = await ctx.registry.metrics(
                    device_id,
                    { signal: extra.signal },
                    { limit, cursor },
                );
                return successText(answer, metricsText(answer));
            } catch (e) {
                return registryFailure(e, { deviceId: device_id });
            }
        },
    );
}
