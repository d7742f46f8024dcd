/**
 * How far InfluxDB has got with a benchmark's writes, from its own statistics.
 */

/**
 * Points InfluxDB has written into `db`'s shards (/debug/vars, `writePointsOk`). Cheap enough to
 * poll every 50 ms: a count query over 200,000 points costs InfluxDB about 120 ms of CPU, so
 * polling with one keeps it counting instead of writing (on two cores, a load that set much of
 * what the benchmarks used to measure). A benchmark's final figure is still a count query.
 */
export async function influxWritten(url: string, db: string): Promise<number> {
    const vars = (await (await fetch(`${url}/debug/vars`)).json()) as Record<
        string,
        { name?: string; tags?: { database?: string }; values?: { writePointsOk?: number } } | undefined
    >;
    let written = 0;
    for (const stat of Object.values(vars)) {
        if (stat?.name === 'shard' && stat.tags?.database === db) written += stat.values?.writePointsOk ?? 0;
    }
    return written;
}
