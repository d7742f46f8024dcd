/**
 * The registry HTTP API (docs/registry-api.md) under Node-RED's admin app.
 * Registered once per admin app (Node-RED keeps admin routes across
 * redeploys); every route looks its registry up at request time and is
 * guarded by RED.auth.needsPermission.
 */
import type { AdminHandler, AdminRequest, AdminResponse, NodeAPI } from '../node-red-types';
import { httpStatusOf } from './types';
import { liveRegistries, type LiveRegistry } from './live-registries';
import {
    alertsMatching,
    detailOf,
    historyStats,
    matchesFilter,
    metricsOf,
    sensorReadingOf,
    sensorsOf,
    summaryOf,
    type DeviceFilter,
} from './views';

export const READ_PERMISSION = 'mcp-bridge.read';
export const WRITE_PERMISSION = 'mcp-bridge.write';
const BASE = '/mcp-bridge/registries';

class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

function sendError(res: AdminResponse, status: number, code: string, message: string): void {
    res.status(status).json({ error: { code, message } });
}

type Handler = (entry: LiveRegistry, req: AdminRequest, res: AdminResponse) => Promise<void> | void;

/** Resolves :rid, turns thrown ApiErrors into the one error shape. */
function withRegistry(handler: Handler): AdminHandler {
    return (req, res) => {
        const entry = liveRegistries.find(req.params.rid);
        if (!entry)
            return sendError(res, 404, 'UNKNOWN_REGISTRY', `no deployed registry "${req.params.rid}"`);
        Promise.resolve()
            .then(() => handler(entry, req, res))
            .catch((e: unknown) => {
                if (e instanceof ApiError) return sendError(res, e.status, e.code, e.message);
                sendError(res, 500, 'INTERNAL', (e as Error).message);
            });
    };
}

function queryString(req: AdminRequest, name: string): string | undefined {
    const v = req.query[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string')
        throw new ApiError(400, 'BAD_REQUEST', `query parameter ${name} must be given once`);
    return v;
}

function queryInt(
    req: AdminRequest,
    name: string,
    min: number,
    max: number,
    fallback?: number,
): number | undefined {
    const v = queryString(req, name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw new ApiError(
            400,
            'BAD_REQUEST',
            `query parameter ${name} must be an integer in ${min}..${max}`,
        );
    }
    return n;
}

function queryBool(req: AdminRequest, name: string): boolean | undefined {
    const v = queryString(req, name);
    if (v === undefined) return undefined;
    if (v !== 'true' && v !== 'false')
        throw new ApiError(400, 'BAD_REQUEST', `query parameter ${name} must be true or false`);
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

function bodyObject(req: AdminRequest): Record<string, unknown> {
    const body: unknown = req.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new ApiError(400, 'BAD_REQUEST', 'the request body must be a JSON object');
    }
    return body as Record<string, unknown>;
}

function deviceOf(entry: LiveRegistry, id: string) {
    const record = entry.registry.devices.get(id);
    if (!record) throw new ApiError(404, 'UNKNOWN_DEVICE', `no device "${id}" in the registry`);
    return record;
}

function listDevices(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const filter: DeviceFilter = {
        online: queryBool(req, 'online'),
        sensor: queryString(req, 'sensor'),
        actuator: queryString(req, 'actuator'),
        location: queryString(req, 'location'),
        q: queryString(req, 'q'),
    };
    const limit = queryInt(req, 'limit', 1, 1000, 100) as number;
    const offset = queryInt(req, 'cursor', 0, Number.MAX_SAFE_INTEGER, 0) as number;
    const matching = [...entry.registry.devices.values()]
        .filter((r) => matchesFilter(r, filter))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const page = matching.slice(offset, offset + limit).map(summaryOf);
    const next = offset + limit < matching.length ? { next_cursor: String(offset + limit) } : {};
    res.json({ devices: page, total: matching.length, ...next });
}

async function sensorReading(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): Promise<void> {
    const record = deviceOf(entry, req.params.device);
    const sensor = req.params.sensor;
    const minutes = queryInt(req, 'history_minutes', 0, 10080, 0) as number;
    const limit = queryInt(req, 'limit', 1, 2000, 500) as number;
    const state = record.readings[sensor];
    if (!state) {
        if (!sensorsOf(record).includes(sensor)) {
            throw new ApiError(404, 'UNKNOWN_SENSOR', `device "${record.id}" has no sensor "${sensor}"`);
        }
        throw new ApiError(404, 'NO_READING', `sensor "${sensor}" of "${record.id}" has not reported yet`);
    }
    const now = Date.now();
    const view: Record<string, unknown> = sensorReadingOf(record, sensor, state, now);
    if (minutes > 0) {
        const store = entry.store();
        const points = await store.query({
            deviceId: record.id,
            sensor,
            sinceMs: now - minutes * 60000,
            limit: limit + 1,
        });
        const truncated = points.length > limit;
        const kept = truncated ? points.slice(points.length - limit) : points;
        view.history = {
            source: store.kind === 'memory' ? 'memory' : 'influxdb',
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
    const wantedDevices = queryList(req, 'devices');
    const wantedSensors = queryList(req, 'sensors');
    const now = Date.now();
    const out: object[] = [];
    const missing: { device_id: string; sensor: string; reason: string }[] = [];
    const ids = wantedDevices.length ? wantedDevices : [...entry.registry.devices.keys()];
    for (const id of ids) {
        const record = entry.registry.devices.get(id);
        if (!record) {
            missing.push({ device_id: id, sensor: '*', reason: 'unknown_device' });
            continue;
        }
        const sensors = wantedSensors.length ? wantedSensors : sensorsOf(record);
        for (const sensor of sensors) {
            const state = record.readings[sensor];
            if (state) out.push(sensorReadingOf(record, sensor, state, now));
            else if (wantedSensors.length === 0 || sensorsOf(record).includes(sensor)) {
                missing.push({ device_id: id, sensor, reason: 'no_reading' });
            } else if (wantedDevices.length) {
                missing.push({ device_id: id, sensor, reason: 'unknown_sensor' });
            }
        }
    }
    res.json({ readings: out, missing });
}

async function answer(
    res: AdminResponse,
    outcome: Promise<{ outcome: string; code?: string }>,
): Promise<void> {
    const result = await outcome;
    res.status(httpStatusOf(result)).json(result);
}

function systemStatus(entry: LiveRegistry, res: AdminResponse): void {
    const { registry } = entry;
    const now = Date.now();
    let online = 0;
    for (const r of registry.devices.values()) if (r.online) online++;
    const storage = entry.store().storeStatus();
    res.json({
        registry: { id: entry.id, name: entry.name },
        uptime_s: Math.round((now - registry.startedAt) / 1000),
        devices: { total: registry.devices.size, online, offline: registry.devices.size - online },
        rates: {
            messages_per_s: registry.messageRate.perSecond(now),
            errors_per_s: registry.errorRate.perSecond(now),
        },
        counters: registry.totals,
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
    });
}

const registeredApps = new WeakSet<object>();

export function registerRegistryApi(RED: NodeAPI): void {
    const app = RED.httpAdmin;
    if (registeredApps.has(app)) return;
    registeredApps.add(app);
    const read = RED.auth.needsPermission(READ_PERMISSION);
    const write = RED.auth.needsPermission(WRITE_PERMISSION);

    app.get('/mcp-bridge/registries', read, (_req, res) => {
        res.json({
            registries: liveRegistries.all().map((e) => ({
                id: e.id,
                name: e.name,
                devices: e.registry.devices.size,
                online: [...e.registry.devices.values()].filter((r) => r.online).length,
            })),
        });
    });
    app.get(`${BASE}/:rid/devices`, read, withRegistry(listDevices));
    app.get(
        `${BASE}/:rid/devices/:device`,
        read,
        withRegistry((e, req, res) => {
            res.json(detailOf(deviceOf(e, req.params.device)));
        }),
    );
    app.get(`${BASE}/:rid/devices/:device/sensors/:sensor`, read, withRegistry(sensorReading));
    app.get(`${BASE}/:rid/readings`, read, withRegistry(readings));
    app.post(
        `${BASE}/:rid/devices/:device/actuators/:actuator/commands`,
        write,
        withRegistry((e, req, res) =>
            answer(res, e.requests.command(req.params.device, req.params.actuator, bodyObject(req))),
        ),
    );
    app.post(
        `${BASE}/:rid/devices/:device/config`,
        write,
        withRegistry((e, req, res) => answer(res, e.requests.config(req.params.device, bodyObject(req)))),
    );
    app.post(
        `${BASE}/:rid/devices/:device/diagnostics`,
        write,
        withRegistry((e, req, res) =>
            answer(res, e.requests.diagnostics(req.params.device, bodyObject(req))),
        ),
    );
    app.get(
        `${BASE}/:rid/alerts`,
        read,
        withRegistry((e, req, res) => {
            const alerts = alertsMatching(e.registry, {
                severity: queryInt(req, 'severity', 0, 3),
                since: queryInt(req, 'since', 0, Number.MAX_SAFE_INTEGER),
                device: queryString(req, 'device'),
                limit: queryInt(req, 'limit', 1, 1000, 100) as number,
            });
            res.json({ alerts });
        }),
    );
    app.get(
        `${BASE}/:rid/metrics`,
        read,
        withRegistry((e, req, res) => {
            const device = queryString(req, 'device');
            const records = device ? [deviceOf(e, device)] : [...e.registry.devices.values()];
            res.json({ devices: records.map(metricsOf) });
        }),
    );
    app.get(
        `${BASE}/:rid/status`,
        read,
        withRegistry((e, _req, res) => systemStatus(e, res)),
    );
    app.get(
        `${BASE}/:rid/events`,
        read,
        withRegistry((e, _req, res) => e.events.add(res)),
    );
}
