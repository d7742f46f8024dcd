/**
 * The MCP App of read_sensor's history, rendered in Chromium by the real
 * ext-apps host bridge (AppBridge + PostMessageTransport from
 * @modelcontextprotocol/ext-apps/app-bridge, bundled for the page with
 * esbuild): the tool links the ui:// resource, the resource is an MCP App
 * page, the view draws exactly the series of the tool result (gaps break the
 * line), asks for another window through the host (tools/call proxied to the
 * real adapter tools), and hosts without MCP Apps still get the plain text
 * and structured result. Writes docs/screenshots/mcp-app-chart.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { decode, type SensorReadingView } from '@mcp-mqtt-bridge/protocol';
import {
    RESOURCE_MIME_TYPE,
    SENSOR_HISTORY_APP_URI,
    inlineModuleExports,
} from '../../mcp-adapter/src/apps/sensor-history-app';
import { silentLogger } from '../../mcp-adapter/src/logger';
import { RegistryClient } from '../../mcp-adapter/src/registry-client';
import { ActuatorQueue } from '../../mcp-adapter/src/actuator-queue';
import { registerSensorTools } from '../../mcp-adapter/src/tools/sensors';
import type { NodeAPI } from '../../nodes/lib/node-red-types';
import { MemoryEventLog } from '../../nodes/lib/history-events';
import { DeviceRegistry } from '../../nodes/lib/registry/device-registry';
import { registerRegistryApi } from '../../nodes/lib/registry/http-api';
import { liveRegistries } from '../../nodes/lib/registry/live-registries';
import { collectPageErrors, launchChromium } from '../editor/browser';
import { waitFor } from '../support/services';
import { REPO_ROOT, text } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const express = require('express') as () => http.RequestListener & { use(handler: unknown): void };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonBody = (require('express') as { json: () => unknown }).json;

const DEVICE = 'greenhouse-2';
const SCREENSHOT = path.join(REPO_ROOT, 'docs', 'screenshots', 'mcp-app-chart.png');

/**
 * A host page's script: the ext-apps AppBridge with its PostMessageTransport, as a host
 * embeds an MCP App: a sandboxed iframe, the bridge listening before the view loads, the
 * tool's input and result sent once the view initialised, tools/call proxied to the server
 * (here: window.mcpCallTool, the Node side's MCP client).
 */
const HOST_ENTRY = `
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
window.startHost = async (html, toolArguments, toolResult) => {
    const iframe = document.createElement('iframe');
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.style.cssText = 'width: 600px; height: 320px; border: 1px solid #ccc; border-radius: 8px;';
    document.getElementById('host').appendChild(iframe);
    const bridge = new AppBridge(
        null,
        { name: 'mcpb-test-host', version: '1.0.0' },
        { serverTools: {}, logging: {} },
        { hostContext: { theme: 'light', displayMode: 'inline', platform: 'web' } },
    );
    window.hostCalls = [];
    bridge.oncalltool = async (params) => {
        window.hostCalls.push(params);
        return window.mcpCallTool(params);
    };
    bridge.onsizechange = ({ height }) => { if (height) iframe.style.height = Math.ceil(height) + 2 + 'px'; };
    const initialized = new Promise((resolve) => { bridge.oninitialized = resolve; });
    await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
    iframe.srcdoc = html;
    await initialized;
    await bridge.sendToolInput({ arguments: toolArguments });
    await bridge.sendToolResult(toolResult);
    window.appInfo = bridge.getAppVersion();
};
`;

function ingest(registry: DeviceRegistry, topic: string, body: object, now: number): void {
    const r = decode(topic, JSON.stringify(body));
    if (!r.ok) throw new Error(r.error.message);
    registry.ingest(r.message, false, now);
}

interface HostGlobals {
    startHost(html: string, args: object, result: object): Promise<void>;
    hostCalls: { name: string; arguments: Record<string, unknown> }[];
    appInfo?: { name: string };
}

describe('MCP App: read_sensor history chart in Chromium with the ext-apps host bridge', function () {
    this.timeout(60000);
    const id = 'mcp-app';
    let server: http.Server;
    let client: Client;
    let browser: Browser | undefined;
    let page: Page;
    let pageErrors: string[] = [];
    const values: number[] = [];

    before(async () => {
        const registry = new DeviceRegistry();
        const now = Date.now();
        ingest(
            registry,
            `devices/${DEVICE}/capabilities`,
            {
                device_id: DEVICE,
                seq: 0,
                timestamp: now / 1000 - 700,
                protocol: 1,
                firmware_version: '1.0.0',
                name: 'Greenhouse <b>2</b>',
                sensors: ['temperature'],
                actuators: [],
                metadata: { temperature: { unit: '°C', accuracy: 0.1 } },
            },
            now - 700000,
        );
        // 9 minutes of a reading every 10 s, with 2 minutes of silence in the middle.
        let seq = 1;
        for (let i = 0; i < 54; i++) {
            if (i >= 22 && i < 34) continue;
            const t = now - (54 - i) * 10000;
            const v = Math.round((22 + 3 * Math.sin(i / 7) + (i % 4) * 0.15) * 10) / 10;
            values.push(v);
            ingest(
                registry,
                `devices/${DEVICE}/sensors/temperature/data`,
                { device_id: DEVICE, seq: seq++, timestamp: t / 1000, value: { reading: v, unit: '°C' } },
                t,
            );
        }
        const app = express();
        app.use(jsonBody());
        registerRegistryApi({
            httpAdmin: app,
            auth: { needsPermission: () => (_req: unknown, _res: unknown, next: () => void) => next() },
        } as unknown as NodeAPI);
        liveRegistries.add({
            id,
            name: id,
            registry,
            requests: undefined as never,
            events: undefined as never,
            store: () => registry.history,
            historyEvents: new MemoryEventLog(),
            mqttConnected: () => true,
        });
        server = http.createServer(app);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const ctx = {
            registry: new RegistryClient({
                baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
                registryId: id,
                timeoutMs: 10000,
            }),
            logger: silentLogger,
            allowUnconfirmed: false,
            actuators: new ActuatorQueue(),
        };
        const mcp = new McpServer({ name: 'test', version: '1.0.0' });
        registerSensorTools(mcp, ctx);
        const [a, b] = InMemoryTransport.createLinkedPair();
        await mcp.connect(a);
        client = new Client({ name: 'test', version: '1.0.0' });
        await client.connect(b);
        browser = await launchChromium();
    });

    after(async () => {
        await browser?.close();
        await client?.close();
        liveRegistries.remove(id);
        server?.closeAllConnections();
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    it('links read_sensor to the ui:// resource, an MCP App page', async () => {
        const { tools } = await client.listTools();
        const tool = tools.find((t) => t.name === 'read_sensor');
        const meta = tool?._meta as { ui?: { resourceUri?: string }; 'ui/resourceUri'?: string } | undefined;
        assert.equal(meta?.ui?.resourceUri, SENSOR_HISTORY_APP_URI);
        assert.equal(meta?.['ui/resourceUri'], SENSOR_HISTORY_APP_URI);
        const listed = (await client.listResources()).resources.find((r) => r.uri === SENSOR_HISTORY_APP_URI);
        assert.equal(listed?.mimeType, RESOURCE_MIME_TYPE);
        const read = await client.readResource({ uri: SENSOR_HISTORY_APP_URI });
        const content = read.contents[0] as { mimeType: string; text: string };
        assert.equal(content.mimeType, 'text/html;profile=mcp-app');
        assert.match(content.text, /^<!doctype html>/);
        assert.match(content.text, /const McpExtApps = \{[^}]*"App": /);
        // Self-contained: no script, style or image from the network.
        assert.doesNotMatch(content.text, /<(script|link|img)[^>]+(src|href)=/i);
    });

    it('inlines only a self-contained module ending in one export list', () => {
        assert.equal(
            inlineModuleExports('var a=1;export{a as App,b};', 'x'),
            'var a=1;\nconst McpExtApps = { "App": a, "b": b };\n',
        );
        assert.throws(() => inlineModuleExports('import x from "y";export{x};', 'x'), /self-contained/);
        assert.throws(() => inlineModuleExports('var a=1;', 'x'), /export list/);
    });

    it('gives hosts without MCP Apps the plain text and structured result', async () => {
        const result = await client.callTool({
            name: 'read_sensor',
            arguments: { device_id: DEVICE, sensor: 'temperature', history_minutes: 10 },
        });
        assert.equal(result.isError, undefined, text(result));
        assert.match(text(result), /History 10 min \(memory\): 42 points/);
        assert.match(text(result), /GAP .*no_messages/);
        assert.equal((result.structuredContent as SensorReadingView).history?.points.length, values.length);
    });

    it('draws the series of the tool result in the host, and another window through the host', async () => {
        const args = { device_id: DEVICE, sensor: 'temperature', history_minutes: 10, max_points: 120 };
        const result = await client.callTool({ name: 'read_sensor', arguments: args });
        const history = (result.structuredContent as SensorReadingView).history;
        assert.ok(history);
        const html = (
            (await client.readResource({ uri: SENSOR_HISTORY_APP_URI })).contents[0] as { text: string }
        ).text;
        const bundle = await build({
            stdin: { contents: HOST_ENTRY, resolveDir: REPO_ROOT, loader: 'js' },
            bundle: true,
            format: 'iife',
            platform: 'browser',
            write: false,
            logLevel: 'silent',
        });
        page = await (browser as Browser).newPage({ viewport: { width: 660, height: 420 } });
        pageErrors = collectPageErrors(page);
        await page.exposeFunction(
            'mcpCallTool',
            (params: { name: string; arguments: Record<string, unknown> }) => client.callTool(params),
        );
        await page.setContent(
            '<!doctype html><html><body style="margin:0;padding:16px;background:#f4f4f4;font:13px system-ui">' +
                '<div id="host"></div></body></html>',
        );
        await page.addScriptTag({ content: bundle.outputFiles[0]?.text });
        await page.evaluate(({ h, a, r }) => (globalThis as unknown as HostGlobals).startHost(h, a, r), {
            h: html,
            a: args,
            r: result,
        });
        const view = page.frameLocator('iframe');
        const chart = view.locator('svg#chart');
        await waitFor(
            'the chart of the tool result',
            async () => (await chart.getAttribute('data-points')) === String(values.length),
        );
        assert.equal(await view.locator('#title').textContent(), `${DEVICE} · temperature`);
        assert.equal(
            await chart.locator('circle.mcpb-chart-point').count(),
            history.points.length,
            'one dot per point of the result',
        );
        // The drawn series: the dots' values in order are the result's readings.
        const drawn = await chart
            .locator('circle.mcpb-chart-point')
            .evaluateAll((els) =>
                els.map((e) => (e as unknown as { getAttribute(n: string): string }).getAttribute('cy')),
            );
        assert.equal(drawn.length, values.length);
        const cy = drawn.map(Number);
        for (let i = 1; i < values.length; i++) {
            // Higher values are drawn higher (smaller y).
            const dv = (values[i] as number) - (values[i - 1] as number);
            const dy = (cy[i] as number) - (cy[i - 1] as number);
            assert.ok(Math.sign(dv) === -Math.sign(dy), `point ${i}: value ${dv} but y ${dy}`);
        }
        // The two minutes of silence break the line into two runs, drawn as a gap.
        const runs = await chart
            .locator('polyline.mcpb-chart-line')
            .evaluateAll((els) =>
                els.map(
                    (e) =>
                        ((e as unknown as { getAttribute(n: string): string }).getAttribute('points') ?? '')
                            .trim()
                            .split(/\s+/).length,
                ),
            );
        assert.deepEqual(runs, [22, values.length - 22]);
        assert.ok((await chart.locator('rect.mcpb-chart-gap[data-cause="no_messages"]').count()) >= 1);
        assert.match((await view.locator('#gaps').textContent()) ?? '', /no_messages \(\d+ s\)/);
        assert.equal(await view.locator('b').count(), 0);
        const appInfo = await page.evaluate(() => (globalThis as unknown as HostGlobals).appInfo);
        assert.equal(appInfo?.name, 'mcpb-sensor-history');

        // Hovering shows the nearest point.
        const box = await chart.boundingBox();
        assert.ok(box);
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
        await waitFor('the hover readout', async () =>
            /°C/.test((await chart.locator('.mcpb-chart-readout').textContent()) ?? ''),
        );
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT });

        // Another window: the view calls read_sensor through the host.
        await view.locator('#windows button[data-minutes="60"]').click();
        await waitFor('the 1 h chart', async () => (await chart.getAttribute('data-minutes')) === '60');
        const calls = await page.evaluate(() => (globalThis as unknown as HostGlobals).hostCalls);
        assert.deepEqual(
            calls.map((c) => ({ name: c.name, arguments: c.arguments })),
            [{ name: 'read_sensor', arguments: { ...args, history_minutes: 60 } }],
        );
        assert.equal(await chart.getAttribute('data-points'), String(values.length));
        assert.deepEqual(pageErrors, []);
    });
});
