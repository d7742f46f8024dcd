#include "simulated_device.h"

#include <malloc.h>

#include "reference_device.h"

namespace mcp_bridge {

void SimulatedEntities::declare(BridgeCore &core, int extra_sensors) {
  core_ = &core;
  SensorDesc temperature;
  temperature.key = "temperature";
  temperature.description = "Temperature";
  temperature.unit = "°C";
  temperature.device_class = "temperature";
  temperature.state_class = "measurement";
  temperature.accuracy_decimals = 1;
  core.add_sensor(temperature);
  SensorDesc humidity;
  humidity.key = "humidity";
  humidity.description = "Humidity";
  humidity.unit = "%";
  humidity.accuracy_decimals = 0;
  core.add_sensor(humidity);
  SensorDesc motion;
  motion.key = "motion";
  motion.description = "Motion";
  motion.binary = true;
  motion.device_class = "motion";
  core.add_sensor(motion);
  for (int i = 0; i < extra_sensors; i++) {
    SensorDesc extra;
    extra.key = "s" + std::to_string(i);
    extra.accuracy_decimals = 2;
    core.add_sensor(extra);
  }

  ActuatorDesc led;  // an ESPHome switch
  led.key = "led";
  led.description = "Status LED";
  led.actions = {"on", "off", "toggle"};
  led.guard.max_lease_s = 3600;  // leases revert to the state before them
  core.add_actuator(led);
  ActuatorDesc dimmer;  // a dimmable light: brightness in percent
  dimmer.key = "dimmer";
  dimmer.description = "Ceiling light";
  dimmer.value_type = ValueType::NUMBER;
  dimmer.actions = {"on", "off", "toggle", "set"};
  dimmer.has_min = dimmer.has_max = true;
  dimmer.max = 100;
  dimmer.step = 1;
  dimmer.unit = "%";
  dimmer.guard.max_lease_s = 3600;
  dimmer.guard.safe_state = Value::of(0.0);  // a lease always ends dark
  core.add_actuator(dimmer);
  ActuatorDesc mode;  // a select
  mode.key = "mode";
  mode.value_type = ValueType::ENUM;
  mode.actions = {"set"};
  mode.options = {"eco", "comfort", "boost"};
  core.add_actuator(mode);
  ActuatorDesc restart;  // a button
  restart.key = "restart";
  restart.value_type = ValueType::NONE;
  restart.actions = {"press"};
  core.add_actuator(restart);
  ActuatorDesc door;  // a switch a user must confirm
  door.key = "door";
  door.actions = {"on", "off"};
  door.requires_confirmation = true;
  door.guard.min_interval_ms = 2000;  // the motor needs 2 s between movements (device-enforced)
  door.guard.max_commands_per_min = 10;
  door.guard.max_reversals = 4;
  door.guard.flap_window_s = 60;
  core.add_actuator(door);

  states_ = {{"led", Value::of(false)},
             {"dimmer", Value::of(0.0)},
             {"mode", Value::of(std::string("eco"))},
             {"restart", Value::null()},
             {"door", Value::of(false)}};
}

void SimulatedEntities::declare_reference(BridgeCore &core, void (*declare)(BridgeCore &)) {
  core_ = &core;
  declare(core);
  for (const auto &a : core.actuators()) {
    Value initial = Value::null();
    if (a.value_type == ValueType::BOOLEAN)
      initial = Value::of(false);
    else if (a.value_type == ValueType::NUMBER)
      initial = Value::of(a.has_min ? a.min : 0.0);
    else if (a.value_type == ValueType::ENUM && !a.options.empty())
      initial = Value::of(a.options.front());
    states_[a.key] = initial;
  }
}

ApplyResult SimulatedEntities::apply(const ActuatorDesc &actuator, const Command &command) {
  Value &state = states_[actuator.key];
  const std::string &action = command.action;
  if (actuator.value_type == ValueType::NUMBER && actuator.supports("on")) {  // a dimmable light
    const bool lit = state.number > 0;
    if (action == "on" || (action == "toggle" && !lit))
      state = Value::of(100.0);
    else if (action == "off" || action == "toggle")
      state = Value::of(0.0);
    else
      state = command.value;
  } else if (action == "on" || action == "off") {
    state = Value::of(action == "on");
  } else if (action == "toggle") {
    state = Value::of(!state.boolean);
  } else if (action == "set") {
    state = command.value;
  } else if (action != "press") {
    return ApplyResult::refused("simulator has no handler for \"" + action + "\"");
  }
  if (action != "press")
    core_->on_actuator_state(actuator.key, state);
  return ApplyResult::ok();
}

Value SimulatedEntities::state(const ActuatorDesc &actuator) {
  auto it = states_.find(actuator.key);
  return it == states_.end() ? Value::null() : it->second;
}

void SimulatedEntities::set_state(const std::string &key, const Value &value) {
  states_[key] = value;
  core_->on_actuator_state(key, value);
}

uint32_t HostPlatform::millis() {
  return static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_).count());
}

double HostPlatform::unix_time() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

uint32_t HostPlatform::free_heap() {
  // Free bytes inside the allocator's arena: the nearest host analogue of the ESP heap figure.
  const struct mallinfo2 info = mallinfo2();
  const uint32_t free_bytes = static_cast<uint32_t>(info.fordblks > 0xFFFFFFFFu ? 0xFFFFFFFFu : info.fordblks);
  if (min_free_ == 0 || free_bytes < min_free_)
    min_free_ = free_bytes;
  return free_bytes;
}

}  // namespace mcp_bridge
