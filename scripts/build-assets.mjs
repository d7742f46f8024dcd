// Copies what Node-RED reads besides the compiled JavaScript into dist/nodes:
// each node's editor HTML (beside its .js), message catalogs and help
// (locales/) and icons (dist/nodes/icons, the only place Node-RED looks). The
// example flows need no copy: the tracked examples/ folder is what Node-RED and
// the Flow Library read from the package.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const src = path.join(root, 'nodes');
const out = path.join(root, 'dist', 'nodes');

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
    fs.copyFileSync(path.join(src, html), path.join(out, html));
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
    fs.copyFileSync(path.join(pluginSrc, html), path.join(pluginOut, html));
    copyDir(path.join(src, 'locales'), path.join(pluginOut, 'locales'), (n) => n === `${base}.json`);
}
copyDir(path.join(root, 'icons'), path.join(out, 'icons'), (n) => n.endsWith('.svg'));
console.log(`build-assets: ${nodeTypes.length} node editor files, ${plugins.length} plugin(s), icons copied`);
