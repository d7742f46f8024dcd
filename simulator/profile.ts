/**
 * What a simulated device declares: four sensors and four actuators shaped
 * like the seeds' ESP32 example (an LED, a dimmer, a mode selector and a door
 * lock that needs confirmation).
 */
import type { CapabilitiesPayload, DeviceConfig } from '../protocol/src';

export type DeviceProfile = Omit<CapabilitiesPayload, 'device_id' | 'seq' | 'timestamp'>;

export const DEFAULT_CONFIG: DeviceConfig & { publish_interval_ms: number } = {
    publish_interval_ms: 5000,
    metrics_interval_ms: 60000,
};

export function defaultProfile(index = 0): DeviceProfile {
    return {
        protocol: 1,
        firmware_version: '1.2.0',
        hardware_version: 'esp32-devkitc',
        device_type: 'environment_sensor',
        name: `Simulated sensor ${index}`,
        location: ['kitchen', 'living_room', 'office', 'garage'][index % 4],
        platform: 'simulator',
        sensors: ['temperature', 'humidity', 'pressure', 'light'],
        actuators: ['led', 'dimmer', 'mode', 'door'],
        metadata: {
            temperature: {
                unit: '°C',
                min_range: -40,
                max_range: 85,
                accuracy: 0.5,
                device_class: 'temperature',
            },
            humidity: { unit: '%', min_range: 0, max_range: 100, device_class: 'humidity' },
            pressure: { unit: 'hPa', min_range: 300, max_range: 1100, device_class: 'pressure' },
            light: { unit: 'lx', min_range: 0, max_range: 100000, device_class: 'illuminance' },
            // Leases revert the LED to its state before the lease (protocol/README.md).
            led: {
                value_type: 'boolean',
                supported_actions: ['on', 'off', 'toggle'],
                response_time_ms: 100,
                max_lease_s: 3600,
            },
            dimmer: {
                value_type: 'number',
                supported_actions: ['set', 'read'],
                min_range: 0,
                max_range: 100,
                step: 1,
                unit: '%',
            },
            mode: { value_type: 'enum', supported_actions: ['set'], options: ['eco', 'comfort', 'boost'] },
            // The door motor needs 2 s between movements: the device refuses sooner changes.
            door: {
                value_type: 'boolean',
                supported_actions: ['on', 'off'],
                requires_confirmation: true,
                min_interval_ms: 2000,
                max_commands_per_min: 10,
                max_reversals: 4,
                flap_window_s: 60,
            },
        },
        config: DEFAULT_CONFIG,
    };
}

/**
 * The demo's devices (`npm start`): the default profile plus a text sensor `status`, declared
 * value_type "string", whose readings are strings (one of its options), like an ESPHome
 * text_sensor the firmware maps.
 */
export function demoProfile(index = 0): DeviceProfile {
    const profile = defaultProfile(index);
    profile.sensors.push('status');
    profile.metadata.status = {
        value_type: 'string',
        kind: 'text_sensor',
        options: STATUS_TEXTS,
        description: 'What the climate unit is doing',
    };
    return profile;
}

/** The demo's `status` texts: the first is where a device starts. */
export const STATUS_TEXTS = ['idle', 'heating', 'cooling', 'ventilating'];

/** Plausible starting values and the walk step of each default sensor. */
export const SENSOR_MODEL: Record<string, { start: number; step: number; min: number; max: number }> = {
    temperature: { start: 21, step: 0.2, min: -40, max: 85 },
    humidity: { start: 45, step: 0.5, min: 0, max: 100 },
    pressure: { start: 1013, step: 0.3, min: 300, max: 1100 },
    light: { start: 300, step: 10, min: 0, max: 100000 },
};
