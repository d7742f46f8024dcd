/** Resource subscriptions under a policy: only the device list and devices in the client's scope. */
import { isRegistryError } from '../registry-error';
import { DEVICE_LIST_URI } from '../resource-uris';
import type { ToolContext } from '../tool-context';
import { ScopedRegistryClient } from './scoped-registry';

export async function canSubscribe(ctx: ToolContext, uri: string): Promise<boolean> {
    if (uri === DEVICE_LIST_URI) return true;
    const registry = ctx.registry;
    if (!(registry instanceof ScopedRegistryClient)) return true;
    let id: string;
    try {
        id = decodeURIComponent(uri.slice(DEVICE_LIST_URI.length + 1));
    } catch {
        return false;
    }
    const byId = registry.scope.visibleById(id);
    if (byId !== undefined) return byId;
    try {
        await registry.getDevice(id); // location / device_type selectors: the device decides
        return true;
    } catch (e) {
        if (isRegistryError(e) && e.code === 'UNKNOWN_DEVICE') return false;
        throw e;
    }
}
