#pragma once
// Stand-in (ESPHome 2024.11 signatures): the calls of ESPHome's own MQTT client.
#include <cstdint>
#include <functional>
#include <string>

#include "esphome/core/component.h"

namespace esphome {
namespace mqtt {
using mqtt_callback_t = std::function<void(const std::string &, const std::string &)>;

class MQTTClientComponent : public Component {
 public:
  void subscribe(const std::string &topic, mqtt_callback_t callback, uint8_t qos = 0);
  bool publish(const std::string &topic, const std::string &payload, uint8_t qos = 0, bool retain = false);
  bool is_connected();
};

extern MQTTClientComponent *global_mqtt_client;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace mqtt
}  // namespace esphome
