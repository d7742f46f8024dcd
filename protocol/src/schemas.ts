/**
 * Compiles every message schema once, at module load, with ajv (JSON Schema
 * 2020-12). strictNumbers rejects NaN and Infinity, which JSON.parse produces
 * for huge literals such as 1e400.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import common from '../schemas/common.schema.json';
import capabilities from '../schemas/capabilities.schema.json';
import status from '../schemas/status.schema.json';
import sensorData from '../schemas/sensor_data.schema.json';
import sensorBatch from '../schemas/sensor_batch.schema.json';
import actuatorCommand from '../schemas/actuator_command.schema.json';
import actuatorStatus from '../schemas/actuator_status.schema.json';
import error from '../schemas/error.schema.json';
import metrics from '../schemas/metrics.schema.json';
import configSet from '../schemas/config_set.schema.json';
import configState from '../schemas/config_state.schema.json';
import diagnosticsRequest from '../schemas/diagnostics_request.schema.json';
import diagnosticsResult from '../schemas/diagnostics_result.schema.json';
import announceRequest from '../schemas/announce_request.schema.json';
import type { MessageKind } from './topics';

/** The schema documents, keyed by kind (also used by the MCP adapter and docs). */
export const SCHEMAS: Record<MessageKind, object> = {
    capabilities,
    status,
    sensor_data: sensorData,
    sensor_batch: sensorBatch,
    actuator_command: actuatorCommand,
    actuator_status: actuatorStatus,
    error,
    metrics,
    config_set: configSet,
    config_state: configState,
    diagnostics_request: diagnosticsRequest,
    diagnostics_result: diagnosticsResult,
    announce_request: announceRequest,
};

const ajv = new Ajv2020({
    strict: true,
    strictRequired: false,
    strictNumbers: true,
    allErrors: false,
    allowUnionTypes: true,
});
ajv.addSchema(common);

export const VALIDATORS = Object.fromEntries(
    Object.entries(SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)]),
) as Record<MessageKind, ValidateFunction>;
