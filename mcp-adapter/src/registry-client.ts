/**
 * Thin HTTP client for the registry API (docs/registry-api.md). Stateless: every
 * call is one request with its own timeout; failures become RegistryError.
 */
import {
    OUTCOME_STATUSES,
    REGISTRY_API_ROOT,
    alertList,
    checkAgainst,
    commandLog,
    commandOutcome,
    configOutcome,
    deviceDetail,
    deviceList,
    diagnosticsOutcome,
    metricsList,
    readingsAnswer,
    registryPaths,
    sensorReading,
    systemStatus,
    type AlertList,
    type CommandLog,
    type CommandOutcome,
    type CommandRequest,
    type ConfigOutcome,
    type ConfigRequest,
    type DeviceDetail,
    type DeviceList,
    type DiagnosticsOutcome,
    type DiagnosticsRequestBody,
    type MetricsList,
    type ReadingsAnswer,
    type SensorReadingView,
    type SystemStatus,
} from '@mcp-mqtt-bridge/protocol';
import type { z } from 'zod';
import type { Logger } from './logger';
import { RegistryError } from './registry-error';

export interface RegistryClientOptions {
    /** Node-RED admin root, e.g. http://127.0.0.1:1880/ (or .../admin when httpAdminRoot is set). */
    baseUrl: string;
    /** Registry node id, or `default`. */
    registryId: string;
    /** Node-RED adminAuth bearer token. Never logged. */
    token?: string;
    /** Per-request timeout in ms. */
    timeoutMs: number;
    /** Gets one debug line per request (method, route, status, duration; never the token or query). */
    logger?: Logger;
}

export interface DeviceQuery {
    online?: boolean;
    sensor?: string;
    actuator?: string;
    location?: string;
    q?: string;
    limit?: number;
    cursor?: string;
}

export interface CallOptions {
    signal?: AbortSignal;
    /** Overrides the client's timeout (commands wait for the device). */
    timeoutMs?: number;
}

type Query = Record<string, string | number | boolean | undefined>;

/** Filters of the command ledger (GET …/commands): since in Unix seconds, cursor from next_cursor. */
export interface CommandLogQuery {
    device?: string;
    actuator?: string;
    outcome?: string;
    since?: number;
    limit?: number;
    cursor?: string;
}

export class RegistryClient {
    private readonly base: string;

    constructor(private readonly options: RegistryClientOptions) {
        this.base = options.baseUrl.replace(/\/+$/, '');
    }

    get registryId(): string {
        return this.options.registryId;
    }

    /** URL of a registry route; also used by the SSE event stream. */
    url(path: string, query: Query = {}): string {
        const rid = encodeURIComponent(this.options.registryId);
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(query)) {
            if (value !== undefined && value !== '') search.set(key, String(value));
        }
        const qs = search.toString();
        return `${this.base}${REGISTRY_API_ROOT}/${rid}${path}${qs ? `?${qs}` : ''}`;
    }

    /** Path of this registry's API root on the server, e.g. /mcp-bridge/registries/default */
    private apiPath(): string {
        return new URL(this.url('')).pathname;
    }

    headers(extra: Record<string, string> = {}): Record<string, string> {
        const headers: Record<string, string> = { accept: 'application/json', ...extra };
        if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
        return headers;
    }

    listDevices(query: DeviceQuery, call?: CallOptions): Promise<DeviceList> {
        return this.get(deviceList, registryPaths.devices(), { ...query }, call);
    }

    getDevice(deviceId: string, call?: CallOptions): Promise<DeviceDetail> {
        return this.get(deviceDetail, registryPaths.device(deviceId), {}, call);
    }

    readSensor(
        deviceId: string,
        sensor: string,
        query: { history_minutes?: number; limit?: number },
        call?: CallOptions,
    ): Promise<SensorReadingView> {
        return this.get(sensorReading, registryPaths.sensor(deviceId, sensor), query, call);
    }

    readings(
        devices: string[],
        sensors: string[],
        call?: CallOptions,
        page: { limit?: number; cursor?: string } = {},
    ): Promise<ReadingsAnswer> {
        const query = { devices: devices.join(','), sensors: sensors.join(','), ...page };
        return this.get(readingsAnswer, registryPaths.readings(), query, call);
    }

    sendCommand(
        deviceId: string,
        actuator: string,
        body: CommandRequest,
        call?: CallOptions,
    ): Promise<CommandOutcome> {
        return this.post(commandOutcome, registryPaths.command(deviceId, actuator), body, call);
    }

    configure(deviceId: string, body: ConfigRequest, call?: CallOptions): Promise<ConfigOutcome> {
        return this.post(configOutcome, registryPaths.config(deviceId), body, call);
    }

    diagnose(
        deviceId: string,
        body: DiagnosticsRequestBody,
        call?: CallOptions,
    ): Promise<DiagnosticsOutcome> {
        return this.post(diagnosticsOutcome, registryPaths.diagnostics(deviceId), body, call);
    }

    alerts(
        query: { severity?: number; since?: number; device?: string; limit?: number },
        call?: CallOptions,
    ): Promise<AlertList> {
        return this.get(alertList, registryPaths.alerts(), query, call);
    }

    metrics(
        device: string | undefined,
        call?: CallOptions,
        page: { limit?: number; cursor?: string } = {},
    ): Promise<MetricsList> {
        return this.get(metricsList, registryPaths.metrics(), { device, ...page }, call);
    }

    commandLog(query: CommandLogQuery, call?: CallOptions): Promise<CommandLog> {
        return this.get(commandLog, registryPaths.commandLog(), { ...query }, call);
    }

    status(call?: CallOptions): Promise<SystemStatus> {
        return this.get(systemStatus, registryPaths.status(), {}, call);
    }

    private async get<S extends z.ZodType>(
        schema: S,
        path: string,
        query: Query,
        call?: CallOptions,
    ): Promise<z.infer<S>> {
        return this.checked(schema, await this.request('GET', this.url(path, query), undefined, call));
    }

    private async post<S extends z.ZodType>(
        schema: S,
        path: string,
        body: object,
        call?: CallOptions,
    ): Promise<z.infer<S>> {
        const json = await this.request('POST', this.url(path), body, call, OUTCOME_STATUSES);
        return this.checked(schema, json);
    }

    /** The answer as the contract defines it (unknown fields dropped), or a bad_answer error. */
    private checked<S extends z.ZodType>(schema: S, json: unknown): z.infer<S> {
        const checked = checkAgainst(schema, json);
        if (checked.ok) return checked.value;
        throw new RegistryError(
            'bad_answer',
            undefined,
            `the registry's answer does not match the registry API contract (${checked.message}); ` +
                'the adapter and the node pack may be of different versions',
        );
    }

    private async request(
        method: 'GET' | 'POST',
        url: string,
        body: object | undefined,
        call: CallOptions = {},
        outcomeStatuses?: ReadonlySet<number>,
    ): Promise<unknown> {
        const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
        const started = Date.now();
        const route = `${method} ${new URL(url).pathname.slice(this.apiPath().length)}`;
        let res: Response;
        let text: string;
        try {
            res = await fetch(url, {
                method,
                headers: this.headers(body ? { 'content-type': 'application/json' } : {}),
                body: body ? JSON.stringify(body) : undefined,
                signal,
            });
            text = await res.text();
        } catch (e) {
            const error = this.transportError(e, timeout, call.signal, timeoutMs);
            this.options.logger?.debug(`registry ${route} → ${error.kind} (${Date.now() - started} ms)`);
            throw error;
        }
        this.options.logger?.debug(`registry ${route} → ${res.status} (${Date.now() - started} ms)`);
        const json = parseJson(text);
        if (res.ok || (outcomeStatuses?.has(res.status) && hasOutcome(json))) return json;
        throw httpError(res.status, json, text);
    }

    private transportError(
        e: unknown,
        timeout: AbortSignal,
        cancel: AbortSignal | undefined,
        timeoutMs: number,
    ): RegistryError {
        if (cancel?.aborted) return new RegistryError('cancelled', undefined, 'the request was cancelled');
        if (timeout.aborted) {
            return new RegistryError(
                'timeout',
                undefined,
                `the registry did not answer within ${timeoutMs} ms`,
            );
        }
        const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
        return new RegistryError(
            'unreachable',
            undefined,
            `the registry at ${redactUrl(this.base)} is unreachable (${cause})`,
        );
    }
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

function hasOutcome(json: unknown): boolean {
    return typeof json === 'object' && json !== null && 'outcome' in json;
}

function httpError(status: number, json: unknown, text: string): RegistryError {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    const message = error?.message ?? (text.slice(0, 200) || `HTTP ${status}`);
    const code = error?.code;
    if (status === 401 || status === 403) {
        return new RegistryError(
            'unauthorized',
            code,
            `the registry refused access (HTTP ${status})`,
            status,
        );
    }
    if (status === 404) return new RegistryError('not_found', code, message, status);
    if (status === 400 || status === 422) return new RegistryError('bad_request', code, message, status);
    return new RegistryError('server', code, `registry error (HTTP ${status}): ${message}`, status);
}

/** The URL without user info or query, safe to log. */
export function redactUrl(url: string): string {
    try {
        const u = new URL(url);
        u.username = '';
        u.password = '';
        u.search = '';
        return u.toString().replace(/\/$/, '');
    } catch {
        return '<invalid url>';
    }
}
