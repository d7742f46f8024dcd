/** Tools that find devices: list_devices, query_devices, get_device_info. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import {
    DEVICE_PAGE,
    deviceDetail,
    identifier,
    type DeviceDetail,
    type DeviceList,
} from '@mcp-mqtt-bridge/protocol';
import type { DeviceQuery } from '../registry-client';
import { deviceListOutput } from '../tool-outputs';
import { READ_ONLY, type ToolContext } from '../tool-context';
import { registryFailure, success, successText } from '../tool-results';

const paging = {
    limit: z
        .number()
        .int()
        .min(1)
        .max(DEVICE_PAGE.max)
        .default(50)
        .describe(`page size (1..${DEVICE_PAGE.max}, default 50); use cursor to get more`),
    cursor: z.string().optional().describe('next_cursor from the previous page'),
};

/** Active leases, one sentence each: what the device will do by itself, and when. */
function leasesText(detail: DeviceDetail): string {
    const lines = Object.entries(detail.actuator_states).flatMap(([actuator, a]) => {
        if (!a.lease) return [];
        const back = a.lease.reverts_to !== undefined ? ` to ${JSON.stringify(a.lease.reverts_to)}` : '';
        return [
            ` Active lease on '${actuator}' (now ${JSON.stringify(a.state)}): the device reverts it${back} at ` +
                `${a.lease.until} (in ${Math.round(a.lease.remaining_ms / 1000)} s, command ${a.lease.command_id}).`,
        ];
    });
    return lines.join('');
}

function page(list: DeviceList) {
    return { ...list, returned: list.devices.length };
}

/** Compact: a count line, then one line per device (sorted by id, as the registry pages them). */
function pageSummary(list: DeviceList): string {
    const more = list.next_cursor ? ` More devices: call again with cursor="${list.next_cursor}".` : '';
    const lines = list.devices.map(
        (d) =>
            `${d.device_id} ${d.online ? 'online' : `OFFLINE${d.offline_reason ? ` (${d.offline_reason})` : ''}`}` +
            `${d.location ? ` @${d.location}` : ''} sensors: ${d.sensors.join(',') || '-'}` +
            ` actuators: ${d.actuators.join(',') || '-'}`,
    );
    return [`${list.devices.length} of ${list.total} matching devices.${more}`, ...lines].join('\n');
}

async function listPage(ctx: ToolContext, query: DeviceQuery, signal: AbortSignal) {
    try {
        const list = await ctx.registry.listDevices(query, { signal });
        return successText(page(list), pageSummary(list));
    } catch (e) {
        return registryFailure(e);
    }
}

export function registerDeviceTools(server: McpServer, ctx: ToolContext): void {
    server.registerTool(
        'list_devices',
        {
            title: 'List devices',
            description:
                'List the IoT devices known to the bridge with their online state, location and the ids of their ' +
                'sensors and actuators. Start here to learn valid device ids. Large fleets are paginated: when ' +
                'next_cursor is present, call again with it. Use query_devices to filter by capability.',
            inputSchema: {
                online_only: z.boolean().default(false).describe('only devices that are online now'),
                location: z.string().optional().describe('only devices at this location (exact match)'),
                search: z.string().optional().describe('substring of device id, name or location'),
                ...paging,
            },
            outputSchema: deviceListOutput,
            annotations: READ_ONLY,
        },
        (args, extra) =>
            listPage(
                ctx,
                {
                    online: args.online_only ? true : undefined,
                    location: args.location,
                    q: args.search,
                    limit: args.limit,
                    cursor: args.cursor,
                },
                extra.signal,
            ),
    );

    server.registerTool(
        'query_devices',
        {
            title: 'Find devices by capability',
            description:
                'Find devices that have a given kind of sensor or actuator (by id such as "temperature" or by ' +
                'device class such as "humidity"), optionally only online ones or only at one location. ' +
                'Returns the same page shape as list_devices.',
            inputSchema: {
                sensor_type: z.string().optional().describe('sensor id or device class, e.g. temperature'),
                actuator_type: z.string().optional().describe('actuator id or kind, e.g. relay, led'),
                online: z.boolean().optional().describe('true: online only; false: offline only'),
                location: z.string().optional(),
                ...paging,
            },
            outputSchema: deviceListOutput,
            annotations: READ_ONLY,
        },
        (args, extra) =>
            listPage(
                ctx,
                {
                    sensor: args.sensor_type,
                    actuator: args.actuator_type,
                    online: args.online,
                    location: args.location,
                    limit: args.limit,
                    cursor: args.cursor,
                },
                extra.signal,
            ),
    );

    server.registerTool(
        'get_device_info',
        {
            title: 'Device details',
            description:
                'Everything the registry knows about one device: capabilities (sensor units and ranges, actuator ' +
                'actions, value ranges, whether a command needs confirmation), latest readings, actuator states, ' +
                'runtime config, counters and recent errors. Call this before control_actuator to learn valid ' +
                'actions and values.',
            inputSchema: { device_id: identifier.describe('device id from list_devices') },
            outputSchema: deviceDetail.shape,
            annotations: READ_ONLY,
        },
        async ({ device_id }, extra) => {
            try {
                const detail = await ctx.registry.getDevice(device_id, { signal: extra.signal });
                return success(
                    detail,
                    `Device ${device_id} is ${detail.online ? 'online' : 'OFFLINE'}.${leasesText(detail)}`,
                );
            } catch (e) {
                return registryFailure(e, { deviceId: device_id });
            }
        },
    );
}
