/**
 * After its broker link comes back, the registry asks every device to
 * re-announce (devices/_all/announce); a device that stayed connected answers
 * with its capabilities (seq continuing: not a reboot), status, actuator
 * states and config. The link is dropped by a session takeover: a client
 * connecting with the link's client id makes Mosquitto close the link.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import mqtt from 'mqtt';
import { helper } from './test-helper';
import type { RegistryNode } from '../../nodes/lib/registry/registry-node';
import { sharedServices, waitFor } from '../support/services';
import { brokerConfig, nodeRed, registryNode, startDevice, tempUserDir, uniqueId } from './fixtures';

describe('mcpb-registry: re-announce after the broker link comes back', function () {
    const nr = nodeRed(4);
    let userDir: string;
    before(() => helper.init(nr.runtime));
    beforeEach(async () => {
        userDir = tempUserDir();
        helper.settings({ userDir });
        await helper.startServer();
    });
    afterEach(async () => {
        await helper.unload();
        await helper.stopServer();
        fs.rmSync(userDir, { recursive: true, force: true });
    });

    it('broadcasts an announce request on reconnect; a connected device republishes, its seq not reset', async function () {
        const clientId = uniqueId('announce-nr');
        await helper.load(
            [nr.mqtt, registryNode],
            [
                { id: 'tab', type: 'tab', label: 'test' },
                { ...brokerConfig(), clientid: clientId },
                { id: 'reg', type: 'mcpb-registry', broker: 'broker', persist: false },
            ],
        );
        const registry = (helper.getNode('reg') as unknown as RegistryNode).registry;
        await waitFor('the registry link up', async () => registry.brokerState === 'connected');
        const id = uniqueId('announce-dev');
        const sim = await startDevice({ id });
        try {
            await waitFor('the device known', async () => registry.devices.get(id)?.capabilities != null);
            await waitFor('its config', async () => registry.devices.get(id)?.config != null);
            const heard = registry.devices.get(id)?.counters.messages ?? 0;

            // Take over the link's session: Mosquitto closes the link, which reconnects within a second.
            const thief = await mqtt.connectAsync(sharedServices().mqttUrl, {
                clientId: `${clientId}-mcpb-registry`,
            });
            await waitFor('the link down', async () => registry.brokerState === 'down');
            await thief.endAsync();
            await waitFor('the link back', async () => registry.brokerState === 'connected', 10000);
            await waitFor(
                'the device answered the request',
                async () => sim.device.announcements === 1,
                10000,
            );
            // capabilities, 4 actuator states and config heard live again (status carries no seq)
            await waitFor(
                'the re-announcement heard',
                async () => (registry.devices.get(id)?.counters.messages ?? 0) >= heard + 7,
            );
            const record = registry.devices.get(id);
            assert.equal(record?.counters.lost, 0, 'nothing lost: capabilities continued the count');
            assert.ok(
                !registry.alerts.recent().some((a) => a.device_id === id && a.error_type === 'seq_restart'),
                'a re-announcement is not a reboot',
            );
        } finally {
            await sim.stop();
        }
    });
});
