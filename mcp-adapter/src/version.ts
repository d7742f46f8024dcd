/** Kept in step with mcp-adapter/package.json. */
export const ADAPTER_NAME = 'mcp-mqtt-bridge-adapter';
export const ADAPTER_VERSION = '0.1.0';
