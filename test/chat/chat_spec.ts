/**
 * mcpb-chat end to end: a scripted OpenAI-compatible server (real wire
 * shapes, streamed) as the model, and the real `npm start` demo — MCP adapter,
 * Node-RED registry, embedded broker, simulated devices — as the tools.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import mqtt from 'mqtt';
import { freePort, waitFor } from '../support/services';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';
import { CHAT_BIN, runChatToEnd, startChat } from './chat-process';
import { ScriptedLlm, toolMessages, type ChatRequest } from './scripted-llm';

const DEVICES = ['demo-0000', 'demo-0001', 'demo-0002'];
const SECRET_KEY = 'sk-test-9f8e7d6c5b4a39281716';

interface ListedDevice {
    device_id: string;
    online: boolean;
}

/** The last tool message's JSON (what mcpb-chat sent back from the adapter). */
function lastToolResult<T>(request: ChatRequest): T {
    const tools = toolMessages(request);
    const content = tools[tools.length - 1]?.content;
    assert.ok(content, 'the request carries no tool result');
    return JSON.parse(content) as T;
}

describe('mcpb-chat (scripted OpenAI-compatible server, real adapter, registry and devices)', function () {
    this.timeout(60000);
    const llm = new ScriptedLlm();
    let demo: DemoProcess;

    before(async function () {
        assertBuilt();
        assert.ok(fs.existsSync(CHAT_BIN), `${CHAT_BIN} is missing: run "npm ci" and "npm run build"`);
        await llm.start();
        demo = await startDemoProcess({ devices: DEVICES.length, intervalMs: 1000 });
        await waitFor('the demo devices online with readings', async () => {
            const res = await demo.api('mcp-bridge/registries/demo-registry/readings');
            const body = (await res.json()) as { readings: { device_id: string; sensor: string }[] };
            return DEVICES.every((d) =>
                body.readings.some((r) => r.device_id === d && r.sensor === 'temperature'),
            );
        });
    });

    after(async function () {
        await demo?.stop();
        await llm.stop();
    });

    afterEach(function () {
        assert.equal(llm.remaining(), 0, 'the model expected more requests than mcpb-chat made');
    });

    const base = () => ['--llm-base-url', llm.url, '--model', 'm', '--max-retries', '0'];

    it('answers "Which devices are online?" from a real list_devices result (--prompt, built bin, --mcp-url) and exits 0', async () => {
        llm.script(
            (request) => {
                const offered = (request.tools ?? []).map((t) => t.function.name);
                for (const tool of ['list_devices', 'read_sensor', 'control_actuator', 'get_system_status'])
                    assert.ok(offered.includes(tool), `${tool} not offered: ${offered.join(', ')}`);
                const list = request.tools?.find((t) => t.function.name === 'list_devices');
                assert.equal((list?.function.parameters as { type: string }).type, 'object');
                assert.equal(request.stream, true);
                return { toolCalls: [{ name: 'list_devices', arguments: { online_only: true } }] };
            },
            (request) => {
                const result = lastToolResult<{ devices: ListedDevice[]; total: number }>(request);
                const online = result.devices.filter((d) => d.online).map((d) => d.device_id);
                return { text: `Online right now (${online.length}): ${online.join(', ')}.` };
            },
        );
        const run = await runChatToEnd(
            [...base(), '--mcp-url', demo.mcpUrl, '--prompt', 'Which devices are online?'],
            { bin: true },
        );
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout.trim(), `Online right now (3): ${DEVICES.join(', ')}.`);
        assert.match(run.stderr, /→ list_devices\(\{"online_only":true\}\)/);
        // The answer's round trip: the call's id and the adapter's real JSON went back to the model.
        const [first, second] = llm.requests;
        const call = second?.body.messages.find((m) => m.role === 'assistant')?.tool_calls?.[0];
        assert.equal(call?.function.name, 'list_devices');
        assert.equal(toolMessages(second?.body as ChatRequest)[0]?.tool_call_id, call?.id);
        assert.equal(first?.body.messages[1]?.content, 'Which devices are online?');
        assert.equal(first?.authorization, 'Bearer no-key', 'a keyless local server still gets a bearer');
    });

    it('sends the real results of parallel tool calls back over --mcp-stdio, keeps the conversation, answers /devices without the model', async () => {
        const readings: Record<string, number> = {};
        llm.script(
            () => ({
                toolCalls: DEVICES.map((d) => ({
                    name: 'read_sensor',
                    arguments: { device_id: d, sensor: 'temperature' },
                })),
            }),
            (request) => {
                const results = toolMessages(request).map(
                    (m) =>
                        JSON.parse(m.content ?? '') as { device_id: string; reading: number; unit: string },
                );
                const ids = request.messages
                    .find((m) => m.role === 'assistant')
                    ?.tool_calls?.map((c) => c.id);
                assert.deepEqual(
                    toolMessages(request).map((m) => m.tool_call_id),
                    ids,
                    'results keep the calls ids',
                );
                for (const r of results) readings[r.device_id] = r.reading;
                return { text: results.map((r) => `${r.device_id}: ${r.reading} ${r.unit}`).join('; ') };
            },
            (request) => {
                // The second question carries the whole first exchange.
                const roles = request.messages.map((m) => m.role);
                assert.deepEqual(roles, [
                    'system',
                    'user',
                    'assistant',
                    'tool',
                    'tool',
                    'tool',
                    'assistant',
                    'user',
                ]);
                assert.equal(request.messages[1]?.content, 'How warm is it everywhere?');
                return {
                    text: `The warmest is ${Object.entries(readings).sort((a, b) => b[1] - a[1])[0]?.[0]}.`,
                };
            },
        );
        const adapter = `${process.execPath} -r tsx/cjs mcp-adapter/src/cli.ts --registry-url ${demo.editorUrl} --registry-id demo-registry`;
        // The stdio adapter reaches the registry with the token the demo printed in its client configuration.
        const chat = startChat([...base(), '--mcp-stdio', adapter], {
            env: { MCP_BRIDGE_REGISTRY_TOKEN: demo.registryToken },
        });
        try {
            await chat.waitForStderr(/you> $/);
            chat.type('How warm is it everywhere?');
            await waitFor('the answer with three temperatures', async () =>
                DEVICES.every((d) => new RegExp(`${d}: -?\\d+(\\.\\d+)? °C`).test(chat.stdout())),
            );
            assert.equal(Object.keys(readings).length, 3);
            for (const [device, value] of Object.entries(readings))
                assert.ok(chat.stdout().includes(`${device}: ${value} °C`), chat.stdout());
            chat.type('And which one is the warmest?');
            await waitFor('the follow-up answer', async () =>
                /The warmest is demo-000\d\./.test(chat.stdout()),
            );
            chat.type('/devices');
            await waitFor('the /devices table', async () =>
                /3 devices, 3 online\n(.*\n){3}/.test(chat.stdout()),
            );
            for (const d of DEVICES) assert.match(chat.stdout(), new RegExp(`${d}\\s+online`));
            assert.equal(llm.requests.length, 3, '/devices must not ask the model');
            chat.endInput();
            assert.equal(await chat.exited, 0, chat.stderr());
        } finally {
            await chat.stop();
        }
    });

    it('asks in the terminal before a command that needs confirmation; "no" sends nothing, "y" sends it', async () => {
        const commands: string[] = [];
        const watcher = await mqtt.connectAsync(demo.mqttUrl);
        watcher.on('message', (topic) => commands.push(topic));
        await watcher.subscribeAsync('devices/demo-0000/actuators/+/cmd', { qos: 1 });
        try {
            llm.script(
                () => ({
                    toolCalls: [
                        {
                            name: 'control_actuator',
                            arguments: { device_id: 'demo-0000', actuator: 'door', action: 'on' },
                        },
                    ],
                }),
                (request) => {
                    const result = toolMessages(request)[0]?.content ?? '';
                    assert.match(
                        result,
                        /^ERROR: The user declined the confirmation; the command was NOT sent/,
                    );
                    const outcome = /"outcome":"(\w+)"/.exec(result)?.[1];
                    return { text: `I did not open the door (outcome: ${outcome}).` };
                },
            );
            const chat = startChat([
                ...base(),
                '--mcp-url',
                demo.mcpUrl,
                '--prompt',
                'Open the door of demo-0000',
            ]);
            await chat.waitForStderr(/Confirm: on on actuator 'door' of device 'demo-0000'[\s\S]*\[y\/N\] $/);
            chat.type('no');
            assert.equal(await chat.exited, 0, chat.stderr());
            assert.equal(chat.stdout().trim(), 'I did not open the door (outcome: not_confirmed).');
            assert.match(chat.stderr(), /Declined: nothing is sent/);

            // A later command on the same path proves the door command never went out (MQTT keeps order).
            const led = await demo.api(
                'mcp-bridge/registries/demo-registry/devices/demo-0000/actuators/led/commands',
                {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: '{"action":"toggle"}',
                },
            );
            assert.equal(led.status, 200, await led.text());
            await waitFor('the led command on the broker', async () => commands.length > 0);
            assert.deepEqual(commands, ['devices/demo-0000/actuators/led/cmd']);

            // The same request answered "y" is sent, and the device's acknowledgement reaches the answer.
            llm.script(
                () => ({
                    toolCalls: [
                        {
                            name: 'control_actuator',
                            arguments: { device_id: 'demo-0000', actuator: 'door', action: 'on' },
                        },
                    ],
                }),
                (request) => {
                    const result = JSON.parse(toolMessages(request)[0]?.content ?? '{}') as {
                        outcome?: string;
                        state?: unknown;
                    };
                    return { text: `Door: ${result.outcome}, state ${JSON.stringify(result.state)}.` };
                },
            );
            const yes = startChat([
                ...base(),
                '--mcp-url',
                demo.mcpUrl,
                '--prompt',
                'Open the door of demo-0000',
            ]);
            await yes.waitForStderr(/\[y\/N\] $/);
            yes.type('y');
            assert.equal(await yes.exited, 0, yes.stderr());
            assert.equal(yes.stdout().trim(), 'Door: applied, state true.');
            await waitFor('the door command on the broker', async () =>
                commands.includes('devices/demo-0000/actuators/door/cmd'),
            );
        } finally {
            await watcher.endAsync();
        }
    });

    it('says what failed for API errors and never prints the API key', async () => {
        const cases: { reply: Parameters<ScriptedLlm['script']>[0]; expect: RegExp }[] = [
            {
                reply: () => ({
                    status: 401,
                    type: 'invalid_request_error',
                    code: 'invalid_api_key',
                    message: `Incorrect API key provided: ${SECRET_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
                }),
                expect: /Authentication failed \(401\).*Incorrect API key provided: \[redacted\].*Check --api-key or the OPENAI_API_KEY/,
            },
            {
                reply: () => ({
                    status: 429,
                    type: 'requests',
                    code: 'rate_limit_exceeded',
                    message:
                        'Rate limit reached for m on requests per min (RPM): Limit 3, Used 3, Requested 1.',
                }),
                expect: /Rate limited \(429\).*Limit 3, Used 3.*Wait a moment/,
            },
            {
                reply: () => ({
                    status: 400,
                    type: 'api_error',
                    message: 'registry.ollama.ai/library/m:latest does not support tools',
                }),
                expect: /Model 'm' does not support tool calling \(400: .*does not support tools\)/,
            },
        ];
        for (const c of cases) {
            llm.script(c.reply);
            const run = await runChatToEnd([...base(), '--mcp-url', demo.mcpUrl, '--prompt', 'hello'], {
                env: { OPENAI_API_KEY: SECRET_KEY },
            });
            assert.equal(run.code, 1, run.stderr);
            assert.match(run.stderr, c.expect);
            assert.equal(
                llm.requests[0]?.authorization,
                `Bearer ${SECRET_KEY}`,
                'the key was sent to the server',
            );
            assert.ok(
                !`${run.stdout}${run.stderr}`.includes(SECRET_KEY),
                `the key was printed:\n${run.stderr}`,
            );
        }
        // The key given as a flag is kept out of the output too.
        llm.script(() => ({ status: 401, type: 'invalid_request_error', message: `bad key ${SECRET_KEY}` }));
        const flagged = await runChatToEnd([
            ...base(),
            '--api-key',
            SECRET_KEY,
            '--mcp-url',
            demo.mcpUrl,
            '--prompt',
            'hi',
        ]);
        assert.equal(flagged.code, 1);
        assert.match(flagged.stderr, /Authentication failed \(401\) at .*: bad key \[redacted\]\./);
        assert.ok(!`${flagged.stdout}${flagged.stderr}`.includes(SECRET_KEY));
    });

    it('names an unreachable MCP adapter and an unreachable model server', async () => {
        llm.script();
        const nobody = await freePort(); // nothing listens there
        const noAdapter = await runChatToEnd([
            ...base(),
            '--mcp-url',
            `http://127.0.0.1:${nobody}/mcp`,
            '--prompt',
            'hi',
        ]);
        assert.equal(noAdapter.code, 1);
        assert.match(
            noAdapter.stderr,
            new RegExp(
                `Cannot reach the MCP adapter at http://127\\.0\\.0\\.1:${nobody}/mcp: connection refused\\. Is the MCP adapter running there\\?`,
            ),
        );
        const noModel = await runChatToEnd([
            '--llm-base-url',
            `http://127.0.0.1:${nobody}/v1`,
            '--model',
            'm',
            '--max-retries',
            '0',
            '--mcp-url',
            demo.mcpUrl,
            '--prompt',
            'hi',
        ]);
        assert.equal(noModel.code, 1);
        assert.match(
            noModel.stderr,
            new RegExp(
                `Cannot reach the chat-completions API at http://127\\.0\\.0\\.1:${nobody}/v1: connection refused`,
            ),
        );
    });
});
