/**
 * Many simulated devices. Up to `maxOwnConnections` devices each get their own
 * MQTT connection with their own last will, exactly like real devices. Larger
 * fleets share connections (`devicesPerConnection` each): thousands of sockets
 * cost the broker and this process more than the test needs, but a shared
 * connection carries no per-device last will (MQTT has one will per
 * connection), so only graceful stops mark those devices offline.
 */
import { DeviceConnection } from './connection';
import { SimulatedDevice, type SimulatedDeviceOptions } from './device';
import { defaultProfile, type DeviceProfile } from './profile';

export interface FleetOptions {
    url: string;
    count: number;
    /** Device ids are `${prefix}-${index}` (index zero-padded to 4 digits). */
    prefix?: string;
    publishIntervalMs?: number;
    metricsIntervalMs?: number;
    batch?: boolean;
    maxOwnConnections?: number;
    devicesPerConnection?: number;
    /** Connections opened at once while starting. */
    concurrency?: number;
    misbehave?: SimulatedDeviceOptions['misbehave'];
    /** What each device declares, by its index (default: defaultProfile). */
    profile?: (index: number) => DeviceProfile;
}

export class Fleet {
    readonly devices: SimulatedDevice[] = [];
    private readonly connections: DeviceConnection[] = [];
    /** Each device's connection, by device id. */
    private readonly connectionOf = new Map<string, DeviceConnection>();

    constructor(readonly options: FleetOptions) {}

    get sharesConnections(): boolean {
        return this.options.count > (this.options.maxOwnConnections ?? 500);
    }

    async start(): Promise<void> {
        const { count, url } = this.options;
        const prefix = this.options.prefix ?? 'sim';
        const perConnection = this.sharesConnections ? (this.options.devicesPerConnection ?? 50) : 1;
        const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
        const groups: string[][] = [];
        for (let i = 0; i < ids.length; i += perConnection) groups.push(ids.slice(i, i + perConnection));
        const concurrency = this.options.concurrency ?? 50;
        for (let i = 0; i < groups.length; i += concurrency) {
            await Promise.all(
                groups.slice(i, i + concurrency).map((group) => this.startGroup(url, group, ids)),
            );
        }
    }

    private async startGroup(url: string, group: string[], all: string[]): Promise<void> {
        const clientId = `${group[0]}-${Math.random().toString(16).slice(2, 8)}`;
        const connection = await DeviceConnection.open(
            url,
            clientId,
            group.length === 1 ? group[0] : undefined,
        );
        this.connections.push(connection);
        for (const id of group) {
            const device = new SimulatedDevice(connection, {
                id,
                profile: (this.options.profile ?? defaultProfile)(all.indexOf(id)),
                publishIntervalMs: this.options.publishIntervalMs ?? 5000,
                metricsIntervalMs: this.options.metricsIntervalMs ?? 60000,
                batch: this.options.batch,
                misbehave: this.options.misbehave,
            });
            this.devices.push(device);
            this.connectionOf.set(id, connection);
            await device.start();
        }
    }

    /**
     * Reboots one device that has its own connection: the link drops (the
     * broker publishes its last will), a new connection comes up and the
     * device boots again (seq restarts at 0, capabilities announce it).
     */
    async restart(index: number): Promise<SimulatedDevice> {
        if (this.sharesConnections) throw new Error('restart() needs devices with their own connection');
        const old = this.devices[index];
        const connection = this.connectionOf.get(old.id) as DeviceConnection;
        await old.stop(false);
        await connection.close(false);
        const fresh = await DeviceConnection.open(
            this.options.url,
            `${old.id}-${Math.random().toString(16).slice(2, 8)}`,
            old.id,
        );
        const device = new SimulatedDevice(fresh, old.options);
        this.connections[this.connections.indexOf(connection)] = fresh;
        this.connectionOf.set(old.id, fresh);
        this.devices[index] = device;
        await device.start();
        return device;
    }

    /** Publishes one round of readings from every device. */
    async publishAll(): Promise<void> {
        await Promise.all(this.devices.map((d) => d.publishReadings()));
    }

    async stop(options: { graceful?: boolean; clearRetained?: boolean } = {}): Promise<void> {
        const graceful = options.graceful ?? true;
        await Promise.all(this.devices.map((d) => d.stop(graceful)));
        if (options.clearRetained) await Promise.all(this.devices.map((d) => d.clearRetained()));
        await Promise.all(this.connections.map((c) => c.close(graceful)));
        this.connections.length = 0;
    }
}
