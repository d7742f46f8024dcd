/**
 * Which Node-RED majors run where: 4.1 (`node-red`) on every supported Node,
 * 5.0 (the `node-red-5` alias) from Node 22.9 on (its engines field; the CLI
 * refuses older Node). Shared by the node specs and the benchmarks.
 */
export type NodeRedMajor = 4 | 5;

export function nodeRed5Supported(version: string = process.versions.node): boolean {
    const [major = 0, minor = 0] = version.split('.').map(Number);
    return major > 22 || (major === 22 && minor >= 9);
}

/**
 * The majors asked for in MCPB_NODE_RED (e.g. "4", "5" or "4,5"), else
 * `fallback`; throws on an unknown major or on 5 where this Node cannot run it.
 */
export function nodeRedMajorsFrom(env: string | undefined, fallback: NodeRedMajor[]): NodeRedMajor[] {
    if (!env) return fallback;
    const majors = env.split(',').map((m) => Number(m.trim()));
    for (const m of majors)
        if (m !== 4 && m !== 5) throw new Error(`MCPB_NODE_RED: unknown Node-RED major ${m}`);
    if (majors.includes(5) && !nodeRed5Supported())
        throw new Error(
            `MCPB_NODE_RED asks for Node-RED 5, which needs Node ≥ 22.9 (this is ${process.version})`,
        );
    return majors as NodeRedMajor[];
}

/** The package a major is installed as (package.json: `node-red-5` is an alias of node-red@5). */
export function nodeRedPackage(major: NodeRedMajor): string {
    return major === 4 ? 'node-red' : 'node-red-5';
}
