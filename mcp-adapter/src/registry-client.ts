/**
 * Thin HTTP client for the registry API (docs/registry-api.md). Stateless: every
 * call is one request with its own timeout; failures become RegistryError.
 */
import { RegistryError } from './registry-error';
import type {
    Alert,
    CommandOutcome,
    CommandRequest,
    ConfigOutcome,
    ConfigRequest,
    DeviceDetail,
    DeviceList,
    DeviceMetrics,
    DiagnosticsOutcome,
    ReadingsAnswer,
    RegistryInfo,
    SensorReading,
    SystemStatus,
} from './registry-types';

export interface RegistryClientOptions {
    /** Node-RED admin root, e.g. http://127.0.0.1:1880/ (or .../admin when httpAdminRoot is set). */
    baseUrl: string;
    /** Registry node id, or `default`. */
    registryId: string;
    /** Node-RED adminAuth bearer token. Never logged. */
    token?: string;
    /** Per-request timeout in ms. */
    timeoutMs: number;
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

/** Statuses on which the command-like endpoints still answer with an outcome body. */
const OUTCOME_STATUSES = new Set([200, 404, 409, 422, 504]);

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
        return `${this.base}/mcp-bridge/registries/${rid}${path}${qs ? `?${qs}` : ''}`;
    }

    headers(extra: Record<string, string> = {}): Record<string, string> {
        const headers: Record<string, string> = { accept: 'application/json', ...extra };
        if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
        return headers;
    }

    listRegistries(call?: CallOptions): Promise<{ registries: RegistryInfo[] }> {
        return this.request('GET', `${this.base}/mcp-bridge/registries`, undefined, call);
    }

    listDevices(query: DeviceQuery, call?: CallOptions): Promise<DeviceList> {
        return this.get('/devices', { ...query }, call);
    }

    getDevice(deviceId: string, call?: CallOptions): Promise<DeviceDetail> {
        return this.get(`/devices/${encodeURIComponent(deviceId)}`, {}, call);
    }

    readSensor(
        deviceId: string,
        sensor: string,
        query: { history_minutes?: number; limit?: number },
        call?: CallOptions,
    ): Promise<SensorReading> {
        const path = `/devices/${encodeURIComponent(deviceId)}/sensors/${encodeURIComponent(sensor)}`;
        return this.get(path, query, call);
    }

    readings(devices: string[], sensors: string[], call?: CallOptions): Promise<ReadingsAnswer> {
        return this.get('/readings', { devices: devices.join(','), sensors: sensors.join(',') }, call);
    }

    sendCommand(
        deviceId: string,
        actuator: string,
        body: CommandRequest,
        call?: CallOptions,
    ): Promise<CommandOutcome> {
        const path = `/devices/${encodeURIComponent(deviceId)}/actuators/${encodeURIComponent(actuator)}/commands`;
        return this.post(path, body, call);
    }

    configure(deviceId: string, body: ConfigRequest, call?: CallOptions): Promise<ConfigOutcome> {
        return this.post(`/devices/${encodeURIComponent(deviceId)}/config`, body, call);
    }

    diagnose(
        deviceId: string,
        body: { checks?: string[]; timeout_ms?: number },
        call?: CallOptions,
    ): Promise<DiagnosticsOutcome> {
        return this.post(`/devices/${encodeURIComponent(deviceId)}/diagnostics`, body, call);
    }

    alerts(
        query: { severity?: number; since?: number; device?: string; limit?: number },
        call?: CallOptions,
    ): Promise<{ alerts: Alert[] }> {
        return this.get('/alerts', query, call);
    }

    metrics(device: string | undefined, call?: CallOptions): Promise<{ devices: DeviceMetrics[] }> {
        return this.get('/metrics', { device }, call);
    }

    status(call?: CallOptions): Promise<SystemStatus> {
        return this.get('/status', {}, call);
    }

    private get<T>(path: string, query: Query, call?: CallOptions): Promise<T> {
        return this.request('GET', this.url(path, query), undefined, call);
    }

    private post<T>(path: string, body: object, call?: CallOptions): Promise<T> {
        return this.request('POST', this.url(path), body, call, OUTCOME_STATUSES);
    }

    private async request<T>(
        method: 'GET' | 'POST',
        url: string,
        body: object | undefined,
        call: CallOptions = {},
        outcomeStatuses?: Set<number>,
    ): Promise<T> {
        const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
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
            throw this.transportError(e, timeout, call.signal, timeoutMs);
        }
        const json = parseJson(text);
        if (res.ok || (outcomeStatuses?.has(res.status) && hasOutcome(json))) return json as T;
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
