/** The pieces of mcpb-chat that need no services: concurrent tool calls, stream assembly, tool schemas. */
import assert from 'node:assert/strict';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { TurnAssembler } from '../../mcp-adapter/src/chat/completion-stream';
import { runToolCalls, type ToolActivity } from '../../mcp-adapter/src/chat/tool-runner';
import { toOpenAiTool } from '../../mcp-adapter/src/chat/tool-schema';
import { Redactor } from '../../mcp-adapter/src/chat/redactor';

const quiet: ToolActivity = { started: () => undefined, finished: () => undefined };

function chunk(
    delta: ChatCompletionChunk.Choice['delta'],
    finish: ChatCompletionChunk.Choice['finish_reason'] = null,
) {
    return {
        id: 'c',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'm',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    } as ChatCompletionChunk;
}

describe('mcpb-chat pieces', () => {
    it('runs the tool calls of one turn concurrently (each waits for the others to start)', async () => {
        const started: string[] = [];
        let release: () => void = () => undefined;
        const allStarted = new Promise<void>((resolve) => (release = resolve));
        const callTool = async (name: string, args: Record<string, unknown>): Promise<CallToolResult> => {
            started.push(String(args.device_id));
            if (started.length === 3) release();
            // Sequential execution would never get past the first call.
            await allStarted;
            return { content: [{ type: 'text', text: 'ok' }], structuredContent: { tool: name, ...args } };
        };
        const calls = ['a', 'b', 'c'].map((d, i) => ({
            id: `call_${i}`,
            name: 'read_sensor',
            arguments: JSON.stringify({ device_id: d }),
        }));
        const messages = await runToolCalls(calls, callTool, quiet);
        assert.deepEqual(
            messages.map((m) => [m.tool_call_id, m.content]),
            calls.map((c, i) => [
                c.id,
                JSON.stringify({ tool: 'read_sensor', device_id: ['a', 'b', 'c'][i] }),
            ]),
        );
    });

    it('answers invalid model arguments and failed calls with an error the model can read', async () => {
        const messages = await runToolCalls(
            [
                { id: '1', name: 'list_devices', arguments: '{not json' },
                { id: '2', name: 'get_alerts', arguments: '' },
            ],
            async (name) => {
                throw new Error(`${name} broke`);
            },
            quiet,
        );
        assert.match(
            String(messages[0]?.content),
            /^ERROR: the arguments of list_devices are not valid JSON/,
        );
        assert.equal(messages[1]?.content, 'ERROR: calling get_alerts failed: get_alerts broke');
    });

    it('assembles streamed text and tool calls split into pieces by index', () => {
        const turn = new TurnAssembler();
        const deltas = [
            chunk({ role: 'assistant', content: '' }),
            chunk({ content: 'Let me ' }),
            chunk({ content: 'check.' }),
            chunk({
                tool_calls: [
                    { index: 0, id: 'x0', type: 'function', function: { name: 'read_', arguments: '' } },
                ],
            }),
            chunk({
                tool_calls: [
                    {
                        index: 1,
                        id: 'x1',
                        type: 'function',
                        function: { name: 'list_devices', arguments: '{}' },
                    },
                ],
            }),
            chunk({ tool_calls: [{ index: 0, function: { name: 'sensor', arguments: '{"device_id":' } }] }),
            chunk({ tool_calls: [{ index: 0, function: { arguments: '"a"}' } }] }),
            chunk({}, 'tool_calls'),
        ].map((c) => turn.add(c));
        assert.equal(deltas.join(''), 'Let me check.');
        assert.deepEqual(turn.turn(), {
            content: 'Let me check.',
            finishReason: 'tool_calls',
            toolCalls: [
                { id: 'x0', name: 'read_sensor', arguments: '{"device_id":"a"}' },
                { id: 'x1', name: 'list_devices', arguments: '{}' },
            ],
        });
    });

    it('offers an MCP tool as an OpenAI function (schema without $schema, hints in the description)', () => {
        const tool: Tool = {
            name: 'control_actuator',
            description: 'Send a command.',
            inputSchema: {
                $schema: 'http://json-schema.org/draft-07/schema#',
                type: 'object',
                properties: { device_id: { type: 'string' } },
                required: ['device_id'],
            },
            annotations: { destructiveHint: true },
        };
        assert.deepEqual(toOpenAiTool(tool), {
            type: 'function',
            function: {
                name: 'control_actuator',
                description: 'Send a command. (acts on real devices)',
                parameters: {
                    type: 'object',
                    properties: { device_id: { type: 'string' } },
                    required: ['device_id'],
                },
            },
        });
        assert.equal(toOpenAiTool({ ...tool, name: 'has space' }), undefined);
    });

    it('redacts every secret wherever it appears', () => {
        const r = new Redactor(['sk-abcdef', undefined, 'x']);
        assert.equal(
            r.redact('key sk-abcdef and sk-abcdef; x stays'),
            'key [redacted] and [redacted]; x stays',
        );
    });
});
