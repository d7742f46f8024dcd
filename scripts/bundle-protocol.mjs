// The MCP adapter ships the @mcp-mqtt-bridge/protocol package inside its tarball
// (bundleDependencies), so `npx`/`npm install` of the adapter alone works before the
// protocol is published. In the workspace the protocol is hoisted to the root
// node_modules, where `npm pack -w mcp-adapter` does not look: prepack copies the
// built package into mcp-adapter/node_modules, postpack (--clean) removes the copy.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const target = path.join(root, 'mcp-adapter', 'node_modules', '@mcp-mqtt-bridge', 'protocol');

fs.rmSync(target, { recursive: true, force: true });
if (process.argv.includes('--clean')) process.exit(0);
const source = path.join(root, 'protocol');
if (!fs.existsSync(path.join(source, 'dist', 'src', 'index.js'))) {
    throw new Error('protocol/dist is missing: run "npm run build" first');
}
for (const entry of ['package.json', 'README.md', 'schemas', 'dist']) {
    fs.cpSync(path.join(source, entry), path.join(target, entry), {
        recursive: true,
        filter: (f) => !f.endsWith('.tsbuildinfo'),
    });
}
