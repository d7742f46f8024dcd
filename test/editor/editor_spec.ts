/**
 * The Node-RED editor in headless Chromium on the real `npm start` demo
 * (embedded broker, Node-RED with this pack, 3 simulated devices): palette,
 * the live "Devices" sidebar, the command node's device dropdown, and device
 * text that tries to run as script.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page, Request } from 'playwright-core';
import { DeviceConnection, SimulatedDevice, defaultProfile, type DeviceProfile } from '../../simulator';
import { waitFor } from '../support/services';
import { launchChromium, openDemoEditor, type EditorGlobals } from './browser';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';

const root = path.resolve(__dirname, '../..');
const nodeTypes = Object.keys(
    (
        JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
            'node-red': { nodes: Record<string, string> };
        }
    )['node-red'].nodes,
);
const DEMO_DEVICES = ['demo-0000', 'demo-0001', 'demo-0002'];
const HOSTILE_NAME = '<img src=x onerror=window.__xss=1>';
const HOSTILE_LOCATION = '<script>window.__xss=2</script>';
const HOSTILE_UNIT = '<b>u</b>';

/** A device of the test's own on the demo broker, with its own connection and last will. */
class ExtraDevice {
    private constructor(
        readonly device: SimulatedDevice,
        private readonly connection: DeviceConnection,
    ) {}

    static async start(mqttUrl: string, id: string, profile?: DeviceProfile): Promise<ExtraDevice> {
        const connection = await DeviceConnection.open(mqttUrl, `editor-spec-${id}`, id);
        const device = new SimulatedDevice(connection, { id, profile, publishIntervalMs: 0 });
        await device.start();
        await device.publishReadings();
        return new ExtraDevice(device, connection);
    }

    /** The link drops without a goodbye: the broker publishes the last will (offline). */
    async dropConnection(): Promise<void> {
        await this.device.stop(false);
        await this.connection.close(false);
    }

    async stop(): Promise<void> {
        if (!this.connection.client.connected) return;
        await this.device.clearRetained();
        await this.device.stop();
        await this.connection.close();
    }
}

describe('editor in Chromium on the npm start demo', function () {
    this.timeout(60000);
    let demo: DemoProcess | undefined;
    let browser: Browser | undefined;
    let page: Page;
    let pageErrors: string[] = [];
    const extras: ExtraDevice[] = [];

    const sidebar = () => page.locator('#mcpb-devices');
    const row = (id: string) => sidebar().locator(`.mcpb-devices-row[data-device-id="${id}"]`);
    const value = (r: Locator, name: string) =>
        r.locator(`.mcpb-devices-value[data-name="${name}"] .mcpb-devices-reading`);

    async function waitForText(what: string, locator: Locator, accept: (text: string) => boolean) {
        await waitFor(what, async () => accept((await locator.textContent({ timeout: 1000 })) ?? ''), 15000);
    }

    function assertNoPageErrors() {
        assert.deepEqual(pageErrors, [], 'the editor page reported errors');
    }

    before(async function () {
        assertBuilt();
        demo = await startDemoProcess({ devices: 3, intervalMs: 500 });
        browser = await launchChromium();
        ({ page, pageErrors } = await openDemoEditor(browser, demo, 1600));
    });

    after(async function () {
        for (const extra of extras.splice(0)) await extra.stop().catch(() => undefined);
        await browser?.close();
        await demo?.stop();
    });

    it('loads without page errors and lists every mcpb node type (config nodes registered)', async () => {
        const categories = await page.evaluate((types) => {
            const { RED } = globalThis as unknown as EditorGlobals;
            return types.map((t) => RED.nodes.getType(t)?.category ?? null);
        }, nodeTypes);
        nodeTypes.forEach((type, i) => assert.ok(categories[i], `${type} is not registered in the editor`));
        for (const [i, type] of nodeTypes.entries()) {
            if (categories[i] === 'config') continue;
            assert.equal(
                await page.locator(`.red-ui-palette-node[data-palette-type="${type}"]`).count(),
                1,
                `${type} missing from the palette`,
            );
        }
        assert.ok(
            categories.filter((c) => c !== 'config').length >= 4,
            `palette types: ${categories.join(', ')}`,
        );
        assertNoPageErrors();
    });

    it('shows the Devices sidebar with the simulated devices and updates a reading live', async () => {
        // The narrow sidebar folds most tabs into its menu: open ours through its action.
        await page.evaluate(() =>
            (globalThis as unknown as EditorGlobals).RED.actions.invoke(
                'mcpb-device-sidebar:show-devices-tab',
            ),
        );
        await sidebar().waitFor({ state: 'visible' });
        // Labels come from the plugin's catalog, not the raw keys.
        assert.equal(await page.locator('#red-ui-tab-mcpb-devices').textContent(), 'devices');
        assert.equal(await actionLabel(), 'Show the devices sidebar');
        await waitForText(
            'the stream to go live',
            sidebar().locator('.mcpb-devices-status'),
            (t) => t === 'live',
        );
        for (const id of DEMO_DEVICES) {
            await waitForText(`${id}'s temperature with its unit`, value(row(id), 'temperature'), (t) =>
                /^-?\d+(\.\d+)? °C$/.test(t),
            );
            assert.match((await value(row(id), 'humidity').textContent()) ?? '', / %$/);
            assert.match((await value(row(id), 'led').textContent()) ?? '', /^(true|false)$/);
            assert.match((await row(id).locator('.mcpb-devices-meta').textContent()) ?? '', /last seen/);
            assert.ok(await row(id).locator('.mcpb-devices-dot').isVisible());
            assert.equal(await row(id).locator('.mcpb-devices-state').textContent(), 'online');
            assert.match(
                (await row(id).locator('.mcpb-devices-counters').textContent()) ?? '',
                /messages \d+.*decode errors 0.*lost \d+.*alerts \d+/,
            );
        }
        assert.equal(
            await sidebar().locator('.mcpb-devices-name').first().textContent(),
            'Simulated sensor 0',
        );

        const pressure = value(row('demo-0001'), 'pressure');
        const before = (await pressure.textContent()) ?? '';
        const messagesBefore = (await row('demo-0001').locator('.mcpb-devices-counters').textContent()) ?? '';
        await waitForText('a new pressure reading of demo-0001', pressure, (t) => t !== before);
        assert.notEqual(
            await row('demo-0001').locator('.mcpb-devices-counters').textContent(),
            messagesBefore,
            'the message counter did not move with the reading',
        );
        assertNoPageErrors();
    });

    it('filters the device list by id, name or location', async () => {
        const filter = sidebar().locator('.mcpb-devices-filter');
        await filter.fill('demo-0001');
        assert.deepEqual(await visibleDeviceIds(), ['demo-0001']);
        await filter.fill('OFFICE'); // Simulated sensor 2's location, any case
        assert.deepEqual(await visibleDeviceIds(), ['demo-0002']);
        await filter.fill('no such device');
        assert.deepEqual(await visibleDeviceIds(), []);
        await filter.fill('');
        assert.deepEqual(await visibleDeviceIds(), DEMO_DEVICES);
    });

    function actionLabel(): Promise<string> {
        return page.evaluate(() =>
            (globalThis as unknown as EditorGlobals).RED.actions.getLabel(
                'mcpb-device-sidebar:show-devices-tab',
            ),
        );
    }

    async function showSidebarTab(id: string): Promise<void> {
        await page.evaluate((tab) => (globalThis as unknown as EditorGlobals).RED.sidebar.show(tab), id);
    }

    async function visibleDeviceIds(): Promise<string[]> {
        const rows = sidebar().locator('.mcpb-devices-row:visible');
        const ids: string[] = [];
        for (let i = 0; i < (await rows.count()); i++)
            ids.push((await rows.nth(i).getAttribute('data-device-id')) ?? '');
        return ids;
    }

    it('marks a device offline when its connection drops (last will)', async () => {
        const extra = await ExtraDevice.start(demo?.mqttUrl as string, 'editor-offline');
        extras.push(extra);
        const state = row('editor-offline').locator('.mcpb-devices-state');
        await waitForText('editor-offline online', state, (t) => t === 'online');
        await extra.dropConnection();
        await waitForText('editor-offline offline', state, (t) => t === 'offline');
        assert.match((await row('editor-offline').getAttribute('class')) ?? '', /mcpb-devices-offline/);
        for (const id of DEMO_DEVICES)
            assert.equal(await row(id).locator('.mcpb-devices-state').textContent(), 'online');
        assertNoPageErrors();
    });

    it('closes the event stream while the tab is hidden and reopens it when shown', async () => {
        const isEvents = (r: Request) =>
            new URL(r.url()).pathname.endsWith(`/registries/${demo?.registryId}/events`);
        const closed = page.waitForEvent('requestfailed', { predicate: isEvents, timeout: 10000 });
        await showSidebarTab('info');
        await closed;
        const reopened = page.waitForEvent('request', { predicate: isEvents, timeout: 10000 });
        await showSidebarTab('mcpb-devices');
        await reopened;
        await waitForText(
            'the stream to go live again',
            sidebar().locator('.mcpb-devices-status'),
            (t) => t === 'live',
        );
    });

    it('reconnects after a full redeploy restarts the registry and keeps updating', async () => {
        const flows = await (demo as DemoProcess).api('flows');
        const status = sidebar().locator('.mcpb-devices-status');
        const deployed = await (demo as DemoProcess).api('flows', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
            body: await flows.text(),
        });
        assert.equal(deployed.status, 204, await deployed.text());
        await waitForText('the lost stream to be reported', status, (t) => /reconnecting/.test(t));
        await waitForText('the stream to go live again', status, (t) => t === 'live');
        const light = value(row('demo-0002'), 'light');
        const before = (await light.textContent()) ?? '';
        await waitForText('a new light reading of demo-0002', light, (t) => t !== before);
        // Sparkline history requests in flight while the full deploy replaces the registry find no
        // registry for that moment (404); the sidebar then draws from live readings. Nothing else may fail.
        const inDeployWindow = (e: string) => / 404 .*\/sensors\/[^?]+\?history_minutes=/.test(e);
        pageErrors.splice(0, pageErrors.length, ...pageErrors.filter((e) => !inDeployWindow(e)));
        assertNoPageErrors();
    });

    it("fills the command node's device dropdown from the live registry", async () => {
        await page.locator('#demo-command').dblclick();
        const device = page.locator('#node-input-device');
        await device.waitFor({ state: 'visible' });
        const options = page.locator('#mcpb-command-devices option');
        await waitFor('the device suggestions', async () => (await options.count()) >= DEMO_DEVICES.length);
        const values = await options.evaluateAll((els) =>
            els.map((el) => (el as unknown as { value: string }).value),
        );
        for (const id of DEMO_DEVICES)
            assert.ok(values.includes(id), `${id} not offered: ${values.join(', ')}`);
        await page.locator('#node-dialog-cancel').click();
        await device.waitFor({ state: 'detached' });
        assertNoPageErrors();
    });

    it('shows hostile device text as text and never runs it', async () => {
        const profile = defaultProfile(1);
        const extra = await ExtraDevice.start(demo?.mqttUrl as string, 'editor-hostile', {
            ...profile,
            name: HOSTILE_NAME,
            location: HOSTILE_LOCATION,
            metadata: {
                ...profile.metadata,
                temperature: { ...profile.metadata.temperature, unit: HOSTILE_UNIT },
            },
        });
        extras.push(extra);
        const hostile = row('editor-hostile');
        await waitForText('the hostile unit, as text', value(hostile, 'temperature'), (t) =>
            t.endsWith(` ${HOSTILE_UNIT}`),
        );
        assert.equal(await hostile.locator('.mcpb-devices-name').textContent(), HOSTILE_NAME);
        assert.match(
            (await hostile.locator('.mcpb-devices-meta').textContent()) ?? '',
            /^<script>window\.__xss=2<\/script> · /,
        );
        assert.equal(await hostile.locator('img, script, b').count(), 0, 'device text became markup');
        assert.equal(await page.locator('img[src="x"]').count(), 0);
        const xss = await page.evaluate(() => (globalThis as unknown as EditorGlobals).__xss);
        assert.equal(xss, undefined, 'device text ran as script');
        assertNoPageErrors();
    });

    // Last: it takes the tab away.
    it('removes its tab, action and stream when the plugin is removed', async () => {
        const isEvents = (r: Request) =>
            new URL(r.url()).pathname.endsWith(`/registries/${demo?.registryId}/events`);
        const closed = page.waitForEvent('requestfailed', { predicate: isEvents, timeout: 10000 });
        await page.evaluate(() => {
            const { RED } = globalThis as unknown as EditorGlobals;
            RED.sidebar.show('mcpb-devices');
            RED.plugins.getPlugin('mcpb-device-sidebar')?.onremove?.();
        });
        await closed;
        assert.equal(await page.locator('#mcpb-devices, #red-ui-tab-mcpb-devices').count(), 0);
        assert.equal(await actionLabel(), '', 'the show action is still registered');
        assertNoPageErrors();
    });
});
