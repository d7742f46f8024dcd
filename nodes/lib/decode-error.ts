/**
 * A message decode() refused, as an Error a Catch node can use: its message
 * starts with the code, `code` is copied to msg.error.code by the runtime, and
 * toString() is the message alone (the runtime shows toString()).
 */
import type { DecodeError } from '@mcp-mqtt-bridge/protocol';

export class DeviceMessageError extends Error {
    readonly code: string;
    readonly field?: string;
    readonly topic: string;
    readonly deviceId?: string;

    constructor(error: DecodeError) {
        super(error.message);
        this.name = 'DeviceMessageError';
        this.code = error.code;
        this.topic = error.topic;
        if (error.field !== undefined) this.field = error.field;
        if (error.deviceId !== undefined) this.deviceId = error.deviceId;
    }

    override toString(): string {
        return this.message;
    }
}
