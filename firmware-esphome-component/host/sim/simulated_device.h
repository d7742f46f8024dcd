// The entities of the simulated device (what a typical ESPHome YAML declares) and the
// host platform (clock, heap). They stand in for ESPHome's switch/light/select/button
// entities, which apply a call and fire their state callback synchronously.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "core_bridge.h"

namespace mcp_bridge {

class SimulatedEntities : public ActuatorSink {
 public:
  /** Declares the sensors and actuators on `core`, plus `extra_sensors` numbered ones (s0, s1, ...). */
  void declare(BridgeCore &core, int extra_sensors);
  /** Declares a profile of reference_device.h (32 or 64 entities) instead. */
  void declare_reference(BridgeCore &core, void (*declare)(BridgeCore &));
  ApplyResult apply(const ActuatorDesc &actuator, const Command &command) override;
  Value state(const ActuatorDesc &actuator) override;
  /** A spontaneous change (someone pressed the wall switch). */
  void set_state(const std::string &key, const Value &value);

 private:
  BridgeCore *core_{nullptr};
  std::map<std::string, Value> states_;
};

class HostPlatform : public Platform {
 public:
  uint32_t millis() override;
  double unix_time() override;
  uint32_t free_heap() override;
  uint32_t min_free_heap() override { return min_free_; }
  std::string reset_reason() override { return "host process start"; }

 private:
  const std::chrono::steady_clock::time_point start_{std::chrono::steady_clock::now()};
  uint32_t min_free_{0};
};

}  // namespace mcp_bridge
