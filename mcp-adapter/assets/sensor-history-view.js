/* global McpExtApps, McpbHistoryChart, document */
/**
 * The MCP App view of read_sensor's history (ui://mcp-mqtt-bridge/sensor-history.html).
 * Runs in the host's sandboxed iframe, after the ext-apps App class (McpExtApps)
 * and the shared SVG chart (McpbHistoryChart), in the same module script. It
 * draws the tool result the host passes in, and asks the server for another
 * window through the host (callServerTool: read_sensor). Device text is set
 * with textContent only.
 */
const WINDOWS = [
    [10, '10 min'],
    [60, '1 h'],
    [1440, '24 h'],
];
const BUDGET = 120;

const $ = (id) => document.getElementById(id);
const app = new McpExtApps.App({ name: 'mcpb-sensor-history', version: '0.1.0' }, {});
let current = null;

function setText(id, value) {
    $(id).textContent = value;
}

function fmt(v, unit) {
    return v === null || v === undefined ? '–' : String(v) + (unit ? ' ' + unit : '');
}

function render(view) {
    current = view;
    const body = document.body;
    body.dataset.state = 'ready';
    setText('title', view.device_id + ' · ' + view.sensor);
    setText('value', fmt(view.reading, view.unit) + (view.online ? '' : ' (device offline)'));
    const h = view.history;
    const svg = $('chart');
    document.querySelectorAll('#windows button').forEach((b) => {
        b.setAttribute('aria-pressed', String(!!h && Number(b.dataset.minutes) === h.minutes));
    });
    const gapList = $('gaps');
    gapList.textContent = '';
    if (!h) {
        while (svg.firstChild) svg.removeChild(svg.firstChild);
        svg.dataset.points = '0';
        setText('stats', 'No history asked for: pick a window.');
        return;
    }
    const drawn = McpbHistoryChart.drawChart(svg, h, {
        width: 560,
        height: 220,
        unit: view.unit,
        decimals: h.decimals,
        interactive: true,
        emptyText: 'no data in this window',
    });
    svg.dataset.points = String(drawn.points);
    svg.dataset.bucketed = String(drawn.bucketed);
    svg.dataset.minutes = String(h.minutes);
    const s = h.stats;
    setText(
        'stats',
        'min ' +
            fmt(s.min, view.unit) +
            ' · max ' +
            fmt(s.max, view.unit) +
            ' · mean ' +
            fmt(s.mean, view.unit) +
            ' · ' +
            s.count +
            ' points' +
            (h.buckets ? ' in ' + h.buckets.length + ' buckets of ' + h.bucket_s + ' s' : ''),
    );
    for (const g of h.gaps || []) {
        const li = document.createElement('li');
        li.textContent = g.cause + ' (' + g.duration_s + ' s): ' + g.detail;
        gapList.appendChild(li);
    }
}

function showError(message) {
    document.body.dataset.state = 'error';
    setText('stats', message);
}

async function loadWindow(minutes) {
    if (!current) return;
    document.body.dataset.state = 'loading';
    try {
        const result = await app.callServerTool({
            name: 'read_sensor',
            arguments: {
                device_id: current.device_id,
                sensor: current.sensor,
                history_minutes: minutes,
                max_points: BUDGET,
            },
        });
        if (result.isError || !result.structuredContent) {
            showError((result.content || []).map((c) => c.text || '').join(' ') || 'read_sensor failed');
            return;
        }
        render(result.structuredContent);
    } catch (e) {
        showError(String((e && e.message) || e));
    }
}

for (const [minutes, label] of WINDOWS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.minutes = String(minutes);
    b.textContent = label;
    b.addEventListener('click', () => loadWindow(minutes));
    $('windows').appendChild(b);
}

app.ontoolresult = (result) => {
    if (result.isError || !result.structuredContent) {
        showError((result.content || []).map((c) => c.text || '').join(' ') || 'no result');
        return;
    }
    render(result.structuredContent);
};
app.onhostcontextchanged = (ctx) => {
    if (ctx.theme) document.documentElement.dataset.theme = ctx.theme;
};

app.connect().then(
    () => {
        const ctx = app.getHostContext();
        if (ctx && ctx.theme) document.documentElement.dataset.theme = ctx.theme;
    },
    (e) => showError('could not connect to the host: ' + String((e && e.message) || e)),
);
