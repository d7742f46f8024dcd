/**
 * One streamed chat completion: sends the conversation and the tools, writes
 * text deltas as they arrive, and assembles the assistant message, including
 * tool calls whose id, name and arguments come in pieces keyed by `index`.
 */
import type OpenAI from 'openai';
import type {
    ChatCompletionAssistantMessageParam,
    ChatCompletionChunk,
    ChatCompletionFunctionTool,
    ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { ToolCall } from './tool-runner';

export interface AssistantTurn {
    content: string;
    toolCalls: ToolCall[];
    finishReason: string | null;
}

/** Folds streamed chunks into one assistant turn. */
export class TurnAssembler {
    private content = '';
    private finishReason: string | null = null;
    private readonly calls = new Map<number, ToolCall>();

    /** Returns the text delta of this chunk ('' when none). */
    add(chunk: ChatCompletionChunk): string {
        const choice = chunk.choices[0];
        if (!choice) return ''; // e.g. the usage chunk
        if (choice.finish_reason) this.finishReason = choice.finish_reason;
        for (const delta of choice.delta.tool_calls ?? []) {
            const call = this.calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
            if (delta.id) call.id = delta.id;
            if (delta.function?.name) call.name += delta.function.name;
            if (delta.function?.arguments) call.arguments += delta.function.arguments;
            this.calls.set(delta.index, call);
        }
        const text = choice.delta.content ?? '';
        this.content += text;
        return text;
    }

    turn(): AssistantTurn {
        const toolCalls = [...this.calls.entries()]
            .sort(([a], [b]) => a - b)
            .map(([index, call]) => ({ ...call, id: call.id || `call_${index}` }));
        return { content: this.content, toolCalls, finishReason: this.finishReason };
    }
}

/** The assistant message to keep in the conversation for a turn. */
export function assistantMessage(turn: AssistantTurn): ChatCompletionAssistantMessageParam {
    return {
        role: 'assistant',
        content: turn.content === '' ? null : turn.content,
        ...(turn.toolCalls.length > 0
            ? {
                  tool_calls: turn.toolCalls.map((c) => ({
                      id: c.id,
                      type: 'function' as const,
                      function: { name: c.name, arguments: c.arguments },
                  })),
              }
            : {}),
    };
}

export async function streamTurn(
    client: OpenAI,
    request: {
        model: string;
        messages: ChatCompletionMessageParam[];
        tools: ChatCompletionFunctionTool[];
        signal?: AbortSignal;
    },
    onText: (delta: string) => void,
): Promise<AssistantTurn> {
    const stream = await client.chat.completions.create(
        {
            model: request.model,
            messages: request.messages,
            ...(request.tools.length > 0
                ? { tools: request.tools, tool_choice: 'auto' as const, parallel_tool_calls: true }
                : {}),
            stream: true,
        },
        { signal: request.signal },
    );
    const assembler = new TurnAssembler();
    for await (const chunk of stream) {
        const text = assembler.add(chunk);
        if (text) onText(text);
    }
    return assembler.turn();
}
