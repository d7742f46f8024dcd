/**
 * The shipped examples (examples/*.json) and what they need besides this pack
 * and Node-RED: flows-valid_spec.ts imports those that need nothing else, and
 * dashboard-example_spec.ts those that need FlowFuse Dashboard 2 (ui-* nodes),
 * in an editor that has it. Any other foreign node type fails here, so no
 * example goes unchecked.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

export interface ShippedExample {
    /** The menu label: the file name without .json. */
    name: string;
    needsDashboard: boolean;
}

/** Node types of Node-RED's core nodes that the examples use. */
const CORE_TYPES = new Set([
    'tab',
    'comment',
    'inject',
    'debug',
    'function',
    'change',
    'switch',
    'catch',
    'status',
    'link in',
    'link out',
    'mqtt in',
    'mqtt out',
    'mqtt-broker',
]);

export function shippedExamples(): ShippedExample[] {
    const dir = path.join(root, 'examples');
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((file) => {
            const nodes = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { type: string }[];
            const foreign = nodes
                .map((n) => n.type)
                .filter((t) => !t.startsWith('mcpb-') && !CORE_TYPES.has(t));
            const other = foreign.filter((t) => !t.startsWith('ui-'));
            if (other.length)
                throw new Error(`examples/${file} needs node types of another package: ${other.join(', ')}`);
            return { name: file.replace(/\.json$/, ''), needsDashboard: foreign.length > 0 };
        });
}
