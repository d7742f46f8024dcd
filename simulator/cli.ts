/**
 * Runs a simulated fleet against a broker until Ctrl-C:
 *   node -r tsx/cjs simulator/cli.ts --mqtt mqtt://127.0.0.1:1883 --devices 100
 */
import { Command } from 'commander';
import { Fleet } from './fleet';

async function main(): Promise<void> {
    const opts = new Command()
        .option('--mqtt <url>', 'broker URL', 'mqtt://127.0.0.1:1883')
        .option('--devices <n>', 'number of devices', (v) => parseInt(v, 10), 5)
        .option('--interval <ms>', 'reading interval', (v) => parseInt(v, 10), 5000)
        .option('--prefix <id>', 'device id prefix', 'sim')
        .option('--batch', 'send sensors/batch messages')
        .parse()
        .opts<{ mqtt: string; devices: number; interval: number; prefix: string; batch?: boolean }>();
    const fleet = new Fleet({
        url: opts.mqtt,
        count: opts.devices,
        prefix: opts.prefix,
        publishIntervalMs: opts.interval,
        batch: opts.batch,
    });
    await fleet.start();
    console.log(
        `${opts.devices} simulated devices on ${opts.mqtt}${fleet.sharesConnections ? ' (shared connections)' : ''}`,
    );
    const stop = () => void fleet.stop().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
});
