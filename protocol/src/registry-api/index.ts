/** The registry HTTP API contract: shapes, limits, routes, outcome statuses. */
export * from './limits';
export * from './shapes';
export * from './outcomes';
export * from './paths';
export * from './json-schemas';
export * from './check';
