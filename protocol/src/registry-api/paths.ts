/** The registry API's routes, under Node-RED's admin root. */

export const REGISTRY_API_ROOT = '/mcp-bridge/registries';

const seg = encodeURIComponent;

/** Paths relative to one registry (`${REGISTRY_API_ROOT}/:rid`). Express patterns use the same names. */
export const registryPaths = {
    devices: () => '/devices',
    device: (device: string) => `/devices/${seg(device)}`,
    sensor: (device: string, sensor: string) => `/devices/${seg(device)}/sensors/${seg(sensor)}`,
    readings: () => '/readings',
    command: (device: string, actuator: string) =>
        `/devices/${seg(device)}/actuators/${seg(actuator)}/commands`,
    config: (device: string) => `/devices/${seg(device)}/config`,
    diagnostics: (device: string) => `/devices/${seg(device)}/diagnostics`,
    alerts: () => '/alerts',
    metrics: () => '/metrics',
    status: () => '/status',
    events: () => '/events',
    commandLog: () => '/commands',
    approvals: () => '/approvals',
    approval: (id: string) => `/approvals/${seg(id)}`,
    confirmationRequirement: (device: string, actuator: string) =>
        `/devices/${seg(device)}/actuators/${seg(actuator)}/confirmation-requirement`,
} as const;

/** The same routes as Express patterns, for the registry's own router. */
export const registryRoutes = {
    devices: registryPaths.devices(),
    device: '/devices/:device',
    sensor: '/devices/:device/sensors/:sensor',
    readings: registryPaths.readings(),
    command: '/devices/:device/actuators/:actuator/commands',
    config: '/devices/:device/config',
    diagnostics: '/devices/:device/diagnostics',
    alerts: registryPaths.alerts(),
    metrics: registryPaths.metrics(),
    status: registryPaths.status(),
    events: registryPaths.events(),
    commandLog: registryPaths.commandLog(),
    approvals: registryPaths.approvals(),
    approval: '/approvals/:approval',
    confirmationRequirement: '/devices/:device/actuators/:actuator/confirmation-requirement',
} as const;
