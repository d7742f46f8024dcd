/**
 * The registry as one MCP client may see it: the same RegistryClient API, so
 * every tool, resource, completion and prompt applies the client's scope
 * without knowing about it.
 *  - Devices outside the scope do not exist: lists and answers leave them out,
 *    a request naming one answers UNKNOWN_DEVICE exactly as for an id the
 *    registry never saw (nothing tells the client that such a device exists).
 *  - A visible device the client may not act on answers an `invalid` outcome
 *    with code FORBIDDEN; nothing is sent.
 */
import {
    ALERT_PAGE,
    COMMAND_LOG_PAGE,
    DEVICE_PAGE,
    type AlertList,
    type CommandLog,
    type CommandOutcome,
    type CommandRequest,
    type ConfigOutcome,
    type ConfigRequest,
    type DeviceDetail,
    type DeviceList,
    type DeviceSummary,
    type DiagnosticsOutcome,
    type DiagnosticsRequestBody,
    type MetricsList,
    type ReadingsAnswer,
    type SensorReadingView,
    type SystemStatus,
} from '@mcp-mqtt-bridge/protocol';
import {
    RegistryClient,
    type CallOptions,
    type CommandLogQuery,
    type DeviceQuery,
    type RegistryClientOptions,
} from '../registry-client';
import { RegistryError, isRegistryError } from '../registry-error';
import type { ClientScope, DeviceFacts } from './scope';

/** Pages of the registry read at most for one filtered answer (1000 devices each). */
const MAX_SCAN_PAGES = 100;
const CURSOR_PREFIX = 'scoped:';

function unknownDevice(deviceId: string): RegistryError {
    return new RegistryError('not_found', 'UNKNOWN_DEVICE', `unknown device ${deviceId}`, 404);
}

function invalid(code: string, message: string): { outcome: 'invalid'; code: string; message: string } {
    return { outcome: 'invalid', code, message };
}

export class ScopedRegistryClient extends RegistryClient {
    constructor(
        options: RegistryClientOptions,
        readonly scope: ClientScope,
    ) {
        super(options);
    }

    /** Every visible device (scans the registry's pages). */
    private async visibleDevices(call?: CallOptions): Promise<DeviceSummary[]> {
        const out: DeviceSummary[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_SCAN_PAGES; page++) {
            const list = await super.listDevices({ limit: DEVICE_PAGE.max, cursor }, call);
            for (const d of list.devices) if (this.scope.visible(d)) out.push(d);
            cursor = list.next_cursor;
            if (!cursor) break;
        }
        return out;
    }

    private async visibleIds(call?: CallOptions): Promise<Set<string> | undefined> {
        if (this.scope.seesEverything) return undefined; // undefined = no filter
        return new Set((await this.visibleDevices(call)).map((d) => d.device_id));
    }

    /** The device's facts when it is visible; UNKNOWN_DEVICE otherwise. */
    private async requireVisible(deviceId: string, call?: CallOptions): Promise<DeviceFacts> {
        const byId = this.scope.visibleById(deviceId);
        if (byId === false) throw unknownDevice(deviceId);
        if (byId === true && this.scope.seesEverything) return { device_id: deviceId };
        const detail = await super.getDevice(deviceId, call);
        if (!this.scope.visible(detail)) throw unknownDevice(deviceId);
        return detail;
    }

    /** For requests: an `invalid` outcome when the client may not act, undefined when it may. */
    private async refusal(
        deviceId: string,
        allowed: (facts: DeviceFacts) => boolean,
        what: string,
        call?: CallOptions,
    ): Promise<ReturnType<typeof invalid> | undefined> {
        let facts: DeviceFacts;
        try {
            facts = await this.getDevice(deviceId, call); // control selectors may need location / device_type
        } catch (e) {
            if (isRegistryError(e) && e.code === 'UNKNOWN_DEVICE')
                return invalid('UNKNOWN_DEVICE', `unknown device ${deviceId}`);
            throw e;
        }
        if (allowed(facts)) return undefined;
        return invalid(
            'FORBIDDEN',
            `this MCP client ("${this.scope.name}") may not ${what}: the operator's policy does not allow it. ` +
                'Do not retry; tell the user.',
        );
    }

    override async listDevices(query: DeviceQuery, call?: CallOptions): Promise<DeviceList> {
        if (this.scope.seesEverything) return super.listDevices(query, call);
        // Filter the registry's own filters' result, then page it here.
        const all: DeviceSummary[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_SCAN_PAGES; page++) {
            const list = await super.listDevices({ ...query, limit: DEVICE_PAGE.max, cursor }, call);
            for (const d of list.devices) if (this.scope.visible(d)) all.push(d);
            cursor = list.next_cursor;
            if (!cursor) break;
        }
        let offset = 0;
        if (query.cursor !== undefined) {
            offset = query.cursor.startsWith(CURSOR_PREFIX)
                ? Number(query.cursor.slice(CURSOR_PREFIX.length))
                : NaN;
            if (!Number.isInteger(offset) || offset < 0)
                throw new RegistryError(
                    'bad_request',
                    'BAD_CURSOR',
                    'cursor is not one this adapter issued',
                    400,
                );
        }
        const limit = query.limit ?? DEVICE_PAGE.default;
        const devices = all.slice(offset, offset + limit);
        const next = offset + limit < all.length ? `${CURSOR_PREFIX}${offset + limit}` : undefined;
        return { devices, total: all.length, ...(next ? { next_cursor: next } : {}) };
    }

    override async getDevice(deviceId: string, call?: CallOptions): Promise<DeviceDetail> {
        const byId = this.scope.visibleById(deviceId);
        if (byId === false) throw unknownDevice(deviceId);
        const detail = await super.getDevice(deviceId, call);
        if (!this.scope.visible(detail)) throw unknownDevice(deviceId);
        return detail;
    }

    override async readSensor(
        deviceId: string,
        sensor: string,
        query: { history_minutes?: number; limit?: number },
        call?: CallOptions,
    ): Promise<SensorReadingView> {
        await this.requireVisible(deviceId, call);
        return super.readSensor(deviceId, sensor, query, call);
    }

    override async readings(
        devices: string[],
        sensors: string[],
        call?: CallOptions,
    ): Promise<ReadingsAnswer> {
        const visible = await this.visibleIds(call);
        if (!visible) return super.readings(devices, sensors, call);
        const asked = devices.length > 0 ? devices.filter((d) => visible.has(d)) : [];
        const hidden = devices.filter((d) => !visible.has(d));
        // Nothing visible asked for: answer without asking for "all devices".
        const answer: ReadingsAnswer =
            devices.length > 0 && asked.length === 0
                ? { readings: [], missing: [] }
                : await super.readings(asked, sensors, call);
        return {
            readings: answer.readings.filter((r) => visible.has(r.device_id)),
            missing: [
                ...answer.missing.filter((m) => visible.has(m.device_id)),
                ...hidden.map((device_id) => ({ device_id, sensor: '*', reason: 'unknown_device' as const })),
            ],
        };
    }

    override async sendCommand(
        deviceId: string,
        actuator: string,
        body: CommandRequest,
        call?: CallOptions,
    ): Promise<CommandOutcome> {
        const refused = await this.refusal(
            deviceId,
            (d) => this.scope.controlsActuator(d, actuator),
            `control actuator '${actuator}' of '${deviceId}'`,
            call,
        );
        return refused ?? super.sendCommand(deviceId, actuator, body, call);
    }

    override async configure(
        deviceId: string,
        body: ConfigRequest,
        call?: CallOptions,
    ): Promise<ConfigOutcome> {
        const refused = await this.refusal(
            deviceId,
            (d) => this.scope.controlsDevice(d),
            `configure '${deviceId}'`,
            call,
        );
        return refused ?? super.configure(deviceId, body, call);
    }

    override async diagnose(
        deviceId: string,
        body: DiagnosticsRequestBody,
        call?: CallOptions,
    ): Promise<DiagnosticsOutcome> {
        const refused = await this.refusal(
            deviceId,
            (d) => this.scope.controlsDevice(d),
            `run diagnostics on '${deviceId}'`,
            call,
        );
        return refused ?? super.diagnose(deviceId, body, call);
    }

    override async alerts(
        query: { severity?: number; since?: number; device?: string; limit?: number },
        call?: CallOptions,
    ): Promise<AlertList> {
        if (this.scope.seesEverything) return super.alerts(query, call);
        if (query.device !== undefined) {
            try {
                await this.requireVisible(query.device, call);
            } catch (e) {
                if (isRegistryError(e) && e.code === 'UNKNOWN_DEVICE') return { alerts: [] };
                throw e;
            }
            return super.alerts(query, call);
        }
        const visible = (await this.visibleIds(call)) ?? new Set<string>();
        const list = await super.alerts({ ...query, limit: ALERT_PAGE.max }, call);
        const alerts = list.alerts.filter((a) => visible.has(a.device_id));
        return { alerts: alerts.slice(0, query.limit ?? ALERT_PAGE.default) };
    }

    override async metrics(device: string | undefined, call?: CallOptions): Promise<MetricsList> {
        if (device !== undefined) await this.requireVisible(device, call);
        const list = await super.metrics(device, call);
        const visible = await this.visibleIds(call);
        return visible ? { devices: list.devices.filter((d) => visible.has(d.device_id)) } : list;
    }

    /**
     * Only commands to visible devices: one device is asked for directly; without
     * one, the registry's pages are read (at most MAX_SCAN_PAGES) and filtered here.
     */
    override async commandLog(query: CommandLogQuery, call?: CallOptions): Promise<CommandLog> {
        if (this.scope.seesEverything) return super.commandLog(query, call);
        if (query.device !== undefined) {
            try {
                await this.requireVisible(query.device, call);
            } catch (e) {
                if (isRegistryError(e) && e.code === 'UNKNOWN_DEVICE') return { entries: [], total: 0 };
                throw e;
            }
            return super.commandLog(query, call);
        }
        const visible = (await this.visibleIds(call)) ?? new Set<string>();
        const limit = query.limit ?? COMMAND_LOG_PAGE.default;
        const entries: CommandLog['entries'] = [];
        let cursor = query.cursor;
        let more = false;
        for (let page = 0; page < MAX_SCAN_PAGES; page++) {
            const log = await super.commandLog({ ...query, limit: COMMAND_LOG_PAGE.max, cursor }, call);
            for (const e of log.entries) {
                if (!visible.has(e.device_id)) continue;
                if (entries.length === limit) {
                    more = true;
                    break;
                }
                entries.push(e);
            }
            cursor = log.next_cursor;
            if (more || !cursor) break;
        }
        const last = entries.at(-1);
        return {
            entries,
            total: entries.length,
            ...(more && last ? { next_cursor: String(last.seq) } : {}),
        };
    }

    /** Site-wide rates and counters stay; the device counts are the client's devices. */
    override async status(call?: CallOptions): Promise<SystemStatus> {
        const status = await super.status(call);
        if (this.scope.seesEverything) return status;
        const devices = await this.visibleDevices(call);
        const online = devices.filter((d) => d.online).length;
        return { ...status, devices: { total: devices.length, online, offline: devices.length - online } };
    }
}
