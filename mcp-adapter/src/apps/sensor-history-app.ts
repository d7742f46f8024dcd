/**
 * The MCP App of read_sensor's history (extension io.modelcontextprotocol/ui,
 * @modelcontextprotocol/ext-apps): read_sensor links this `ui://` resource in
 * its `_meta.ui.resourceUri`; a host that renders MCP Apps shows it in a
 * sandboxed iframe with the tool's result and it draws an interactive chart
 * (window buttons call read_sensor again through the host). Hosts without
 * MCP Apps ignore the link and show the tool's plain text and structured result.
 *
 * The resource is one self-contained HTML page (no network): the ext-apps App
 * class (its browser bundle `app-with-deps`), the protocol's dependency-free SVG
 * chart (also used by the editor's Devices sidebar) and the view script
 * (assets/sensor-history-view.js), in one module script.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export const SENSOR_HISTORY_APP_URI = 'ui://mcp-mqtt-bridge/sensor-history.html';
/**
 * What ext-apps' server helpers (registerAppTool / registerAppResource) set, written out: that
 * module is ESM-only and this adapter is CommonJS on Node 20. The MIME type of MCP App
 * resources, and a tool's `_meta` linking one (`ui.resourceUri`, plus the older flat key).
 */
export const RESOURCE_MIME_TYPE = 'text/html;profile=mcp-app';
export const SENSOR_HISTORY_APP_META = {
    ui: { resourceUri: SENSOR_HISTORY_APP_URI },
    'ui/resourceUri': SENSOR_HISTORY_APP_URI,
};

/** The adapter's assets/ (beside src/ when run from source, beside dist/ when built). */
function assetPath(name: string): string {
    for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
        const file = path.join(dir, 'assets', name);
        if (fs.existsSync(file)) return file;
    }
    throw new Error(`the MCP adapter's assets/${name} is missing`);
}

/**
 * The ext-apps browser bundle is an ES module ending in one `export{a as App,…}`:
 * inlined into a module script, that list becomes an object the view reads.
 */
export function inlineModuleExports(code: string, name: string): string {
    const exportList = /export\s*\{([^}]*)\}\s*;?\s*$/;
    const match = exportList.exec(code);
    if (!match || /^\s*import[\s{*]/m.test(code)) {
        throw new Error(`cannot inline ${name}: expected a self-contained module ending in one export list`);
    }
    const entries = (match[1] as string)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((spec) => {
            const [local, exported = local] = spec.split(/\s+as\s+/);
            return `${JSON.stringify(exported)}: ${local}`;
        });
    return `${code.slice(0, match.index)}\nconst McpExtApps = { ${entries.join(', ')} };\n`;
}

function scriptSafe(code: string, name: string): string {
    if (/<\/script/i.test(code)) throw new Error(`${name} contains "</script": cannot inline it`);
    return code;
}

let cached: string | undefined;

export function sensorHistoryAppHtml(): string {
    if (cached) return cached;
    const appBundle = fs.readFileSync(
        require.resolve('@modelcontextprotocol/ext-apps/app-with-deps'),
        'utf8',
    );
    const chart = fs.readFileSync(
        require.resolve('@mcp-mqtt-bridge/protocol/assets/history-chart.js'),
        'utf8',
    );
    const view = fs.readFileSync(assetPath('sensor-history-view.js'), 'utf8');
    cached = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sensor history</title>
<style>
:root { color-scheme: light dark; font: 13px/1.4 system-ui, sans-serif; }
body { margin: 0; padding: 10px 12px; color: #222; background: transparent; }
[data-theme="dark"] body { color: #ddd; }
header { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
#title { font-weight: 600; }
#value { font-size: 1.2em; }
#windows { margin-left: auto; display: flex; gap: 4px; }
#windows button { font: inherit; padding: 2px 8px; border: 1px solid #999; border-radius: 4px; background: none; color: inherit; cursor: pointer; }
#windows button[aria-pressed="true"] { background: #3b82c4; border-color: #3b82c4; color: #fff; }
#chart { display: block; width: 100%; height: auto; margin: 6px 0; }
#stats { color: #666; }
[data-theme="dark"] #stats { color: #aaa; }
body[data-state="loading"] #chart { opacity: 0.5; }
body[data-state="error"] #stats { color: #c0392b; }
#gaps { margin: 4px 0 0; padding-left: 18px; color: #a94442; font-size: 0.92em; }
</style>
</head>
<body data-state="waiting">
<header><span id="title">Sensor history</span><span id="value"></span><span id="windows"></span></header>
<svg id="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 220"></svg>
<div id="stats">Waiting for the tool result…</div>
<ul id="gaps"></ul>
<script>
${scriptSafe(chart, 'history-chart.js')}
</script>
<script type="module">
${scriptSafe(inlineModuleExports(appBundle, '@modelcontextprotocol/ext-apps/app-with-deps'), 'ext-apps')}
${scriptSafe(view, 'sensor-history-view.js')}
</script>
</body>
</html>
`;
    return cached;
}

export function registerSensorHistoryApp(server: McpServer): void {
    server.registerResource(
        'Sensor history chart',
        SENSOR_HISTORY_APP_URI,
        {
            mimeType: RESOURCE_MIME_TYPE,
            description:
                "Interactive chart of a sensor's history (read_sensor with history_minutes), for hosts that render MCP Apps",
        },
        async () => ({
            contents: [
                { uri: SENSOR_HISTORY_APP_URI, mimeType: RESOURCE_MIME_TYPE, text: sensorHistoryAppHtml() },
            ],
        }),
    );
}
