/**
 * Runs the tool calls of one assistant turn against the MCP adapter, all at
 * once (a model that asks for five sensors in parallel gets five concurrent
 * calls), and turns each outcome into the `tool` message the model reads next.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';

export interface ToolCall {
    id: string;
    name: string;
    /** The raw JSON text the model produced. */
    arguments: string;
}

export type CallTool = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;

export interface ToolActivity {
    started(call: ToolCall): void;
    finished(call: ToolCall, outcome: { ok: boolean; summary: string }): void;
}

/** A tool result bigger than this is cut (the model's context is finite). */
export const MAX_TOOL_RESULT_CHARS = 24000;

function parseArguments(raw: string): Record<string, unknown> {
    if (raw.trim() === '') return {};
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('the arguments must be a JSON object');
    return parsed as Record<string, unknown>;
}

/** What the model sees of a tool result: the structured result when there is one, else the text. */
export function resultText(result: CallToolResult): string {
    const body =
        result.structuredContent !== undefined
            ? JSON.stringify(result.structuredContent)
            : result.content
                  .map((c) => (c.type === 'text' ? c.text : `[${c.type} content omitted]`))
                  .join('\n');
    const text = result.isError
        ? `ERROR: ${result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n')}`
        : body;
    return text.length > MAX_TOOL_RESULT_CHARS
        ? `${text.slice(0, MAX_TOOL_RESULT_CHARS)}\n[truncated: ${text.length} characters in all]`
        : text;
}

/** The first line of a result's text (the adapter puts a one-line summary there). */
export function summaryLine(result: CallToolResult): string {
    const first = result.content.find((c) => c.type === 'text');
    return first && first.type === 'text' ? (first.text.split('\n')[0] ?? '') : '';
}

async function runOne(call: ToolCall, callTool: CallTool, activity: ToolActivity): Promise<string> {
    let args: Record<string, unknown>;
    try {
        args = parseArguments(call.arguments);
    } catch (e) {
        const message = `ERROR: the arguments of ${call.name} are not valid JSON (${(e as Error).message}); nothing was called.`;
        activity.finished(call, { ok: false, summary: 'invalid arguments from the model' });
        return message;
    }
    activity.started(call);
    try {
        const result = await callTool(call.name, args);
        activity.finished(call, { ok: result.isError !== true, summary: summaryLine(result) });
        return resultText(result);
    } catch (e) {
        const message = (e as Error).message;
        activity.finished(call, { ok: false, summary: message });
        return `ERROR: calling ${call.name} failed: ${message}`;
    }
}

/** Runs every call concurrently; the answers keep the calls' order and ids. */
export async function runToolCalls(
    calls: ToolCall[],
    callTool: CallTool,
    activity: ToolActivity,
): Promise<ChatCompletionToolMessageParam[]> {
    const texts = await Promise.all(calls.map((call) => runOne(call, callTool, activity)));
    return calls.map((call, i) => ({ role: 'tool', tool_call_id: call.id, content: texts[i] ?? '' }));
}
