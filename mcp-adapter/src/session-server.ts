/**
 * One McpServer per MCP session (stdio: the process; HTTP: each Mcp-Session-Id).
 * It holds no device state: every answer comes from the registry.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { canSubscribe } from './policy/resources';
import type { ClientScope } from './policy/scope';
import { registerPrompts } from './prompts';
import { registerResources, registerSubscriptions } from './resources';
import type { SubscriptionHub } from './subscriptions';
import type { ToolContext } from './tool-context';
import { registerCommandLogTool } from './tools/command-log';
import { registerConfigureTool } from './tools/configure';
import { registerControlTool } from './tools/control';
import { registerDeviceTools } from './tools/devices';
import { registerDiagnosticsTool } from './tools/diagnostics';
import { registerMonitoringTools } from './tools/monitoring';
import { registerSensorTools } from './tools/sensors';
import { ADAPTER_NAME, ADAPTER_VERSION } from './version';

const INSTRUCTIONS =
    'Tools for IoT devices (ESP32/ESPHome) behind an MQTT bridge. Find devices with list_devices or ' +
    'query_devices, learn a device with get_device_info, read values with read_sensor (one, with history) or ' +
    'read_all_sensors (many at once — prefer it over repeated read_sensor calls). control_actuator returns the ' +
    "device's acknowledged outcome; report exactly that. A rate_limited answer means wait retry_after_ms, " +
    'never retry in a loop; get_command_log tells who sent which command and why. Errors say what to do next.';

export interface SessionServer {
    server: McpServer;
    /** Drops the session's subscriptions; call when its transport closes. */
    dispose(): void;
}

export function createSessionServer(
    ctx: ToolContext,
    hub: SubscriptionHub,
    readOnly: boolean,
    /** Policy mode: the client's scope (ctx.registry is already scoped to it). */
    scope?: ClientScope,
): SessionServer {
    const server = new McpServer(
        { name: ADAPTER_NAME, version: ADAPTER_VERSION, title: 'MCP-MQTT Bridge devices' },
        { capabilities: { resources: { subscribe: true, listChanged: true } }, instructions: INSTRUCTIONS },
    );
    registerDeviceTools(server, ctx);
    registerSensorTools(server, ctx);
    registerMonitoringTools(server, ctx);
    registerCommandLogTool(server, ctx);
    // Read-only mode, or a policy client without control scope: no tool that needs the registry's
    // write permission (mcp-bridge.write) is registered: commands, configuration and diagnostics
    // requests all publish to a device.
    const mayControl = scope?.mayControl ?? true;
    if (!readOnly && mayControl) {
        registerControlTool(server, ctx);
        registerConfigureTool(server, ctx);
        registerDiagnosticsTool(server, ctx);
    }
    registerResources(server, ctx);
    registerPrompts(server, ctx);
    const unsubscribe = registerSubscriptions(
        server,
        hub,
        scope ? (uri) => canSubscribe(ctx, uri) : undefined,
    );
    return { server, dispose: unsubscribe };
}
