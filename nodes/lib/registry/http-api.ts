/**
 * The registry HTTP API (docs/registry-api.md; the contract is
 * @mcp-mqtt-bridge/protocol's registry-api) under Node-RED's admin app.
 * Registered once per admin app (Node-RED keeps admin routes across
 * redeploys); every route looks its registry up at request time and is
 * guarded by RED.auth.needsPermission. Routes that change anything accept
 * only JSON from the same site (no form posts, no cross-site pages).
 */
import {
    ALERT_PAGE,
    API_ERROR_STATUS,
    DEVICE_PAGE,
    HISTORY_MINUTES_MAX,
    HISTORY_POINTS,
    REGISTRY_API_ROOT,
    httpStatusOf,
    registryRoutes,
    type ApiErrorCode,
    type DeviceList,
    type MissingReading,
    type ReadingsAnswer,
    type RegistryList,
    type RequestOutcome,
    type SensorReadingView,
    type SystemStatus,
} from '@mcp-mqtt-bridge/protocol';
import type { AdminHandler, AdminRequest, AdminResponse, NodeAPI } from '../node-red-types';
import type { HistoryPoint, HistoryStore } from '../history-store';
import { liveRegistries, type LiveRegistry } from './live-registries';
import { refuseCrossSite } from './same-site';
import {
    alertsMatching,
    detailOf,
    historyStats,
    isOnline,
    matchesFilter,
    metricsOf,
    sensorReadingOf,
    sensorsOf,
    summaryOf,
    type DeviceFilter,
} from './views';

export const READ_PERMISSION = 'mcp-bridge.read';
export const WRITE_PERMISSION = 'mcp-bridge.write';

class ApiError extends Error {
    constructor(
        readonly code: ApiErrorCode,
        message: string,
    ) {
        super(message);
    }
}

function sendError(res: AdminResponse, code: ApiErrorCode, message: string): void {
    res.status(API_ERROR_STATUS[code]).json({ error: { code, message } });
}

type Handler = (entry: LiveRegistry, req: AdminRequest, res: AdminResponse) => Promise<void> | void;

/** Resolves :rid, turns thrown ApiErrors into the one error shape. */
function withRegistry(handler: Handler): AdminHandler {
    return (req, res) => {
        const entry = liveRegistries.find(req.params.rid);
        if (!entry) return sendError(res, 'UNKNOWN_REGISTRY', `no deployed registry "${req.params.rid}"`);
        Promise.resolve()
            .then(() => handler(entry, req, res))
            .catch((e: unknown) => {
                if (e instanceof ApiError) return sendError(res, e.code, e.message);
                sendError(res, 'INTERNAL', (e as Error).message);
            });
    };
}

function queryString(req: AdminRequest, name: string): string | undefined {
    const v = req.query[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string')
        throw new ApiError('BAD_REQUEST', `query parameter ${name} must be given once`);
    return v;
}

function queryInt(req: AdminRequest, name: string, min: number, max: number): number | undefined {
    const v = queryString(req, name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw new ApiError('BAD_REQUEST', `query parameter ${name} must be an integer in ${min}..${max}`);
    }
    return n;
}

function queryBool(req: AdminRequest, name: string): boolean | undefined {
    const v = queryString(req, name);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false')
        throw new ApiError('BAD_REQUEST', `query parameter ${name} must be true or false`);
    return v === 'true';
}

function queryList(req: AdminRequest, name: string): string[] {
    const v = queryString(req, name);
    return v === undefined
        ? []
        : v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean);
}

function deviceOf(entry: LiveRegistry, id: string) {
    const record = entry.registry.devices.get(id);
    if (!record) throw new ApiError('UNKNOWN_DEVICE', `no device "${id}" in the registry`);
    return record;
}

function listDevices(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const { registry } = entry;
    const filter: DeviceFilter = {
        online: queryBool(req, 'online'),
        sensor: queryString(req, 'sensor'),
        actuator: queryString(req, 'actuator'),
        location: queryString(req, 'location'),
        q: queryString(req, 'q'),
    };
    const limit = queryInt(req, 'limit', 1, DEVICE_PAGE.max) ?? DEVICE_PAGE.default;
    const offset = queryInt(req, 'cursor', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const matching = [...registry.devices.values()]
        .filter((r) => matchesFilter(registry, r, filter))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const answer: DeviceList = {
        devices: matching.slice(offset, offset + limit).map((r) => summaryOf(registry, r)),
        total: matching.length,
        ...(offset + limit < matching.length ? { next_cursor: String(offset + limit) } : {}),
    };
    res.json(answer);
}

async function sensorReading(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): Promise<void> {
    const { registry } = entry;
    const record = deviceOf(entry, req.params.device);
    const sensor = req.params.sensor;
    const minutes = queryInt(req, 'history_minutes', 0, HISTORY_MINUTES_MAX) ?? 0;
    const limit = queryInt(req, 'limit', 1, HISTORY_POINTS.max) ?? HISTORY_POINTS.default;
    const state = record.readings.get(sensor);
    if (!state) {
        if (!sensorsOf(record).includes(sensor)) {
            throw new ApiError('UNKNOWN_SENSOR', `device "${record.id}" has no sensor "${sensor}"`);
        }
        throw new ApiError('NO_READING', `sensor "${sensor}" of "${record.id}" has not reported yet`);
    }
    const now = Date.now();
    const view: SensorReadingView = sensorReadingOf(registry, record, sensor, state, now);
    if (minutes > 0) {
        let store: HistoryStore = entry.store();
        const query = { deviceId: record.id, sensor, sinceMs: now - minutes * 60000, limit: limit + 1 };
        let points: HistoryPoint[];
        let note: string | undefined;
        try {
            points = await store.query(query);
        } catch (e) {
            // The history store is away: the current value still answers, with the memory history.
            if (store === registry.history) throw e;
            note = `history store unavailable (${(e as Error).message}): recent history from memory only`;
            store = registry.history;
            points = await store.query(query);
        }
        const truncated = points.length > limit;
        const kept = truncated ? points.slice(points.length - limit) : points;
        view.history = {
            source: store.kind === 'memory' ? 'memory' : 'influxdb',
            ...(note ? { note } : {}),
            minutes,
            points: kept.map((p) => ({
                time: new Date(p.time).toISOString(),
                reading: p.reading,
                ...(p.quality !== undefined ? { quality: p.quality } : {}),
            })),
            stats: historyStats(kept),
            truncated,
        };
    }
    res.json(view);
}

function readings(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const { registry } = entry;
    const wantedDevices = queryList(req, 'devices');
    const wantedSensors = queryList(req, 'sensors');
    const now = Date.now();
    const answer: ReadingsAnswer = { readings: [], missing: [] };
    const miss = (device_id: string, sensor: string, reason: MissingReading['reason']) =>
        answer.missing.push({ device_id, sensor, reason });
    const ids = wantedDevices.length ? wantedDevices : [...registry.devices.keys()];
    for (const id of ids) {
        const record = registry.devices.get(id);
        if (!record) {
            miss(id, '*', 'unknown_device');
            continue;
        }
        const sensors = wantedSensors.length ? wantedSensors : sensorsOf(record);
        for (const sensor of sensors) {
            const state = record.readings.get(sensor);
            if (state) answer.readings.push(sensorReadingOf(registry, record, sensor, state, now));
            else if (wantedSensors.length === 0 || sensorsOf(record).includes(sensor)) {
                miss(id, sensor, 'no_reading');
            } else if (wantedDevices.length) {
                miss(id, sensor, 'unknown_sensor');
            }
        }
    }
    res.json(answer);
}

async function answer(res: AdminResponse, outcome: Promise<RequestOutcome>): Promise<void> {
    const result = await outcome;
    res.status(httpStatusOf(result)).json(result);
}

function systemStatus(entry: LiveRegistry, res: AdminResponse): void {
    const { registry } = entry;
    const now = Date.now();
    let online = 0;
    for (const r of registry.devices.values()) if (isOnline(registry, r)) online++;
    const storage = entry.store().storeStatus();
    const { totals } = registry.counters;
    const status: SystemStatus = {
        registry: { id: entry.id, name: entry.name },
        uptime_s: Math.round((now - registry.counters.startedAt) / 1000),
        devices: { total: registry.devices.size, online, offline: registry.devices.size - online },
        rates: {
            messages_per_s: registry.counters.messageRate.perSecond(now),
            errors_per_s: registry.counters.errorRate.perSecond(now),
        },
        counters: {
            messages: totals.messages,
            decode_errors: totals.decode_errors,
            lost: totals.lost,
            duplicates: totals.duplicates,
            late: totals.late,
            commands_sent: totals.commands_sent,
        },
        storage: {
            kind: storage.kind,
            connected: storage.connected,
            buffered: storage.buffered,
            written: storage.written,
            dropped: storage.dropped,
            retries: storage.retries,
            ...(storage.lastError ? { last_error: storage.lastError } : {}),
        },
        mqtt: { connected: entry.mqttConnected() },
    };
    res.json(status);
}

function forgetDevice(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const record = deviceOf(entry, req.params.device);
    entry.registry.forget(record.id);
    res.status(204).end();
}

function clearConfirmation(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const record = deviceOf(entry, req.params.device);
    const cleared = entry.registry.safety.clear(record.id, req.params.actuator);
    res.json({ device_id: record.id, actuator: req.params.actuator, cleared });
}

const registeredApps = new WeakSet<object>();

export function registerRegistryApi(RED: NodeAPI): void {
    const app = RED.httpAdmin;
    if (registeredApps.has(app)) return;
    registeredApps.add(app);
    const read = RED.auth.needsPermission(READ_PERMISSION);
    const write = RED.auth.needsPermission(WRITE_PERMISSION);
    const base = `${REGISTRY_API_ROOT}/:rid`;
    const get = (route: string, handler: Handler) => app.get(base + route, read, withRegistry(handler));
    const change = (method: 'post' | 'delete', route: string, handler: Handler) =>
        app[method](base + route, write, refuseCrossSite, withRegistry(handler));

    app.get(REGISTRY_API_ROOT, read, (_req, res) => {
        const list: RegistryList = {
            registries: liveRegistries.all().map((e) => ({
                id: e.id,
                name: e.name,
                devices: e.registry.devices.size,
                online: [...e.registry.devices.values()].filter((r) => isOnline(e.registry, r)).length,
            })),
        };
        res.json(list);
    });
    get(registryRoutes.devices, listDevices);
    get(registryRoutes.device, (e, req, res) => {
        res.json(detailOf(e.registry, deviceOf(e, req.params.device)));
    });
    get(registryRoutes.sensor, sensorReading);
    get(registryRoutes.readings, readings);
    get(registryRoutes.alerts, (e, req, res) => {
        const alerts = alertsMatching(e.registry, {
            severity: queryInt(req, 'severity', 0, 3),
            since: queryInt(req, 'since', 0, Number.MAX_SAFE_INTEGER),
            device: queryString(req, 'device'),
            limit: queryInt(req, 'limit', 1, ALERT_PAGE.max) ?? ALERT_PAGE.default,
        });
        res.json({ alerts });
    });
    get(registryRoutes.metrics, (e, req, res) => {
        const device = queryString(req, 'device');
        const records = device ? [deviceOf(e, device)] : [...e.registry.devices.values()];
        res.json({ devices: records.map((r) => metricsOf(e.registry, r)) });
    });
    get(registryRoutes.status, (e, _req, res) => systemStatus(e, res));
    get(registryRoutes.events, (e, _req, res) => e.events.add(res));

    change('post', registryRoutes.command, (e, req, res) =>
        answer(res, e.requests.command(req.params.device, req.params.actuator, req.body)),
    );
    change('post', registryRoutes.config, (e, req, res) =>
        answer(res, e.requests.config(req.params.device, req.body)),
    );
    change('post', registryRoutes.diagnostics, (e, req, res) =>
        answer(res, e.requests.diagnostics(req.params.device, req.body)),
    );
    change('delete', registryRoutes.device, forgetDevice);
    change('delete', registryRoutes.confirmationRequirement, clearConfirmation);
}
