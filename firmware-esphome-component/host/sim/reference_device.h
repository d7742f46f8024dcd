// The 32-entity reference device: what a well-equipped ESPHome room controller declares
// (BME280, power monitor, contacts, relays, dimmable lights, numbers, selects, buttons),
// described the way the glue describes ESPHome entities (key = slug of the name,
// description = the name, units, accuracy_decimals, device/state classes, traits).
// The capabilities-size test and `mcpb-device --profile reference32` both use it.
#pragma once

#include "core_bridge.h"

namespace mcp_bridge {

constexpr size_t REFERENCE_ENTITY_COUNT = 32;

/** Declares the reference device's 16 sensors and 16 actuators on `core`. */
void declare_reference_device(BridgeCore &core);

constexpr size_t LARGE_ENTITY_COUNT = 64;

/**
 * A device too big for one 4 KB capabilities message: 32 sensors and 32 actuators (climate
 * controls, covers, relays), every id 32 characters long. `mcpb-device --profile large64`.
 */
void declare_large_device(BridgeCore &core);

}  // namespace mcp_bridge
