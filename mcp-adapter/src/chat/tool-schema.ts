/**
 * MCP tool definitions → OpenAI chat-completions function tools. The MCP
 * `inputSchema` is a JSON Schema object, which is what OpenAI `parameters`
 * takes; only the `$schema` dialect marker is dropped (several
 * OpenAI-compatible servers reject unknown top-level keywords).
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ChatCompletionFunctionTool } from 'openai/resources/chat/completions';

/** OpenAI function names: letters, digits, `_` and `-`, at most 64. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function toOpenAiTool(tool: Tool): ChatCompletionFunctionTool | undefined {
    if (!FUNCTION_NAME.test(tool.name)) return undefined;
    const parameters: Record<string, unknown> = {
        ...(tool.inputSchema as Record<string, unknown>),
        type: 'object',
    };
    delete parameters.$schema;
    if (parameters.properties === undefined) parameters.properties = {};
    const annotations = tool.annotations;
    const notes: string[] = [];
    if (annotations?.readOnlyHint === true) notes.push('read-only');
    if (annotations?.destructiveHint === true) notes.push('acts on real devices');
    const description = [
        tool.description ?? tool.title ?? tool.name,
        notes.length ? `(${notes.join(', ')})` : '',
    ]
        .filter(Boolean)
        .join(' ');
    return { type: 'function', function: { name: tool.name, description, parameters } };
}

export function toOpenAiTools(tools: Tool[]): ChatCompletionFunctionTool[] {
    return tools.map(toOpenAiTool).filter((t): t is ChatCompletionFunctionTool => t !== undefined);
}
