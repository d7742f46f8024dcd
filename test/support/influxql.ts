/** InfluxQL against the test bed's InfluxDB 1.x, for asserting what the nodes stored. */

/** Runs one statement; rows as objects keyed by column. `epoch` makes times numbers (default: RFC 3339). */
export async function influxql(
    url: string,
    db: string,
    q: string,
    epoch?: 's' | 'ms' | 'u',
): Promise<Record<string, unknown>[]> {
    const params = new URLSearchParams({ db, q });
    if (epoch) params.set('epoch', epoch);
    const res = await fetch(`${url}/query?${params}`, { method: 'POST' });
    const body = (await res.json()) as {
        results: { error?: string; series?: { columns: string[]; values: unknown[][] }[] }[];
    };
    const result = body.results[0];
    if (result.error) throw new Error(result.error);
    return (result.series ?? []).flatMap((s) =>
        s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]]))),
    );
}

/** Points in a measurement (0 while the database or measurement does not exist yet). */
export async function countPoints(url: string, db: string, measurement = 'sensor_data'): Promise<number> {
    const rows = await influxql(url, db, `SELECT count(seq) FROM "${measurement}"`).catch(() => []);
    return rows.length ? (rows[0].count as number) : 0;
}
