/** Programmatic API of the MCP adapter. */
export { startAdapter, type RunningAdapter } from './adapter';
export type { AdapterOptions } from './options';
export type { SessionCounts } from './session-pool';
export {
    claudeDesktopConfig,
    vscodeConfig,
    formatClientConfigs,
    formatHttpClientConfigs,
    vscodeHttpConfig,
    type ClientConfigOptions,
    type HttpClientConfigOptions,
} from './client-config';
export { RegistryClient, type RegistryClientOptions } from './registry-client';
export { RegistryError, type RegistryErrorKind } from './registry-error';
export type * from '@mcp-mqtt-bridge/protocol';
export { stderrLogger, silentLogger, type Logger } from './logger';
