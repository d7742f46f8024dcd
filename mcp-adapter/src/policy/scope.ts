/**
 * What one MCP client may see and do, compiled from its policy entry.
 * A device is visible when it matches a read or a control selector (control
 * implies read); an actuator is controllable when the device matches a
 * control selector whose `actuators` globs match it. A selector matches when
 * every field it gives matches; a device without a location (device_type)
 * never matches a selector that asks for one.
 */
import { globRegExp, type McpClientPolicy } from './policy';

/** What a selector needs to know about a device (a DeviceSummary has all of it). */
export interface DeviceFacts {
    device_id: string;
    location?: string;
    device_type?: string;
}

interface CompiledSelector {
    id?: RegExp;
    location?: RegExp;
    deviceType?: RegExp;
    actuators?: RegExp[];
}

function compile(s: {
    id?: string;
    location?: string;
    device_type?: string;
    actuators?: string[];
}): CompiledSelector {
    return {
        id: s.id === undefined ? undefined : globRegExp(s.id),
        location: s.location === undefined ? undefined : globRegExp(s.location),
        deviceType: s.device_type === undefined ? undefined : globRegExp(s.device_type),
        actuators: s.actuators?.map(globRegExp),
    };
}

function field(re: RegExp | undefined, value: string | undefined): boolean {
    return re === undefined || (value !== undefined && re.test(value));
}

function matches(s: CompiledSelector, d: DeviceFacts): boolean {
    return field(s.id, d.device_id) && field(s.location, d.location) && field(s.deviceType, d.device_type);
}

/** Only the id decides (no location / device_type field). */
function idOnly(s: CompiledSelector): boolean {
    return s.location === undefined && s.deviceType === undefined;
}

export class ClientScope {
    readonly name: string;
    private readonly read: CompiledSelector[];
    private readonly control: CompiledSelector[];

    constructor(client: Pick<McpClientPolicy, 'name' | 'read' | 'control'>) {
        this.name = client.name;
        this.control = client.control.map(compile);
        this.read = [...client.read.map(compile), ...this.control];
    }

    /** The client may act on some device: it gets control_actuator, configure_device and device_diagnostics. */
    get mayControl(): boolean {
        return this.control.length > 0;
    }

    /** Every device is visible (a selector without fields or with id "*"): lists need no filtering. */
    get seesEverything(): boolean {
        return this.read.some((s) => idOnly(s) && (s.id === undefined || s.id.test('')));
    }

    /**
     * Visibility from the id alone: true / false when the id decides, undefined
     * when a location or device_type selector needs the device's facts.
     */
    visibleById(deviceId: string): boolean | undefined {
        let undecided = false;
        for (const s of this.read) {
            if (!field(s.id, deviceId)) continue;
            if (idOnly(s)) return true;
            undecided = true;
        }
        return undecided ? undefined : false;
    }

    visible(device: DeviceFacts): boolean {
        return this.read.some((s) => matches(s, device));
    }

    /** The device matches a control selector (configure_device, device_diagnostics). */
    controlsDevice(device: DeviceFacts): boolean {
        return this.control.some((s) => matches(s, device));
    }

    /** The device matches a control selector that lists this actuator (control_actuator). */
    controlsActuator(device: DeviceFacts, actuator: string): boolean {
        return this.control.some(
            (s) => matches(s, device) && (s.actuators ?? []).some((a) => a.test(actuator)),
        );
    }
}
