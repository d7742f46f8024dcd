/**
 * Per-device broker access: `mcpb-policy broker` generates Mosquitto's password
 * file and ACL from a policy, and a REAL Mosquitto started with exactly those
 * files (own instance, free loopback port) enforces them: a device publishes
 * only as itself and never a command, reads only its own requests; the server
 * account reads every device and sends requests.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startMosquitto, waitFor, type RunningService } from '../support/services';
import { REPO_ROOT } from './harness';

const POLICY_CLI = ['-r', 'tsx/cjs', 'mcp-adapter/src/policy/cli.ts'];

function runPolicyCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(process.execPath, [...POLICY_CLI, ...args], { cwd: REPO_ROOT });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
}

interface Received {
    topic: string;
    payload: string;
}

describe('mcpb-policy broker: per-device Mosquitto accounts and ACL (real Mosquitto)', function () {
    this.timeout(30000);
    const suffix = randomBytes(3).toString('hex');
    const devA = `acl-a-${suffix}`;
    const devB = `acl-b-${suffix}`;
    const server = `nodered-${suffix}`;
    let dir: string;
    let broker: RunningService;
    let passwords: Record<string, string>;
    const clients: MqttClient[] = [];
    const serverSaw: Received[] = [];
    let serverClient: MqttClient;

    async function connect(username: string | undefined, password?: string): Promise<MqttClient> {
        const client = await mqtt.connectAsync(broker.url, {
            username,
            password,
            protocolVersion: 5,
            reconnectPeriod: 0,
            clientId: `${username ?? 'anon'}-${randomBytes(3).toString('hex')}`,
        });
        clients.push(client);
        return client;
    }

    before(async function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-policy-broker-'));
        const policyFile = path.join(dir, 'policy.json');
        fs.writeFileSync(
            policyFile,
            JSON.stringify({ version: 1, broker: { server_users: [server], devices: [devA] } }),
        );
        // devB comes from the command line (as devices from the registry would).
        const out = path.join(dir, 'broker');
        // Run as root, Mosquitto drops to its own user before reading the files: hand them over.
        const owner = process.getuid?.() === 0 ? ['--broker-user', 'mosquitto'] : [];
        fs.chmodSync(dir, 0o755);
        const result = await runPolicyCli([
            'broker',
            '--policy',
            policyFile,
            '--out',
            out,
            '--device',
            devB,
            ...owner,
        ]);
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /1 server account\(s\).*2 device account\(s\)/);
        passwords = (
            JSON.parse(fs.readFileSync(path.join(out, 'credentials.json'), 'utf8')) as {
                accounts: Record<string, string>;
            }
        ).accounts;
        assert.ok(!result.stdout.includes(passwords[devA]), 'a password was printed');
        broker = await startMosquitto({
            extraConfig: fs
                .readFileSync(path.join(out, 'mosquitto.conf'), 'utf8')
                .split('\n')
                .filter((l) => l && !l.startsWith('#')),
        });
        serverClient = await connect(server, passwords[server]);
        serverClient.on('message', (topic, payload) =>
            serverSaw.push({ topic, payload: payload.toString() }),
        );
        await serverClient.subscribeAsync('devices/#', { qos: 1 });
    });

    after(async function () {
        await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
        await broker?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('writes the secrets 0600, hashes the password file, and never prints a password', function () {
        const out = path.join(dir, 'broker');
        for (const f of ['passwd', 'credentials.json', 'esphome-secrets.yaml']) {
            assert.equal(fs.statSync(path.join(out, f)).mode & 0o777, 0o600, f);
        }
        const passwd = fs.readFileSync(path.join(out, 'passwd'), 'utf8');
        assert.match(passwd, new RegExp(`^${devA}:\\$7\\$`, 'm'));
        for (const pw of Object.values(passwords))
            assert.ok(!passwd.includes(pw), 'clear password in passwd');
        const secrets = fs.readFileSync(path.join(out, 'esphome-secrets.yaml'), 'utf8');
        assert.ok(secrets.includes(`mqtt_password_${devA.replace(/-/g, '_')}: "${passwords[devA]}"`));
    });

    it('refuses anonymous clients and wrong passwords', async function () {
        await assert.rejects(connect(undefined));
        await assert.rejects(connect(devA, 'wrong-password'));
        await assert.rejects(connect(devA, passwords[devB]));
    });

    it('device A cannot publish as device B nor publish commands; its own topics reach the server', async function () {
        const a = await connect(devA, passwords[devA]);
        const forged = [
            `devices/${devB}/status`, // as another device
            `devices/${devB}/sensors/temperature/data`,
            `devices/${devA}/actuators/relay/cmd`, // a command, even to itself
            `devices/${devB}/actuators/relay/cmd`,
            `devices/${devA}/config/set`,
            `devices/${devA}/diagnostics/request`,
            `devices/${devA}/unknown-kind`,
            `other/topic`,
        ];
        for (const topic of forged) {
            // MQTT 5: Mosquitto answers the PUBACK with 0x87 "not authorized".
            await assert.rejects(
                a.publishAsync(topic, `forged-${suffix}`, { qos: 1 }),
                /Not authorized/i,
                topic,
            );
        }
        const own = [
            `devices/${devA}/capabilities`,
            `devices/${devA}/sensors/temperature/data`,
            `devices/${devA}/sensors/batch`,
            `devices/${devA}/actuators/relay/status`,
            `devices/${devA}/error`,
            `devices/${devA}/metrics`,
            `devices/${devA}/config`,
            `devices/${devA}/diagnostics/result`,
            `devices/${devA}/status`, // last: the marker
        ];
        for (const topic of own) await a.publishAsync(topic, `own-${suffix}`, { qos: 1 });
        // Mosquitto forwards in order: once the marker is in, anything forged would be too.
        await waitFor('device A status at the server', async () =>
            serverSaw.some((m) => m.topic === `devices/${devA}/status`),
        );
        assert.deepEqual(
            serverSaw.filter((m) => m.payload === `forged-${suffix}`),
            [],
            'a forged message reached the server',
        );
        assert.deepEqual(
            serverSaw.filter((m) => m.payload === `own-${suffix}`).map((m) => m.topic),
            own,
        );
    });

    it('a device subscribes only to its own requests; the server sends them', async function () {
        const a = await connect(devA, passwords[devA]);
        const b = await connect(devB, passwords[devB]);
        const aSaw: Received[] = [];
        const bSaw: Received[] = [];
        a.on('message', (topic, payload) => aSaw.push({ topic, payload: payload.toString() }));
        b.on('message', (topic, payload) => bSaw.push({ topic, payload: payload.toString() }));
        const own = await a.subscribeAsync(
            [
                `devices/${devA}/actuators/+/cmd`,
                `devices/${devA}/config/set`,
                `devices/${devA}/diagnostics/request`,
            ],
            { qos: 1 },
        );
        assert.deepEqual(
            own.map((g) => g.qos),
            [1, 1, 1],
        );
        // Another device's commands, or everything: Mosquitto 2 grants the subscription but checks
        // every message against the ACL, so nothing of device A's ever reaches B (asserted below).
        await b.subscribeAsync([`devices/${devA}/actuators/+/cmd`, 'devices/#'], { qos: 1 });
        await b.subscribeAsync(`devices/${devB}/actuators/+/cmd`, { qos: 1 });

        await serverClient.publishAsync(`devices/${devA}/actuators/relay/cmd`, 'cmd-a', { qos: 1 });
        await serverClient.publishAsync(`devices/${devA}/config/set`, 'config-a', { qos: 1 });
        await serverClient.publishAsync(`devices/${devA}/diagnostics/request`, 'diag-a', { qos: 1 });
        await serverClient.publishAsync(`devices/${devB}/actuators/relay/cmd`, 'cmd-b', { qos: 1 });
        await waitFor(
            'device A to get its three requests and device B its command',
            async () => aSaw.length === 3 && bSaw.some((m) => m.payload === 'cmd-b'),
        );
        assert.deepEqual(
            aSaw.map((m) => m.payload),
            ['cmd-a', 'config-a', 'diag-a'],
        );
        // B saw only its own command: nothing of A's (status, readings, commands).
        // (twice: `devices/#` and its own subscription both match, and both are its own topic)
        assert.deepEqual([...new Set(bSaw.map((m) => m.topic))], [`devices/${devB}/actuators/relay/cmd`]);
    });

    it('the server account cannot pose as a device', async function () {
        await assert.rejects(
            serverClient.publishAsync(`devices/${devA}/status`, 'forged-by-server', { qos: 1 }),
            /Not authorized/i,
        );
    });

    it('keeps passwords on regeneration unless --rotate', async function () {
        const policyFile = path.join(dir, 'policy.json');
        const out = path.join(dir, 'broker');
        const again = await runPolicyCli(['broker', '--policy', policyFile, '--out', out, '--device', devB]);
        assert.equal(again.code, 0, again.stderr);
        assert.match(again.stdout, /new passwords: none \(all kept\)/);
        const rotated = await runPolicyCli(['broker', '--policy', policyFile, '--out', out, '--rotate']);
        assert.equal(rotated.code, 0, rotated.stderr);
        const now = (
            JSON.parse(fs.readFileSync(path.join(out, 'credentials.json'), 'utf8')) as {
                accounts: Record<string, string>;
            }
        ).accounts;
        assert.notEqual(now[devA], passwords[devA]);
        assert.equal(now[devB], undefined, 'a device no longer listed keeps no account');
    });

    it('refuses a bad policy or device id with a clear message', async function () {
        const bad = path.join(dir, 'bad.json');
        fs.writeFileSync(bad, JSON.stringify({ version: 1, broker: { devices: ['a/b'] } }));
        const r1 = await runPolicyCli(['broker', '--policy', bad, '--out', path.join(dir, 'x')]);
        assert.equal(r1.code, 1);
        assert.match(r1.stderr, /broker\.devices\.0/);
        const good = path.join(dir, 'policy.json');
        const r2 = await runPolicyCli([
            'broker',
            '--policy',
            good,
            '--out',
            path.join(dir, 'y'),
            '--device',
            'dev/#',
        ]);
        assert.equal(r2.code, 1);
        assert.match(r2.stderr, /not a protocol identifier/);
    });
});
