/**
 * mcpb-route: sends normalised device messages to outputs by kind, device,
 * sensor or actuator, like the core switch node.
 */
import type { DoneFunction, Node, NodeAPI, NodeDef, NodeMessage, SendFunction } from './lib/node-red-types';
import { compileRoutes, firstInvalidRule, type RouteRule } from './lib/route-rules';

interface RouteDef extends NodeDef {
    rules?: unknown[];
    checkall?: string | boolean;
}

export = function (RED: NodeAPI) {
    function RouteNode(this: Node, def: RouteDef) {
        RED.nodes.createNode(this, def);
        const saved = Array.isArray(def.rules) ? def.rules : [];
        // Like core's switch node: a bad rule makes the node invalid instead of being dropped,
        // which would shift every later rule to another output port.
        const bad = firstInvalidRule(saved);
        if (bad >= 0) {
            const problem = RED._('mcpb-route.errors.invalid-rule', { n: bad + 1 });
            this.error(problem);
            this.status({ fill: 'red', shape: 'ring', text: 'mcpb-route.status.invalid' });
            // Every message is reported (a Catch node sees it), none is routed.
            this.on('input', (_msg: NodeMessage, _send: SendFunction, done: DoneFunction) =>
                done(new Error(problem)),
            );
            return;
        }
        const rules = saved as RouteRule[];
        const firstMatchOnly = def.checkall === false || def.checkall === 'false';
        const route = compileRoutes(rules, firstMatchOnly);
        if (rules.length === 0)
            this.status({ fill: 'yellow', shape: 'ring', text: 'mcpb-route.status.no-rules' });

        this.on('input', (msg: NodeMessage, send: SendFunction, done: DoneFunction) => {
            const ports = route(msg);
            if (ports.length > 0) {
                const out: (NodeMessage | null)[] = new Array<NodeMessage | null>(rules.length).fill(null);
                for (const p of ports) out[p] = msg;
                send(out);
            }
            done();
        });
    }

    RED.nodes.registerType('mcpb-route', RouteNode);
};
