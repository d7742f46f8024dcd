/**
 * Headless Chromium (the Debian package, driven by playwright-core) for the
 * editor tests, plus what the tests read from the editor page. The test
 * tsconfig has no DOM library: page code reaches the editor through
 * EditorGlobals instead of `window`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** The parts of the editor's globals the tests use. */
export interface EditorGlobals {
    RED: {
        nodes: {
            getType(type: string): { category: string } | undefined;
            node(id: string): object | undefined;
        };
        actions: { invoke(name: string): void; getLabel(name: string): string };
        plugins: { getPlugin(id: string): { onremove?: () => void } | undefined };
        sidebar: { show(tab: string): void };
    };
    /** Set only if hostile device text ever ran as script. */
    __xss?: unknown;
}

export async function launchChromium(): Promise<Browser> {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/ensure-system-packages.sh`);
    // launch() gives every browser a fresh temporary profile.
    return chromium.launch({
        executablePath: CHROMIUM,
        args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
        ],
    });
}

/** Uncaught exceptions and console errors of the page, as they happen. */
export function collectPageErrors(page: Page): string[] {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()} (${m.location().url})`);
    });
    return errors;
}

/**
 * Opens the editor already logged in (the demo runs Node-RED with adminAuth):
 * the editor keeps its access token in localStorage under `auth-tokens`, so
 * the page starts with one instead of showing the login dialog.
 */
export async function openLoggedIn(page: Page, editorUrl: string, accessToken: string): Promise<void> {
    await page.addInitScript((token) => {
        const store = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } })
            .localStorage;
        store.setItem(
            'auth-tokens',
            JSON.stringify({ access_token: token, expires_in: 3600, token_type: 'Bearer' }),
        );
    }, accessToken);
    await page.goto(editorUrl);
}

/**
 * The demo's editor in a new page, logged in, with the first-run "Enable Update
 * Notifications" question answered (no: loopback only), once the demo flow is loaded.
 */
export async function openDemoEditor(
    browser: Browser,
    demo: {
        api(path: string, init?: RequestInit): Promise<Response>;
        editorUrl: string;
        accessToken(): Promise<string>;
    },
    width: number,
): Promise<{ page: Page; pageErrors: string[] }> {
    const answered = await demo.api('settings/user', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ telemetryEnabled: false }),
    });
    assert.equal(answered.status, 204, await answered.text());
    const page = await browser.newPage({ viewport: { width, height: 1000 } });
    const pageErrors = collectPageErrors(page);
    await openLoggedIn(page, demo.editorUrl, await demo.accessToken());
    await page.waitForFunction(() => {
        const { RED } = globalThis as unknown as Partial<EditorGlobals>;
        return RED?.nodes?.node('demo-command') !== undefined;
    });
    return { page, pageErrors };
}
