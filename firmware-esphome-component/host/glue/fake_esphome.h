// Definitions behind the 2026.x stand-in headers (App, Component, logging, preferences in
// memory, the ESP-IDF heap figures and the clock a driver sets), shared by glue_tests and
// mcpb-esphome-device. The MQTT client is defined apart: fake_mqtt_client.h records for the
// tests, esphome-device/mosquitto_mqtt_client.cpp carries it over a real broker.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace fake {
extern uint32_t free_heap;
extern uint32_t millis;
/** Preference slots by key, as flash would keep them. */
extern std::map<uint32_t, std::vector<uint8_t>> preferences;
}  // namespace fake
