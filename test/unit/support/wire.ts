/**
 * Helpers of the unit tier: device messages built as the wire carries them
 * and decoded with the protocol's own decoder, and a fake clock for code that
 * uses timers. Nothing here starts a service.
 */
import assert from 'node:assert/strict';
import { mock } from 'node:test';
import {
    decode,
    type ActuatorMetadata,
    type CapabilitiesPayload,
    type DeviceMessage,
    type SensorMetadata,
} from '@mcp-mqtt-bridge/protocol';

/** Decodes one message as the registry would receive it; fails the test when decode() refuses it. */
export function wire(topic: string, payload: object): DeviceMessage {
    const result = decode(topic, JSON.stringify(payload));
    assert.ok(result.ok, result.ok ? '' : `${topic}: ${result.error.message}`);
    return result.message;
}

export interface CapsSpec {
    seq?: number;
    sensors?: Record<string, SensorMetadata>;
    actuators?: Record<string, ActuatorMetadata>;
    extra?: Partial<CapabilitiesPayload>;
}

export function capsPayload(deviceId: string, spec: CapsSpec = {}): CapabilitiesPayload {
    const sensors = spec.sensors ?? {};
    const actuators = spec.actuators ?? {};
    const metadata: CapabilitiesPayload['metadata'] = {};
    // defineProperty, so that hostile names such as __proto__ become own keys of the document.
    for (const [name, meta] of [...Object.entries(sensors), ...Object.entries(actuators)]) {
        Object.defineProperty(metadata, name, {
            value: meta,
            enumerable: true,
            writable: true,
            configurable: true,
        });
    }
    return {
        device_id: deviceId,
        seq: spec.seq ?? 0,
        firmware_version: '1.0.0',
        sensors: Object.keys(sensors),
        actuators: Object.keys(actuators),
        metadata,
        ...spec.extra,
    };
}

export const capabilities = (deviceId: string, spec: CapsSpec = {}): DeviceMessage =>
    wire(`devices/${deviceId}/capabilities`, capsPayload(deviceId, spec));

export const reading = (
    deviceId: string,
    sensor: string,
    value: number | boolean | string | null,
    seq: number,
    extra = {},
) => wire(`devices/${deviceId}/sensors/${sensor}/data`, { seq, value: { reading: value }, ...extra });

export const status = (deviceId: string, online: boolean): DeviceMessage =>
    wire(`devices/${deviceId}/status`, { status: online ? 'online' : 'offline' });

export const SWITCH: ActuatorMetadata = { value_type: 'boolean', supported_actions: ['on', 'off', 'toggle'] };

/**
 * Replaces setTimeout/setInterval (and Date when asked) with a clock that only
 * moves on tick(); call the returned restore() in afterEach.
 */
export function fakeTimers(opts: { date?: boolean; now?: number } = {}): {
    tick(ms: number): void;
    restore(): void;
} {
    const apis: ('setTimeout' | 'setInterval' | 'Date')[] = ['setTimeout', 'setInterval'];
    if (opts.date) apis.push('Date');
    mock.timers.enable({ apis, now: opts.now ?? 0 });
    return {
        tick: (ms) => mock.timers.tick(ms),
        restore: () => mock.timers.reset(),
    };
}

/** Lets settled promises run their callbacks (microtasks and one macrotask turn; no time passes). */
export function flush(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}
