/**
 * Limits of the registry HTTP API that the registry enforces and its clients
 * (the MCP adapter's tool arguments, the command node) respect. Written once
 * here; the MQTT message limits live in ../limits.ts and the message schemas.
 */
import common from '../../schemas/common.schema.json';
import actuatorCommand from '../../schemas/actuator_command.schema.json';
import diagnosticsRequest from '../../schemas/diagnostics_request.schema.json';

/** Longest a registry request waits for a device's answer. */
export const MAX_ANSWER_TIMEOUT_MS = 30000;
/** Wait for config and diagnostics answers when the caller names none. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 10000;
/** Added to an actuator's declared response_time_ms for a command's default wait. */
export const ANSWER_MARGIN_MS = 5000;
/** How much longer an HTTP client waits than the registry waits for the device. */
export const HTTP_SLACK_MS = 3000;

/** Device list pages. */
export const DEVICE_PAGE = { default: 100, max: 1000 } as const;
/** Alerts returned by one request. */
export const ALERT_PAGE = { default: 100, max: 1000 } as const;
/** Sensor history: window in minutes (one week) and points returned. */
export const HISTORY_MINUTES_MAX = 10080;
export const HISTORY_POINTS = { default: 500, max: 2000 } as const;
/** The MCP tools' default history budget (points or buckets): the answer stays well under 8,000 characters. */
export const HISTORY_BUDGET_DEFAULT = 48;
/** Devices per page of /readings (all their sensors) and of /metrics. */
export const READINGS_PAGE = { default: 30, max: 1000 } as const;
export const METRICS_PAGE = { default: 25, max: 1000 } as const;

/** Checks one diagnostics request may name, from the protocol's schema. */
export const DIAGNOSTICS_CHECKS_MAX = diagnosticsRequest.properties.checks.maxItems;

/** Streaming interval bounds, read from the protocol's schema (common.schema.json). */
const streamingInterval = common.$defs.streamingMap.additionalProperties.properties.interval_ms;
export const STREAMING_INTERVAL_MS = {
    min: streamingInterval.minimum,
    max: streamingInterval.maximum,
} as const;

/** The longest lease a command may carry (seconds), from the protocol's schema; an actuator's max_lease_s bounds it further. */
export const MAX_LEASE_S = actuatorCommand.properties.lease_s.maximum;

/** The model's stated reason for a command, as kept in the command ledger. */
export const COMMAND_REASON_MAX = 500;
/** Client names, versions and session ids a caller reports about itself. */
export const ORIGIN_FIELD_MAX = 128;
/** Entries of the command ledger returned by one request (newest first). */
export const COMMAND_LOG_PAGE = { default: 20, max: 200 } as const;
/** The longest scoped approval a user can give (minutes); the registry's operator setting bounds it further. */
export const APPROVAL_MINUTES_MAX = 1440;
/** Default operator bound of scoped approvals (minutes). */
export const APPROVAL_MINUTES_DEFAULT = 30;
/** Entries the registry keeps in its command ledger (a ring; persisted in the snapshot). */
export const COMMAND_LOG_CAPACITY = 1000;
