/**
 * The example "Chart device history in Dashboard 2" in a real Node-RED with
 * FlowFuse Dashboard 2 (the `npm start` demo with --dashboard): it imports in
 * the editor with no invalid node, and deployed against the demo's broker it
 * charts a device's history (mcpb-history → ui-chart, with the window's stats
 * and gaps), its live readings, and drives an actuator from a ui-switch
 * through mcpb-command. Writes docs/screenshots/dashboard2-example.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DeviceConnection, SimulatedDevice } from '../../simulator';
import { waitFor } from '../support/services';
import { collectPageErrors, launchChromium, openLoggedIn } from './browser';
import { shippedExamples } from './examples';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';

const root = path.resolve(__dirname, '../..');
const SCREENSHOTS = path.join(root, 'docs', 'screenshots');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string };
const EXAMPLE = 'Chart device history in Dashboard 2';
const DEVICE = 'esp32_abc123';

interface EditorNode {
    id: string;
    type: string;
    z?: string;
    valid?: boolean;
    validationErrors?: string[];
}
interface FlowEditor {
    RED: {
        nodes: {
            eachNode(cb: (n: EditorNode) => void): void;
            eachConfig(cb: (n: EditorNode) => void): void;
            node(id: string): EditorNode | undefined;
            getType(type: string): object | undefined;
        };
        view: { importNodes(flow: object[], options: { generateIds: boolean; addFlow: boolean }): void };
        workspaces: { active(): string };
    };
}
type FlowNode = Record<string, unknown> & { id: string; type: string };

describe('Dashboard 2 example in a real Node-RED with Dashboard 2, in Chromium', function () {
    this.timeout(90000);
    let demo: DemoProcess;
    let browser: Browser | undefined;
    let editor: Page;
    let editorErrors: string[] = [];
    let stopDevice: (() => Promise<void>) | undefined;

    before(async function () {
        assertBuilt();
        demo = await startDemoProcess({ devices: 1, intervalMs: 5000, extraArgs: ['--dashboard'] });
        browser = await launchChromium();
        const answered = await demo.api('settings/user', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ telemetryEnabled: false }),
        });
        assert.equal(answered.status, 204, await answered.text());
        editor = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        editorErrors = collectPageErrors(editor);
        await openLoggedIn(editor, demo.editorUrl, await demo.accessToken());
        await editor.waitForFunction(() => {
            const { RED } = globalThis as unknown as Partial<FlowEditor>;
            return RED?.nodes?.node('demo-command') !== undefined;
        });
    });

    after(async function () {
        await stopDevice?.().catch(() => undefined);
        await browser?.close();
        await demo?.stop();
    });

    it('ships the example, and it is the one needing Dashboard 2', () => {
        const dashboard = shippedExamples().filter((e) => e.needsDashboard);
        assert.deepEqual(
            dashboard.map((e) => e.name),
            [EXAMPLE],
        );
    });

    for (const example of shippedExamples().filter((e) => e.needsDashboard)) {
        it(`imports "${example.name}" in an editor with Dashboard 2 and no invalid node`, async () => {
            const result = await editor.evaluate(
                async ({ module, name, token }) => {
                    const { RED } = globalThis as unknown as FlowEditor;
                    const res = await fetch(`library/examples/flows/${module}/${encodeURIComponent(name)}`, {
                        headers: { authorization: `Bearer ${token}` },
                    });
                    if (!res.ok) throw new Error(`example ${name}: HTTP ${res.status}`);
                    const flow = (await res.json()) as { type: string }[];
                    const missing = flow
                        .map((n) => n.type)
                        .filter((t) => t !== 'tab' && !RED.nodes.getType(t));
                    RED.view.importNodes(flow, { generateIds: true, addFlow: false });
                    const tab = RED.workspaces.active();
                    const invalid: string[] = [];
                    let count = 0;
                    RED.nodes.eachNode((n) => {
                        if (n.z === tab) count++;
                        if (n.valid === false)
                            invalid.push(`${n.type}: ${(n.validationErrors ?? []).join(', ')}`);
                    });
                    RED.nodes.eachConfig((n) => {
                        if (n.valid === false)
                            invalid.push(`${n.type}: ${(n.validationErrors ?? []).join(', ')}`);
                    });
                    return { missing, invalid, count };
                },
                { module: pkg.name, name: example.name, token: await demo.accessToken() },
            );
            assert.deepEqual(result.missing, [], 'node types unknown to the editor');
            assert.deepEqual(result.invalid, []);
            assert.ok(result.count >= 10, `only ${result.count} nodes on the tab`);
            await editor.locator('#red-ui-workspace-chart .red-ui-flow-node').first().waitFor();
            assert.equal(
                await editor.locator('#red-ui-workspace-chart .red-ui-flow-node-error:visible').count(),
                0,
            );
            assert.deepEqual(editorErrors, []);
        });
    }

    it('deployed, charts the history and live readings of a device and switches its LED', async () => {
        // The example as shipped, pointed at the demo's broker, next to the demo flow.
        const example = JSON.parse(
            fs.readFileSync(path.join(root, 'examples', `${EXAMPLE}.json`), 'utf8'),
        ) as FlowNode[];
        const broker = new URL(demo.mqttUrl);
        for (const n of example) {
            if (n.type === 'mqtt-broker') Object.assign(n, { broker: broker.hostname, port: broker.port });
        }
        const current = (await (await demo.api('flows')).json()) as FlowNode[];
        const deployed = await demo.api('flows', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
            body: JSON.stringify([...current, ...example]),
        });
        assert.equal(deployed.status, 204, await deployed.text());
        const registry = (p: string) => demo.api(`mcp-bridge/registries/ex-registry${p}`);
        await waitFor('the example registry', async () => (await registry('/devices')).status === 200, 15000);

        // Ten minutes of temperatures every 10 s, with 2 minutes of silence in the middle.
        const connection = await DeviceConnection.open(demo.mqttUrl, 'dashboard-spec', DEVICE);
        const device = new SimulatedDevice(connection, { id: DEVICE, publishIntervalMs: 0 });
        stopDevice = async () => {
            await device.clearRetained();
            await device.stop();
            await connection.close();
        };
        await device.start();
        const t0 = Date.now() / 1000 - 600;
        const values: number[] = [];
        for (let i = 0; i < 60; i++) {
            if (i >= 25 && i < 37) continue;
            const v = Math.round((21 + 2.5 * Math.sin(i / 8) + (i % 3) * 0.2) * 10) / 10;
            values.push(v);
            await device.publishReading('temperature', v, t0 + 10 * i);
        }
        await waitFor(
            'the example registry to hold the readings',
            async () => {
                const res = await registry(
                    `/devices/${DEVICE}/sensors/temperature?history_minutes=60&limit=1`,
                );
                return (
                    res.status === 200 &&
                    ((await res.json()) as { history: { stats: { count: number } } }).history.stats.count ===
                        values.length
                );
            },
            15000,
        );

        const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
        const dashboardErrors = collectPageErrors(page);
        await page.goto(`${demo.editorUrl}api/dashboard/devices`);
        const stats = page.locator('#nrdb-ui-widget-ex-dash-stats');
        await stats.waitFor({ state: 'visible', timeout: 20000 }).catch(async (e: unknown) => {
            await page.screenshot({ path: '/tmp/dash-debug.png' });
            fs.writeFileSync('/tmp/dash-debug.html', await page.content());
            throw e;
        });
        // Ask for the history now rather than at the next 30 s tick (the inject node's button).
        const injected = await demo.api('inject/ex-dash-tick', { method: 'POST' });
        assert.equal(injected.status, 200, await injected.text());
        await waitFor(
            'the window stats on the dashboard',
            async () =>
                new RegExp(`· ${values.length} points · 1 gap\\(s\\): no_messages`).test(
                    (await stats.textContent()) ?? '',
                ),
            20000,
        );
        assert.match(
            (await stats.textContent()) ?? '',
            new RegExp(`min ${Math.min(...values)} °C · max ${Math.max(...values)} °C`),
        );
        assert.equal((await page.locator('.nrdb-ui-chart canvas, .nrdb-ui-chart svg').count()) >= 2, true);

        // A live reading reaches the gauge.
        await device.publishReading('temperature', 23.4);
        await waitFor(
            'the live reading on the gauge',
            async () =>
                /23\.4/.test((await page.locator('#nrdb-ui-widget-ex-dash-gauge').textContent()) ?? ''),
            15000,
        );

        // The LED switch sends a command through mcpb-command; the device applies it.
        await page.locator('#nrdb-ui-widget-ex-dash-led input').click();
        const last = page.locator('#nrdb-ui-widget-ex-dash-last');
        await waitFor(
            'the command outcome',
            async () => /led: on applied, state true/.test((await last.textContent()) ?? ''),
            15000,
        );
        const detail = (await (await registry(`/devices/${DEVICE}`)).json()) as {
            actuator_states: Record<string, { state: unknown }>;
        };
        assert.equal(detail.actuator_states.led?.state, true);
        assert.equal(device.actuatorState.led, true);
        // The switch follows the state the device reported.
        await waitFor('the LED switch on', async () =>
            page.locator('#nrdb-ui-widget-ex-dash-led input').isChecked(),
        );

        // Charts and gauge animate: screenshot once they stop changing between two looks.
        let previous = '';
        await waitFor(
            'the charts to finish drawing',
            async () => {
                const drawn = await page
                    .locator('.nrdb-ui-chart canvas')
                    .evaluateAll((els) =>
                        els.map((c) => (c as unknown as { toDataURL(): string }).toDataURL()).join('|'),
                    );
                const gauge = await page.locator('#nrdb-ui-widget-ex-dash-gauge').innerHTML();
                const stable = drawn + gauge === previous && drawn.length > 0;
                previous = drawn + gauge;
                return stable;
            },
            15000,
        );
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard2-example.png'), fullPage: true });
        // Dashboard 2 links its favicon at /dashboard/… whatever httpNodeRoot is (here /api): not ours to fix.
        assert.deepEqual(
            dashboardErrors.filter((e) => !/status of 404 .*\/dashboard\/favicon\.(ico|svg)\)$/.test(e)),
            [],
        );
        await page.close();
    });
});
