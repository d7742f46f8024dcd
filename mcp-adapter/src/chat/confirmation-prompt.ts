/**
 * Answers the adapter's elicitation requests by asking the person at the
 * terminal. The adapter asks before sending a command to an actuator that
 * requires confirmation; only an explicit "y"/"yes" accepts. End of input
 * cancels, so a script without an answer never sends such a command. Only
 * the form's required questions are asked: optional ones (such as a scoped
 * approval's minutes) keep their defaults, so the terminal never approves
 * more than the one command.
 */
import type { ElicitRequestFormParams, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import type { ElicitationHandler } from './mcp-connection';
import type { Output } from './redactor';
import type { Terminal } from './terminal';

type Field = { type?: string; title?: string; description?: string; enum?: unknown[]; default?: unknown };

const YES = /^\s*(y|yes)\s*$/i;

export function terminalElicitation(terminal: Terminal, output: Output): ElicitationHandler {
    return async (params: ElicitRequestFormParams): Promise<ElicitResult> => {
        output.err(`\n⚠ The MCP adapter asks: ${params.message}\n`);
        const all = (params.requestedSchema.properties ?? {}) as Record<string, Field>;
        const required = params.requestedSchema.required;
        const properties = Object.fromEntries(
            Object.entries(all).filter(([name]) => required === undefined || required.includes(name)),
        );
        const content: Record<string, string | number | boolean> = {};
        for (const [name, field] of Object.entries(properties)) {
            const label = field.title ?? field.description ?? name;
            if (field.type === 'boolean') {
                const line = await terminal.readLine(`${label}? [y/N] `);
                if (line === undefined) return cancelled(output);
                // For a single yes/no question, "no" means the user declined.
                if (!YES.test(line) && Object.keys(properties).length === 1) {
                    output.err('Declined: nothing is sent.\n');
                    return { action: 'decline' };
                }
                content[name] = YES.test(line);
                continue;
            }
            const choices = field.enum ? ` (${field.enum.map(String).join('/')})` : '';
            const line = await terminal.readLine(`${label}${choices}: `);
            if (line === undefined) return cancelled(output);
            const value =
                line.trim() === '' && field.default !== undefined ? String(field.default) : line.trim();
            content[name] = field.type === 'number' || field.type === 'integer' ? Number(value) : value;
        }
        output.err('Confirmed.\n');
        return { action: 'accept', content };
    };
}

function cancelled(output: Output): ElicitResult {
    output.err('\nNo answer (end of input): cancelled, nothing is sent.\n');
    return { action: 'cancel' };
}
