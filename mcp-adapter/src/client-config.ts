/** Ready-to-paste stdio client configurations (Claude Desktop, VS Code) for a registry URL. */
import { ADAPTER_NAME } from './version';

export interface ClientConfigOptions {
    registryUrl: string;
    registryId?: string;
    readOnly?: boolean;
    /** Server name in the client's configuration. */
    name?: string;
    /** Command and leading args; default `npx -y <package>`. */
    command?: string;
    args?: string[];
}

const PACKAGE = '@mcp-mqtt-bridge/mcp-adapter';

function serverEntry(o: ClientConfigOptions) {
    const args = [...(o.args ?? (o.command ? [] : ['-y', PACKAGE])), '--registry-url', o.registryUrl];
    if (o.registryId && o.registryId !== 'default') args.push('--registry-id', o.registryId);
    if (o.readOnly) args.push('--read-only');
    // A registry token goes in env (MCP_BRIDGE_REGISTRY_TOKEN), never in these args.
    return { command: o.command ?? 'npx', args };
}

/** claude_desktop_config.json: {"mcpServers": {...}} */
export function claudeDesktopConfig(o: ClientConfigOptions): object {
    return { mcpServers: { [o.name ?? ADAPTER_NAME]: serverEntry(o) } };
}

/** VS Code .vscode/mcp.json: {"servers": {...}} */
export function vscodeConfig(o: ClientConfigOptions): object {
    return { servers: { [o.name ?? ADAPTER_NAME]: { type: 'stdio', ...serverEntry(o) } } };
}

/** Text to print for the user: both configurations, labelled. */
export function formatClientConfigs(o: ClientConfigOptions): string {
    return [
        'Claude Desktop (claude_desktop_config.json):',
        JSON.stringify(claudeDesktopConfig(o), null, 2),
        'VS Code (.vscode/mcp.json):',
        JSON.stringify(vscodeConfig(o), null, 2),
    ].join('\n');
}
