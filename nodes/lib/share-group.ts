/**
 * MQTT shared subscriptions for scaling out (docs/scale-out.md): instances of
 * one share group each take a share of the high-rate topics through
 * `$share/<group>/<filter>`, while every instance keeps the control plane
 * through the registry's normal subscription.
 */
import { TOPIC_ROOT } from '@mcp-mqtt-bridge/protocol';

/** The high-rate, device → server topics: readings, batches, metrics. */
export const DATA_PLANE_FILTERS = [
    `${TOPIC_ROOT}/+/sensors/+/data`,
    `${TOPIC_ROOT}/+/sensors/batch`,
    `${TOPIC_ROOT}/+/metrics`,
];

const GROUP_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The configured group: '' for none, null when it is not a valid share name (no wildcard, no `/`). */
export function shareGroupOf(value: unknown): string | null {
    const group = typeof value === 'string' ? value.trim() : '';
    if (group === '') return '';
    return GROUP_NAME.test(group) ? group : null;
}

/** The shared subscriptions of one group for the high-rate topics. */
export function sharedDataTopics(group: string): string[] {
    return DATA_PLANE_FILTERS.map((filter) => `$share/${group}/${filter}`);
}
