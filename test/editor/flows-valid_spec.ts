/**
 * A first run as a new user sees it, in Chromium through the editor of the
 * real `npm start` demo: the demo flow and every shipped example (imported the
 * way Import → Examples does) have no invalid node (no red triangle), the
 * palette shows friendly labels and only Node-RED's and this pack's nodes, and
 * no update-notification question opens.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { collectPageErrors, launchChromium, openLoggedIn } from './browser';
import { shippedExamples } from './examples';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string };
// Examples that need FlowFuse Dashboard 2 are imported by dashboard-example_spec.ts, in an editor that has it.
const EXAMPLES = shippedExamples()
    .filter((e) => !e.needsDashboard)
    .map((e) => e.name);

/** The editor globals this spec uses (the test tsconfig has no DOM library). */
interface FlowEditor {
    RED: {
        nodes: {
            eachNode(cb: (n: EditorNode) => void): void;
            eachConfig(cb: (n: EditorNode) => void): void;
            node(id: string): EditorNode | undefined;
        };
        view: { importNodes(flow: object[], options: { generateIds: boolean; addFlow: boolean }): void };
        workspaces: { show(id: string): void; active(): string };
    };
}

interface EditorNode {
    id: string;
    type: string;
    name?: string;
    z?: string;
    valid?: boolean;
    validationErrors?: string[];
}

interface Invalid {
    type: string;
    name: string;
    errors: string[];
}

describe('editor in Chromium: the demo flow and every shipped example load without invalid nodes', function () {
    this.timeout(90000);
    let demo: DemoProcess | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let pageErrors: string[] = [];

    before(async function () {
        assertBuilt();
        demo = await startDemoProcess({ devices: 1, intervalMs: 2000 });
        browser = await launchChromium();
        page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        pageErrors = collectPageErrors(page);
        await openLoggedIn(page, demo.editorUrl, await demo.accessToken());
        await page.waitForFunction(() => {
            const { RED } = globalThis as unknown as Partial<FlowEditor>;
            return RED?.nodes?.node('demo-command') !== undefined;
        });
    });

    after(async function () {
        await browser?.close();
        await demo?.stop();
    });

    /** Nodes of one workspace (tab) the editor marks invalid, with its reasons. */
    function invalidNodes(tab: string | null): Promise<Invalid[]> {
        return page.evaluate((z) => {
            const { RED } = globalThis as unknown as FlowEditor;
            const found: Invalid[] = [];
            // Inline callbacks only: tsx would wrap named functions in a helper the page lacks.
            const all: EditorNode[] = [];
            RED.nodes.eachNode((n) => {
                all.push(n);
            });
            if (z === null)
                RED.nodes.eachConfig((n) => {
                    all.push(n);
                });
            for (const n of all) {
                if (z !== null && n.z !== z) continue;
                if (n.valid === false)
                    found.push({ type: n.type, name: n.name ?? n.id, errors: n.validationErrors ?? [] });
            }
            return found;
        }, tab);
    }

    /** Red triangles drawn on the visible workspace. */
    function visibleErrorBadges(): Promise<number> {
        return page.locator('#red-ui-workspace-chart .red-ui-flow-node-error:visible').count();
    }

    it('opens without the update-notification question and with no invalid node in the demo flow', async () => {
        assert.equal(
            await page
                .locator('.red-ui-notification:visible')
                .filter({ hasText: /update/i })
                .count(),
            0,
        );
        await page.evaluate(() => (globalThis as unknown as FlowEditor).RED.workspaces.show('demo-tab'));
        assert.deepEqual(await invalidNodes(null), []);
        // The demo's inject buttons are there, and drawn without a red triangle.
        await page.locator('#red-ui-workspace-chart .red-ui-flow-node').first().waitFor();
        assert.equal(await visibleErrorBadges(), 0);
        assert.deepEqual(pageErrors, []);
    });

    it('shows friendly palette labels and no nodes of other packages than Node-RED and this pack', async () => {
        // The palette wraps a label in spans; compare the words.
        const label = async (type: string) =>
            (
                (await page
                    .locator(`.red-ui-palette-node[data-palette-type="${type}"] .red-ui-palette-label`)
                    .textContent()) ?? ''
            )
                .replace(/\s+/g, ' ')
                .trim();
        assert.equal(await label('mcpb-decode'), 'device decode');
        assert.equal(await label('mcpb-route'), 'device route');
        assert.equal(await label('mcpb-command'), 'device command');
        assert.equal(await label('mcpb-influx-store'), 'influx store');
        assert.equal(await label('mcpb-history'), 'device history');
        // node-red-contrib-influxdb (a dev dependency for the benchmarks) stays out of the demo.
        assert.equal(await page.locator('.red-ui-palette-node[data-palette-type^="influxdb"]').count(), 0);
        const modules = (await (
            await (demo as DemoProcess).api('nodes', { headers: { accept: 'application/json' } })
        ).json()) as { module: string }[];
        assert.deepEqual([...new Set(modules.map((m) => m.module))].sort(), [pkg.name, 'node-red'].sort());
    });

    for (const example of EXAMPLES) {
        it(`imports the example "${example}" with no invalid node`, async () => {
            // What Import → Examples does: read the flow from the examples library, import it as a new tab.
            const tab = await page.evaluate(
                async ({ module, name, token }) => {
                    const { RED } = globalThis as unknown as FlowEditor;
                    const res = await fetch(`library/examples/flows/${module}/${encodeURIComponent(name)}`, {
                        headers: { authorization: `Bearer ${token}` },
                    });
                    if (!res.ok) throw new Error(`example ${name}: HTTP ${res.status}`);
                    const flow = (await res.json()) as { type: string }[];
                    RED.view.importNodes(flow, { generateIds: true, addFlow: false });
                    return RED.workspaces.active();
                },
                { module: pkg.name, name: example, token: await (demo as DemoProcess).accessToken() },
            );
            const imported = await page.evaluate((z) => {
                const { RED } = globalThis as unknown as FlowEditor;
                let count = 0;
                RED.nodes.eachNode((n) => {
                    if (n.z === z) count++;
                });
                return count;
            }, tab);
            assert.ok(imported >= 3, `only ${imported} nodes of "${example}" on its tab`);
            assert.deepEqual(await invalidNodes(tab), [], `invalid nodes in "${example}"`);
            assert.deepEqual(await invalidNodes(null), [], `invalid nodes after importing "${example}"`);
            await page.locator('#red-ui-workspace-chart .red-ui-flow-node').first().waitFor();
            assert.equal(await visibleErrorBadges(), 0, `red triangles on "${example}"`);
            assert.deepEqual(pageErrors, []);
        });
    }
});
