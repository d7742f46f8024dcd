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
    COMMAND_LOG_PAGE,
    DEVICE_PAGE,
    HISTORY_MINUTES_MAX,
    HISTORY_POINTS,
    METRICS_PAGE,
    READINGS_PAGE,
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
import { MemoryEventLog } from '../history-events';
import type { HistoryStore } from '../history-store';
import { REGISTRY_ALERT_ID } from './device-registry';
import type { RequestOrigin } from './device-requests';
import { historyAnswer } from './history-answer';
import { liveRegistries, type LiveRegistry } from './live-registries';
import { refuseCrossSite } from './same-site';
import {
    alertsMatching,
    detailOf,
    isOnline,
    matchesFilter,
    metricsOf,
    sensorReadingOf,
    sensorsOf,
    summaryOf,
    type DeviceFilter,
} from './views';

/** For registries that keep no event log: gaps are still found, their causes are not. */
const NO_EVENTS = new MemoryEventLog(0);

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
        const ask = (store: HistoryStore) =>
            historyAnswer({
                store,
                events: entry.historyEvents ?? NO_EVENTS,
                record,
                sensor,
                minutes,
                maxPoints: limit,
                now,
            });
        const store = entry.store();
        try {
            view.history = await ask(store);
        } catch (e) {
            // The history store is away: the current value still answers, with the memory history.
            if (store === registry.history) throw e;
            const note = `history store unavailable (${(e as Error).message}): recent history from memory only`;
            view.history = { ...(await ask(registry.history)), note };
        }
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
    const all = wantedDevices.length ? wantedDevices : [...registry.devices.keys()].sort();
    const limit = queryInt(req, 'limit', 1, READINGS_PAGE.max) ?? READINGS_PAGE.default;
    const offset = queryInt(req, 'cursor', 0, Number.MAX_SAFE_INTEGER) ?? 0;
    const ids = all.slice(offset, offset + limit);
    answer.total_devices = all.length;
    if (offset + limit < all.length) answer.next_cursor = String(offset + limit);
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
        ...(registry.share ? { share_group: registry.share.group } : {}),
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
            // Since the first start: the registry's total survives restarts, the store's count does not.
            dropped: Math.max(storage.dropped, totals.storage_dropped),
            retries: storage.retries,
            ...(storage.lastError || entry.historyNote
                ? { last_error: storage.lastError ?? entry.historyNote }
                : {}),
        },
        mqtt: { connected: entry.mqttConnected() },
    };
    res.json(status);
}

/** Who sent a request, as far as the registry knows: the authenticated admin user, if any. */
function originOf(req: AdminRequest): RequestOrigin {
    const name = req.user?.username;
    return typeof name === 'string' && name ? { via: 'http', user: name.slice(0, 128) } : { via: 'http' };
}

const OUTCOME_NAMES = new Set([
    'applied',
    'rejected',
    'rate_limited',
    'planned',
    'confirmation_required',
    'offline',
    'broker_unavailable',
    'timeout',
    'invalid',
]);

function commandLog(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const outcome = queryString(req, 'outcome');
    if (outcome !== undefined && !OUTCOME_NAMES.has(outcome)) {
        throw new ApiError(
            'BAD_REQUEST',
            `query parameter outcome must be one of ${[...OUTCOME_NAMES].join(', ')}`,
        );
    }
    const since = queryInt(req, 'since', 0, Number.MAX_SAFE_INTEGER);
    res.json(
        entry.registry.ledger.query({
            device: queryString(req, 'device'),
            actuator: queryString(req, 'actuator'),
            outcome,
            sinceMs: since === undefined ? undefined : since * 1000,
            before: queryInt(req, 'cursor', 1, Number.MAX_SAFE_INTEGER),
            limit: queryInt(req, 'limit', 1, COMMAND_LOG_PAGE.max) ?? COMMAND_LOG_PAGE.default,
        }),
    );
}

function listApprovals(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const device = queryString(req, 'device');
    const approvals = entry.requests.approvals
        .list(Date.now())
        .filter((a) => device === undefined || a.device_id === device);
    res.json({ approvals });
}

function revokeApproval(entry: LiveRegistry, req: AdminRequest, res: AdminResponse): void {
    const revoked = entry.requests.approvals.revoke(req.params.approval);
    res.json({ id: req.params.approval, revoked });
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
        const device = queryString(req, 'device');
        // An unknown device is an error, not a quiet one (alerts about the registry itself have their own id).
        if (device !== undefined && device !== REGISTRY_ALERT_ID) deviceOf(e, device);
        const alerts = alertsMatching(e.registry, {
            severity: queryInt(req, 'severity', 0, 3),
            since: queryInt(req, 'since', 0, Number.MAX_SAFE_INTEGER),
            device,
            limit: queryInt(req, 'limit', 1, ALERT_PAGE.max) ?? ALERT_PAGE.default,
        });
        res.json({ alerts });
    });
    get(registryRoutes.metrics, (e, req, res) => {
        const device = queryString(req, 'device');
        const limit = queryInt(req, 'limit', 1, METRICS_PAGE.max) ?? METRICS_PAGE.default;
        const offset = queryInt(req, 'cursor', 0, Number.MAX_SAFE_INTEGER) ?? 0;
        const all = device
            ? [deviceOf(e, device)]
            : [...e.registry.devices.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        res.json({
            devices: all.slice(offset, offset + limit).map((r) => metricsOf(e.registry, r)),
            total: all.length,
            ...(offset + limit < all.length ? { next_cursor: String(offset + limit) } : {}),
        });
    });
    get(registryRoutes.status, (e, _req, res) => systemStatus(e, res));
    get(registryRoutes.events, (e, _req, res) => e.events.add(res));
    get(registryRoutes.commandLog, commandLog);
    get(registryRoutes.approvals, listApprovals);

    change('post', registryRoutes.command, (e, req, res) =>
        answer(res, e.requests.command(req.params.device, req.params.actuator, req.body, originOf(req))),
    );
    change('post', registryRoutes.config, (e, req, res) =>
        answer(res, e.requests.config(req.params.device, req.body)),
    );
    change('post', registryRoutes.diagnostics, (e, req, res) =>
        answer(res, e.requests.diagnostics(req.params.device, req.body)),
    );
    change('delete', registryRoutes.device, forgetDevice);
    change('delete', registryRoutes.confirmationRequirement, clearConfirmation);
    change('delete', registryRoutes.approval, revokeApproval);
}
