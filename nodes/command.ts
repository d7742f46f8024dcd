/**
 * mcpb-command: sends a validated command to a device through the registry
 * and reports what the device confirmed; the registry records it in its
 * ledger with this node's id as the origin. Output 1: applied, or the plan
 * of a dry run (planned). Output 2: rate_limited (with retry_after_ms),
 * rejected, timeout, offline, broker_unavailable, confirmation_required (with
 * the one-time ticket to send back as msg.confirmation once a user agreed) or
 * invalid, with the reason.
 */
import { commandFrom, type CommandConfig } from './lib/command-input';
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, SendFunction } from './lib/node-red-types';
import type { CommandOutcome } from '@mcp-mqtt-bridge/protocol';
import type { RegistryNode } from './lib/registry/registry-node';

interface CommandDef extends NodeDef, CommandConfig {
    registry?: string;
}

function reasonOf(outcome: CommandOutcome): string {
    switch (outcome.outcome) {
        case 'applied':
        case 'planned':
            return '';
        case 'rate_limited':
            return outcome.message;
        case 'rejected':
            return outcome.reason;
        case 'timeout':
            return `no answer within ${outcome.timeout_ms} ms`;
        case 'offline':
        case 'broker_unavailable':
        case 'confirmation_required':
        case 'invalid':
            return outcome.message;
    }
}

export = function (RED: NodeAPI) {
    function CommandNode(this: Node, def: CommandDef) {
        RED.nodes.createNode(this, def);
        const registryNode = def.registry ? (RED.nodes.getNode(def.registry) as RegistryNode | null) : null;
        if (!registryNode)
            this.status({ fill: 'red', shape: 'ring', text: 'mcpb-command.status.no-registry' });

        const run = async (msg: NodeMessage): Promise<CommandOutcome> => {
            const input = commandFrom(msg, def);
            if (!registryNode) {
                return {
                    outcome: 'invalid',
                    code: 'NO_REGISTRY',
                    message: RED._('mcpb-command.errors.no-registry'),
                };
            }
            if (typeof input.device !== 'string' || typeof input.actuator !== 'string') {
                return {
                    outcome: 'invalid',
                    code: 'MISSING_TARGET',
                    message: RED._('mcpb-command.errors.missing-target'),
                };
            }
            this.status({ fill: 'blue', shape: 'ring', text: 'mcpb-command.status.waiting' });
            return registryNode.requests.command(input.device, input.actuator, input, {
                via: 'flow',
                node_id: this.id,
            });
        };

        this.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
            run(msg)
                .catch((e: unknown): CommandOutcome => ({
                    outcome: 'invalid',
                    code: 'BAD_INPUT',
                    message: (e as Error).message,
                }))
                .then((outcome) => {
                    msg.payload = outcome;
                    msg.outcome = outcome.outcome;
                    const ok = outcome.outcome === 'applied' || outcome.outcome === 'planned';
                    if (!ok) msg.reason = reasonOf(outcome);
                    this.status({
                        fill: ok
                            ? 'green'
                            : outcome.outcome === 'rejected' || outcome.outcome === 'invalid'
                              ? 'red'
                              : 'yellow',
                        shape: 'dot',
                        text: `mcpb-command.status.${outcome.outcome}`,
                    });
                    send(ok ? [msg, null] : [null, msg]);
                    done();
                });
        });
    }

    RED.nodes.registerType('mcpb-command', CommandNode);
};
