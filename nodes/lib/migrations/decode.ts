/**
 * mcpb-decode migrations.
 * v2: where traffic comes from and where readings go became explicit choices
 * (`source`, `store`). Version 1 subscribed only when a broker was selected
 * (else it was fed by a wired `mqtt in`) and wrote only to a selected InfluxDB
 * server; new nodes default to the registry's broker and store instead.
 */
import type { Migration } from './index';

export const decodeMigrations: readonly Migration[] = [
    {
        to: 2,
        up: (def) => ({
            ...def,
            source: def.broker ? 'broker' : 'input',
            store: def.influx ? 'server' : 'none',
        }),
    },
];
