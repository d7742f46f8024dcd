/**
 * What a registry in an MQTT share group records so that several instances'
 * accounts of one device merge exactly (protocol/src/seq-ledger.ts): per
 * device and counter epoch the seq span and the distinct messages received,
 * and how many of its messages came from the control plane (which every
 * instance of the group hears, so the adapter counts them once). Its own seq
 * gaps are not losses: the other instances took those messages.
 */
import {
    SeqLedger,
    epochOf,
    type DeviceCounters,
    type DeviceMessage,
    type MessageOf,
    type SequenceObservation,
} from '@mcp-mqtt-bridge/protocol';
import { isControlPlaneKind } from './broker-link';
import type { DeviceRecord } from './types';

export class ShareAccounting {
    readonly ledger = new SeqLedger();
    private readonly control = new Map<string, number>();

    constructor(readonly group: string) {}

    /** Every message the registry accepted (its `messages` counter). */
    message(deviceId: string, message: DeviceMessage): void {
        if (isControlPlaneKind(message.kind))
            this.control.set(deviceId, (this.control.get(deviceId) ?? 0) + 1);
    }

    /** Every message with its tracker verdict: what belongs in the ledger goes there. */
    sequence(
        deviceId: string,
        message: DeviceMessage,
        seq: number | undefined,
        retained: boolean,
        seen: SequenceObservation,
    ): void {
        if (seq === undefined || message.kind === 'status') return;
        if (message.kind === 'capabilities') {
            const payload = (message as MessageOf<'capabilities'>).payload;
            this.ledger.capabilities(deviceId, epochOf(payload), seq, retained);
            return;
        }
        if (retained || seen.duplicate) return;
        this.ledger.count(deviceId, seq, isControlPlaneKind(message.kind));
    }

    /** The device's counters as the registry API shows them, with this instance's share of the accounting. */
    countersOf(record: DeviceRecord): DeviceCounters {
        return {
            ...record.counters,
            seq_epochs: this.ledger.epochsOf(record.id) ?? [],
            control_messages: this.control.get(record.id) ?? 0,
        };
    }

    forget(deviceId: string): void {
        this.ledger.forget(deviceId);
        this.control.delete(deviceId);
    }
}
