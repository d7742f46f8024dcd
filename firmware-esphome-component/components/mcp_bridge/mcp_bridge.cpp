#include "mcp_bridge.h"

#include <cmath>
#include <map>

#include "esphome/core/application.h"
#include "esphome/core/hal.h"
#include "esphome/core/log.h"
#include "esphome/core/version.h"

#ifdef USE_MQTT
#include "esphome/components/mqtt/mqtt_client.h"
#endif
#ifdef USE_WIFI
#include "esphome/components/wifi/wifi_component.h"
#endif
#ifdef USE_ESP32
#include <esp_heap_caps.h>
#include <esp_system.h>
#endif

namespace esphome {
namespace mcp_bridge {

static const char *const TAG = "mcp_bridge";

// ------------------------------------------------------------------ version shims (the only ones)

template<typename T> static std::string entity_name(T *entity) {
  // const std::string& before 2025.x, StringRef after: both have c_str().
  return std::string(entity->get_name().c_str());
}

#ifdef USE_SENSOR
static std::string sensor_unit(sensor::Sensor *s) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2026, 3, 0)
  return std::string(s->get_unit_of_measurement_ref().c_str());
#else
  return s->get_unit_of_measurement();
#endif
}

static std::string sensor_device_class(sensor::Sensor *s) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2026, 3, 0)
  (void) s;
  return {};  // only reachable through get_device_class_to(buffer) now; optional metadata
#else
  return s->get_device_class();
#endif
}
#endif

// ------------------------------------------------------------------ ports

/** What an actuator key stands for. */
struct ActuatorEntity {
  enum class Kind : uint8_t { SWITCH, BUTTON, NUMBER, SELECT, LIGHT } kind;
  void *entity;
};

class McpBridge::Ports : public core::Transport, public core::ActuatorSink, public core::Platform {
 public:
  explicit Ports(McpBridge *bridge) : bridge_(bridge) {}
  std::map<std::string, ActuatorEntity> actuators;

  // Transport: ESPHome's mqtt client. publish() fails (returns false) while disconnected.
  bool connected() const override {
#ifdef USE_MQTT
    return mqtt::global_mqtt_client != nullptr && mqtt::global_mqtt_client->is_connected();
#else
    return false;
#endif
  }
  bool publish(const std::string &topic, const std::string &payload, uint8_t qos, bool retain) override {
#ifdef USE_MQTT
    return mqtt::global_mqtt_client->publish(topic, payload, qos, retain);
#else
    (void) topic, (void) payload, (void) qos, (void) retain;
    return false;
#endif
  }

  // ActuatorSink: ESPHome entities; their state callbacks fire during the call.
  core::ApplyResult apply(const core::ActuatorDesc &desc, const core::Command &command) override;
  core::Value state(const core::ActuatorDesc &desc) override;

  // Platform
  uint32_t millis() override { return esphome::millis(); }
  double unix_time() override {
#ifdef USE_TIME
    if (bridge_->clock_ != nullptr) {
      const auto now = bridge_->clock_->now();
      if (now.is_valid())
        return static_cast<double>(now.timestamp);
    }
#endif
    return 0;
  }
  uint32_t free_heap() override {
#ifdef USE_ESP32
    return heap_caps_get_free_size(MALLOC_CAP_INTERNAL);
#else
    return 0;
#endif
  }
  uint32_t min_free_heap() override {
#ifdef USE_ESP32
    return heap_caps_get_minimum_free_size(MALLOC_CAP_INTERNAL);
#else
    return 0;
#endif
  }
  bool rssi(float &dbm) override {
#ifdef USE_WIFI
    if (wifi::global_wifi_component != nullptr && wifi::global_wifi_component->is_connected()) {
      dbm = wifi::global_wifi_component->wifi_rssi();
      return true;
    }
#endif
    (void) dbm;
    return false;
  }
  std::string reset_reason() override {
#ifdef USE_ESP32
    return std::to_string(static_cast<int>(esp_reset_reason()));
#else
    return {};
#endif
  }

 private:
  McpBridge *bridge_;
};

core::ApplyResult McpBridge::Ports::apply(const core::ActuatorDesc &desc, const core::Command &command) {
  const auto found = actuators.find(desc.key);
  if (found == actuators.end())
    return core::ApplyResult::refused("actuator is not bound to an entity");
  const std::string &action = command.action;
  (void) action;  // unused when the YAML has neither switches nor lights
  switch (found->second.kind) {
#ifdef USE_SWITCH
    case ActuatorEntity::Kind::SWITCH: {
      auto *sw = static_cast<switch_::Switch *>(found->second.entity);
      if (action == "on")
        sw->turn_on();
      else if (action == "off")
        sw->turn_off();
      else
        sw->toggle();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_BUTTON
    case ActuatorEntity::Kind::BUTTON:
      static_cast<button::Button *>(found->second.entity)->press();
      return core::ApplyResult::ok();
#endif
#ifdef USE_NUMBER
    case ActuatorEntity::Kind::NUMBER: {
      auto call = static_cast<number::Number *>(found->second.entity)->make_call();
      call.set_value(static_cast<float>(command.value.number));
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_SELECT
    case ActuatorEntity::Kind::SELECT: {
      auto call = static_cast<select::Select *>(found->second.entity)->make_call();
      call.set_option(command.value.text);
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_LIGHT
    case ActuatorEntity::Kind::LIGHT: {
      auto *light = static_cast<light::LightState *>(found->second.entity);
      if (action == "on")
        light->turn_on().perform();
      else if (action == "off")
        light->turn_off().perform();
      else if (action == "toggle")
        light->toggle().perform();
      else {
        auto call = light->make_call();
        const float level = static_cast<float>(command.value.number) / 100.0f;
        call.set_state(level > 0.0f);
        if (level > 0.0f)
          call.set_brightness(level);
        call.perform();
      }
      return core::ApplyResult::ok();
    }
#endif
    default:
      return core::ApplyResult::refused("entity type not supported in this build");
  }
}

core::Value McpBridge::Ports::state(const core::ActuatorDesc &desc) {
  const auto found = actuators.find(desc.key);
  if (found == actuators.end())
    return core::Value::null();
  switch (found->second.kind) {
#ifdef USE_SWITCH
    case ActuatorEntity::Kind::SWITCH:
      return core::Value::of(static_cast<switch_::Switch *>(found->second.entity)->state);
#endif
#ifdef USE_NUMBER
    case ActuatorEntity::Kind::NUMBER: {
      const float v = static_cast<number::Number *>(found->second.entity)->state;
      return std::isfinite(v) ? core::Value::of(static_cast<double>(v)) : core::Value::null();
    }
#endif
#ifdef USE_SELECT
    case ActuatorEntity::Kind::SELECT:
      return core::Value::of(std::string(static_cast<select::Select *>(found->second.entity)->state));
#endif
#ifdef USE_LIGHT
    case ActuatorEntity::Kind::LIGHT: {
      auto *light = static_cast<light::LightState *>(found->second.entity);
      if (desc.value_type == core::ValueType::BOOLEAN)
        return core::Value::of(light->remote_values.is_on());
      const float level = light->remote_values.is_on() ? light->remote_values.get_brightness() : 0.0f;
      return core::Value::of(std::round(static_cast<double>(level) * 100.0));
    }
#endif
    default:
      return core::Value::null();  // buttons have no state
  }
}

// ------------------------------------------------------------------ component

bool McpBridge::excluded(const std::string &key) const {
  for (const auto &k : excluded_)
    if (k == key)
      return true;
  return false;
}

bool McpBridge::needs_confirmation(const std::string &key) const {
  for (const auto &k : confirmed_)
    if (k == key)
      return true;
  return false;
}

void McpBridge::setup() {
  if (info_.name.empty())
    info_.name = std::string(App.get_friendly_name().c_str());
#ifdef USE_ESP32
  info_.platform = "esp32";
#elif defined(USE_ESP8266)
  info_.platform = "esp8266";
#endif
  ports_.reset(new Ports(this));
  core_.reset(new core::BridgeCore(info_, settings_, *ports_, *ports_, *ports_));
  register_sensors();
  register_actuators();
#ifdef USE_MQTT
  // One subscription per topic (the actuators' is a wildcard); ESPHome renews them on reconnect.
  for (const auto &topic : core_->subscriptions()) {
    mqtt::global_mqtt_client->subscribe(
        topic, [this](const std::string &t, const std::string &payload) { core_->on_message(t, payload.data(), payload.size()); },
        1);
  }
#else
  ESP_LOGE(TAG, "mcp_bridge needs the mqtt: component");
  mark_failed();
#endif
}

void McpBridge::register_sensors() {
#ifdef USE_SENSOR
  for (auto *s : App.get_sensors()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(s)));
    if (s->is_internal() || excluded(key))
      continue;
    core::SensorDesc desc;
    desc.key = key;
    desc.description = entity_name(s);
    desc.unit = sensor_unit(s);
    desc.device_class = sensor_device_class(s);
    desc.accuracy_decimals = s->get_accuracy_decimals();
    if (core_->add_sensor(desc))
      s->add_on_state_callback([this, key](float value) { core_->on_sensor(key, value); });
  }
#endif
#ifdef USE_BINARY_SENSOR
  for (auto *b : App.get_binary_sensors()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(b)));
    if (b->is_internal() || excluded(key))
      continue;
    core::SensorDesc desc;
    desc.key = key;
    desc.description = entity_name(b);
    desc.binary = true;
    if (core_->add_sensor(desc))
      b->add_on_state_callback([this, key](bool value) { core_->on_binary_sensor(key, value); });
  }
#endif
}

void McpBridge::register_actuators() {
  auto describe = [this](const std::string &key, const std::string &name, core::ValueType type,
                         std::vector<std::string> actions) {
    core::ActuatorDesc desc;
    desc.key = key;
    desc.description = name;
    desc.value_type = type;
    desc.actions = std::move(actions);
    desc.requires_confirmation = needs_confirmation(key);
    return desc;
  };
  (void) describe;  // unused when the YAML declares no actuator domain
#ifdef USE_SWITCH
  for (auto *sw : App.get_switches()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(sw)));
    if (sw->is_internal() || excluded(key))
      continue;
    if (!core_->add_actuator(describe(key, entity_name(sw), core::ValueType::BOOLEAN, {"on", "off", "toggle"})))
      continue;
    ports_->actuators[key] = {ActuatorEntity::Kind::SWITCH, sw};
    // Change-only callback: commanding the current state fires nothing; the answer reads state().
    sw->add_on_state_callback([this, key](bool on) { core_->on_actuator_state(key, core::Value::of(on)); });
  }
#endif
#ifdef USE_BUTTON
  for (auto *b : App.get_buttons()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(b)));
    if (b->is_internal() || excluded(key))
      continue;
    if (core_->add_actuator(describe(key, entity_name(b), core::ValueType::NONE, {"press"})))
      ports_->actuators[key] = {ActuatorEntity::Kind::BUTTON, b};
  }
#endif
#ifdef USE_NUMBER
  for (auto *n : App.get_numbers()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(n)));
    if (n->is_internal() || excluded(key))
      continue;
    core::ActuatorDesc desc = describe(key, entity_name(n), core::ValueType::NUMBER, {"set"});
    desc.has_min = desc.has_max = true;
    desc.min = n->traits.get_min_value();
    desc.max = n->traits.get_max_value();
    desc.step = n->traits.get_step();
    if (!core_->add_actuator(desc))
      continue;
    ports_->actuators[key] = {ActuatorEntity::Kind::NUMBER, n};
    n->add_on_state_callback([this, key](float v) {
      core_->on_actuator_state(key, std::isfinite(v) ? core::Value::of(static_cast<double>(v)) : core::Value::null());
    });
  }
#endif
#ifdef USE_SELECT
  for (auto *sel : App.get_selects()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(sel)));
    if (sel->is_internal() || excluded(key))
      continue;
    core::ActuatorDesc desc = describe(key, entity_name(sel), core::ValueType::ENUM, {"set"});
    for (const auto &option : sel->traits.get_options())
      desc.options.emplace_back(option);
    if (!core_->add_actuator(desc))
      continue;
    ports_->actuators[key] = {ActuatorEntity::Kind::SELECT, sel};
    sel->add_on_state_callback(
        [this, key](const std::string &value, size_t) { core_->on_actuator_state(key, core::Value::of(value)); });
  }
#endif
#ifdef USE_LIGHT
  for (auto *light : App.get_lights()) {
    const std::string key = core_->unique_key(core::slugify(entity_name(light)));
    if (light->is_internal() || excluded(key))
      continue;
    const bool dimmable = light->get_traits().supports_color_capability(light::ColorCapability::BRIGHTNESS);
    core::ActuatorDesc desc = dimmable
                                  ? describe(key, entity_name(light), core::ValueType::NUMBER, {"on", "off", "toggle", "set"})
                                  : describe(key, entity_name(light), core::ValueType::BOOLEAN, {"on", "off", "toggle"});
    if (dimmable) {
      desc.has_min = desc.has_max = true;
      desc.max = 100;
      desc.step = 1;
      desc.unit = "%";
    }
    if (!core_->add_actuator(desc))
      continue;
    ports_->actuators[key] = {ActuatorEntity::Kind::LIGHT, light};
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 12, 0)
    // 2025.12 replaced the callback with a listener interface (esphome#12166).
    struct Listener : public light::LightRemoteValuesListener {
      McpBridge *bridge;
      core::ActuatorDesc desc;
      void on_light_remote_values_update() override {
        bridge->core_->on_actuator_state(desc.key, bridge->ports_->state(desc));
      }
    };
    auto *listener = new Listener();  // lives as long as the device: entities are never removed
    listener->bridge = this;
    listener->desc = desc;
    light->add_remote_values_listener(listener);
#else
    light->add_new_remote_values_callback([this, desc]() { core_->on_actuator_state(desc.key, ports_->state(desc)); });
#endif
  }
#endif
}

void McpBridge::loop() { core_->loop(); }

void McpBridge::dump_config() {
  ESP_LOGCONFIG(TAG, "MCP bridge:");
  ESP_LOGCONFIG(TAG, "  Topics: %s/...", core_->topics().base().c_str());
  ESP_LOGCONFIG(TAG, "  Sensors: %u, actuators: %u", static_cast<unsigned>(core_->sensors().size()),
                static_cast<unsigned>(core_->actuators().size()));
  // uint32_t is unsigned long on ESP-IDF 5 and unsigned int elsewhere: cast for %u.
  ESP_LOGCONFIG(TAG, "  Publish interval: %u ms (%s), metrics every %u ms",
                static_cast<unsigned>(settings_.publish_interval_ms),
                settings_.batch ? "batched" : "one message per sensor",
                static_cast<unsigned>(settings_.metrics_interval_ms));
}

}  // namespace mcp_bridge
}  // namespace esphome
