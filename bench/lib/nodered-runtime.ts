/**
 * Starts an embedded Node-RED (5.0 where the running Node supports it, else
 * 4.1; MCPB_NODE_RED=4|5 chooses) with no HTTP
 * listener, the pack's nodes and node-red-contrib-influxdb, and deploys one
 * flow. The pack is loaded as shipped (dist/nodes, built by `npm run bench`)
 * when that build is newer than every source file, else from nodes/*.ts
 * through tsx (slower: esbuild's module getters sit on the hot path).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { installPackage } from '../../scripts/demo/embedded-node-red';
import {
    nodeRed5Supported,
    nodeRedMajorsFrom,
    nodeRedPackage,
    type NodeRedMajor,
} from '../../scripts/lib/node-red-majors';

const ROOT = path.resolve(__dirname, '..', '..');

interface EmbeddedRed {
    init(server: http.Server, settings: object): void;
    start(): Promise<void>;
    stop(): Promise<void>;
}

/** A folder Node-RED scans: one .js per pack node that requires the TypeScript source, plus its editor files. */
function packNodesDir(dir: string): string {
    const nodesDir = path.join(ROOT, 'nodes');
    for (const file of fs.readdirSync(nodesDir)) {
        if (!file.endsWith('.ts')) continue;
        const base = file.slice(0, -3);
        fs.writeFileSync(
            path.join(dir, `${base}.js`),
            `module.exports = require(${JSON.stringify(path.join(nodesDir, file))});\n`,
        );
        const html = path.join(nodesDir, `${base}.html`);
        fs.writeFileSync(path.join(dir, `${base}.html`), fs.existsSync(html) ? fs.readFileSync(html) : '');
    }
    fs.symlinkSync(path.join(nodesDir, 'locales'), path.join(dir, 'locales'));
    return dir;
}

/** Modification time of the newest file under `dir` whose name ends with `suffix`. */
function newest(dir: string, suffix: string): number {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(suffix))
        .reduce((t, e) => Math.max(t, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs), 0);
}

/**
 * dist/nodes when it was built after the last change to nodes/ and protocol/src
 * (tsc -b only rewrites what changed, so the newest output is what counts).
 */
function builtPack(): string | undefined {
    const dist = path.join(ROOT, 'dist', 'nodes');
    if (!fs.existsSync(dist)) return undefined;
    const sources = Math.max(
        newest(path.join(ROOT, 'nodes'), '.ts'),
        newest(path.join(ROOT, 'protocol', 'src'), '.ts'),
    );
    const complete = fs
        .readdirSync(path.join(ROOT, 'nodes'))
        .filter((f) => f.endsWith('.ts'))
        .every((f) => fs.existsSync(path.join(dist, f.replace(/\.ts$/, '.js'))));
    return complete && newest(dist, '.js') >= sources ? dist : undefined;
}

/** The newest Node-RED this Node runs (what a fresh install gets), unless MCPB_NODE_RED names one. */
export function benchNodeRedMajor(): NodeRedMajor {
    const [major = 4] = nodeRedMajorsFrom(process.env.MCPB_NODE_RED, [nodeRed5Supported() ? 5 : 4]);
    return major;
}

export async function startNodeRed(flow: object[]): Promise<EmbeddedRed> {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-bench-nr-'));
    // MCPB_BENCH_PACK=dist|source overrides the choice (e.g. while others keep editing sources).
    const choice = process.env.MCPB_BENCH_PACK;
    const dist =
        choice === 'dist' ? path.join(ROOT, 'dist', 'nodes') : choice === 'source' ? undefined : builtPack();
    // The built pack is installed like a palette install (package.json: nodes and plugins);
    // the sources are loaded as loose node files through tsx.
    if (dist) installPackage(userDir);
    const packDirs = dist
        ? []
        : [packNodesDir(fs.mkdirSync(path.join(userDir, 'pack'), { recursive: true }) as string)];
    const major = benchNodeRedMajor();
    console.log(
        `  (Node-RED ${major} on Node ${process.versions.node}; pack nodes from ${dist ? 'dist/nodes' : 'nodes/*.ts via tsx'})`,
    );
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flow));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node-red ships no types
    const RED = require(nodeRedPackage(major)) as EmbeddedRed;
    RED.init(http.createServer(), {
        userDir,
        flowFile: 'flows.json',
        credentialSecret: false,
        httpAdminRoot: false,
        httpNodeRoot: false,
        nodesDir: [...packDirs, path.join(ROOT, 'node_modules', 'node-red-contrib-influxdb')],
        logging: { console: { level: 'warn', metrics: false, audit: false } },
        externalModules: { autoInstall: false, palette: { allowInstall: false } },
    });
    await RED.start();
    process.once('exit', () => fs.rmSync(userDir, { recursive: true, force: true }));
    return RED;
}
