/** Ready-to-paste stdio client configurations (Claude Desktop, VS Code) for a registry URL. */
import { ADAPTER_NAME } from './version';

export interface ClientConfigOptions {
    registryUrl: string;
    registryId?: string;
    readOnly?: boolean;
    /** Server name in the client's configuration. */
    name?: string;
    /** Node-RED adminAuth token for the registry, passed in the client's env (never in args). */
    registryToken?: string;
    /** Command and leading args; default `npx -y <package>`. */
    command?: string;
    args?: string[];
}

const PACKAGE = '@mcp-mqtt-bridge/mcp-adapter';

function serverEntry(o: ClientConfigOptions) {
    const args = [...(o.args ?? (o.command ? [] : ['-y', PACKAGE])), '--registry-url', o.registryUrl];
    if (o.registryId && o.registryId !== 'default') args.push('--registry-id', o.registryId);
    if (o.readOnly) args.push('--read-only');
    // A registry token goes in env (MCP_BRIDGE_REGISTRY_TOKEN), never in these args (process lists show args).
    const env = o.registryToken ? { env: { MCP_BRIDGE_REGISTRY_TOKEN: o.registryToken } } : {};
    return { command: o.command ?? 'npx', args, ...env };
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

export interface HttpClientConfigOptions {
    /** The running Streamable HTTP endpoint, e.g. http://127.0.0.1:3917/mcp. */
    url: string;
    name?: string;
}

/** VS Code .vscode/mcp.json for a running HTTP endpoint: {"servers": {name: {type: "http", url}}} */
export function vscodeHttpConfig(o: HttpClientConfigOptions): object {
    return { servers: { [o.name ?? ADAPTER_NAME]: { type: 'http', url: o.url } } };
}

/** Text to print for clients of a running HTTP endpoint (VS Code, Claude Code, mcpb-chat). */
export function formatHttpClientConfigs(o: HttpClientConfigOptions): string {
    const name = o.name ?? ADAPTER_NAME;
    return [
        'VS Code (.vscode/mcp.json):',
        JSON.stringify(vscodeHttpConfig(o), null, 2),
        `Claude Code: claude mcp add --transport http ${name} ${o.url}`,
        `mcpb-chat:   npx mcpb-chat --mcp-url ${o.url} --model <model>   (any OpenAI-compatible API: --llm-base-url)`,
    ].join('\n');
}
