// ESPHome glue of the mcp_bridge component: walks the device's entities, describes them
// to the portable core (core_*.h), feeds it their state changes and the MQTT messages of
// ESPHome's own mqtt: client, and carries validated commands back to the entities through
// ESPHome's own call API. Every ESPHome-version-dependent call lives in mcp_bridge.cpp,
// guarded by ESPHOME_VERSION_CODE. Written in C++11 (ESPHome 2024.x ESP-IDF builds use gnu++11).
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

struct ActuatorEntity;  // an actuator key's entity and control (mcp_bridge.cpp)
struct StateNotifier;   // a state callback that re-reads actuators (mcp_bridge.cpp)

class McpBridge : public Component {
 public:
  McpBridge();
  ~McpBridge() override;  // defined where Ports is complete
  void set_device_id(const std::string &id) { this->info_.device_id = id; }
  void set_topic_root(const std::string &root) { this->info_.topic_root = root; }
  void set_firmware_version(const std::string &version) { this->info_.firmware_version = version; }
  void set_location(const std::string &location) { this->info_.location = location; }
  void set_publish_interval(uint32_t ms) { this->settings_.publish_interval_ms = ms; }
  void set_metrics_interval(uint32_t ms) { this->settings_.metrics_interval_ms = ms; }
  void set_batch(bool batch) { this->settings_.batch = batch; }
  void set_error_qos(uint8_t qos) { this->settings_.error_qos = qos; }
  /** Free heap below this raises a `low_heap` error (severity 2) and makes the memory diagnostic warn. */
  void set_low_heap_threshold(uint32_t bytes) { this->settings_.low_heap_bytes = bytes; }
  /** Free heap below this: severity 3 and a failing memory diagnostic (0: half the low threshold). */
  void set_critical_heap_threshold(uint32_t bytes) { this->settings_.critical_heap_bytes = bytes; }
  /** Keep runtime configuration (config/set) in ESPHome preferences across reboots. */
  void set_restore_config(bool restore) { this->restore_config_ = restore; }
  void add_exclude(const std::string &key) { this->excluded_.push_back(key); }
  void add_confirm(const std::string &key) { this->confirmed_.push_back(key); }
  /**
   * Leases and the loop guard of the actuator `key` (YAML `actuators:`): max lease in seconds (0:
   * none), the safe state as JSON text ("" for the state before the lease), minimum interval
   * between state changes (enforced here, RATE_LIMITED), and what the server enforces: commands
   * per minute, flap limit (reversals within a window in seconds). Applied once the entities are
   * registered, before the first capabilities.
   */
  void add_guard(const std::string &key, float max_lease_s, const std::string &safe_state_json,
                 uint32_t min_interval_ms, uint32_t max_commands_per_min, uint32_t max_reversals,
                 uint32_t flap_window_s);
#ifdef USE_TIME
  void set_time(time::RealTimeClock *clock) { this->clock_ = clock; }
#endif

  float get_setup_priority() const override { return setup_priority::AFTER_CONNECTION; }
  void setup() override;
  void loop() override;
  void dump_config() override;

  /** The core, for tests and lambdas; nullptr before setup(). */
  core::BridgeCore *bridge_core() { return this->core_.get(); }

  /** Glue-side ports of the core; public so that the adapters in mcp_bridge.cpp can reach the bridge. */
  class Ports;
  /** Re-reads and publishes the state of these actuators (one ESPHome entity's controls). */
  void publish_states(const std::vector<std::string> &keys);

 protected:
  bool excluded_key_(const std::string &key) const;
  bool needs_confirmation_(const std::string &key) const;
  void register_sensors_();
  /** The key of a new entity; "" when the entity is internal or excluded. */
  template<typename Entity> std::string entity_key_(Entity *entity) const;
  /**
   * Adds a string sensor (text sensor, event) unless the entity is internal
   * or excluded; returns its key, or "" when it was not added.
   */
  template<typename Entity>
  std::string add_text_sensor_(Entity *entity, const char *kind, const char *format, std::vector<std::string> options);
  /** An actuator of `key`, confirmed when the YAML says so. */
  core::ActuatorDesc describe_(const std::string &key, const std::string &name, core::ValueType type,
                               std::vector<std::string> actions) const;
  /** Adds the actuator and binds its key to `binding`; false when the core refused it. */
  bool add_bound_(const core::ActuatorDesc &desc, const ActuatorEntity &binding);
  /** Adds one more control of an entity (its key made unique) whose state `notifier` re-reads. */
  void add_control_(core::ActuatorDesc desc, const ActuatorEntity &binding, StateNotifier &notifier);
  void register_actuators_();
  void register_climates_();
  void register_covers_();
  void register_fans_();
  void register_locks_();
  void register_valves_();
  void register_texts_();
  /** A date, time or datetime entity: a string actuator with its ISO 8601 `format`, set through its call. */
  template<typename Entity>
  void add_datetime_(Entity *entity, const ActuatorEntity &binding, const char *kind, const char *format);
  void register_datetimes_();

  core::DeviceInfo info_;
  core::BridgeSettings settings_;
  bool restore_config_{true};
  std::vector<std::string> excluded_;
  std::vector<std::string> confirmed_;
  struct GuardConfig {
    std::string key;
    core::ActuatorGuard guard;
  };
  std::vector<GuardConfig> guards_;
  void apply_guards_();
  std::unique_ptr<Ports> ports_;
  std::unique_ptr<core::ConfigStore> store_;
  std::unique_ptr<core::BridgeCore> core_;
#ifdef USE_TIME
  time::RealTimeClock *clock_{nullptr};
#endif
};

}  // namespace mcp_bridge
}  // namespace esphome
