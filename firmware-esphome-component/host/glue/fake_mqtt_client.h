// ESPHome's MQTT client for glue_tests: records what the glue publishes and delivers what a
// test sends to the glue's subscriptions, with no broker.
#pragma once

#include <cstdint>
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
}  // namespace fake
