/**
 * Private instances of the real services the tests talk to: Mosquitto,
 * InfluxDB 1.x and VictoriaMetrics (a real server for the InfluxDB v2 write
 * API). Each listens on a free loopback port with a temporary data directory
 * and is stopped (and its directory removed) by stop().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RunningService {
    name: string;
    url: string;
    port: number;
    dataDir: string;
    process: ChildProcess;
    /** Output the process wrote, for failure messages. */
    log(): string;
    stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.unref();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Polls `check` until it resolves true, failing after `timeoutMs` with `what` in the message. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (await check().catch(() => false)) return;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
    }
}

function tcpAccepts(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => {
            socket.destroy();
            resolve(true);
        });
        socket.once('error', () => resolve(false));
    });
}

async function httpStatus(url: string): Promise<number> {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.status;
}

function launch(
    name: string,
    command: string,
    args: string[],
    dataDir: string,
    url: string,
    port: number,
): RunningService {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-20000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
        name,
        url,
        port,
        dataDir,
        process: child,
        log: () => output,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) {
                child.kill('SIGTERM');
                // influxd can take over 10 s to exit after heavy writes: wait, then force.
                const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
                await exited;
                clearTimeout(timer);
            }
            fs.rmSync(dataDir, { recursive: true, force: true });
        },
    };
}

async function started(service: RunningService, ready: () => Promise<boolean>): Promise<RunningService> {
    try {
        await waitFor(`${service.name} on port ${service.port}`, async () => {
            if (service.process.exitCode !== null)
                throw new Error(`${service.name} exited: ${service.log()}`);
            return ready();
        });
    } catch (e) {
        await service.stop();
        throw new Error(`${(e as Error).message}\n${service.log()}`, { cause: e });
    }
    return service;
}

export interface MosquittoOptions {
    /** Extra mosquitto.conf lines (e.g. password_file, max_queued_messages). */
    extraConfig?: string[];
    /** Reuse a port (to restart a broker on the same address). */
    port?: number;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<RunningService> {
    const port = options.port ?? (await freePort());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-mosquitto-'));
    const conf = path.join(dataDir, 'mosquitto.conf');
    const extra = options.extraConfig ?? [];
    const hasAuth = extra.some((l) => l.startsWith('allow_anonymous'));
    fs.writeFileSync(
        conf,
        [
            'per_listener_settings false',
            `listener ${port} 127.0.0.1`,
            ...(hasAuth ? [] : ['allow_anonymous true']),
            'persistence false',
            // The default (1000) silently drops QoS 0 bursts to a busy subscriber.
            'max_queued_messages 10000000',
            'max_queued_bytes 0',
            'sys_interval 1',
            'log_type error',
            'log_type warning',
            ...extra,
            '',
        ].join('\n'),
    );
    const service = launch(
        'mosquitto',
        '/usr/sbin/mosquitto',
        ['-c', conf],
        dataDir,
        `mqtt://127.0.0.1:${port}`,
        port,
    );
    return started(service, () => tcpAccepts(port));
}

/**
 * `port` reuses an address (to restart a server where its clients expect it),
 * `dataDir` the data of an earlier instance (one that was killed: its stop() was not called).
 */
export async function startInfluxDB(
    options: { port?: number; dataDir?: string } = {},
): Promise<RunningService> {
    const [port, rpcPort] = [options.port ?? (await freePort()), await freePort()];
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-influxdb-'));
    const conf = path.join(dataDir, 'influxdb.conf');
    fs.writeFileSync(
        conf,
        [
            'reporting-disabled = true',
            `bind-address = "127.0.0.1:${rpcPort}"`,
            '[meta]',
            `  dir = "${dataDir}/meta"`,
            '[data]',
            `  dir = "${dataDir}/data"`,
            `  wal-dir = "${dataDir}/wal"`,
            '  query-log-enabled = false',
            '[http]',
            `  bind-address = "127.0.0.1:${port}"`,
            '  log-enabled = false',
            '[monitor]',
            '  store-enabled = false',
            '',
        ].join('\n'),
    );
    const url = `http://127.0.0.1:${port}`;
    const service = launch('influxdb', '/usr/bin/influxd', ['-config', conf], dataDir, url, port);
    return started(service, async () => (await httpStatus(`${url}/ping`)) === 204);
}

export async function startVictoriaMetrics(options: { port?: number } = {}): Promise<RunningService> {
    const port = options.port ?? (await freePort());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-vm-'));
    const url = `http://127.0.0.1:${port}`;
    const args = [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dataDir}`, '-loggerLevel=ERROR'];
    const service = launch('victoria-metrics', '/usr/bin/victoria-metrics', args, dataDir, url, port);
    return started(service, async () => (await httpStatus(`${url}/health`)) === 200);
}

/** URLs of the suite-wide instances started by test/support/global-services.ts. */
export function sharedServices(): { mqttUrl: string; influxUrl: string; victoriaUrl: string } {
    const { MCPB_TEST_MQTT_URL, MCPB_TEST_INFLUX_URL, MCPB_TEST_VM_URL } = process.env;
    if (!MCPB_TEST_MQTT_URL || !MCPB_TEST_INFLUX_URL || !MCPB_TEST_VM_URL) {
        throw new Error(
            'shared test services are not running: run the suite through mocha (see .mocharc.json)',
        );
    }
    return { mqttUrl: MCPB_TEST_MQTT_URL, influxUrl: MCPB_TEST_INFLUX_URL, victoriaUrl: MCPB_TEST_VM_URL };
}
