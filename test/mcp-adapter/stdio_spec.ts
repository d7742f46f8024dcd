/**
 * stdio transport: the adapter CLI as a child process, a real SDK client,
 * stdout carrying only JSON-RPC, clear errors and survival when the registry
 * is unreachable (a closed loopback port), invalid arguments, read-only mode.
 */
import assert from 'node:assert/strict';
import { freePort, waitFor } from '../support/services';
import { callResult, connectStdio, runCli, text, type StdioSession } from './harness';

const ALL_TOOLS = [
    'configure_device',
    'control_actuator',
    'device_diagnostics',
    'get_alerts',
    'get_command_log',
    'get_device_info',
    'get_device_metrics',
    'get_system_status',
    'list_devices',
    'query_devices',
    'read_all_sensors',
    'read_device_sensors',
    'read_sensor',
];

describe('mcp-adapter over stdio (registry unreachable)', function () {
    let registryUrl: string;
    let session: StdioSession;

    before(async function () {
        registryUrl = `http://127.0.0.1:${await freePort()}/`;
        session = await connectStdio(['--registry-url', registryUrl, '--timeout', '2000']);
    });

    after(async function () {
        await session.close();
    });

    it('lists every tool with output schema and annotations', async function () {
        const { tools } = await session.client.listTools();
        assert.deepEqual(tools.map((t) => t.name).sort(), ALL_TOOLS);
        for (const tool of tools) {
            assert.ok(tool.description && tool.description.length > 40, `${tool.name} description`);
            assert.equal(tool.outputSchema?.type, 'object', `${tool.name} outputSchema`);
            assert.equal(typeof tool.annotations?.readOnlyHint, 'boolean', `${tool.name} readOnlyHint`);
            assert.equal(typeof tool.annotations?.openWorldHint, 'boolean', `${tool.name} openWorldHint`);
        }
        const control = tools.find((t) => t.name === 'control_actuator');
        assert.equal(control?.annotations?.readOnlyHint, false);
        assert.equal(control?.annotations?.destructiveHint, true);
        assert.equal(tools.find((t) => t.name === 'read_sensor')?.annotations?.readOnlyHint, true);
    });

    it('declares resource subscriptions, prompts and completions', async function () {
        const caps = session.client.getServerCapabilities();
        assert.equal(caps?.resources?.subscribe, true);
        assert.ok(caps?.prompts && caps.completions);
        const { prompts } = await session.client.listPrompts();
        assert.deepEqual(prompts.map((p) => p.name).sort(), ['investigate_alerts', 'site_status_report']);
        const { resourceTemplates } = await session.client.listResourceTemplates();
        assert.equal(resourceTemplates[0].uriTemplate, 'iot://devices/{id}');
    });

    it('reports the unreachable registry as a tool error with advice, and keeps running', async function () {
        for (const [name, args] of [
            ['list_devices', {}],
            ['read_sensor', { device_id: 'x', sensor: 'temperature' }],
            ['get_system_status', {}],
        ] as const) {
            const result = callResult(await session.client.callTool({ name, arguments: args }));
            assert.equal(result.isError, true, name);
            assert.match(text(result), /Registry unreachable.*ECONNREFUSED.*try again/s, name);
        }
        assert.equal(session.transport.pid !== null, true);
        const again = callResult(await session.client.callTool({ name: 'get_alerts', arguments: {} }));
        assert.equal(again.isError, true);
    });

    it('rejects invalid arguments with a validation error naming the field', async function () {
        const bad = callResult(
            await session.client.callTool({
                name: 'read_sensor',
                arguments: { device_id: 'x', sensor: 'temperature', history_minutes: -5 },
            }),
        );
        assert.equal(bad.isError, true);
        assert.match(text(bad), /Input validation error.*history_minutes/s);
        const wrongType = callResult(
            await session.client.callTool({ name: 'list_devices', arguments: { limit: 'lots' } }),
        );
        assert.equal(wrongType.isError, true);
        assert.match(text(wrongType), /limit/);
        const missing = callResult(await session.client.callTool({ name: 'get_device_info', arguments: {} }));
        assert.equal(missing.isError, true);
        assert.match(text(missing), /device_id/);
    });

    it('answers an unknown tool without crashing', async function () {
        const result = callResult(await session.client.callTool({ name: 'launch_rockets', arguments: {} }));
        assert.equal(result.isError, true);
        assert.match(text(result), /launch_rockets not found/);
        const still = await session.client.listTools();
        assert.ok(still.tools.length > 0);
    });

    it('fails a resource read with a protocol error when the registry is away', async function () {
        await assert.rejects(session.client.readResource({ uri: 'iot://devices' }), /unreachable/);
    });

    it('still renders prompts, saying the data is unavailable', async function () {
        const prompt = await session.client.getPrompt({ name: 'site_status_report', arguments: {} });
        const body = (prompt.messages[0].content as { text: string }).text;
        assert.match(body, /read_all_sensors/);
        assert.match(body, /Current system status: not available/);
    });

    it('logs to stderr only', function () {
        assert.match(session.stderr(), /serving MCP on stdio/);
    });
});

describe('mcp-adapter CLI', function () {
    it('writes nothing but JSON-RPC lines to stdout', async function () {
        const registryUrl = `http://127.0.0.1:${await freePort()}/`;
        const cli = runCli(['--registry-url', registryUrl]);
        const init = {
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: {
                protocolVersion: '2025-11-25',
                capabilities: {},
                clientInfo: { name: 'raw', version: '1' },
            },
        };
        cli.send(init);
        cli.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
        const call = { name: 'list_devices', arguments: {} };
        cli.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: call });
        await waitFor(
            'two answers on stdout',
            async () => cli.stdout().split('\n').filter(Boolean).length >= 2,
        );
        cli.endInput();
        await cli.exited;
        const lines = cli.stdout().split('\n').filter(Boolean);
        for (const line of lines) assert.equal(JSON.parse(line).jsonrpc, '2.0', line);
        assert.match(cli.stderr(), /serving MCP on stdio/);
    });

    it('registers no tools that send to devices in read-only mode', async function () {
        const registryUrl = `http://127.0.0.1:${await freePort()}/`;
        const session = await connectStdio(['--registry-url', registryUrl, '--read-only']);
        try {
            const names = (await session.client.listTools()).tools.map((t) => t.name);
            assert.ok(!names.includes('control_actuator'));
            assert.ok(!names.includes('configure_device'));
            assert.ok(!names.includes('device_diagnostics'));
            assert.ok(names.includes('read_sensor'));
        } finally {
            await session.close();
        }
    });

    it('prints ready-to-paste Claude Desktop and VS Code configs', async function () {
        const cli = runCli(['--print-config', '--registry-url', 'http://127.0.0.1:1880/']);
        assert.equal(await cli.exited, 0);
        const blocks = cli
            .stdout()
            .split(/^.*:\n(?=\{)/m)
            .filter((b) => b.trim().startsWith('{'));
        assert.equal(blocks.length, 2, cli.stdout());
        const claude = JSON.parse(blocks[0]) as {
            mcpServers: Record<string, { command: string; args: string[] }>;
        };
        const entry = Object.values(claude.mcpServers)[0];
        assert.equal(entry.command, 'npx');
        assert.deepEqual(entry.args.slice(-2), ['--registry-url', 'http://127.0.0.1:1880/']);
        const vscode = JSON.parse(blocks[1]) as { servers: Record<string, { type: string }> };
        assert.equal(Object.values(vscode.servers)[0].type, 'stdio');
    });

    it('rejects a bad flag value with a clear message', async function () {
        const cli = runCli(['--port', 'eighty']);
        assert.equal(await cli.exited, 1);
        assert.match(cli.stderr(), /--port.*expected an integer/);
    });
});
