/**
 * The MCP-MQTT Bridge contracts: the MQTT protocol (topics, schemas, decoding,
 * command validation, loss counting) and the registry HTTP API (registry-api/).
 */
export * from './limits';
export * from './errors';
export * from './topics';
export * from './messages';
export { SCHEMAS } from './schemas';
export * from './decode';
export * from './validate-command';
export * from './text-format';
export * from './validate-reading';
export * from './sequence';
export * from './encode';
export * from './capabilities-parts';
export * from './registry-api';
export * from './seq-ledger';
