/**
 * One fleet over several registries (Node-RED instances sharing one broker,
 * docs/scale-out.md): the same API as RegistryClient, so every tool, resource
 * and prompt works unchanged.
 *  - Devices are merged by id; the state last heard (newest last_seen_at) wins,
 *    each reading and actuator state is the newest any instance has.
 *  - Counters are summed; control-plane messages, which every instance of a
 *    share group hears, count once; loss is merged from the instances' seq
 *    ledgers (protocol/src/seq-ledger.ts), never from one instance's gaps.
 *  - An instance that stops answering keeps its last known accounts in the
 *    merge (its share of the stream ended when it stopped), and is listed as
 *    unhealthy in get_system_status.
 *  - Requests to devices go to one live instance; when it is unreachable (the
 *    request never arrived) or cannot reach the broker (nothing was published),
 *    the next one is tried. A confirmation ticket goes back to the instance
 *    that issued it. Timeouts are not retried elsewhere: the command may have
 *    been sent.
 */
import {
    mergedLoss,
    newDeviceCounters,
    type AlertList,
    type CommandOutcome,
    type CommandRequest,
    type ConfigOutcome,
    type ConfigRequest,
    type DeviceCounters,
    type DeviceDetail,
    type DeviceList,
    type DeviceMetrics,
    type DeviceSummary,
    type DiagnosticsOutcome,
    type DiagnosticsRequestBody,
    type InstanceHealth,
    type MetricsList,
    type ReadingsAnswer,
    type SensorReadingView,
    type SystemStatus,
} from '@mcp-mqtt-bridge/protocol';
import {
    RegistryClient,
    redactUrl,
    type CallOptions,
    type DeviceQuery,
    type RegistryClientOptions,
} from './registry-client';
import { RegistryError, isRegistryError } from './registry-error';

/** Pages of one instance read at most for a merged list (1000 devices each). */
const MAX_PAGES = 100;
const PAGE = 1000;
const CURSOR_PREFIX = 'fleet:';
/** Confirmation tickets remembered (ticket → issuing instance), oldest dropped first. */
const MAX_TICKETS = 1000;

interface Member {
    client: RegistryClient;
    url: string;
    healthy: boolean;
    error?: string;
    /** Last counters each device had here: used while the instance does not answer. */
    counters: Map<string, DeviceCounters>;
}

type Settled<T> = { member: Member; value: T } | { member: Member; error: RegistryError };

function newer(a: string | null, b: string | null): boolean {
    return (a ?? '') > (b ?? '');
}

function byId<T extends { device_id: string }>(a: T, b: T): number {
    return a.device_id < b.device_id ? -1 : a.device_id > b.device_id ? 1 : 0;
}

function pageOf<T>(items: T[], limit: number | undefined, cursor: string | undefined, max: number) {
    const offset = cursor?.startsWith(CURSOR_PREFIX) ? Number(cursor.slice(CURSOR_PREFIX.length)) || 0 : 0;
    const size = Math.min(limit ?? max, max);
    const page = items.slice(offset, offset + size);
    const next = offset + size < items.length ? `${CURSOR_PREFIX}${offset + size}` : undefined;
    return { page, next };
}

/** Per name, the newest entry any instance reported. */
function newestOf<T>(all: Record<string, T>[], isNewer: (a: T, b: T) => boolean): Record<string, T> {
    const merged = new Map<string, T>();
    for (const entries of all) {
        for (const [name, entry] of Object.entries(entries)) {
            const known = merged.get(name);
            if (known === undefined || isNewer(entry, known)) merged.set(name, entry);
        }
    }
    return Object.fromEntries(merged);
}

/** Counters of one device over every instance's account of it. */
export function mergeCounters(all: DeviceCounters[]): DeviceCounters {
    const out = newDeviceCounters();
    let maxControl = 0;
    let shared = false;
    for (const c of all) {
        const control = c.control_messages ?? 0;
        if (c.seq_epochs) shared = true;
        maxControl = Math.max(maxControl, control);
        out.messages += c.messages - control;
        out.decode_errors += c.decode_errors;
        out.lost += c.lost;
        out.duplicates += c.duplicates;
        out.late += c.late;
        out.commands_sent += c.commands_sent;
        out.commands_applied += c.commands_applied;
        out.commands_rejected += c.commands_rejected;
        out.commands_timed_out += c.commands_timed_out;
        out.commands_rate_limited += c.commands_rate_limited;
    }
    out.messages += maxControl;
    if (shared) out.lost += mergedLoss(all.map((c) => c.seq_epochs));
    return out;
}

export class FleetClient extends RegistryClient {
    private readonly members: Member[];
    private readonly tickets = new Map<string, Member>();

    constructor(options: RegistryClientOptions[]) {
        if (options.length === 0) throw new Error('a fleet needs at least one registry');
        super(options[0]);
        this.members = options.map((o) => ({
            client: new RegistryClient(o),
            url: redactUrl(o.baseUrl),
            healthy: true,
            counters: new Map(),
        }));
    }

    get size(): number {
        return this.members.length;
    }

    /** Calls every instance at once; marks each healthy or not by how it answered. */
    private async all<T>(fn: (c: RegistryClient) => Promise<T>): Promise<Settled<T>[]> {
        return Promise.all(
            this.members.map(async (member): Promise<Settled<T>> => {
                try {
                    const value = await fn(member.client);
                    member.healthy = true;
                    member.error = undefined;
                    return { member, value };
                } catch (e) {
                    if (!isRegistryError(e)) throw e;
                    if (e.kind === 'unreachable' || e.kind === 'timeout' || e.kind === 'server') {
                        member.healthy = false;
                        member.error = e.message;
                    } else {
                        member.healthy = true;
                    }
                    return { member, error: e };
                }
            }),
        );
    }

    /** The answers, or the error to report when no instance answered (not_found before transport errors). */
    private answered<T>(settled: Settled<T>[]): { member: Member; value: T }[] {
        const ok = settled.filter((s): s is { member: Member; value: T } => 'value' in s);
        if (ok.length) return ok;
        const errors = settled.map((s) => (s as { error: RegistryError }).error);
        throw errors.find((e) => e.kind === 'not_found') ?? errors[0];
    }

    /** Counters of a device: live answers, plus the last known ones of instances that did not answer. */
    private countersOf(
        deviceId: string,
        live: { member: Member; counters: DeviceCounters }[],
    ): DeviceCounters {
        for (const { member, counters } of live) member.counters.set(deviceId, counters);
        const answered = new Set(live.map((l) => l.member));
        const kept = this.members
            .filter((m) => !answered.has(m) && !m.healthy)
            .map((m) => m.counters.get(deviceId))
            .filter((c): c is DeviceCounters => c !== undefined);
        return mergeCounters([...live.map((l) => l.counters), ...kept]);
    }

    private async allPages<T>(
        fetchPage: (c: RegistryClient, cursor: string | undefined) => Promise<{ items: T[]; next?: string }>,
        call?: CallOptions,
    ): Promise<{ member: Member; value: T[] }[]> {
        const settled = await this.all(async (c) => {
            const items: T[] = [];
            let cursor: string | undefined;
            for (let i = 0; i < MAX_PAGES; i++) {
                call?.signal?.throwIfAborted();
                const page = await fetchPage(c, cursor);
                items.push(...page.items);
                cursor = page.next;
                if (!cursor) break;
            }
            return items;
        });
        return this.answered(settled);
    }

    override async listDevices(query: DeviceQuery, call?: CallOptions): Promise<DeviceList> {
        const { limit, cursor, ...filters } = query;
        const answers = await this.allPages<DeviceSummary>(async (c, next) => {
            const page = await c.listDevices({ ...filters, limit: PAGE, cursor: next }, call);
            return { items: page.devices, next: page.next_cursor };
        }, call);
        const merged = new Map<string, DeviceSummary>();
        for (const { value } of answers) {
            for (const d of value) {
                const known = merged.get(d.device_id);
                if (!known || newer(d.last_seen_at, known.last_seen_at)) merged.set(d.device_id, d);
            }
        }
        const all = [...merged.values()].sort(byId);
        const { page, next } = pageOf(all, limit, cursor, PAGE);
        return { devices: page, total: all.length, ...(next ? { next_cursor: next } : {}) };
    }

    override async getDevice(deviceId: string, call?: CallOptions): Promise<DeviceDetail> {
        const answers = this.answered(await this.all((c) => c.getDevice(deviceId, call)));
        let base = answers[0].value;
        for (const { value } of answers) if (newer(value.last_seen_at, base.last_seen_at)) base = value;
        // Names come from devices: merged in Maps, returned as own properties (never `obj[name] = …`).
        const readings = newestOf(
            answers.map(({ value }) => value.readings),
            (a, b) => a.timestamp > b.timestamp,
        );
        const actuators = newestOf(
            answers.map(({ value }) => value.actuator_states),
            (a, b) => a.updated_at > b.updated_at,
        );
        const counters = this.countersOf(
            deviceId,
            answers.map(({ member, value }) => ({ member, counters: value.counters })),
        );
        return { ...base, readings, actuator_states: actuators, counters };
    }

    override async readSensor(
        deviceId: string,
        sensor: string,
        query: { history_minutes?: number; limit?: number },
        call?: CallOptions,
    ): Promise<SensorReadingView> {
        const answers = this.answered(await this.all((c) => c.readSensor(deviceId, sensor, query, call)));
        let best = answers[0].value;
        for (const { value } of answers) if (value.timestamp > best.timestamp) best = value;
        // With a shared store every instance answers the same history; else the richest one is kept.
        const history = answers
            .map((a) => a.value.history)
            .reduce((a, b) => ((b?.points.length ?? -1) > (a?.points.length ?? -1) ? b : a), best.history);
        return { ...best, ...(history ? { history } : {}) };
    }

    override async readings(
        devices: string[],
        sensors: string[],
        call?: CallOptions,
        page: { limit?: number; cursor?: string } = {},
    ): Promise<ReadingsAnswer> {
        const answers = this.answered(await this.all((c) => c.readings(devices, sensors, call, page)));
        const newest = new Map<string, ReadingsAnswer['readings'][number]>();
        for (const { value } of answers) {
            for (const r of value.readings) {
                const key = `${r.device_id}\u0000${r.sensor}`;
                const known = newest.get(key);
                if (!known || r.timestamp > known.timestamp) newest.set(key, r);
            }
        }
        const missing = new Map<string, ReadingsAnswer['missing'][number]>();
        for (const { value } of answers) {
            for (const m of value.missing) {
                const key = `${m.device_id}\u0000${m.sensor}`;
                if (!newest.has(key) && !missing.has(key)) missing.set(key, m);
            }
        }
        const first = answers[0].value;
        return {
            readings: [...newest.values()].sort((a, b) => b.timestamp - a.timestamp),
            missing: [...missing.values()],
            ...(first.total_devices !== undefined ? { total_devices: first.total_devices } : {}),
            ...(first.next_cursor ? { next_cursor: first.next_cursor } : {}),
        };
    }

    override async alerts(
        query: { severity?: number; since?: number; device?: string; limit?: number },
        call?: CallOptions,
    ): Promise<AlertList> {
        const answers = this.answered(await this.all((c) => c.alerts(query, call)));
        const seen = new Map<string, AlertList['alerts'][number]>();
        for (const { value } of answers) {
            for (const a of value.alerts) {
                const key = [a.device_id, a.source, a.error_type, a.component ?? '', a.message].join(
                    '\u0000',
                );
                const known = seen.get(key);
                if (!known || a.timestamp > known.timestamp) seen.set(key, a);
            }
        }
        const alerts = [...seen.values()].sort((a, b) => b.timestamp - a.timestamp);
        return { alerts: query.limit ? alerts.slice(0, query.limit) : alerts };
    }

    /** Every device's merged metrics (all pages of every instance). */
    private async allMetrics(device: string | undefined, call?: CallOptions): Promise<DeviceMetrics[]> {
        const answers = await this.allPages<DeviceMetrics>(async (c, next) => {
            const page = await c.metrics(device, call, { limit: PAGE, cursor: next });
            return { items: page.devices, next: page.next_cursor };
        }, call);
        const byDevice = new Map<string, { member: Member; value: DeviceMetrics }[]>();
        for (const { member, value } of answers) {
            for (const d of value)
                byDevice.set(d.device_id, [...(byDevice.get(d.device_id) ?? []), { member, value: d }]);
        }
        const merged: DeviceMetrics[] = [];
        for (const [id, parts] of byDevice) {
            let base = parts[0].value;
            for (const { value } of parts) if (newer(value.last_seen_at, base.last_seen_at)) base = value;
            const counters = this.countersOf(
                id,
                parts.map(({ member, value }) => ({ member, counters: value.counters })),
            );
            merged.push({ ...base, counters });
        }
        return merged.sort(byId);
    }

    override async metrics(
        device: string | undefined,
        call?: CallOptions,
        page: { limit?: number; cursor?: string } = {},
    ): Promise<MetricsList> {
        const all = await this.allMetrics(device, call);
        const { page: devices, next } = pageOf(all, page.limit ?? 25, page.cursor, PAGE);
        return { devices, total: all.length, ...(next ? { next_cursor: next } : {}) };
    }

    override async status(call?: CallOptions): Promise<SystemStatus> {
        const settled = await this.all((c) => c.status(call));
        const answers = this.answered(settled);
        const instances: InstanceHealth[] = settled.map((s) => {
            const base = { url: s.member.url, registry_id: s.member.client.registryId };
            if ('error' in s) return { ...base, healthy: false, error: s.error.message };
            const v = s.value;
            return {
                ...base,
                healthy: true,
                ...(v.share_group ? { share_group: v.share_group } : {}),
                devices: v.devices.total,
                messages_per_s: v.rates.messages_per_s,
                mqtt_connected: v.mqtt.connected,
                uptime_s: v.uptime_s,
            };
        });
        const first = answers[0].value;
        const sum = (pick: (s: SystemStatus) => number) => answers.reduce((n, a) => n + pick(a.value), 0);
        const decodeErrors: Record<string, number> = Object.create(null) as Record<string, number>;
        for (const { value } of answers)
            for (const [code, n] of Object.entries(value.counters.decode_errors))
                decodeErrors[code] = (decodeErrors[code] ?? 0) + n;
        // Devices (and, in a share group, loss and message counts) from the merged per-device view.
        const devices = await this.allMetrics(undefined, call);
        const online = devices.filter((d) => d.online).length;
        const shared = answers.some((a) => a.value.share_group !== undefined);
        const perDevice = (pick: (c: DeviceCounters) => number) =>
            devices.reduce((n, d) => n + pick(d.counters), 0);
        const lastErrors = answers.map((a) => a.value.storage.last_error).filter((e) => e !== undefined);
        return {
            registry: { id: first.registry.id, name: `fleet of ${this.members.length} registries` },
            ...(first.share_group ? { share_group: first.share_group } : {}),
            instances,
            uptime_s: Math.max(...answers.map((a) => a.value.uptime_s)),
            devices: { total: devices.length, online, offline: devices.length - online },
            rates: {
                messages_per_s: sum((s) => s.rates.messages_per_s),
                errors_per_s: sum((s) => s.rates.errors_per_s),
            },
            counters: {
                messages: shared ? perDevice((c) => c.messages) : sum((s) => s.counters.messages),
                decode_errors: decodeErrors,
                lost: shared ? perDevice((c) => c.lost) : sum((s) => s.counters.lost),
                duplicates: sum((s) => s.counters.duplicates),
                late: sum((s) => s.counters.late),
                commands_sent: sum((s) => s.counters.commands_sent),
            },
            storage: {
                kind: first.storage.kind,
                connected: answers.every((a) => a.value.storage.connected),
                buffered: sum((s) => s.storage.buffered),
                written: sum((s) => s.storage.written),
                dropped: sum((s) => s.storage.dropped),
                retries: sum((s) => s.storage.retries),
                ...(lastErrors.length ? { last_error: lastErrors.join('; ') } : {}),
            },
            mqtt: { connected: answers.some((a) => a.value.mqtt.connected) },
        };
    }

    /** Live instances first (by their last answers), each tried until one can act. */
    private async act<T extends { outcome: string }>(
        send: (c: RegistryClient) => Promise<T>,
        ticket?: string,
    ): Promise<T> {
        const issuer = ticket ? this.tickets.get(ticket) : undefined;
        const order = issuer
            ? [issuer]
            : [...this.members.filter((m) => m.healthy), ...this.members.filter((m) => !m.healthy)];
        let last: RegistryError | T | undefined;
        for (const member of order) {
            try {
                const outcome = await send(member.client);
                member.healthy = true;
                member.error = undefined;
                if (outcome.outcome === 'broker_unavailable') {
                    last = outcome;
                    continue;
                }
                this.remember(outcome, member);
                return outcome;
            } catch (e) {
                if (!isRegistryError(e)) throw e;
                // Only a request that never arrived is safe to send again elsewhere.
                if (e.kind !== 'unreachable') throw e;
                member.healthy = false;
                member.error = e.message;
                last = e;
            }
        }
        if (last instanceof RegistryError) throw last;
        if (last) return last;
        throw new RegistryError('unreachable', undefined, 'no registry of the fleet answered');
    }

    private remember(outcome: { outcome: string }, member: Member): void {
        const ticket = (outcome as { ticket?: unknown }).ticket;
        if (outcome.outcome !== 'confirmation_required' || typeof ticket !== 'string') return;
        this.tickets.set(ticket, member);
        if (this.tickets.size > MAX_TICKETS) this.tickets.delete(this.tickets.keys().next().value as string);
    }

    override sendCommand(
        deviceId: string,
        actuator: string,
        body: CommandRequest,
        call?: CallOptions,
    ): Promise<CommandOutcome> {
        return this.act((c) => c.sendCommand(deviceId, actuator, body, call), body.confirmation);
    }

    override configure(deviceId: string, body: ConfigRequest, call?: CallOptions): Promise<ConfigOutcome> {
        return this.act((c) => c.configure(deviceId, body, call));
    }

    override diagnose(
        deviceId: string,
        body: DiagnosticsRequestBody,
        call?: CallOptions,
    ): Promise<DiagnosticsOutcome> {
        return this.act((c) => c.diagnose(deviceId, body, call));
    }
}
