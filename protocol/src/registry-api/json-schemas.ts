/** The registry API's answers and request bodies as JSON Schema documents (2020-12), from the zod contract. */
import { z } from 'zod';
import * as shapes from './shapes';

const DOCUMENTS = {
    RegistryList: shapes.registryList,
    DeviceList: shapes.deviceList,
    DeviceDetail: shapes.deviceDetail,
    SensorReading: shapes.sensorReading,
    ReadingsAnswer: shapes.readingsAnswer,
    AlertList: shapes.alertList,
    MetricsList: shapes.metricsList,
    SystemStatus: shapes.systemStatus,
    DeviceEvent: shapes.deviceEvent,
    CommandRequest: shapes.commandRequest,
    ConfigRequest: shapes.configRequest,
    DiagnosticsRequest: shapes.diagnosticsRequestBody,
    CommandOutcome: shapes.commandOutcome,
    ConfigOutcome: shapes.configOutcome,
    DiagnosticsOutcome: shapes.diagnosticsOutcome,
    CommandLog: shapes.commandLog,
    ApprovalList: shapes.approvalList,
    ApiError: shapes.apiError,
} as const;

export type RegistryApiDocument = keyof typeof DOCUMENTS;

/** One JSON Schema per document; unknown fields are allowed (io: input), as the API promises. */
export function registryApiJsonSchemas(): Record<RegistryApiDocument, object> {
    const out = {} as Record<RegistryApiDocument, object>;
    for (const [name, schema] of Object.entries(DOCUMENTS) as [RegistryApiDocument, z.ZodType][]) {
        out[name] = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
    }
    return out;
}
