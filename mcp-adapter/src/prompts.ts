/** Prompts: a site status report and an alert investigation, with argument completion. */
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { completeDeviceIds } from './resources';
import type { ToolContext } from './tool-context';
import { SEVERITY_NAMES } from './tools/monitoring';

function userMessage(text: string): GetPromptResult {
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
}

/** Current data to ground the prompt, or a note that the registry is unreachable. */
async function snapshot(label: string, load: () => Promise<unknown>): Promise<string> {
    try {
        return `${label}:\n${JSON.stringify(await load())}`;
    } catch (e) {
        return `${label}: not available (${(e as Error).message}).`;
    }
}

function severityLevel(value: string | undefined): number {
    if (!value) return 1;
    const byName = SEVERITY_NAMES.indexOf(value as (typeof SEVERITY_NAMES)[number]);
    if (byName >= 0) return byName;
    const n = Number(value);
    return Number.isInteger(n) && n >= 0 && n <= 3 ? n : 1;
}

async function completeLocations(ctx: ToolContext, prefix: string): Promise<string[]> {
    try {
        const list = await ctx.registry.listDevices({ limit: 1000 });
        const locations = new Set(list.devices.map((d) => d.location).filter((l): l is string => !!l));
        return [...locations].filter((l) => l.toLowerCase().startsWith(prefix.toLowerCase())).sort();
    } catch {
        return [];
    }
}

export function registerPrompts(server: McpServer, ctx: ToolContext): void {
    server.registerPrompt(
        'site_status_report',
        {
            title: 'Site status report',
            description:
                'Report on the whole site (or one location): devices, readings, alerts, bridge health.',
            argsSchema: {
                // describe() inside completable(): zod clones on describe() and would drop the completer.
                location: completable(
                    z.string().optional().describe('limit the report to one location'),
                    (v) => completeLocations(ctx, v ?? ''),
                ),
            },
        },
        async ({ location }) => {
            const status = await snapshot('Current system status', () => ctx.registry.status());
            const where = location ? ` for location "${location}"` : '';
            return userMessage(
                `Write a concise status report of the IoT site${where}.\n` +
                    `1. Call list_devices${location ? ` with location "${location}"` : ''} (follow next_cursor) ` +
                    'to see which devices are online and offline.\n' +
                    '2. Call read_all_sensors (not read_sensor per device); it answers one page of devices, one ' +
                    'line each: follow next_cursor until it is absent.\n' +
                    '3. Call get_alerts with min_severity 1 and since_minutes 1440.\n' +
                    '4. Summarise: offline devices first, then out-of-range or stale readings, then alerts, then ' +
                    'bridge health (message rates, lost messages, storage). For a trend, call read_sensor with ' +
                    'history_minutes: its stats cover the whole window and its gaps say why data is missing. ' +
                    'Do not change any actuator.\n\n' +
                    status,
            );
        },
    );

    server.registerPrompt(
        'investigate_alerts',
        {
            title: 'Investigate alerts',
            description:
                'Look into recent alerts (optionally of one device) and suggest causes and next steps.',
            argsSchema: {
                min_severity: completable(
                    z.string().optional().describe('info, warning, error or critical (default warning)'),
                    (v) => [...SEVERITY_NAMES].filter((s) => s.startsWith(v ?? '')),
                ),
                device_id: completable(z.string().optional().describe('only this device'), (v) =>
                    completeDeviceIds(ctx, v ?? ''),
                ),
            },
        },
        async ({ min_severity, device_id }) => {
            const severity = severityLevel(min_severity);
            const alerts = await snapshot('Recent alerts', () =>
                ctx.registry.alerts({ severity, device: device_id, limit: 50 }),
            );
            const scope = device_id ? ` of device "${device_id}"` : '';
            return userMessage(
                `Investigate the recent alerts${scope} with severity ${SEVERITY_NAMES[severity]} or higher.\n` +
                    'For each affected device: call get_device_info and get_device_metrics; if the cause is still ' +
                    'unclear and the device is online, call device_diagnostics. Group related alerts, name the most ' +
                    'likely cause, and propose next steps. Ask the user before controlling any actuator.\n\n' +
                    alerts,
            );
        },
    );
}
