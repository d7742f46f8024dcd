// Copies what Node-RED reads besides the compiled JavaScript into dist/nodes:
// each node's editor HTML (beside its .js), message catalogs and help
// (locales/) and icons (dist/nodes/icons, the only place Node-RED looks). The
// example flows need no copy: the tracked examples/ folder is what Node-RED and
// the Flow Library read from the package.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'nodes');
const out = path.join(root, 'dist', 'nodes');

const require = createRequire(path.join(root, 'package.json'));
const INLINE = /<script type="text\/javascript" data-mcpb-inline="([^"]+)"><\/script>/g;

/**
 * Editor HTML with `<script type="text/javascript" data-mcpb-inline="module/file.js"></script>`
 * placeholders replaced by that file (shared browser code, e.g. the protocol's history charts):
 * the editor reads one HTML file per plugin, with no other request.
 */
function inlineScripts(html, file) {
    return html.replace(INLINE, (_, spec) => {
        const code = fs.readFileSync(require.resolve(spec), 'utf8');
        if (/<\/script/i.test(code)) throw new Error(`${spec} (inlined into ${file}) contains "</script"`);
        return `<script type="text/javascript">\n${code}</script>`;
    });
}

function copyDir(from, to, filter = () => true) {
    if (!fs.existsSync(from)) return;
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const a = path.join(from, entry.name);
        const b = path.join(to, entry.name);
        if (entry.isDirectory()) copyDir(a, b, filter);
        else if (filter(entry.name)) fs.copyFileSync(a, b);
    }
}

fs.mkdirSync(out, { recursive: true });
const nodeTypes = fs.readdirSync(src).filter((f) => f.endsWith('.html'));
for (const html of nodeTypes) {
    const base = html.replace(/\.html$/, '');
    if (!fs.existsSync(path.join(src, `${base}.ts`))) throw new Error(`nodes/${html} has no ${base}.ts`);
    if (!fs.existsSync(path.join(src, 'locales', 'en-US', `${base}.json`))) {
        throw new Error(`nodes/${base} has no en-US message catalog`);
    }
    fs.writeFileSync(
        path.join(out, html),
        inlineScripts(fs.readFileSync(path.join(src, html), 'utf8'), html),
    );
}
copyDir(path.join(src, 'locales'), path.join(out, 'locales'));

// Editor plugins (nodes/plugins/<name>.ts + .html): Node-RED reads a plugin's HTML
// and catalogs beside its compiled JS, so each gets its own locales/ there.
const pluginSrc = path.join(src, 'plugins');
const pluginOut = path.join(out, 'plugins');
const plugins = fs.existsSync(pluginSrc) ? fs.readdirSync(pluginSrc).filter((f) => f.endsWith('.html')) : [];
for (const html of plugins) {
    const base = html.replace(/\.html$/, '');
    if (!fs.existsSync(path.join(pluginSrc, `${base}.ts`)))
        throw new Error(`nodes/plugins/${html} has no ${base}.ts`);
    if (!fs.existsSync(path.join(src, 'locales', 'en-US', `${base}.json`))) {
        throw new Error(`plugin ${base} has no en-US message catalog`);
    }
    fs.mkdirSync(pluginOut, { recursive: true });
    const text = fs.readFileSync(path.join(pluginSrc, html), 'utf8');
    fs.writeFileSync(path.join(pluginOut, html), inlineScripts(text, html));
    copyDir(path.join(src, 'locales'), path.join(pluginOut, 'locales'), (n) => n === `${base}.json`);
}
copyDir(path.join(root, 'icons'), path.join(out, 'icons'), (n) => n.endsWith('.svg'));
console.log(`build-assets: ${nodeTypes.length} node editor files, ${plugins.length} plugin(s), icons copied`);
