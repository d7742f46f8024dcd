/**
 * Runs mcpb-device (the firmware core on libmosquitto, built by CMake from
 * firmware-esphome-component/host) or mcpb-esphome-device (the ESPHome glue on libmosquitto)
 * against a real broker, and records every message under its devices/<id>/ subtree, decoded
 * by the protocol's own decode().
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { decode, type DecodeResult } from '../../protocol/src';
import { waitFor } from '../support/services';

const HOST_DIR = path.resolve(__dirname, '../../firmware-esphome-component/host');
export const DEVICE_BINARY = path.join(HOST_DIR, 'build', 'mcpb-device');
export const ESPHOME_DEVICE_BINARY = path.join(HOST_DIR, 'build', 'mcpb-esphome-device');

/** Configures (first time) and builds a host device; incremental, so cheap after run-tests.sh. */
export function buildDevice(binary = DEVICE_BINARY): void {
    const compiler = hasClang() ? ['-DCMAKE_CXX_COMPILER=clang++'] : [];
    execFileSync('cmake', ['-S', HOST_DIR, '-B', path.join(HOST_DIR, 'build'), ...compiler], {
        stdio: 'pipe',
    });
    execFileSync(
        'cmake',
        ['--build', path.join(HOST_DIR, 'build'), '--target', path.basename(binary), '-j2'],
        {
            stdio: 'pipe',
        },
    );
}

function hasClang(): boolean {
    try {
        execFileSync('clang++', ['--version'], { stdio: 'pipe' });
        return true;
    } catch {
        return false;
    }
}

export interface RecordedMessage {
    topic: string;
    text: string;
    retained: boolean;
    decoded: DecodeResult;
}

/** Every message under devices/<id>/#, in arrival order. */
export class Recorder {
    readonly messages: RecordedMessage[] = [];

    private constructor(readonly client: MqttClient) {}

    static async start(mqttUrl: string, deviceId: string): Promise<Recorder> {
        const client = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0 });
        const recorder = new Recorder(client);
        client.on('message', (topic, payload, packet) => {
            recorder.messages.push({
                topic,
                text: payload.toString(),
                retained: packet.retain,
                decoded: decode(topic, payload),
            });
        });
        await client.subscribeAsync(`devices/${deviceId}/#`, { qos: 1 });
        return recorder;
    }

    /** Messages whose topic ends with `suffix` (after the device id). */
    on(suffix: string): RecordedMessage[] {
        return this.messages.filter((m) => m.topic.endsWith(`/${suffix}`));
    }

    /** Payload objects of the messages on `suffix` that decoded. */
    bodies(suffix: string): Record<string, unknown>[] {
        return this.on(suffix)
            .map((m) => m.decoded)
            .filter((d) => d.ok)
            .map((d) => (d.ok ? (d.message.payload as unknown as Record<string, unknown>) : {}));
    }

    /** Waits for a decoded message on `suffix` matching `match`, and returns its body. */
    async next(
        suffix: string,
        match: (body: Record<string, unknown>) => boolean = () => true,
        timeoutMs = 5000,
    ): Promise<Record<string, unknown>> {
        let found: Record<string, unknown> | undefined;
        await waitFor(
            `a message on ${suffix}`,
            async () => {
                found = this.bodies(suffix).find(match);
                return found !== undefined;
            },
            timeoutMs,
        );
        return found as Record<string, unknown>;
    }

    async publish(suffix: string, payload: string | Buffer, deviceId: string): Promise<void> {
        await this.client.publishAsync(`devices/${deviceId}/${suffix}`, payload, { qos: 1 });
    }

    async stop(): Promise<void> {
        await this.client.endAsync(true);
    }
}

export interface DeviceProcess {
    id: string;
    process: ChildProcess;
    /** A line for the simulator's stdin ("sensor temperature 21.5"). */
    send(line: string): void;
    /** Graceful stop: the device publishes its shutdown "offline". */
    stop(): Promise<void>;
    /** Everything it printed, stdout and stderr. */
    output(): string;
    /** What it printed on stdout only. */
    stdout(): string;
}

export function startDevice(
    mqttUrl: string,
    id: string,
    extraArgs: string[] = [],
    binary = DEVICE_BINARY,
): DeviceProcess {
    const url = new URL(mqttUrl);
    const child = spawn(binary, ['--host', url.hostname, '--port', url.port, '--id', id, ...extraArgs], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' },
    });
    let output = '';
    let stdout = '';
    child.stdout?.on('data', (c: Buffer) => {
        output += c.toString();
        stdout += c.toString();
    });
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
        id,
        process: child,
        send: (line) => child.stdin?.write(`${line}\n`),
        output: () => output,
        stdout: () => stdout,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) {
                child.kill('SIGTERM');
                await exited;
            }
        },
    };
}
