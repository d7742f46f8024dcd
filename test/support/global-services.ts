/**
 * Mocha global fixtures: one private Mosquitto, InfluxDB 1.x and
 * VictoriaMetrics for the whole run, stopped afterwards even when tests fail.
 * Their URLs reach the tests through sharedServices() (environment variables,
 * so that child processes started by tests can read them too).
 */
import { startInfluxDB, startMosquitto, startVictoriaMetrics, type RunningService } from './services';

const running: RunningService[] = [];

export async function mochaGlobalSetup(): Promise<void> {
    const [mqtt, influx, vm] = await Promise.all([startMosquitto(), startInfluxDB(), startVictoriaMetrics()]);
    running.push(mqtt, influx, vm);
    process.env.MCPB_TEST_MQTT_URL = mqtt.url;
    process.env.MCPB_TEST_INFLUX_URL = influx.url;
    process.env.MCPB_TEST_VM_URL = vm.url;
    console.log(`  test services: mosquitto ${mqtt.url}, influxdb ${influx.url}, victoria-metrics ${vm.url}`);
}

export async function mochaGlobalTeardown(): Promise<void> {
    await Promise.all(running.splice(0).map((s) => s.stop()));
}
