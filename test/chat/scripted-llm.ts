/**
 * A scripted OpenAI-compatible chat-completions server on 127.0.0.1 for the
 * mcpb-chat tests. It follows the real API's wire shapes: `POST
 * /v1/chat/completions`; with `stream: true` an SSE stream of
 * `chat.completion.chunk` objects (role first, content deltas, tool calls in
 * pieces keyed by `index` — id, type and name first, then argument fragments —
 * a final chunk with `finish_reason`, an optional usage chunk) ended by
 * `data: [DONE]`; without it one `chat.completion`; errors as
 * `{"error":{"message","type","param","code"}}` with the HTTP status.
 * Each request is answered by the next step of the script, which sees the
 * request body (so an answer can be built from the tool results it carries).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
    role: 'system' | 'user' | 'assistant' | 'tool';
    content: string | null;
    tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    tool_call_id?: string;
}

export interface ChatRequest {
    model: string;
    messages: ChatMessage[];
    tools?: { type: 'function'; function: { name: string; description?: string; parameters: object } }[];
    stream?: boolean;
    stream_options?: { include_usage?: boolean };
    parallel_tool_calls?: boolean;
}

export interface RecordedRequest {
    body: ChatRequest;
    authorization: string | undefined;
}

export type Reply =
    | { text: string }
    | { toolCalls: { name: string; arguments: object }[] }
    | {
          status: number;
          message: string;
          type: string;
          code?: string | null;
          headers?: Record<string, string>;
      };

export type Step = (request: ChatRequest) => Reply;

function errorBody(reply: Extract<Reply, { status: number }>): string {
    return JSON.stringify({
        error: { message: reply.message, type: reply.type, param: null, code: reply.code ?? null },
    });
}

/** Splits text into a few pieces, as a model streams tokens. */
function pieces(text: string, size: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
    return out.length > 0 ? out : [''];
}

export class ScriptedLlm {
    readonly requests: RecordedRequest[] = [];
    private steps: Step[] = [];
    private server: http.Server | undefined;
    private counter = 0;
    url = '';

    /** Replaces the script: one step per expected request, in order. */
    script(...steps: Step[]): void {
        this.steps = steps;
        this.requests.length = 0;
    }

    /** Requests still expected by the script. */
    remaining(): number {
        return this.steps.length;
    }

    async start(): Promise<void> {
        this.server = http.createServer((req, res) => void this.handle(req, res));
        await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    }

    async stop(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        let raw = '';
        for await (const chunk of req) raw += (chunk as Buffer).toString();
        if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(
                errorBody({ status: 404, message: `Unknown path ${req.url}`, type: 'invalid_request_error' }),
            );
            return;
        }
        const body = JSON.parse(raw) as ChatRequest;
        this.requests.push({ body, authorization: req.headers.authorization });
        const step = this.steps.shift();
        let reply: Reply;
        try {
            reply = step
                ? step(body)
                : {
                      status: 500,
                      message: 'the test script has no step for this request',
                      type: 'server_error',
                  };
        } catch (e) {
            reply = {
                status: 500,
                message: `script step failed: ${(e as Error).message}`,
                type: 'server_error',
            };
        }
        if ('status' in reply) {
            res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
            res.end(errorBody(reply));
            return;
        }
        const id = `chatcmpl-${++this.counter}`;
        const created = Math.floor(Date.now() / 1000);
        const toolCalls =
            'toolCalls' in reply
                ? reply.toolCalls.map((c, i) => ({
                      id: `call_${this.counter}_${i}`,
                      type: 'function' as const,
                      function: { name: c.name, arguments: JSON.stringify(c.arguments) },
                  }))
                : [];
        const finish = toolCalls.length > 0 ? 'tool_calls' : 'stop';
        const text = 'text' in reply ? reply.text : null;
        if (!body.stream) {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(
                JSON.stringify({
                    id,
                    object: 'chat.completion',
                    created,
                    model: body.model,
                    choices: [
                        {
                            index: 0,
                            message: {
                                role: 'assistant',
                                content: text,
                                refusal: null,
                                ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
                            },
                            logprobs: null,
                            finish_reason: finish,
                        },
                    ],
                    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
                }),
            );
            return;
        }
        res.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            connection: 'keep-alive',
        });
        const chunk = (delta: object, finishReason: string | null = null) =>
            `data: ${JSON.stringify({
                id,
                object: 'chat.completion.chunk',
                created,
                model: body.model,
                system_fingerprint: 'fp_scripted',
                choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
            })}\n\n`;
        res.write(chunk({ role: 'assistant', content: text === null ? null : '', refusal: null }));
        if (text !== null) for (const piece of pieces(text, 7)) res.write(chunk({ content: piece }));
        toolCalls.forEach((call, index) => {
            res.write(
                chunk({
                    tool_calls: [
                        {
                            index,
                            id: call.id,
                            type: 'function',
                            function: { name: call.function.name, arguments: '' },
                        },
                    ],
                }),
            );
            for (const piece of pieces(call.function.arguments, 5))
                res.write(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
        });
        res.write(chunk({}, finish));
        if (body.stream_options?.include_usage) {
            res.write(
                `data: ${JSON.stringify({
                    id,
                    object: 'chat.completion.chunk',
                    created,
                    model: body.model,
                    choices: [],
                    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
                })}\n\n`,
            );
        }
        res.end('data: [DONE]\n\n');
    }
}

/** The tool messages of a request (the results mcpb-chat sent back). */
export function toolMessages(request: ChatRequest): ChatMessage[] {
    return request.messages.filter((m) => m.role === 'tool');
}
