/**
 * A core `mqtt-broker` config node for a broker URL, as the editor saves one.
 * Shared by the demo flow, the tests and the benchmarks: they all connect
 * through the core broker node, as users' flows do.
 */
export function coreBrokerNode(id: string, mqttUrl: string, name = ''): Record<string, unknown> {
    const url = new URL(mqttUrl);
    return {
        id,
        type: 'mqtt-broker',
        name,
        broker: url.hostname,
        port: url.port || '1883',
        clientid: '',
        autoConnect: true,
        usetls: url.protocol === 'mqtts:',
        protocolVersion: '4',
        keepalive: '60',
        cleansession: true,
        autoUnsubscribe: true,
    };
}
