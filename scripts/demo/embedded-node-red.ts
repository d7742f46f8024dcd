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
import { listenOn } from './listen';

const repoRoot = path.resolve(__dirname, '..', '..');
const HTTP_NODE_ROOT = '/api';
export const PACKAGE_NAME = (
    JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string }
).name;

interface NodeRedRuntime {
    init(server: http.Server, settings: object): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    httpAdmin: http.RequestListener;
    httpNode: http.RequestListener;
    nodes: { getNodeList(): { id: string; enabled: boolean; err?: string }[] };
}

export interface EmbeddedNodeRed {
    /** Editor and admin API root, with a trailing slash. */
    url: string;
    /** flows.json already existed in the user directory and was kept (not replaced by the demo flow). */
    keptFlows: boolean;
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
    /** Called with the path of a kept flows.json before Node-RED reads it. */
    adjustKeptFlows?: (flowsFile: string) => void;
    /** Node-RED's adminAuth setting; without it the admin API is open (tests only). */
    adminAuth?: object;
    /** Load FlowFuse Dashboard 2 (a dev dependency found beside node-red); left out by default. */
    dashboard?: boolean;
}): Promise<EmbeddedNodeRed> {
    installPackage(options.userDir);
    // A user directory keeps its flows: the demo flow is written only into a fresh one.
    const flowsFile = path.join(options.userDir, 'flows.json');
    const keptFlows = fs.existsSync(flowsFile);
    if (keptFlows) options.adjustKeptFlows?.(flowsFile);
    else fs.writeFileSync(flowsFile, JSON.stringify(options.flow, null, 2));
    // node-red ships no types: the few runtime members used are typed above.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RED = require('node-red') as NodeRedRuntime;
    // The editor and admin API at /, the flows' HTTP endpoints (http in, Dashboard 2) under /api,
    // as Node-RED's own server mounts them (express keeps originalUrl for redirects).
    const server = http.createServer((req, res) => {
        const url = req.url ?? '/';
        if (
            url === HTTP_NODE_ROOT ||
            url.startsWith(`${HTTP_NODE_ROOT}/`) ||
            url.startsWith(`${HTTP_NODE_ROOT}?`)
        ) {
            (req as http.IncomingMessage & { originalUrl?: string }).originalUrl = url;
            req.url = url.slice(HTTP_NODE_ROOT.length) || '/';
            return RED.httpNode(req, res);
        }
        RED.httpAdmin(req, res);
    });
    RED.init(server, {
        userDir: options.userDir,
        flowFile: 'flows.json',
        credentialSecret: false,
        uiHost: '127.0.0.1',
        httpAdminRoot: '/',
        httpNodeRoot: HTTP_NODE_ROOT,
        logging: { console: { level: options.logLevel ?? 'warn', metrics: false, audit: false } },
        editorTheme: { tours: false },
        ...(options.adminAuth ? { adminAuth: options.adminAuth } : {}),
        // The core mqtt-broker node reconnects after 5 s by default: every reading a device
        // publishes in those seconds after a broker restart is lost (counted, but lost).
        mqttReconnectTime: 1000,
        // The bench's node-red-contrib-influxdb and the Dashboard example's Dashboard 2 (dev
        // dependencies, found beside node-red) are not part of the demo: keep them out of the
        // palette (Dashboard 2 only on request; its module directory is node-red-dashboard).
        nodesExcludes: ['node-red-contrib-influxdb', ...(options.dashboard ? [] : ['node-red-dashboard'])],
        // Loopback demo: no update-notification / telemetry question on first open.
        telemetry: { enabled: false, updateNotification: false },
        externalModules: { autoInstall: false, palette: { allowInstall: false } },
    });
    const sockets = new Set<net.Socket>();
    server.on('connection', (s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
    });
    await listenOn(server, options.port, '--port', 'the Node-RED editor');
    await RED.start();
    const broken = RED.nodes
        .getNodeList()
        .filter((n) => n.id.startsWith(PACKAGE_NAME) && (!n.enabled || n.err));
    for (const n of broken) options.log(`warning: node set ${n.id} did not load: ${n.err ?? 'disabled'}`);
    const port = (server.address() as net.AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}/`,
        keptFlows,
        async stop() {
            await RED.stop();
            for (const s of sockets) s.destroy();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}
