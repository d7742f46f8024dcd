/**
 * mcpb-history: reads a sensor's history from the registry's store (SQLite,
 * memory or InfluxDB, whichever the registry uses) into the flow, like
 * `influxdb in` does for InfluxDB. msg.payload becomes the history answer of
 * the registry API (contract: sensorHistory): whole-window statistics, the
 * points when they fit the budget, else buckets (min/max/mean/last), and the
 * gaps with their cause. Device, sensor, window and budget come from the node
 * or from the message.
 */
import type { SensorHistory } from '@mcp-mqtt-bridge/protocol';
import { MemoryEventLog } from './lib/history-events';
import {
    HistoryInputError,
    HistoryNodeError,
    historyRequestOf,
    type HistoryDef,
    type HistoryRequest,
} from './lib/history-request';
import type { DoneFunction, Node, NodeAPI, NodeMessage, SendFunction } from './lib/node-red-types';
import { historyAnswer } from './lib/registry/history-answer';
import { liveRegistries } from './lib/registry/live-registries';
import type { RegistryNode } from './lib/registry/registry-node';
import { sensorsOf } from './lib/registry/views';

/** For registries that keep no event log: gaps are still found, their causes are not. */
const NO_EVENTS = new MemoryEventLog(0);

export = function (RED: NodeAPI) {
    function HistoryNode(this: Node, def: HistoryDef) {
        RED.nodes.createNode(this, def);
        const registryNode = def.registry ? (RED.nodes.getNode(def.registry) as RegistryNode | null) : null;
        if (!registryNode)
            this.status({ fill: 'red', shape: 'ring', text: 'mcpb-history.status.no-registry' });
        else this.status({});

        const read = async (
            msg: NodeMessage,
        ): Promise<{ request: HistoryRequest; answer: SensorHistory }> => {
            if (!registryNode) throw new HistoryInputError('mcpb-history.errors.no-registry', 'NO_REGISTRY');
            const request = historyRequestOf(msg, def);
            const record = registryNode.registry.devices.get(request.device);
            if (!record) {
                throw new HistoryInputError('mcpb-history.errors.unknown-device', 'UNKNOWN_DEVICE', {
                    device: request.device,
                });
            }
            if (!record.readings.has(request.sensor) && !sensorsOf(record).includes(request.sensor)) {
                throw new HistoryInputError('mcpb-history.errors.unknown-sensor', 'UNKNOWN_SENSOR', {
                    device: request.device,
                    sensor: request.sensor,
                });
            }
            const answer = await historyAnswer({
                store: registryNode.historyStore(),
                events: liveRegistries.find(registryNode.id)?.historyEvents ?? NO_EVENTS,
                record,
                sensor: request.sensor,
                minutes: request.minutes,
                maxPoints: request.maxPoints,
                now: Date.now(),
            });
            return { request, answer };
        };

        this.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
            this.status({ fill: 'blue', shape: 'ring', text: 'mcpb-history.status.reading' });
            read(msg).then(
                ({ request, answer }) => {
                    msg.payload = answer;
                    msg.topic = `${request.device}/${request.sensor}`;
                    msg.device = request.device;
                    msg.sensor = request.sensor;
                    const unit = registryNode?.registry.devices
                        .get(request.device)
                        ?.readings.get(request.sensor)?.unit;
                    if (unit) msg.unit = unit;
                    const shape = answer.buckets
                        ? { key: 'mcpb-history.status.buckets', n: answer.buckets.length }
                        : { key: 'mcpb-history.status.points', n: answer.points.length };
                    this.status({
                        fill: answer.gaps?.length ? 'yellow' : 'green',
                        shape: 'dot',
                        text: RED._(shape.key, {
                            n: shape.n,
                            minutes: request.minutes,
                            gaps: answer.gaps?.length ?? 0,
                        }),
                    });
                    send(msg);
                    done();
                },
                (e: unknown) => {
                    const known = e instanceof HistoryInputError;
                    const text = known ? RED._(e.key, e.substitutions) : (e as Error).message;
                    const error = new HistoryNodeError(text, known ? e.code : 'STORE_ERROR');
                    this.status({ fill: 'red', shape: 'ring', text: 'mcpb-history.status.error' });
                    done(error);
                },
            );
        });

        this.on('close', (_removed: boolean, done: () => void) => {
            this.status({});
            done();
        });
    }

    RED.nodes.registerType('mcpb-history', HistoryNode);
};
