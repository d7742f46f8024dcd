/** The MCP-MQTT Bridge protocol: topics, schemas, decoding, command validation, loss counting. */
export * from './limits';
export * from './errors';
export * from './topics';
export * from './messages';
export { SCHEMAS } from './schemas';
export * from './decode';
export * from './validate-command';
export * from './sequence';
export * from './encode';
export * from './capabilities-parts';
