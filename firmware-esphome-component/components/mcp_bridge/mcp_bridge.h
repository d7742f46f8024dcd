// ESPHome glue of the mcp_bridge component: walks the device's entities, describes them
// to the portable core (core_*.h), feeds it their state changes and the MQTT messages of
// ESPHome's own mqtt: client, and carries validated commands back to the entities.
// Every ESPHome-version-dependent call lives in mcp_bridge.cpp, guarded by ESPHOME_VERSION_CODE.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "esphome/core/component.h"
#include "esphome/core/defines.h"

#include "core_bridge.h"

#ifdef USE_TIME
#include "esphome/components/time/real_time_clock.h"
#endif

namespace esphome {
namespace mcp_bridge {

namespace core = ::mcp_bridge;

class McpBridge : public Component {
 public:
  void set_device_id(const std::string &id) { info_.device_id = id; }
  void set_topic_root(const std::string &root) { info_.topic_root = root; }
  void set_firmware_version(const std::string &version) { info_.firmware_version = version; }
  void set_location(const std::string &location) { info_.location = location; }
  void set_publish_interval(uint32_t ms) { settings_.publish_interval_ms = ms; }
  void set_metrics_interval(uint32_t ms) { settings_.metrics_interval_ms = ms; }
  void set_batch(bool batch) { settings_.batch = batch; }
  void set_error_qos(uint8_t qos) { settings_.error_qos = qos; }
  void add_exclude(const std::string &key) { excluded_.push_back(key); }
  void add_confirm(const std::string &key) { confirmed_.push_back(key); }
#ifdef USE_TIME
  void set_time(time::RealTimeClock *clock) { clock_ = clock; }
#endif

  float get_setup_priority() const override { return setup_priority::AFTER_CONNECTION; }
  void setup() override;
  void loop() override;
  void dump_config() override;

  /** Glue-side ports of the core; public so that the adapters in mcp_bridge.cpp can reach the bridge. */
  class Ports;

 protected:
  bool excluded(const std::string &key) const;
  bool needs_confirmation(const std::string &key) const;
  void register_sensors();
  void register_actuators();

  core::DeviceInfo info_;
  core::BridgeSettings settings_;
  std::vector<std::string> excluded_;
  std::vector<std::string> confirmed_;
  std::unique_ptr<Ports> ports_;
  std::unique_ptr<core::BridgeCore> core_;
#ifdef USE_TIME
  time::RealTimeClock *clock_{nullptr};
#endif
};

}  // namespace mcp_bridge
}  // namespace esphome
