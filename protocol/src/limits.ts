/** Limits every part of the system enforces the same way (the C++ core mirrors them). */

/** Root of every topic: devices/<device_id>/... */
export const TOPIC_ROOT = 'devices';

/** A topic segment (device, sensor, actuator id) and a command id. */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_IDENTIFIER_LENGTH = 64;

/** Whole topic, in bytes (the longest legal topic is well under this). */
export const MAX_TOPIC_LENGTH = 256;

/**
 * Largest payload accepted, in bytes. ESPHome's ESP32 MQTT buffer is 4096 bytes;
 * a capabilities document for 128 entities still fits in 16 KiB.
 */
export const MAX_PAYLOAD_BYTES = 16384;

/** seq is a uint32 that wraps to 0. */
export const SEQ_MODULO = 2 ** 32;

/**
 * Longest string reading (text sensor, event type, date/time), in characters
 * (Unicode code points, as JSON Schema's maxLength counts). common.schema.json's
 * `reading` carries the same number; a device truncates longer texts at a
 * character boundary before sending.
 */
export const MAX_STRING_READING_LENGTH = 255;
