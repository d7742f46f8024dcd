/**
 * Node-RED (the `node-red` dependency, 4.1.x) embedded in this process on
 * 127.0.0.1, with this package installed into its user directory the way
 * `npm install` would (a node_modules link to the repository, so Node-RED
 * loads dist/nodes, locales, icons and examples like a palette install).
 * Node-RED supports one runtime per process.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = (
    JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string }
).name;

interface NodeRedRuntime {
    init(server: http.Server, settings: object): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    httpAdmin: http.RequestListener;
    nodes: { getNodeList(): { id: string; enabled: boolean; err?: string }[] };
}

export interface EmbeddedNodeRed {
    /** Editor and admin API root, with a trailing slash. */
    url: string;
    stop(): Promise<void>;
}

/** Links the built package into `userDir/node_modules`, as a palette install would place it. */
export function installPackage(userDir: string): void {
    const built = path.join(repoRoot, 'dist', 'nodes', 'registry.js');
    if (!fs.existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first`);
    const link = path.join(userDir, 'node_modules', ...PACKAGE_NAME.split('/'));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    if (!fs.existsSync(link)) fs.symlinkSync(repoRoot, link, 'dir');
}

export async function startEmbeddedNodeRed(options: {
    userDir: string;
    flow: object[];
    port: number;
    log: (line: string) => void;
    logLevel?: 'error' | 'warn' | 'info';
}): Promise<EmbeddedNodeRed> {
    installPackage(options.userDir);
    fs.writeFileSync(path.join(options.userDir, 'flows.json'), JSON.stringify(options.flow, null, 2));
    // node-red ships no types: the few runtime members used are typed above.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RED = require('node-red') as NodeRedRuntime;
    const server = http.createServer((req, res) => RED.httpAdmin(req, res));
    RED.init(server, {
        userDir: options.userDir,
        flowFile: 'flows.json',
        credentialSecret: false,
        uiHost: '127.0.0.1',
        httpAdminRoot: '/',
        httpNodeRoot: '/api',
        logging: { console: { level: options.logLevel ?? 'warn', metrics: false, audit: false } },
        editorTheme: { tours: false },
        externalModules: { autoInstall: false, palette: { allowInstall: false } },
    });
    const sockets = new Set<net.Socket>();
    server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, '127.0.0.1', resolve);
    });
    await RED.start();
    const broken = RED.nodes
        .getNodeList()
        .filter((n) => n.id.startsWith(PACKAGE_NAME) && (!n.enabled || n.err));
    for (const n of broken) options.log(`warning: node set ${n.id} did not load: ${n.err ?? 'disabled'}`);
    const port = (server.address() as net.AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}/`,
        async stop() {
            await RED.stop();
            for (const s of sockets) s.destroy();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
