/** The adapter's resource URIs. */
export const DEVICE_LIST_URI = 'iot://devices';
export const DEVICE_URI_TEMPLATE = 'iot://devices/{id}';

export function deviceUri(deviceId: string): string {
    return `${DEVICE_LIST_URI}/${encodeURIComponent(deviceId)}`;
}
