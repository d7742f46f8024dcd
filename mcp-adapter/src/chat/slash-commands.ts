/**
 * Slash commands: the seeds' debug tools, answered by calling the adapter's
 * tools directly (no model involved).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Output } from './redactor';
import type { CallTool } from './tool-runner';

export interface SlashContext {
    callTool: CallTool;
    toolNames: string[];
    output: Output;
    resetConversation(): void;
}

export type SlashOutcome = 'handled' | 'quit' | 'unknown';

interface Command {
    help: string;
    run(ctx: SlashContext, args: string): Promise<SlashOutcome>;
}

interface DeviceRow {
    device_id: string;
    name?: string;
    location?: string;
    online: boolean;
    sensors?: string[];
    actuators?: string[];
}

function pad(text: string, width: number): string {
    return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function firstLine(result: CallToolResult): string {
    const text = result.content.find((c) => c.type === 'text');
    return text && text.type === 'text' ? (text.text.split('\n')[0] ?? '') : '';
}

function printResult(ctx: SlashContext, result: CallToolResult): void {
    if (result.isError) {
        const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
        ctx.output.out(`error: ${text}\n`);
        return;
    }
    const summary = firstLine(result);
    if (summary && !summary.startsWith('{')) ctx.output.out(`${summary}\n`);
    if (result.structuredContent !== undefined)
        ctx.output.out(`${JSON.stringify(result.structuredContent, null, 2)}\n`);
}

async function callAndPrint(ctx: SlashContext, tool: string, args: Record<string, unknown>) {
    if (!ctx.toolNames.includes(tool)) {
        ctx.output.out(`The adapter offers no ${tool} tool.\n`);
        return;
    }
    printResult(ctx, await ctx.callTool(tool, args));
}

const COMMANDS: Record<string, Command> = {
    devices: {
        help: 'list devices with online state (list_devices)',
        async run(ctx) {
            if (!ctx.toolNames.includes('list_devices')) {
                ctx.output.out('The adapter offers no list_devices tool.\n');
                return 'handled';
            }
            const result = await ctx.callTool('list_devices', { limit: 200 });
            const list = result.structuredContent as { devices?: DeviceRow[]; total?: number } | undefined;
            if (result.isError || !list?.devices) {
                printResult(ctx, result);
                return 'handled';
            }
            const online = list.devices.filter((d) => d.online).length;
            const width = Math.max(9, ...list.devices.map((d) => d.device_id.length)) + 2;
            const rows = list.devices.map(
                (d) =>
                    `  ${pad(d.device_id, width)}${pad(d.online ? 'online' : 'offline', 9)}${pad(d.name ?? '', 24)}` +
                    `${pad(d.location ?? '', 14)}${(d.sensors ?? []).length} sensors, ${(d.actuators ?? []).length} actuators\n`,
            );
            // One write: a reader of the output sees the table whole, never its header alone.
            ctx.output.out(
                `${list.total ?? list.devices.length} devices, ${online} online\n${rows.join('')}`,
            );
            return 'handled';
        },
    },
    status: {
        help: 'system status: devices online, message rates, drops, storage, MQTT (get_system_status)',
        async run(ctx) {
            await callAndPrint(ctx, 'get_system_status', {});
            return 'handled';
        },
    },
    alerts: {
        help: 'recent alerts; "/alerts 2" = warnings and worse (get_alerts)',
        async run(ctx, args) {
            const severity = Number(args.trim());
            await callAndPrint(
                ctx,
                'get_alerts',
                args.trim() !== '' && Number.isInteger(severity) ? { min_severity: severity } : {},
            );
            return 'handled';
        },
    },
    metrics: {
        help: 'per-device counters and device metrics; "/metrics <device>" for one (get_device_metrics)',
        async run(ctx, args) {
            const device = args.trim();
            await callAndPrint(ctx, 'get_device_metrics', device ? { device_id: device } : {});
            return 'handled';
        },
    },
    tools: {
        help: "the adapter's tools offered to the model",
        async run(ctx) {
            ctx.output.out(`${ctx.toolNames.join(', ')}\n`);
            return Promise.resolve('handled');
        },
    },
    clear: {
        help: 'start a new conversation',
        async run(ctx) {
            ctx.resetConversation();
            ctx.output.out('Conversation cleared.\n');
            return Promise.resolve('handled');
        },
    },
    help: {
        help: 'this list',
        async run(ctx) {
            ctx.output.out(helpText());
            return Promise.resolve('handled');
        },
    },
    quit: {
        help: 'leave (also Ctrl-D)',
        run: () => Promise.resolve('quit'),
    },
};

export function helpText(): string {
    const lines = Object.entries(COMMANDS).map(([name, c]) => `  /${pad(name, 9)}${c.help}`);
    return `Ask about your devices in plain language, or use:\n${lines.join('\n')}\n`;
}

export function isSlashCommand(line: string): boolean {
    return line.trimStart().startsWith('/');
}

export async function runSlashCommand(line: string, ctx: SlashContext): Promise<SlashOutcome> {
    const [word = '', ...rest] = line.trim().slice(1).split(/\s+/);
    const command = Object.hasOwn(COMMANDS, word.toLowerCase()) ? COMMANDS[word.toLowerCase()] : undefined;
    if (!command) {
        ctx.output.out(`Unknown command /${word}. ${helpText()}`);
        return 'unknown';
    }
    return command.run(ctx, rest.join(' '));
}
