/**
 * Turns failures of the chat-completions API into one message that says what
 * happened and what to do. The message never contains the API key: the
 * caller's Redactor removes it even if a server echoed it back.
 */
import OpenAI from 'openai';

export interface LlmContext {
    baseUrl: string;
    model: string;
}

/** What the server said, without the SDK's status prefix. */
function serverMessage(e: InstanceType<typeof OpenAI.APIError>): string {
    const body = e.error as { message?: unknown } | undefined;
    if (body && typeof body.message === 'string') return body.message;
    return e.message.replace(/^\d{3}\s+/, '');
}

/** Servers word "this model cannot call tools" differently (OpenAI, Ollama, vLLM, llama.cpp, LM Studio). */
const NO_TOOL_SUPPORT =
    /does not support tools|tools? (?:are|is) not supported|not support(?:ed)? (?:tool|function)|tool[_ ]choice|tool calling|function calling|enable-auto-tool-choice|\btools\b.*\bunsupported/i;

/** The innermost cause of a network failure ("fetch failed" says nothing), in words. */
export function rootCause(e: unknown): string {
    let error = e as { cause?: unknown; code?: unknown; message?: string } | undefined;
    let message = error?.message ?? String(e);
    for (let depth = 0; error && depth < 5; depth++) {
        if (error.code === 'ECONNREFUSED') return 'connection refused';
        if (error.code === 'ENOTFOUND') return 'host not found';
        if (error.code === 'ECONNRESET') return 'connection reset';
        if (error.message) message = error.message;
        error = error.cause as typeof error;
    }
    return message;
}

export function describeLlmError(e: unknown, ctx: LlmContext): string {
    const where = `the chat-completions API at ${ctx.baseUrl}`;
    if (e instanceof OpenAI.APIConnectionTimeoutError) return `No answer from ${where} in time (timeout).`;
    if (e instanceof OpenAI.APIConnectionError) {
        const why = rootCause(e);
        return `Cannot reach ${where}: ${why}. Check --llm-base-url (e.g. http://127.0.0.1:11434/v1 for Ollama).`;
    }
    if (e instanceof OpenAI.APIError) {
        const said = serverMessage(e);
        switch (e.status) {
            case 401:
                return `Authentication failed (401) at ${where}: ${said}. Check --api-key or the OPENAI_API_KEY environment variable.`;
            case 403:
                return `Permission denied (403) at ${where}: ${said}. The key may not have access to model '${ctx.model}'.`;
            case 404:
                return `Not found (404) at ${where}: ${said}. Check the model name ('${ctx.model}') and that --llm-base-url ends with the API root (usually /v1).`;
            case 429:
                return `Rate limited (429) by ${where}: ${said}. Wait a moment and try again, or check the account's quota.`;
            default:
                break;
        }
        if ((e.status === 400 || e.status === 422 || e.status === 500) && NO_TOOL_SUPPORT.test(said)) {
            return `Model '${ctx.model}' does not support tool calling (${e.status}: ${said}). mcpb-chat needs a model with tools/function calling (e.g. gpt-4o-mini, llama3.1, qwen2.5).`;
        }
        if (e.status !== undefined && e.status >= 500)
            return `The server at ${where} failed (${e.status}): ${said}. Try again later.`;
        return `The request was refused (${e.status ?? 'no status'}) by ${where}: ${said}`;
    }
    if (e instanceof OpenAI.OpenAIError) return `Chat-completions error: ${e.message}`;
    return `Unexpected error: ${(e as Error).message ?? String(e)}`;
}
