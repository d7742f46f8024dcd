/**
 * Shared pieces of the node specs: the core nodes to load beside ours (from
 * Node-RED 4.1 or 5.0), flow fragments, and a simulated device on the shared
 * Mosquitto with a test-unique id.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeviceConnection } from '../../simulator/connection';
import { SimulatedDevice, type SimulatedDeviceOptions } from '../../simulator/device';
import { coreBrokerNode } from '../../scripts/lib/core-broker-node';
import {
    nodeRed5Supported,
    nodeRedMajorsFrom,
    nodeRedPackage,
    type NodeRedMajor,
} from '../../scripts/lib/node-red-majors';
import { sharedServices } from '../support/services';
import type { NodeAPI } from '../../nodes/lib/node-red-types';

export type NodeModule = (RED: NodeAPI) => void;

import registry from '../../nodes/registry';
import decode from '../../nodes/decode';
import route from '../../nodes/route';
import command from '../../nodes/command';

export const registryNode: NodeModule = registry;
export const decodeNode: NodeModule = decode;
export const routeNode: NodeModule = route;
export const commandNode: NodeModule = command;

/**
 * The Node-RED majors the node specs run on in this process: MCPB_NODE_RED
 * (set by scripts/node-matrix.sh), else every major the running Node supports
 * (4.1 on Node 20; 4.1 and 5.0 from Node 22.9).
 */
export function nodeRedMajors(env: string | undefined = process.env.MCPB_NODE_RED): NodeRedMajor[] {
    return nodeRedMajorsFrom(env, nodeRed5Supported() ? [4, 5] : [4]);
}

/** Runtime and core node modules of the Node-RED under test. */
export function nodeRed(major: NodeRedMajor) {
    const runtime = require.resolve(nodeRedPackage(major));
    const nodesDir = path.join(
        path.dirname(require.resolve('@node-red/nodes/package.json', { paths: [path.dirname(runtime)] })),
        'core',
    );
    return {
        runtime,
        // The core nodes of the runtime under test, found at run time (4.1 or 5.0).
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        mqtt: require(path.join(nodesDir, 'network/10-mqtt.js')) as NodeModule,
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        catchNode: require(path.join(nodesDir, 'common/25-catch.js')) as NodeModule,
    };
}

export function brokerConfig(id = 'broker') {
    return {
        ...coreBrokerNode(id, sharedServices().mqttUrl, 'test broker'),
        birthTopic: '',
        closeTopic: '',
        willTopic: '',
    };
}

let counter = 0;
/** A device id no other test (or earlier run) uses: retained messages stay apart. */
export function uniqueId(what: string): string {
    counter++;
    return `${what}-${process.pid}-${counter}-${Date.now() % 100000}`;
}

export function tempUserDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'mcpb-userdir-'));
}

/** One simulated device with its own connection (and last will). */
export async function startDevice(options: Partial<SimulatedDeviceOptions> & { id: string }) {
    const connection = await DeviceConnection.open(sharedServices().mqttUrl, `${options.id}-c`, options.id);
    const device = new SimulatedDevice(connection, { publishIntervalMs: 0, ...options });
    await device.start();
    return {
        device,
        connection,
        /** Graceful stop and retained cleanup. */
        async stop(): Promise<void> {
            await device.stop();
            await device.clearRetained();
            await connection.close();
        },
    };
}
