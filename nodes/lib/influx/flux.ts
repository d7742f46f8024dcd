/**
 * Flux text for history queries against the v2 API. Every value goes through
 * the client library's `flux` template, which writes strings as escaped Flux
 * string literals (\\, \", ${ …) and checks numbers and times, so device and
 * sensor names cannot add query text.
 */
import { flux, fluxDateTime, fluxInteger, type ParameterizedQuery } from '@influxdata/influxdb-client';
import type { HistoryQuery } from '../history-store';
import { checkHistoryQuery } from './influxql';
import { MEASUREMENTS } from './message-points';

export function historyFlux(q: HistoryQuery, bucket: string): ParameterizedQuery {
    checkHistoryQuery(q);
    const start = fluxDateTime(new Date(Math.floor(q.sinceMs)).toISOString());
    return flux`from(bucket: ${bucket})
  |> range(start: ${start})
  |> filter(fn: (r) => r._measurement == ${MEASUREMENTS.sensor} and r.device_id == ${q.deviceId} and r.sensor == ${q.sensor})
  |> filter(fn: (r) => r._field == "reading" or r._field == "reading_bool" or r._field == "reading_text" or r._field == "reading_null" or r._field == "quality")
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> group()
  |> sort(columns: ["_time"], desc: true)
  |> limit(n: ${fluxInteger(q.limit)})`;
}
