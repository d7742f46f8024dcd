/**
 * The demo's Node-RED runs with adminAuth, so nothing unauthenticated — no web
 * page, no other local process — can read the registry or operate a device.
 * An `admin` user (password generated, shown once at start) logs into the
 * editor; the MCP adapter gets its own token that grants only the registry's
 * permissions. With --user-dir both are kept in the directory (mode 0600) so a
 * restart keeps the same login; otherwise they are new every run.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface DemoCredentials {
    username: string;
    password: string;
    /** Bearer token of the MCP adapter: mcp-bridge.read and mcp-bridge.write only. */
    adapterToken: string;
    /** What devices on the LAN send as MQTT password (user name: their device id), with --mqtt-listen. */
    devicePassword: string;
}

const FILE = 'mcpb-demo-credentials.json';
const secret = () => randomBytes(18).toString('base64url');

export function demoCredentials(userDir: string | undefined): DemoCredentials {
    const file = userDir ? path.join(userDir, FILE) : undefined;
    if (file && fs.existsSync(file)) {
        const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DemoCredentials>;
        if (saved.username && saved.password && saved.adapterToken && saved.devicePassword) {
            return saved as DemoCredentials;
        }
    }
    const fresh = { username: 'admin', password: secret(), adapterToken: secret(), devicePassword: secret() };
    if (file) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(fresh), { mode: 0o600 });
    }
    return fresh;
}

/** Node-RED's adminAuth setting for these credentials. */
export function adminAuthSetting(credentials: DemoCredentials): object {
    // bcryptjs comes with node-red (its editor API hashes with it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bcrypt = require('bcryptjs') as { hashSync(s: string, rounds: number): string };
    return {
        type: 'credentials',
        users: [
            {
                username: credentials.username,
                password: bcrypt.hashSync(credentials.password, 8),
                permissions: '*',
            },
        ],
        tokens: (token: string) =>
            Promise.resolve(
                token === credentials.adapterToken
                    ? { username: 'mcp-adapter', permissions: ['mcp-bridge.read', 'mcp-bridge.write'] }
                    : null,
            ),
    };
}
