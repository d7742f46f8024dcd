/** The device simulator: single devices, fleets and their default profile. */
export { DeviceConnection } from './connection';
export { SimulatedDevice, type Misbehaviour, type SimulatedDeviceOptions } from './device';
export { Fleet, type FleetOptions } from './fleet';
export { defaultProfile, demoProfile, type DeviceProfile } from './profile';
