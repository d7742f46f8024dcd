import assert from 'node:assert/strict';
import { sharedServices } from '../support/services';

async function influxQuery(base: string, q: string, db?: string): Promise<unknown> {
    const params = new URLSearchParams({ q, epoch: 's' });
    if (db) params.set('db', db);
    const res = await fetch(`${base}/query`, { method: 'POST', body: params });
    assert.equal(res.status, 200, await res.clone().text());
    return res.json();
}

describe('test bed: private InfluxDB 1.x and VictoriaMetrics', () => {
    it('InfluxDB answers /ping with 204 on a loopback port', async () => {
        const { influxUrl } = sharedServices();
        assert.match(influxUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
        const res = await fetch(`${influxUrl}/ping`);
        assert.equal(res.status, 204);
    });

    it('InfluxDB stores a line-protocol write and returns it through InfluxQL', async () => {
        const { influxUrl } = sharedServices();
        const db = `smoke_${Date.now()}`;
        await influxQuery(influxUrl, `CREATE DATABASE "${db}"`);
        const body = 'sensor_data,device_id=esp32_a,sensor=temperature value=23.5,quality=100 1704067200';
        const write = await fetch(`${influxUrl}/write?db=${db}&precision=s`, { method: 'POST', body });
        assert.equal(write.status, 204, await write.text());
        const result = (await influxQuery(
            influxUrl,
            `SELECT "value","quality" FROM "sensor_data" WHERE "device_id"='esp32_a'`,
            db,
        )) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] };
        const series = result.results[0].series?.[0];
        assert.ok(series, JSON.stringify(result));
        assert.deepEqual(series.columns, ['time', 'value', 'quality']);
        assert.deepEqual(series.values, [[1704067200, 23.5, 100]]);
        await influxQuery(influxUrl, `DROP DATABASE "${db}"`);
    });

    it('VictoriaMetrics accepts the InfluxDB v2 write API and serves the point back', async () => {
        const { victoriaUrl } = sharedServices();
        const tag = `smoke${Date.now()}`;
        const write = await fetch(`${victoriaUrl}/api/v2/write?org=o&bucket=b&precision=s`, {
            method: 'POST',
            body: `sensor_data,device_id=${tag},sensor=t value=7 ${Math.floor(Date.now() / 1000)}`,
        });
        assert.equal(write.status, 204, await write.text());
        // VictoriaMetrics makes new points searchable after an explicit flush.
        await fetch(`${victoriaUrl}/internal/force_flush`);
        const res = await fetch(
            `${victoriaUrl}/api/v1/export?match[]=${encodeURIComponent(`{device_id="${tag}"}`)}`,
        );
        const text = await res.text();
        assert.match(text, /"__name__":"sensor_data_value"/);
        assert.match(text, /"values":\[7\]/);
    });
});
