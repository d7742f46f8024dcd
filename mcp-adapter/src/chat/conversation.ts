/**
 * The conversation with the model: keeps the history, streams each answer,
 * runs the tool calls a turn asks for (concurrently) and feeds their results
 * back until the model answers in text.
 */
import type OpenAI from 'openai';
import type {
    ChatCompletionFunctionTool,
    ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { assistantMessage, streamTurn } from './completion-stream';
import type { Output } from './redactor';
import { systemPrompt } from './system-prompt';
import { runToolCalls, type CallTool, type ToolActivity, type ToolCall } from './tool-runner';

export interface ConversationOptions {
    llm: OpenAI;
    model: string;
    tools: ChatCompletionFunctionTool[];
    callTool: CallTool;
    output: Output;
    /** Model turns per question at most (each tool round is one). */
    maxRounds?: number;
}

export class RoundLimitError extends Error {}

function describeCall(call: ToolCall): string {
    const args = call.arguments.trim() === '' ? '{}' : call.arguments;
    return `${call.name}(${args.length > 120 ? `${args.slice(0, 117)}...` : args})`;
}

export class Conversation {
    private messages: ChatCompletionMessageParam[] = [];

    constructor(private readonly options: ConversationOptions) {
        this.reset();
    }

    reset(): void {
        this.messages = [{ role: 'system', content: systemPrompt() }];
    }

    /** Messages so far (system prompt included). */
    history(): readonly ChatCompletionMessageParam[] {
        return this.messages;
    }

    /**
     * Asks one question; streams the answer to output.out and resolves with the
     * final text. On failure the question is dropped from the history, so the
     * conversation stays valid for the next one.
     */
    async ask(question: string, signal?: AbortSignal): Promise<string> {
        const { llm, model, tools, callTool, output } = this.options;
        const maxRounds = this.options.maxRounds ?? 8;
        const mark = this.messages.length;
        this.messages.push({ role: 'user', content: question });
        const activity: ToolActivity = {
            started: (call) => output.err(`  → ${describeCall(call)}\n`),
            finished: (call, outcome) =>
                output.err(
                    `  ${outcome.ok ? '✓' : '✗'} ${call.name}${outcome.summary ? `: ${outcome.summary}` : ''}\n`,
                ),
        };
        try {
            for (let round = 0; round < maxRounds; round++) {
                let streamed = false;
                const turn = await streamTurn(
                    llm,
                    { model, messages: this.messages, tools, signal },
                    (delta) => {
                        streamed = true;
                        output.out(delta);
                    },
                );
                this.messages.push(assistantMessage(turn));
                if (turn.toolCalls.length === 0) {
                    if (streamed) output.out('\n');
                    return turn.content;
                }
                if (streamed) output.out('\n');
                this.messages.push(...(await runToolCalls(turn.toolCalls, callTool, activity)));
            }
            throw new RoundLimitError(
                `The model was still calling tools after ${maxRounds} rounds; stopped. Ask a narrower question.`,
            );
        } catch (e) {
            this.messages.splice(mark);
            throw e;
        }
    }
}
