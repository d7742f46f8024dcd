/**
 * What a user gets from the palette: `npm pack`, installed into a fresh
 * Node-RED user directory, started as a real Node-RED process. Every node type
 * must register without error and the examples must be listed. Also checks the
 * Flow Library rules a static parser applies to the tarball.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '../support/services';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string;
    keywords: string[];
    license: string;
    repository: unknown;
    engines: { node: string };
    dependencies: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    'node-red': { version: string; nodes: Record<string, string>; plugins?: Record<string, string> };
};
const types = Object.keys(pkg['node-red'].nodes);
const plugins = pkg['node-red'].plugins ?? {};

interface NodeSet {
    id: string;
    name: string;
    types: string[];
    enabled: boolean;
    err?: string;
    module: string;
}

describe('package: npm pack installed into a fresh Node-RED', function () {
    this.timeout(180000);
    let work: string;
    let unpacked: string;
    let tarball: string;
    let nodeRed: ChildProcess | undefined;
    let baseUrl: string;
    let log = '';
    /** The admin API as a user with every permission. */
    const api = (url: string, init: RequestInit = {}) =>
        fetch(`${baseUrl}${url}`, {
            ...init,
            headers: { authorization: 'Bearer admin-token', ...(init.headers as Record<string, string>) },
        });

    before(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-pack-'));
        // npm pack may run `prepare` (the build) and print it on stdout: look for the file instead.
        execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], {
            cwd: root,
            stdio: 'pipe',
        });
        const packed = fs.readdirSync(work).filter((f) => f.endsWith('.tgz'));
        assert.equal(packed.length, 1, `npm pack produced ${packed.join(', ')}`);
        tarball = path.join(work, packed[0]);
        unpacked = path.join(work, 'unpacked');
        fs.mkdirSync(unpacked);
        execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
        unpacked = path.join(unpacked, 'package');
    });

    after(async () => {
        if (nodeRed && nodeRed.exitCode === null) {
            const exited = new Promise((r) => nodeRed?.once('exit', r));
            nodeRed.kill('SIGTERM');
            await exited;
        }
        fs.rmSync(work, { recursive: true, force: true });
    });

    it('follows the Flow Library package rules', () => {
        assert.match(pkg.name, /^@[a-z0-9-]+\/node-red-/);
        assert.ok(pkg.keywords.includes('node-red'));
        assert.ok(pkg.license);
        assert.ok(pkg.repository);
        assert.ok(pkg.engines.node);
        assert.ok(pkg['node-red'].version);
        const production = { ...pkg.dependencies, ...pkg.optionalDependencies };
        assert.ok(
            Object.keys(production).length <= 6,
            'at most 6 production dependencies (optional included)',
        );
    });

    it('ships each node as CommonJS with its editor HTML, catalog and icon beside it', () => {
        for (const [type, file] of Object.entries(pkg['node-red'].nodes)) {
            const js = path.join(unpacked, file);
            assert.ok(fs.existsSync(js), `${file} missing for ${type}`);
            const source = fs.readFileSync(js, 'utf8');
            assert.ok(!source.includes('export '), `${file} is not CommonJS`);
            const html = fs.readFileSync(js.replace(/\.js$/, '.html'), 'utf8');
            // The Flow Library indexer only sees inline, literal registerType calls.
            const registration = new RegExp(`RED\\.nodes\\.registerType\\(\\s*'${type}'\\s*,\\s*\\{`);
            assert.match(html, registration, `${type}: no literal registerType in the HTML`);
            const definition = html.slice(html.search(registration));
            const isConfig = /^[^]*?category:\s*'config'/.test(
                definition.slice(0, definition.indexOf('defaults')),
            );
            const icon = /icon:\s*'([^']+)'/.exec(definition)?.[1];
            assert.ok(icon || isConfig, `${type}: no literal icon`);
            if (icon && !icon.startsWith('font-awesome/')) {
                assert.ok(
                    fs.existsSync(path.join(path.dirname(js), 'icons', icon)),
                    `${type}: icon ${icon} not shipped`,
                );
            }
            const base = path.basename(file, '.js');
            assert.ok(
                fs.existsSync(path.join(path.dirname(js), 'locales', 'en-US', `${base}.json`)),
                `${type} catalog`,
            );
            assert.ok(
                html.includes(`data-help-name="${type}"`) ||
                    fs.existsSync(path.join(path.dirname(js), 'locales', 'en-US', `${base}.html`)),
                `${type} help`,
            );
        }
    });

    it('ships each editor plugin as CommonJS with its editor HTML and catalog beside it', () => {
        assert.ok(Object.keys(plugins).length > 0, 'no "node-red" plugins in package.json');
        for (const [id, file] of Object.entries(plugins)) {
            const js = path.join(unpacked, file);
            assert.ok(fs.existsSync(js), `${file} missing for plugin ${id}`);
            assert.ok(!fs.readFileSync(js, 'utf8').includes('export '), `${file} is not CommonJS`);
            const html = fs.readFileSync(js.replace(/\.js$/, '.html'), 'utf8');
            assert.ok(
                html.includes('RED.plugins.registerPlugin(') && html.includes(`'${id}'`),
                `${id}: no editor registerPlugin in the HTML`,
            );
            const catalog = path.join(
                path.dirname(js),
                'locales',
                'en-US',
                `${path.basename(file, '.js')}.json`,
            );
            assert.ok(fs.existsSync(catalog), `plugin ${id} catalog`);
        }
    });

    it('ships the tracked examples/ folder as is, with an example flow for every non-config node type', () => {
        const examples = path.join(unpacked, 'examples');
        const list = (dir: string) =>
            fs
                .readdirSync(dir, { recursive: true, encoding: 'utf8' })
                .filter((f) => f.endsWith('.json'))
                .sort();
        // One folder, no build-time copy: what is in the repository is what Node-RED reads.
        const tracked = path.join(root, 'examples');
        assert.deepEqual(list(examples), list(tracked));
        for (const f of list(tracked))
            assert.equal(
                fs.readFileSync(path.join(examples, f), 'utf8'),
                fs.readFileSync(path.join(tracked, f), 'utf8'),
                f,
            );
        const flows = list(examples).map((f) => fs.readFileSync(path.join(examples, f), 'utf8'));
        for (const type of types) {
            const html = fs.readFileSync(
                path.join(unpacked, pkg['node-red'].nodes[type].replace(/\.js$/, '.html')),
                'utf8',
            );
            if (new RegExp(`registerType\\(\\s*'${type}'\\s*,\\s*\\{[^]*?category:\\s*'config'`).test(html))
                continue;
            assert.ok(
                flows.some((f) => f.includes(`"type": "${type}"`) || f.includes(`"type":"${type}"`)),
                type,
            );
        }
    });

    it('registers every node type in a real Node-RED and lists the examples', async () => {
        const userDir = path.join(work, 'userdir');
        fs.mkdirSync(userDir);
        fs.writeFileSync(
            path.join(userDir, 'package.json'),
            JSON.stringify({ name: 'node-red-project', private: true }),
        );
        // Without the optional better-sqlite3: offline it is compiled from source (about 90 s on two
        // cores), and npm never fails an install for it; the SQLite history specs cover it.
        execFileSync(
            'npm',
            ['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=optional', tarball],
            { cwd: userDir, stdio: 'pipe' },
        );
        const port = await freePort();
        fs.writeFileSync(
            path.join(userDir, 'settings.js'),
            [
                'module.exports = {',
                `    uiHost: '127.0.0.1', uiPort: ${port}, flowFile: 'flows.json',`,
                "    logging: { console: { level: 'warn' } },",
                // Real Node-RED access control: one full-access token, one that may only read the registry.
                "    adminAuth: { type: 'credentials', users: [], tokens: (token) => Promise.resolve(",
                "        token === 'admin-token' ? { user: 'admin', permissions: '*' } :",
                "        token === 'reader-token' ? { user: 'reader', permissions: ['mcp-bridge.read'] } : null) },",
                '};',
                '',
            ].join('\n'),
        );
        const red = require.resolve('node-red/red.js');
        nodeRed = spawn(
            process.execPath,
            [red, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')],
            {
                stdio: ['ignore', 'pipe', 'pipe'],
            },
        );
        nodeRed.stdout?.on('data', (d: Buffer) => (log += d.toString()));
        nodeRed.stderr?.on('data', (d: Buffer) => (log += d.toString()));
        baseUrl = `http://127.0.0.1:${port}`;
        await waitFor(
            'Node-RED to serve its admin API',
            async () => {
                if (nodeRed?.exitCode !== null) throw new Error(`Node-RED exited:\n${log}`);
                return (await api(`/nodes`, { headers: { Accept: 'application/json' } })).ok;
            },
            60000,
        );

        const sets = (await (
            await api(`/nodes`, { headers: { Accept: 'application/json' } })
        ).json()) as NodeSet[];
        const ours = sets.filter((s) => s.module === pkg.name);
        for (const set of ours) assert.equal(set.err, undefined, `${set.id}: ${set.err}\n${log}`);
        const registered = ours.flatMap((s) => (s.enabled ? s.types : []));
        assert.deepEqual([...registered].sort(), [...types].sort(), log);

        // Editor plugins: loaded without error, their HTML and catalog served to the editor.
        const pluginSets = (await (
            await api(`/plugins`, { headers: { Accept: 'application/json' } })
        ).json()) as NodeSet[];
        const ourPlugins = pluginSets.filter((s) => s.module === pkg.name);
        assert.deepEqual(ourPlugins.map((s) => s.name).sort(), Object.keys(plugins).sort(), log);
        for (const set of ourPlugins) assert.equal(set.err, undefined, `${set.id}: ${set.err}\n${log}`);
        const pluginHtml = await (await api(`/plugins`, { headers: { Accept: 'text/html' } })).text();
        for (const id of Object.keys(plugins))
            assert.ok(pluginHtml.includes(`'${id}'`), `${id} editor HTML not served`);
        const catalogs = (await (await api(`/plugins/messages?lng=en-US`)).json()) as Record<string, object>;
        for (const id of Object.keys(plugins)) {
            assert.ok(
                Object.keys(catalogs[`${pkg.name}/${id}`] ?? {}).length > 0,
                `${id} catalog not served`,
            );
        }

        // Import > Examples: the modules with examples, then this module's flows.
        const modules = (await (await api(`/library/examples/flows/`)).json()) as string[];
        assert.ok(modules.includes(pkg.name), `examples not listed: ${JSON.stringify(modules)}`);
        const listing = (await (await api(`/library/examples/flows/${pkg.name}`)).json()) as {
            fn?: string;
        }[];
        const names = listing.map((entry) => entry.fn).filter(Boolean);
        assert.ok(names.length >= 4, `example flows listed: ${JSON.stringify(listing)}`);
    });

    it('guards the registry API with Node-RED adminAuth permissions (mcp-bridge.read / .write)', async () => {
        const registries = `${baseUrl}/mcp-bridge/registries`;
        assert.equal((await fetch(registries)).status, 401, 'no token');
        const reader = { authorization: 'Bearer reader-token' };
        const listed = await fetch(registries, { headers: reader });
        assert.equal(listed.status, 200);
        assert.deepEqual(await listed.json(), { registries: [] });
        const command = '/mcp-bridge/registries/default/devices/d1/actuators/led/commands';
        const post = (headers: Record<string, string>) =>
            fetch(`${baseUrl}${command}`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', ...headers },
                body: JSON.stringify({ action: 'on' }),
            });
        assert.equal((await post(reader)).status, 401, 'read permission must not send commands');
        const admin = await post({ authorization: 'Bearer admin-token' });
        assert.equal(admin.status, 404, 'past the permission check: no registry is deployed');
        assert.equal(((await admin.json()) as { error: { code: string } }).error.code, 'UNKNOWN_REGISTRY');
    });
});

describe('package: the MCP adapter tarball installed on its own', function () {
    this.timeout(180000);
    let work: string;

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-adapter-pack-'));
    });

    after(() => fs.rmSync(work, { recursive: true, force: true }));

    it('bundles the protocol package, installs without the workspace and runs its commands', () => {
        // prepack copies the built protocol package into the tarball (bundleDependencies).
        execFileSync('npm', ['pack', '-w', 'mcp-adapter', '--pack-destination', work], {
            cwd: root,
            stdio: 'pipe',
        });
        const tarball = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
        assert.ok(tarball, 'npm pack -w mcp-adapter produced no tarball');
        const listing = execFileSync('tar', ['-tzf', path.join(work, tarball)], { encoding: 'utf8' });
        assert.match(listing, /package\/node_modules\/@mcp-mqtt-bridge\/protocol\/dist\/src\/index\.js/);
        assert.equal(
            fs.existsSync(path.join(root, 'mcp-adapter/node_modules/@mcp-mqtt-bridge/protocol')),
            false,
            'postpack left its copy',
        );
        const app = path.join(work, 'app');
        fs.mkdirSync(app);
        fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
        execFileSync(
            'npm',
            ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(work, tarball)],
            {
                cwd: app,
                stdio: 'pipe',
            },
        );
        for (const bin of ['mcp-mqtt-bridge-adapter', 'mcpb-chat', 'mcpb-policy']) {
            const help = execFileSync(path.join(app, 'node_modules/.bin', bin), ['--help'], {
                encoding: 'utf8',
            });
            assert.match(help, /Usage:/, bin);
        }
    });
});
