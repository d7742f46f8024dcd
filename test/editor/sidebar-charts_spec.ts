/**
 * The Devices sidebar's charts and device detail in Chromium on the real
 * `npm start` demo: sparklines and history charts draw exactly the points (or
 * buckets) the history route answered, gaps break the line, commands sent
 * from the detail view are applied (with the confirmation dialog when the
 * registry asks for one), a device can be forgotten, and hostile device text
 * in the detail view stays text. Writes docs/screenshots/sidebar-chart.png.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { DeviceConnection, SimulatedDevice, defaultProfile, type DeviceProfile } from '../../simulator';
import { waitFor } from '../support/services';
import { launchChromium, openDemoEditor, type EditorGlobals } from './browser';
import { assertBuilt, startDemoProcess, type DemoProcess } from '../support/demo-process';

const root = path.resolve(__dirname, '../..');
export const SCREENSHOTS = path.join(root, 'docs', 'screenshots');

const HOSTILE = '<img src=x onerror=window.__xss=1>';
const HOSTILE_OPTION = '<script>window.__xss=2</script>';
const HOSTILE_UNIT = '<b>u</b>';

interface HistoryAnswer {
    history: {
        points: unknown[];
        buckets?: { mean: number | null }[];
        gaps?: { cause: string }[];
    };
}

/** A quiet device of the test's own: it publishes only what the test tells it to. */
async function quietDevice(mqttUrl: string, id: string, profile?: DeviceProfile) {
    const connection = await DeviceConnection.open(mqttUrl, `charts-spec-${id}`, id);
    const device = new SimulatedDevice(connection, { id, profile, publishIntervalMs: 0 });
    await device.start();
    return {
        device,
        async stop() {
            if (!connection.client.connected) return;
            await device.clearRetained().catch(() => undefined);
            await device.stop();
            await connection.close();
        },
    };
}

describe('Devices sidebar charts and device detail in Chromium', function () {
    this.timeout(90000);
    let demo: DemoProcess;
    let browser: Browser | undefined;
    let page: Page;
    let pageErrors: string[] = [];
    const stops: (() => Promise<void>)[] = [];

    const sidebar = () => page.locator('#mcpb-devices');
    const row = (id: string) => sidebar().locator(`.mcpb-devices-row[data-device-id="${id}"]`);
    const detailPanel = () => sidebar().locator('.mcpb-devices-detail');
    const sensorBox = (name: string) => detailPanel().locator(`.mcpb-devices-sensor[data-name="${name}"]`);
    const actuatorBox = (name: string) =>
        detailPanel().locator(`.mcpb-devices-actuator[data-name="${name}"]`);

    async function api<T>(p: string): Promise<T> {
        const res = await demo.api(`mcp-bridge/registries/${demo.registryId}${p}`);
        assert.equal(res.status, 200, await res.clone().text());
        return (await res.json()) as T;
    }

    async function attr(locator: Locator, name: string): Promise<string | null> {
        return locator.getAttribute(name, { timeout: 1000 });
    }

    /** Coordinates in a polyline's points attribute. */
    async function polylinePoints(locator: Locator): Promise<number[]> {
        return locator.evaluateAll((els) =>
            els.map(
                (e) =>
                    ((e as unknown as { getAttribute(n: string): string }).getAttribute('points') ?? '')
                        .trim()
                        .split(/\s+/)
                        .filter(Boolean).length,
            ),
        );
    }

    /**
     * The browser logs every non-2xx answer. Expected: 428 confirmation_required to a command, and 404 to a
     * refetch of the forgotten device when a change notice sent before the DELETE arrives after it.
     */
    function assertNoPageErrors() {
        const unexpected = pageErrors.filter(
            (e) =>
                !/status of 428 .*\/actuators\/door\/commands\)$/.test(e) &&
                !/status of 404 .*\/devices\/charts-hostile\)$/.test(e),
        );
        assert.deepEqual(unexpected, [], 'the editor page reported errors');
    }

    before(async function () {
        assertBuilt();
        demo = await startDemoProcess({ devices: 1, intervalMs: 2000 });
        browser = await launchChromium();
        ({ page, pageErrors } = await openDemoEditor(browser, demo, 1400));
        await page.evaluate(() =>
            (globalThis as unknown as EditorGlobals).RED.actions.invoke(
                'mcpb-device-sidebar:show-devices-tab',
            ),
        );
        await sidebar().waitFor({ state: 'visible' });
    });

    after(async function () {
        for (const stop of stops.splice(0)) await stop().catch(() => undefined);
        await browser?.close();
        await demo?.stop();
    });

    // 10 readings 2 s apart, 60 s of silence, 10 more: a gap in the middle of the line.
    const now = Date.now() / 1000;
    const stamps = [
        ...Array.from({ length: 10 }, (_, i) => now - 100 + 2 * i),
        ...Array.from({ length: 10 }, (_, i) => now - 20 + 2 * i),
    ];
    const temperatures = stamps.map((_, i) => 20 + Math.round(Math.sin(i / 2) * 30) / 10);

    it('draws a sparkline with exactly the points the history route holds', async () => {
        const d = await quietDevice(demo.mqttUrl, 'charts-a');
        stops.push(d.stop);
        for (const [i, ts] of stamps.entries())
            await d.device.publishReading('temperature', temperatures[i], ts);
        await waitFor(
            'the registry to hold all 20 temperatures',
            async () =>
                (
                    await api<HistoryAnswer>(
                        '/devices/charts-a/sensors/temperature?history_minutes=10&limit=30',
                    )
                ).history.points.length === stamps.length,
            15000,
        );
        // A (re)start asks for every sparkline's history again.
        const reloaded = page.waitForResponse((r) =>
            /\/devices\/charts-a\/sensors\/temperature\?history_minutes=10&limit=30$/.test(r.url()),
        );
        await sidebar().locator('.mcpb-devices-tools button').click();
        const answer = ((await (await reloaded).json()) as HistoryAnswer).history;
        assert.equal(answer.points.length, stamps.length);
        const spark = row('charts-a').locator(
            '.mcpb-devices-value[data-name="temperature"] svg.mcpb-devices-spark',
        );
        // The drawn polyline (the row is redrawn on every change: read attribute and line together).
        await waitFor(
            'the sparkline of the reloaded history',
            async () => {
                const drawn = await spark.evaluateAll((els) =>
                    els.map((e) => {
                        const svg = e as unknown as {
                            getAttribute(n: string): string | null;
                            querySelector(s: string): { getAttribute(n: string): string | null } | null;
                        };
                        const line = svg.querySelector('polyline')?.getAttribute('points') ?? '';
                        return [
                            svg.getAttribute('data-points'),
                            line.trim().split(/\s+/).filter(Boolean).length,
                        ];
                    }),
                );
                return JSON.stringify(drawn) === JSON.stringify([[String(stamps.length), stamps.length]]);
            },
            15000,
        );
        // Sensors without a numeric reading get no sparkline.
        assert.equal(
            await row('charts-a').locator('.mcpb-devices-value[data-name="humidity"] svg').count(),
            0,
        );
        assertNoPageErrors();
    });

    it('opens a device: its history chart draws every point and breaks the line at the gap', async () => {
        const answer = page.waitForResponse((r) =>
            /\/devices\/charts-a\/sensors\/temperature\?history_minutes=10&limit=120$/.test(r.url()),
        );
        await row('charts-a').locator('.mcpb-devices-name').click();
        await detailPanel().waitFor({ state: 'visible' });
        const history = ((await (await answer).json()) as HistoryAnswer).history;
        const chart = sensorBox('temperature').locator('svg.mcpb-devices-chart');
        await waitFor(
            'the chart',
            async () => (await attr(chart, 'data-points')) === String(stamps.length),
            15000,
        );
        assert.equal(history.points.length, stamps.length);
        assert.equal(await chart.locator('circle.mcpb-chart-point').count(), stamps.length);
        // Two runs of 10: the silence in between is a gap, drawn as a gap (no line across it).
        assert.deepEqual(await polylinePoints(chart.locator('polyline.mcpb-chart-line')), [10, 10]);
        assert.equal(await chart.locator('rect.mcpb-chart-gap').count(), history.gaps?.length);
        assert.ok(
            (history.gaps ?? []).some((g) => g.cause === 'no_messages'),
            JSON.stringify(history.gaps),
        );
        assert.equal(await chart.locator('polygon.mcpb-chart-band').count(), 0, 'raw points have no band');
        const one = (v: number) => String(Math.round(v * 10) / 10); // accuracy 0.5: one decimal
        assert.match(
            (await sensorBox('temperature').locator('.mcpb-devices-chart-stats').textContent()) ?? '',
            new RegExp(
                `^min ${one(Math.min(...temperatures))} °C · max ${one(Math.max(...temperatures))} °C · ` +
                    `mean [\\d.]+ °C \\(20 points\\) · \\d gap\\(s\\): not_recorded, no_messages$`,
            ),
        );
        assertNoPageErrors();
    });

    it('draws buckets with a min..max band when the window holds more than the budget', async () => {
        const d = await quietDevice(demo.mqttUrl, 'charts-b');
        stops.push(d.stop);
        const t0 = Date.now() / 1000 - 400;
        for (let i = 0; i < 200; i++) await d.device.publishReading('humidity', 40 + (i % 17), t0 + 2 * i);
        await waitFor(
            'the registry to hold 200 humidity readings',
            async () =>
                (
                    await api<{ history: { stats: { count: number } } }>(
                        '/devices/charts-b/sensors/humidity?history_minutes=10&limit=1',
                    )
                ).history.stats.count === 200,
            15000,
        );
        await detailPanel().locator('.mcpb-devices-back').click();
        const answer = page.waitForResponse((r) =>
            /\/devices\/charts-b\/sensors\/humidity\?history_minutes=10&limit=120$/.test(r.url()),
        );
        await row('charts-b').locator('.mcpb-devices-name').click();
        const history = ((await (await answer).json()) as HistoryAnswer).history;
        const buckets = history.buckets ?? [];
        assert.ok(buckets.length > 10 && buckets.length <= 120, `${buckets.length} buckets`);
        const chart = sensorBox('humidity').locator('svg.mcpb-devices-chart');
        const drawnBuckets = buckets.filter((b) => b.mean !== null).length;
        await waitFor(
            'the bucketed chart',
            async () => (await attr(chart, 'data-bucketed')) === 'true',
            15000,
        );
        assert.equal(await attr(chart, 'data-points'), String(drawnBuckets));
        assert.equal(await chart.locator('circle.mcpb-chart-point').count(), drawnBuckets);
        assert.ok((await chart.locator('polygon.mcpb-chart-band').count()) >= 1, 'no min..max band');

        // Another window: the chart asks again with that window.
        const hour = page.waitForResponse((r) => /\/sensors\/humidity\?history_minutes=60&/.test(r.url()));
        await detailPanel().locator('.mcpb-devices-window-select').selectOption('60');
        await hour;
        await waitFor('the 1 h chart', async () => (await attr(chart, 'data-minutes')) === '60', 15000);
        assertNoPageErrors();
    });

    it('sends commands from the detail view, through the confirmation dialog when asked', async () => {
        await detailPanel().locator('.mcpb-devices-back').click();
        await row('charts-a').locator('.mcpb-devices-name').click();
        const led = actuatorBox('led');
        await led.locator('button[data-action="on"]').click();
        await waitFor('the led command', async () =>
            /applied, state true/.test((await led.textContent()) ?? ''),
        );
        const state = await api<{ actuator_states: Record<string, { state: unknown }> }>('/devices/charts-a');
        assert.equal(state.actuator_states.led?.state, true);
        await waitFor(
            'the led state in the detail',
            async () => (await led.locator('.mcpb-devices-reading').textContent()) === 'true',
        );

        // The door asks for a confirmation: the dialog first, then the resend with the ticket.
        const door = actuatorBox('door');
        await door.locator('button[data-action="on"]').click();
        const dialog = page
            .locator('.red-ui-notification')
            .filter({ hasText: /Send on to door of charts-a\?/ });
        await dialog.waitFor({ state: 'visible' });
        await dialog.locator('button.mcpb-devices-ask-yes').click();
        await waitFor('the door command', async () =>
            /applied, state true/.test((await door.textContent()) ?? ''),
        );
        const after = await api<{ actuator_states: Record<string, { state: unknown }> }>('/devices/charts-a');
        assert.equal(after.actuator_states.door?.state, true);

        // A set with a value.
        const dimmer = actuatorBox('dimmer');
        await dimmer.locator('input.mcpb-devices-set-value').fill('35');
        await dimmer.locator('button[data-action="set"]').click();
        await waitFor('the dimmer command', async () =>
            /applied, state 35/.test((await dimmer.textContent()) ?? ''),
        );
        assertNoPageErrors();
    });

    it('writes the sidebar chart screenshot', async () => {
        // Ten minutes of a greenhouse: temperature every 2 s, with a minute of silence in between.
        const d = await quietDevice(demo.mqttUrl, 'greenhouse-1', {
            ...defaultProfile(0),
            name: 'Greenhouse',
            location: 'greenhouse',
        });
        stops.push(d.stop);
        const t0 = Date.now() / 1000 - 590;
        let sent = 0;
        for (let i = 0; i < 295; i++) {
            const ts = t0 + 2 * i;
            if (ts > t0 + 300 && ts < t0 + 360) continue;
            const wave = 22 + 3 * Math.sin(i / 25) + ((i * 7919) % 13) / 8;
            await d.device.publishReading('temperature', Math.round(wave * 10) / 10, ts);
            await d.device.publishReading(
                'humidity',
                Math.round((55 - 2 * Math.sin(i / 25) + ((i * 104729) % 7) / 3) * 10) / 10,
                ts,
            );
            sent++;
        }
        await waitFor(
            'the registry to hold the greenhouse history',
            async () =>
                (
                    await api<{ history: { stats: { count: number } } }>(
                        '/devices/greenhouse-1/sensors/temperature?history_minutes=10&limit=1',
                    )
                ).history.stats.count === sent,
            15000,
        );
        // A wider sidebar, as a user would drag it.
        const separator = page.locator('#red-ui-sidebar-separator');
        const box = await separator.boundingBox();
        assert.ok(box);
        await page.mouse.move(box.x + box.width / 2, box.y + 200);
        await page.mouse.down();
        await page.mouse.move(box.x - 160, box.y + 200, { steps: 5 });
        await page.mouse.up();
        await detailPanel().locator('.mcpb-devices-back').click();
        await sidebar().locator('.mcpb-devices-tools button').click();
        await row('greenhouse-1').locator('.mcpb-devices-name').click();
        await detailPanel().locator('.mcpb-devices-window-select').selectOption('10');
        const chart = sensorBox('temperature').locator('svg.mcpb-devices-chart');
        await waitFor(
            'the bucketed chart',
            async () => (await attr(chart, 'data-bucketed')) === 'true',
            15000,
        );
        await waitFor(
            'the humidity chart',
            async () =>
                (await attr(sensorBox('humidity').locator('svg.mcpb-devices-chart'), 'data-bucketed')) ===
                'true',
            15000,
        );
        await actuatorBox('dimmer').locator('input.mcpb-devices-set-value').fill('40');
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        await page
            .locator('#red-ui-sidebar')
            .screenshot({ path: path.join(SCREENSHOTS, 'sidebar-chart.png') });
        assertNoPageErrors();
    });

    it('clears a confirmation requirement the registry kept after the device dropped it', async () => {
        // The door asks for confirmation; after a firmware update it no longer says so: the registry keeps it.
        const before = await quietDevice(demo.mqttUrl, 'charts-safety');
        await before.device.publishReading('temperature', 20);
        await waitFor(
            'the device',
            async () =>
                (await demo.api(`mcp-bridge/registries/${demo.registryId}/devices/charts-safety`)).status ===
                200,
        );
        await before.stop();
        const profile = defaultProfile(0);
        const after = await quietDevice(demo.mqttUrl, 'charts-safety', {
            ...profile,
            metadata: {
                ...profile.metadata,
                door: { ...profile.metadata.door, requires_confirmation: false },
            },
        });
        stops.push(after.stop);
        await detailPanel().locator('.mcpb-devices-back').click();
        await row('charts-safety').locator('.mcpb-devices-name').click();
        const door = actuatorBox('door');
        const clear = door.locator('.mcpb-devices-clear-confirmation');
        await clear.waitFor({ state: 'visible', timeout: 15000 });
        assert.equal(await actuatorBox('led').locator('.mcpb-devices-clear-confirmation:visible').count(), 0);
        await clear.click();
        await waitFor('the requirement cleared', async () =>
            /Confirmation requirement cleared\./.test(
                (await door.locator('.mcpb-devices-result').textContent()) ?? '',
            ),
        );
        // Now a door command goes through without a confirmation.
        await door.locator('button[data-action="on"]').click();
        await waitFor('the door command', async () =>
            /applied, state true/.test((await door.textContent()) ?? ''),
        );
        assert.equal(
            await page
                .locator('.red-ui-notification:visible')
                .filter({ hasText: /charts-safety/ })
                .count(),
            0,
            'asked for a confirmation',
        );
        assertNoPageErrors();
    });

    it('shows hostile device text in the detail view as text', async () => {
        const profile = defaultProfile(1);
        const d = await quietDevice(demo.mqttUrl, 'charts-hostile', {
            ...profile,
            name: HOSTILE,
            location: HOSTILE_OPTION,
            metadata: {
                ...profile.metadata,
                temperature: { ...profile.metadata.temperature, unit: HOSTILE_UNIT },
                mode: { value_type: 'enum', supported_actions: ['set'], options: ['eco', HOSTILE_OPTION] },
            },
        });
        stops.push(d.stop);
        await d.device.publishReading('temperature', 21.5);
        await d.device.publishError('sensor_fault', HOSTILE, 2, 'temperature');
        await detailPanel().locator('.mcpb-devices-back').click();
        await row('charts-hostile').locator('.mcpb-devices-name').click();
        await waitFor(
            'the hostile alert',
            async () =>
                (
                    (await detailPanel().locator('.mcpb-devices-alert-message').allTextContents()) ?? []
                ).includes(HOSTILE),
            15000,
        );
        assert.equal(
            await detailPanel().locator('.mcpb-devices-detail-top .mcpb-devices-name').textContent(),
            HOSTILE,
        );
        assert.match(
            (await detailPanel().locator('.mcpb-devices-meta').textContent()) ?? '',
            /<script>window\.__xss=2/,
        );
        await waitFor(
            'the hostile unit',
            async () =>
                (await sensorBox('temperature').locator('.mcpb-devices-reading').textContent()) ===
                `21.5 ${HOSTILE_UNIT}`,
        );
        assert.deepEqual(await actuatorBox('mode').locator('option').allTextContents(), [
            'eco',
            HOSTILE_OPTION,
        ]);
        assert.equal(await sidebar().locator('img, script, b').count(), 0, 'device text became markup');
        const xss = await page.evaluate(() => (globalThis as unknown as EditorGlobals).__xss);
        assert.equal(xss, undefined, 'device text ran as script');
        assertNoPageErrors();
    });

    it('forgets a device after asking', async () => {
        const forget = detailPanel().locator('.mcpb-devices-forget');
        await forget.click();
        const dialog = page.locator('.red-ui-notification').filter({ hasText: /Forget charts-hostile\?/ });
        await dialog.waitFor({ state: 'visible' });
        await dialog.locator('button.mcpb-devices-ask-yes').click();
        await detailPanel().waitFor({ state: 'hidden' });
        await row('charts-hostile').waitFor({ state: 'detached' });
        const res = await demo.api(`mcp-bridge/registries/${demo.registryId}/devices/charts-hostile`);
        assert.equal(res.status, 404);
        assertNoPageErrors();
    });
});
