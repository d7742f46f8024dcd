/**
 * mcpb-device-sidebar: the editor's "Devices" sidebar tab. The runtime half
 * only registers the plugin; the tab itself (device-sidebar.html) reads the
 * registry HTTP API that mcpb-registry serves (docs/registry-api.md).
 */

/** The plugin part of Node-RED's runtime API (not in node-red-types: only this file uses it). */
interface PluginAPI {
    plugins: { registerPlugin(id: string, definition: object): void };
}

const PLUGIN_ID = 'mcpb-device-sidebar';

export = function (RED: PluginAPI) {
    RED.plugins.registerPlugin(PLUGIN_ID, {});
};
