// Definitions behind the 2026.x stand-in headers for the linked glue test: an MQTT client
// that records what is published and delivers what a test sends, preferences in memory, and
// the ESP-IDF heap figures a test sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fake {
struct Published {
  std::string topic;
  std::string payload;
  uint8_t qos;
  bool retain;
};
extern bool mqtt_connected;
extern std::vector<Published> published;
/** Forgets the subscriptions of an earlier bridge (each test builds a new device). */
void reset();
/** Delivers a message to the subscriptions whose filter matches (+ and # wildcards). */
void deliver(const std::string &topic, const std::string &payload);
extern uint32_t free_heap;
extern uint32_t millis;
/** Preference slots by key, as flash would keep them. */
extern std::map<uint32_t, std::vector<uint8_t>> preferences;
}  // namespace fake
