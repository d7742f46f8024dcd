#include "mcp_bridge.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <map>
#include <utility>

#include "esphome/core/application.h"
#include "esphome/core/hal.h"
#include "esphome/core/helpers.h"
#include "esphome/core/log.h"
#include "esphome/core/preferences.h"
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
#if defined(USE_SENSOR) && ESPHOME_VERSION_CODE >= VERSION_CODE(2026, 3, 0)
#include <span>
#endif

namespace esphome {
namespace mcp_bridge {

static const char *const TAG = "mcp_bridge";

// ================================================================== version shims (the only ones)
// Every ESPHOME_VERSION_CODE branch of the component is in this section. host/run-tests.sh
// compiles both sides of each: the 2024.11 stand-in headers take the old side, the 2026.x
// stand-ins the new one.

#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 5, 0)
// ESPHome builds as C++17 since 2025.5 (esphome#8603); before, ESP-IDF 4.4 built C++11 and
// esphome/core/helpers.h supplied make_unique.
using std::make_unique;
#endif

template<typename T> static std::string entity_name(T *entity) {
  // const std::string& before 2025.x, StringRef after: both have c_str().
  return std::string(entity->get_name().c_str());
}

#ifdef USE_SENSOR
static std::string sensor_unit(sensor::Sensor *s) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2026, 3, 0)
  // std::string getters deprecated in 2026.3, removed in 2026.9.
  return std::string(s->get_unit_of_measurement_ref().c_str());
#else
  return s->get_unit_of_measurement();
#endif
}

static std::string sensor_device_class(sensor::Sensor *s) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2026, 3, 0)
  char buffer[MAX_DEVICE_CLASS_LENGTH] = {0};
  const char *device_class = s->get_device_class_to(std::span<char, MAX_DEVICE_CLASS_LENGTH>(buffer));
  return device_class != nullptr ? std::string(device_class) : std::string();
#else
  return s->get_device_class();
#endif
}
#endif

// ISO 8601 text of date, time and datetime entities (public year/month/day/hour/minute/second
// references in every ESPHome since 2024.5).
#ifdef USE_DATETIME_DATE
static std::string iso_state(datetime::DateEntity *d) {
  char text[32];
  std::snprintf(text, sizeof text, "%04u-%02u-%02u", static_cast<unsigned>(d->year), static_cast<unsigned>(d->month),
                static_cast<unsigned>(d->day));
  return text;
}
#endif
#ifdef USE_DATETIME_TIME
static std::string iso_state(datetime::TimeEntity *t) {
  char text[32];
  std::snprintf(text, sizeof text, "%02u:%02u:%02u", static_cast<unsigned>(t->hour), static_cast<unsigned>(t->minute),
                static_cast<unsigned>(t->second));
  return text;
}
#endif
#ifdef USE_DATETIME_DATETIME
static std::string iso_state(datetime::DateTimeEntity *dt) {
  char text[48];
  std::snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02u", static_cast<unsigned>(dt->year),
                static_cast<unsigned>(dt->month), static_cast<unsigned>(dt->day), static_cast<unsigned>(dt->hour),
                static_cast<unsigned>(dt->minute), static_cast<unsigned>(dt->second));
  return text;
}
#endif

#ifdef USE_EVENT
// The type last triggered, "" before the first: a public `const std::string *` until 2025.11,
// then get_last_event_type(), a `const char *` (nullptr: none) that later became a StringRef
// (empty: none). event_type_text() takes either.
std::string event_type_text(const char *type) { return type != nullptr ? std::string(type) : std::string(); }
template<typename Text> std::string event_type_text(const Text &type) { return std::string(type.c_str()); }

static std::string last_event_type(event::Event *e) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 11, 0)
  return event_type_text(e->get_last_event_type());
#else
  return e->last_event_type != nullptr ? *e->last_event_type : std::string();
#endif
}
#endif

#ifdef USE_SELECT
static std::string select_state(select::Select *s) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2026, 1, 0)
  // Select::state deprecated in 2026.1, removed in 2026.7.
  return std::string(s->current_option().c_str());
#else
  return s->state;
#endif
}
#endif

#ifdef USE_CLIMATE
static bool climate_two_point(const climate::ClimateTraits &traits) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 11, 0)
  // The get_supports_*() flags became feature flags in 2025.11 (old getters deprecated).
  return traits.has_feature_flags(climate::CLIMATE_SUPPORTS_TWO_POINT_TARGET_TEMPERATURE |
                                  climate::CLIMATE_REQUIRES_TWO_POINT_TARGET_TEMPERATURE);
#else
  return traits.get_supports_two_point_target_temperature();
#endif
}

static bool climate_reports_action(const climate::ClimateTraits &traits) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 11, 0)
  return traits.has_feature_flags(climate::CLIMATE_SUPPORTS_ACTION);
#else
  return traits.get_supports_action();
#endif
}

static bool climate_reports_current_temperature(const climate::ClimateTraits &traits) {
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 11, 0)
  return traits.has_feature_flags(climate::CLIMATE_SUPPORTS_CURRENT_TEMPERATURE);
#else
  return traits.get_supports_current_temperature();
#endif
}
#endif

/**
 * A state listener that takes whatever the entity passes (nothing, the entity, the new index
 * or string): the callbacks' signatures differ between domains and ESPHome releases, and the
 * state is read back from the entity anyway. C++11 has no generic lambdas, hence a functor.
 */
struct StateNotifier {
  McpBridge *bridge;
  std::vector<std::string> keys;
  template<typename... Args> void operator()(Args &&...) const { this->bridge->publish_states(this->keys); }
};

// ================================================================== entity vocabulary

namespace {

template<typename E> struct Named {
  E value;
  const char *name;
};

#ifdef USE_CLIMATE
const Named<climate::ClimateMode> CLIMATE_MODES[] = {
    {climate::CLIMATE_MODE_OFF, "off"},   {climate::CLIMATE_MODE_HEAT_COOL, "heat_cool"},
    {climate::CLIMATE_MODE_COOL, "cool"}, {climate::CLIMATE_MODE_HEAT, "heat"},
    {climate::CLIMATE_MODE_FAN_ONLY, "fan_only"}, {climate::CLIMATE_MODE_DRY, "dry"},
    {climate::CLIMATE_MODE_AUTO, "auto"}};
const Named<climate::ClimateAction> CLIMATE_ACTIONS[] = {
    {climate::CLIMATE_ACTION_OFF, "off"},         {climate::CLIMATE_ACTION_COOLING, "cooling"},
    {climate::CLIMATE_ACTION_HEATING, "heating"}, {climate::CLIMATE_ACTION_IDLE, "idle"},
    {climate::CLIMATE_ACTION_DRYING, "drying"},   {climate::CLIMATE_ACTION_FAN, "fan"}};
const Named<climate::ClimateFanMode> CLIMATE_FAN_MODES[] = {
    {climate::CLIMATE_FAN_ON, "on"},         {climate::CLIMATE_FAN_OFF, "off"},
    {climate::CLIMATE_FAN_AUTO, "auto"},     {climate::CLIMATE_FAN_LOW, "low"},
    {climate::CLIMATE_FAN_MEDIUM, "medium"}, {climate::CLIMATE_FAN_HIGH, "high"},
    {climate::CLIMATE_FAN_MIDDLE, "middle"}, {climate::CLIMATE_FAN_FOCUS, "focus"},
    {climate::CLIMATE_FAN_DIFFUSE, "diffuse"}, {climate::CLIMATE_FAN_QUIET, "quiet"}};
const Named<climate::ClimatePreset> CLIMATE_PRESETS[] = {
    {climate::CLIMATE_PRESET_NONE, "none"},       {climate::CLIMATE_PRESET_HOME, "home"},
    {climate::CLIMATE_PRESET_AWAY, "away"},       {climate::CLIMATE_PRESET_BOOST, "boost"},
    {climate::CLIMATE_PRESET_COMFORT, "comfort"}, {climate::CLIMATE_PRESET_ECO, "eco"},
    {climate::CLIMATE_PRESET_SLEEP, "sleep"},     {climate::CLIMATE_PRESET_ACTIVITY, "activity"}};
#endif
#ifdef USE_LOCK
const Named<lock::LockState> LOCK_STATES[] = {{lock::LOCK_STATE_LOCKED, "locked"},
                                              {lock::LOCK_STATE_UNLOCKED, "unlocked"},
                                              {lock::LOCK_STATE_JAMMED, "jammed"},
                                              {lock::LOCK_STATE_LOCKING, "locking"},
                                              {lock::LOCK_STATE_UNLOCKING, "unlocking"}};
#endif

template<typename E, size_t N> const char *name_of(const Named<E> (&table)[N], E value) {
  for (size_t i = 0; i < N; i++) {
    if (table[i].value == value)
      return table[i].name;
  }
  return nullptr;
}

template<typename E, size_t N> bool value_of(const Named<E> (&table)[N], const std::string &name, E &out) {
  for (size_t i = 0; i < N; i++) {
    if (name == table[i].name) {
      out = table[i].value;
      return true;
    }
  }
  return false;
}

}  // namespace

core::Value name_or_null(const char *name) {
  return name != nullptr ? core::Value::of(std::string(name)) : core::Value::null();
}

/**
 * A float from ESPHome (a step, a range, a state) as the decimal it stands for: 0.1f widened
 * to double is 0.10000000149011612, of which no command value is a multiple, and a target set
 * to 21.3 would read back as 21.299999237060547. A float holds 7 significant digits.
 */
double decimal(float v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.7g", static_cast<double>(v));
  return std::strtod(text, nullptr);
}

core::Value finite_or_null(float v) {
  return std::isfinite(v) ? core::Value::of(decimal(v)) : core::Value::null();
}

/** 0..1 (ESPHome positions) to whole percent. */
core::Value percent(float v) {
  return std::isfinite(v) ? core::Value::of(std::round(static_cast<double>(v) * 100.0)) : core::Value::null();
}

/** The `operation` attribute of a cover or valve. */
std::pair<std::string, core::Value> operation_attribute(bool opening, bool closing) {
  return std::make_pair(std::string("operation"),
                        core::Value::of(std::string(opening ? "opening" : closing ? "closing" : "idle")));
}

/** A cover's or valve's open, close, stop, toggle or set (position in percent) on its call. */
template<typename Call> void position_command(Call &call, const std::string &action, double number) {
  if (action == "open")
    call.set_command_open();
  else if (action == "close")
    call.set_command_close();
  else if (action == "stop")
    call.set_command_stop();
  else if (action == "toggle")
    call.set_command_toggle();
  else
    call.set_position(static_cast<float>(number / 100.0));
}

// ================================================================== ports

/** What an actuator key stands for: an entity and which of its controls. */
struct ActuatorEntity {
  enum class Kind : uint8_t {
    SWITCH, BUTTON, NUMBER, SELECT, LIGHT, CLIMATE, COVER, FAN, LOCK, VALVE, TEXT, DATE, TIME, DATETIME
  };
  enum class Role : uint8_t { MAIN, TARGET, TARGET_LOW, TARGET_HIGH, FAN_MODE, PRESET, TILT, OSCILLATION, DIRECTION };
  Kind kind;
  Role role;
  void *entity;
};

#if defined(USE_DATETIME_DATE) || defined(USE_DATETIME_TIME) || defined(USE_DATETIME_DATETIME)
// A date, time or datetime entity's state as ISO 8601 text, null before it has one (never set,
// nothing restored).
template<typename Entity> static core::Value iso_state_or_null(Entity *entity) {
  return entity->has_state() ? core::Value::of(iso_state(entity)) : core::Value::null();
}

// Sets a date, time or datetime entity through ESPHome's own call, as its set action does.
static void apply_datetime(const ActuatorEntity &bound, const core::DateTimeFields &at) {
  switch (bound.kind) {
#ifdef USE_DATETIME_DATE
    case ActuatorEntity::Kind::DATE:
      static_cast<datetime::DateEntity *>(bound.entity)->make_call().set_date(at.year, at.month, at.day).perform();
      break;
#endif
#ifdef USE_DATETIME_TIME
    case ActuatorEntity::Kind::TIME:
      static_cast<datetime::TimeEntity *>(bound.entity)->make_call().set_time(at.hour, at.minute, at.second).perform();
      break;
#endif
#ifdef USE_DATETIME_DATETIME
    case ActuatorEntity::Kind::DATETIME:
      static_cast<datetime::DateTimeEntity *>(bound.entity)
          ->make_call()
          .set_datetime(at.year, at.month, at.day, at.hour, at.minute, at.second)
          .perform();
      break;
#endif
    default:
      break;
  }
}
#endif

/** The runtime configuration in ESPHome's preferences (flash: it changes rarely). */
class PreferenceStore : public core::ConfigStore {
 public:
  explicit PreferenceStore(uint32_t key)
      : pref_(global_preferences->make_preference<core::StoredConfig>(key, true)) {}
  bool load(core::StoredConfig &config) override { return this->pref_.load(&config); }
  bool save(const core::StoredConfig &config) override { return this->pref_.save(&config); }

 protected:
  ESPPreferenceObject pref_;
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

  // ActuatorSink: ESPHome entities, commanded through their own call API; state callbacks
  // fire during the call.
  core::ApplyResult apply(const core::ActuatorDesc &desc, const core::Command &command) override;
  core::Value state(const core::ActuatorDesc &desc) override;
  void attributes(const core::ActuatorDesc &desc, std::vector<std::pair<std::string, core::Value>> &out) override;

  // Platform
  uint32_t millis() override { return esphome::millis(); }
  double unix_time() override {
#ifdef USE_TIME
    if (this->bridge_->clock_ != nullptr) {
      const auto now = this->bridge_->clock_->now();
      if (now.is_valid())
        return static_cast<double>(now.timestamp);
    }
#else
    (void) this->bridge_;  // only the clock needs the component
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
  const auto found = this->actuators.find(desc.key);
  if (found == this->actuators.end())
    return core::ApplyResult::refused("actuator is not bound to an entity");
  const ActuatorEntity &bound = found->second;
  const std::string &action = command.action;
  const double number = command.value.number;
  const std::string &text = command.value.text;
  // Unused when the YAML has none of the domains that read them.
  (void) action, (void) number, (void) text;
  switch (bound.kind) {
#ifdef USE_SWITCH
    case ActuatorEntity::Kind::SWITCH: {
      auto *sw = static_cast<switch_::Switch *>(bound.entity);
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
      static_cast<button::Button *>(bound.entity)->press();
      return core::ApplyResult::ok();
#endif
#ifdef USE_NUMBER
    case ActuatorEntity::Kind::NUMBER: {
      auto call = static_cast<number::Number *>(bound.entity)->make_call();
      call.set_value(static_cast<float>(number));
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_SELECT
    case ActuatorEntity::Kind::SELECT: {
      auto call = static_cast<select::Select *>(bound.entity)->make_call();
      call.set_option(text);
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_LIGHT
    case ActuatorEntity::Kind::LIGHT: {
      auto *light = static_cast<light::LightState *>(bound.entity);
      if (action == "on") {
        light->turn_on().perform();
      } else if (action == "off") {
        light->turn_off().perform();
      } else if (action == "toggle") {
        light->toggle().perform();
      } else {
        auto call = light->make_call();
        const float level = static_cast<float>(number) / 100.0f;
        call.set_state(level > 0.0f);
        if (level > 0.0f)
          call.set_brightness(level);
        call.perform();
      }
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_CLIMATE
    case ActuatorEntity::Kind::CLIMATE: {
      auto *c = static_cast<climate::Climate *>(bound.entity);
      auto call = c->make_call();
      switch (bound.role) {
        case ActuatorEntity::Role::MAIN: {
          climate::ClimateMode mode;
          if (!value_of(CLIMATE_MODES, text, mode))
            return core::ApplyResult::refused("unknown climate mode");
          call.set_mode(mode);
          break;
        }
        case ActuatorEntity::Role::TARGET:
          call.set_target_temperature(static_cast<float>(number));
          break;
        case ActuatorEntity::Role::TARGET_LOW:
          call.set_target_temperature_low(static_cast<float>(number));
          break;
        case ActuatorEntity::Role::TARGET_HIGH:
          call.set_target_temperature_high(static_cast<float>(number));
          break;
        case ActuatorEntity::Role::FAN_MODE: {
          climate::ClimateFanMode fan_mode;
          if (!value_of(CLIMATE_FAN_MODES, text, fan_mode))
            return core::ApplyResult::refused("unknown fan mode");
          call.set_fan_mode(fan_mode);
          break;
        }
        case ActuatorEntity::Role::PRESET: {
          climate::ClimatePreset preset;
          if (!value_of(CLIMATE_PRESETS, text, preset))
            return core::ApplyResult::refused("unknown preset");
          call.set_preset(preset);
          break;
        }
        default:
          return core::ApplyResult::refused("not a climate control");
      }
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_COVER
    case ActuatorEntity::Kind::COVER: {
      auto call = static_cast<cover::Cover *>(bound.entity)->make_call();
      if (bound.role == ActuatorEntity::Role::TILT)
        call.set_tilt(static_cast<float>(number / 100.0));
      else
        position_command(call, action, number);
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_VALVE
    case ActuatorEntity::Kind::VALVE: {
      auto call = static_cast<valve::Valve *>(bound.entity)->make_call();
      position_command(call, action, number);
      call.perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_FAN
    case ActuatorEntity::Kind::FAN: {
      auto *f = static_cast<fan::Fan *>(bound.entity);
      if (bound.role == ActuatorEntity::Role::OSCILLATION) {
        const bool on = action == "on" || (action == "toggle" && !f->oscillating);
        f->make_call().set_oscillating(on).perform();
      } else if (bound.role == ActuatorEntity::Role::DIRECTION) {
        f->make_call().set_direction(text == "reverse" ? fan::FanDirection::REVERSE : fan::FanDirection::FORWARD).perform();
      } else if (action == "on") {
        f->turn_on().perform();
      } else if (action == "off") {
        f->turn_off().perform();
      } else if (action == "toggle") {
        f->toggle().perform();
      } else if (number <= 0) {
        f->turn_off().perform();  // speed 0 is off
      } else {
        f->make_call().set_state(true).set_speed(static_cast<int>(number)).perform();
      }
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_LOCK
    case ActuatorEntity::Kind::LOCK: {
      auto *l = static_cast<lock::Lock *>(bound.entity);
      if (action == "open")
        l->open();  // unlatch: Lock's own front-end call (there is no open state)
      else
        l->make_call().set_state(action == "lock" ? lock::LOCK_STATE_LOCKED : lock::LOCK_STATE_UNLOCKED).perform();
      return core::ApplyResult::ok();
    }
#endif
#ifdef USE_TEXT
    case ActuatorEntity::Kind::TEXT: {
      auto *t = static_cast<text::Text *>(bound.entity);
      // ESPHome logs and drops a value outside the length limits; say so instead.
      if (static_cast<int>(core::utf8_length(text)) < t->traits.get_min_length())
        return core::ApplyResult::refused("shorter than min_length " + std::to_string(t->traits.get_min_length()));
      t->make_call().set_value(text).perform();
      return core::ApplyResult::ok();
    }
#endif
#if defined(USE_DATETIME_DATE) || defined(USE_DATETIME_TIME) || defined(USE_DATETIME_DATETIME)
    case ActuatorEntity::Kind::DATE:
    case ActuatorEntity::Kind::TIME:
    case ActuatorEntity::Kind::DATETIME: {
      // The core checked the text against the actuator's format; ESPHome's calls take numbers.
      core::DateTimeFields at;
      if (!core::parse_text_format(desc.format, text, at))
        return core::ApplyResult::refused("not a valid " + desc.format);
      // ESPHome logs and drops a year outside 1970..3000 (DateCall/DateTimeCall validate_()); say so instead.
      if (bound.kind != ActuatorEntity::Kind::TIME && (at.year < 1970 || at.year > 3000))
        return core::ApplyResult::refused("year " + std::to_string(at.year) + " outside ESPHome's 1970..3000");
      apply_datetime(bound, at);
      return core::ApplyResult::ok();
    }
#endif
    default:
      return core::ApplyResult::refused("entity type not supported in this build");
  }
}

core::Value McpBridge::Ports::state(const core::ActuatorDesc &desc) {
  const auto found = this->actuators.find(desc.key);
  if (found == this->actuators.end())
    return core::Value::null();
  const ActuatorEntity &bound = found->second;
  switch (bound.kind) {
#ifdef USE_SWITCH
    case ActuatorEntity::Kind::SWITCH:
      return core::Value::of(static_cast<switch_::Switch *>(bound.entity)->state);
#endif
#ifdef USE_NUMBER
    case ActuatorEntity::Kind::NUMBER:
      return finite_or_null(static_cast<number::Number *>(bound.entity)->state);
#endif
#ifdef USE_SELECT
    case ActuatorEntity::Kind::SELECT: {
      const std::string option = select_state(static_cast<select::Select *>(bound.entity));
      return option.empty() ? core::Value::null() : core::Value::of(option);
    }
#endif
#ifdef USE_LIGHT
    case ActuatorEntity::Kind::LIGHT: {
      auto *light = static_cast<light::LightState *>(bound.entity);
      if (desc.value_type == core::ValueType::BOOLEAN)
        return core::Value::of(light->remote_values.is_on());
      const float level = light->remote_values.is_on() ? light->remote_values.get_brightness() : 0.0f;
      return core::Value::of(std::round(static_cast<double>(level) * 100.0));
    }
#endif
#ifdef USE_CLIMATE
    case ActuatorEntity::Kind::CLIMATE: {
      auto *c = static_cast<climate::Climate *>(bound.entity);
      switch (bound.role) {
        case ActuatorEntity::Role::MAIN:
          return name_or_null(name_of(CLIMATE_MODES, c->mode));
        case ActuatorEntity::Role::TARGET:
          return finite_or_null(c->target_temperature);
        case ActuatorEntity::Role::TARGET_LOW:
          return finite_or_null(c->target_temperature_low);
        case ActuatorEntity::Role::TARGET_HIGH:
          return finite_or_null(c->target_temperature_high);
        case ActuatorEntity::Role::FAN_MODE:
          return c->fan_mode.has_value() ? name_or_null(name_of(CLIMATE_FAN_MODES, *c->fan_mode)) : core::Value::null();
        case ActuatorEntity::Role::PRESET:
          return c->preset.has_value() ? name_or_null(name_of(CLIMATE_PRESETS, *c->preset)) : core::Value::null();
        default:
          return core::Value::null();
      }
    }
#endif
#ifdef USE_COVER
    case ActuatorEntity::Kind::COVER: {
      auto *cv = static_cast<cover::Cover *>(bound.entity);
      return percent(bound.role == ActuatorEntity::Role::TILT ? cv->tilt : cv->position);
    }
#endif
#ifdef USE_VALVE
    case ActuatorEntity::Kind::VALVE:
      return percent(static_cast<valve::Valve *>(bound.entity)->position);
#endif
#ifdef USE_FAN
    case ActuatorEntity::Kind::FAN: {
      auto *f = static_cast<fan::Fan *>(bound.entity);
      if (bound.role == ActuatorEntity::Role::OSCILLATION)
        return core::Value::of(f->oscillating);
      if (bound.role == ActuatorEntity::Role::DIRECTION)
        return core::Value::of(std::string(f->direction == fan::FanDirection::REVERSE ? "reverse" : "forward"));
      if (desc.value_type == core::ValueType::BOOLEAN)
        return core::Value::of(f->state);
      return core::Value::of(static_cast<double>(f->state ? f->speed : 0));
    }
#endif
#ifdef USE_LOCK
    case ActuatorEntity::Kind::LOCK:
      return name_or_null(name_of(LOCK_STATES, static_cast<lock::Lock *>(bound.entity)->state));
#endif
#ifdef USE_TEXT
    case ActuatorEntity::Kind::TEXT:
      return core::Value::of(std::string(static_cast<text::Text *>(bound.entity)->state));
#endif
#ifdef USE_DATETIME_DATE
    case ActuatorEntity::Kind::DATE:
      return iso_state_or_null(static_cast<datetime::DateEntity *>(bound.entity));
#endif
#ifdef USE_DATETIME_TIME
    case ActuatorEntity::Kind::TIME:
      return iso_state_or_null(static_cast<datetime::TimeEntity *>(bound.entity));
#endif
#ifdef USE_DATETIME_DATETIME
    case ActuatorEntity::Kind::DATETIME:
      return iso_state_or_null(static_cast<datetime::DateTimeEntity *>(bound.entity));
#endif
    default:
      return core::Value::null();  // buttons have no state
  }
}

void McpBridge::Ports::attributes(const core::ActuatorDesc &desc,
                                  std::vector<std::pair<std::string, core::Value>> &out) {
  const auto found = this->actuators.find(desc.key);
  if (found == this->actuators.end() || found->second.role != ActuatorEntity::Role::MAIN)
    return;
  const ActuatorEntity &bound = found->second;
  (void) out;
  switch (bound.kind) {
#ifdef USE_CLIMATE
    case ActuatorEntity::Kind::CLIMATE: {
      auto *c = static_cast<climate::Climate *>(bound.entity);
      const climate::ClimateTraits traits = c->get_traits();
      if (climate_reports_action(traits))
        out.push_back(std::make_pair(std::string("action"), name_or_null(name_of(CLIMATE_ACTIONS, c->action))));
      if (climate_reports_current_temperature(traits))
        out.push_back(std::make_pair(std::string("current_temperature"), finite_or_null(c->current_temperature)));
      break;
    }
#endif
#ifdef USE_COVER
    case ActuatorEntity::Kind::COVER: {
      auto *cv = static_cast<cover::Cover *>(bound.entity);
      out.push_back(operation_attribute(cv->current_operation == cover::COVER_OPERATION_OPENING,
                                        cv->current_operation == cover::COVER_OPERATION_CLOSING));
      break;
    }
#endif
#ifdef USE_VALVE
    case ActuatorEntity::Kind::VALVE: {
      auto *v = static_cast<valve::Valve *>(bound.entity);
      out.push_back(operation_attribute(v->current_operation == valve::VALVE_OPERATION_OPENING,
                                        v->current_operation == valve::VALVE_OPERATION_CLOSING));
      break;
    }
#endif
    default:
      break;
  }
}

// ================================================================== component

McpBridge::McpBridge() = default;
McpBridge::~McpBridge() = default;

bool McpBridge::excluded_key_(const std::string &key) const {
  for (const auto &k : this->excluded_) {
    if (k == key)
      return true;
  }
  return false;
}

bool McpBridge::needs_confirmation_(const std::string &key) const {
  for (const auto &k : this->confirmed_) {
    if (k == key)
      return true;
  }
  return false;
}

void McpBridge::publish_states(const std::vector<std::string> &keys) {
  for (const auto &key : keys) {
    for (const auto &desc : this->core_->actuators()) {
      if (desc.key == key)
        this->core_->on_actuator_state(key, this->ports_->state(desc));
    }
  }
}

void McpBridge::setup() {
  if (this->info_.name.empty())
    this->info_.name = std::string(App.get_friendly_name().c_str());
#ifdef USE_ESP32
  this->info_.platform = "esp32";
#elif defined(USE_ESP8266)
  this->info_.platform = "esp8266";
#endif
  this->ports_ = make_unique<Ports>(this);
  this->core_ = make_unique<core::BridgeCore>(this->info_, this->settings_, *this->ports_, *this->ports_, *this->ports_);
  this->register_sensors_();
  this->register_actuators_();
  this->apply_guards_();
  if (this->restore_config_) {
    this->store_ = make_unique<PreferenceStore>(fnv1_hash("mcp_bridge_config_" + this->info_.device_id));
    if (this->core_->use_config_store(this->store_.get()))
      ESP_LOGD(TAG, "Restored runtime configuration from flash");
  }
#ifdef USE_MQTT
  // One subscription per topic (the actuators' is a wildcard); ESPHome renews them on reconnect.
  for (const auto &topic : this->core_->subscriptions()) {
    mqtt::global_mqtt_client->subscribe(
        topic,
        [this](const std::string &t, const std::string &payload) {
          this->core_->on_message(t, payload.data(), payload.size());
        },
        1);
  }
#else
  ESP_LOGE(TAG, "mcp_bridge needs the mqtt: component");
  this->mark_failed();
#endif
}

void McpBridge::add_guard(const std::string &key, float max_lease_s, const std::string &safe_state_json,
                          uint32_t min_interval_ms, uint32_t max_commands_per_min, uint32_t max_reversals,
                          uint32_t flap_window_s) {
  GuardConfig config;
  config.key = key;
  config.guard.max_lease_s = max_lease_s;
  // The codegen writes json.dumps() of a bool, a number or a string (an option name).
  const std::string &s = safe_state_json;
  if (s == "true" || s == "false") {
    config.guard.safe_state = core::Value::of(s == "true");
  } else if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string text;
    for (size_t i = 1; i + 1 < s.size(); i++) {
      if (s[i] == '\\' && i + 2 < s.size())
        i++;
      text += s[i];
    }
    config.guard.safe_state = core::Value::of(text);
  } else if (!s.empty()) {
    char *end = nullptr;
    const double number = std::strtod(s.c_str(), &end);
    if (end != s.c_str() && *end == '\0')
      config.guard.safe_state = core::Value::of(number);
  }
  config.guard.min_interval_ms = min_interval_ms;
  config.guard.max_commands_per_min = max_commands_per_min;
  config.guard.max_reversals = max_reversals;
  config.guard.flap_window_s = flap_window_s;
  this->guards_.push_back(config);
}

void McpBridge::apply_guards_() {
  for (const auto &config : this->guards_) {
    if (!this->core_->set_guard(config.key, config.guard)) {
      ESP_LOGW(TAG, "actuators: '%s' matches no actuator; its lease and loop guard are ignored", config.key.c_str());
      continue;
    }
    for (const auto &a : this->core_->actuators()) {
      if (a.key == config.key && config.guard.max_lease_s > 0 && !(a.guard.max_lease_s > 0))
        ESP_LOGW(TAG, "actuators: '%s' cannot be reverted by an on/off/set action: no leases", config.key.c_str());
    }
  }
}

template<typename Entity> std::string McpBridge::entity_key_(Entity *entity) const {
  const std::string key = this->core_->unique_key(core::slugify(entity_name(entity)));
  return entity->is_internal() || this->excluded_key_(key) ? std::string() : key;
}

template<typename Entity>
std::string McpBridge::add_text_sensor_(Entity *entity, const char *kind, const char *format,
                                        std::vector<std::string> options) {
  const std::string key = this->entity_key_(entity);
  if (key.empty())
    return key;
  core::SensorDesc desc;
  desc.key = key;
  desc.description = entity_name(entity);
  desc.text = true;
  desc.kind = kind;
  desc.format = format;
  desc.options = std::move(options);
  return this->core_->add_sensor(desc) ? key : "";
}

// Each sensor's state callback feeds the core; a state the entity already has (published
// during an earlier component's setup, or a text sensor that publishes once, such as a version
// or an address) is its first reading, sent once connected, not lost until the next change.
void McpBridge::register_sensors_() {
#ifdef USE_SENSOR
  for (auto *s : App.get_sensors()) {
    const std::string key = this->entity_key_(s);
    if (key.empty())
      continue;
    core::SensorDesc desc;
    desc.key = key;
    desc.description = entity_name(s);
    desc.unit = sensor_unit(s);
    desc.device_class = sensor_device_class(s);
    desc.accuracy_decimals = s->get_accuracy_decimals();
    if (!this->core_->add_sensor(desc))
      continue;
    s->add_on_state_callback([this, key](float value) { this->core_->on_sensor(key, value); });
    if (s->has_state())
      this->core_->on_sensor(key, s->state);
  }
#endif
#ifdef USE_BINARY_SENSOR
  for (auto *b : App.get_binary_sensors()) {
    const std::string key = this->entity_key_(b);
    if (key.empty())
      continue;
    core::SensorDesc desc;
    desc.key = key;
    desc.description = entity_name(b);
    desc.binary = true;
    if (!this->core_->add_sensor(desc))
      continue;
    b->add_on_state_callback([this, key](bool value) { this->core_->on_binary_sensor(key, value); });
    if (b->has_state())
      this->core_->on_binary_sensor(key, b->state);
  }
#endif
  // String sensors. Callbacks take the text by const reference: ESPHome passes it by value
  // (std::function<void(std::string)>, 2024.x) or by reference (2026.x); both bind.
#ifdef USE_TEXT_SENSOR
  for (auto *t : App.get_text_sensors()) {
    const std::string key = this->add_text_sensor_(t, "text_sensor", "", {});
    if (key.empty())
      continue;
    t->add_on_state_callback([this, key](const std::string &value) { this->core_->on_text_sensor(key, value); });
    if (t->has_state())
      this->core_->on_text_sensor(key, t->state);
  }
#endif
#ifdef USE_EVENT
  for (auto *e : App.get_events()) {
    // std::set<std::string> before 2025.11, FixedVector<const char *> after: both iterate.
    std::vector<std::string> types;
    for (const auto &type : e->get_event_types())
      types.push_back(std::string(type));
    const std::string key = this->add_text_sensor_(e, "event", "", std::move(types));
    if (key.empty())
      continue;
    e->add_on_event_callback([this, key](const std::string &type) { this->core_->on_text_sensor(key, type); });
    const std::string last = last_event_type(e);
    if (!last.empty())
      this->core_->on_text_sensor(key, last);
  }
#endif
}

// Helpers with external linkage: each build uses a different subset of them (no unused warnings).
core::ActuatorDesc describe(const std::string &key, const std::string &name, core::ValueType type,
                            std::vector<std::string> actions, bool confirm) {
  core::ActuatorDesc desc;
  desc.key = key;
  desc.description = name;
  desc.value_type = type;
  desc.actions = std::move(actions);
  desc.requires_confirmation = confirm;
  return desc;
}

/** One control of a multi-control entity: `<entity>_<role>`, grouped under the entity's key. */
core::ActuatorDesc control(const core::ActuatorDesc &main, const std::string &key, const char *role,
                           core::ValueType type, std::vector<std::string> actions) {
  core::ActuatorDesc desc = describe(key, "", type, std::move(actions), main.requires_confirmation);
  desc.kind = main.kind;
  desc.group = main.key;
  desc.role = role;
  return desc;
}

void percent_range(core::ActuatorDesc &desc) {
  desc.has_min = desc.has_max = true;
  desc.min = 0;
  desc.max = 100;
  desc.step = 1;
  desc.unit = "%";
}

/**
 * A cover or valve: its state is the position in percent (0 closed, 100 open; only the two ends
 * without position support); stop, toggle and set as its traits allow.
 */
template<typename Traits> core::ActuatorDesc position_actuator(core::ActuatorDesc desc, const char *kind,
                                                               const Traits &traits) {
  desc.actions = {"open", "close"};
  if (traits.get_supports_stop())
    desc.actions.push_back("stop");
  if (traits.get_supports_toggle())
    desc.actions.push_back("toggle");
  if (traits.get_supports_position())
    desc.actions.push_back("set");
  desc.kind = kind;
  desc.role = "position";
  percent_range(desc);
  return desc;
}

core::ActuatorDesc McpBridge::describe_(const std::string &key, const std::string &name, core::ValueType type,
                                        std::vector<std::string> actions) const {
  return describe(key, name, type, std::move(actions), this->needs_confirmation_(key));
}

bool McpBridge::add_bound_(const core::ActuatorDesc &desc, const ActuatorEntity &binding) {
  if (!this->core_->add_actuator(desc))
    return false;
  this->ports_->actuators[desc.key] = binding;
  return true;
}

void McpBridge::add_control_(core::ActuatorDesc desc, const ActuatorEntity &binding, StateNotifier &notifier) {
  desc.key = this->core_->unique_key(desc.key);
  if (this->add_bound_(desc, binding))
    notifier.keys.push_back(desc.key);
}

void McpBridge::register_actuators_() {
#ifdef USE_SWITCH
  for (auto *sw : App.get_switches()) {
    const std::string key = this->entity_key_(sw);
    if (key.empty() ||
        !this->add_bound_(this->describe_(key, entity_name(sw), core::ValueType::BOOLEAN, {"on", "off", "toggle"}),
                          {ActuatorEntity::Kind::SWITCH, ActuatorEntity::Role::MAIN, sw}))
      continue;
    // Change-only callback: commanding the current state fires nothing; the answer reads state().
    sw->add_on_state_callback([this, key](bool on) { this->core_->on_actuator_state(key, core::Value::of(on)); });
  }
#endif
#ifdef USE_BUTTON
  for (auto *b : App.get_buttons()) {
    const std::string key = this->entity_key_(b);
    if (!key.empty())
      this->add_bound_(this->describe_(key, entity_name(b), core::ValueType::NONE, {"press"}),
                       {ActuatorEntity::Kind::BUTTON, ActuatorEntity::Role::MAIN, b});
  }
#endif
#ifdef USE_NUMBER
  for (auto *n : App.get_numbers()) {
    const std::string key = this->entity_key_(n);
    if (key.empty())
      continue;
    core::ActuatorDesc desc = this->describe_(key, entity_name(n), core::ValueType::NUMBER, {"set"});
    desc.has_min = desc.has_max = true;
    desc.min = decimal(n->traits.get_min_value());
    desc.max = decimal(n->traits.get_max_value());
    desc.step = decimal(n->traits.get_step());
    if (this->add_bound_(desc, {ActuatorEntity::Kind::NUMBER, ActuatorEntity::Role::MAIN, n}))
      n->add_on_state_callback([this, key](float v) { this->core_->on_actuator_state(key, finite_or_null(v)); });
  }
#endif
#ifdef USE_SELECT
  for (auto *sel : App.get_selects()) {
    const std::string key = this->entity_key_(sel);
    if (key.empty())
      continue;
    core::ActuatorDesc desc = this->describe_(key, entity_name(sel), core::ValueType::ENUM, {"set"});
    for (const auto &option : sel->traits.get_options())
      desc.options.push_back(std::string(option));
    // (std::string, size_t) until 2025.x, (size_t) in 2026: the notifier takes either.
    if (this->add_bound_(desc, {ActuatorEntity::Kind::SELECT, ActuatorEntity::Role::MAIN, sel}))
      sel->add_on_state_callback(StateNotifier{this, {key}});
  }
#endif
#ifdef USE_LIGHT
  for (auto *light : App.get_lights()) {
    const std::string key = this->entity_key_(light);
    if (key.empty())
      continue;
    const bool dimmable = light->get_traits().supports_color_capability(light::ColorCapability::BRIGHTNESS);
    core::ActuatorDesc desc =
        dimmable ? this->describe_(key, entity_name(light), core::ValueType::NUMBER, {"on", "off", "toggle", "set"})
                 : this->describe_(key, entity_name(light), core::ValueType::BOOLEAN, {"on", "off", "toggle"});
    if (dimmable)
      percent_range(desc);
    if (!this->add_bound_(desc, {ActuatorEntity::Kind::LIGHT, ActuatorEntity::Role::MAIN, light}))
      continue;
#if ESPHOME_VERSION_CODE >= VERSION_CODE(2025, 12, 0)
    // 2025.12 replaced the callback with a listener interface (esphome#12166).
    struct Listener : public light::LightRemoteValuesListener {
      StateNotifier notifier;
      void on_light_remote_values_update() override { this->notifier(); }
    };
    auto *listener = new Listener();  // lives as long as the device: entities are never removed
    listener->notifier = StateNotifier{this, {key}};
    light->add_remote_values_listener(listener);
#else
    light->add_new_remote_values_callback(StateNotifier{this, {key}});
#endif
  }
#endif
  this->register_climates_();
  this->register_covers_();
  this->register_fans_();
  this->register_locks_();
  this->register_valves_();
  this->register_texts_();
  this->register_datetimes_();
}

void McpBridge::register_climates_() {
#ifdef USE_CLIMATE
  for (auto *c : App.get_climates()) {
    const std::string key = this->entity_key_(c);
    if (key.empty())
      continue;
    const climate::ClimateTraits traits = c->get_traits();
    // The climate's key is its mode; the other controls are <key>_<role> in the same group.
    core::ActuatorDesc mode = this->describe_(key, entity_name(c), core::ValueType::ENUM, {"set"});
    mode.kind = "climate";
    mode.group = key;
    mode.role = "mode";
    for (const auto &m : CLIMATE_MODES) {
      if (traits.supports_mode(m.value))
        mode.options.push_back(m.name);
    }
    if (!this->add_bound_(mode, {ActuatorEntity::Kind::CLIMATE, ActuatorEntity::Role::MAIN, c}))
      continue;
    StateNotifier notifier = {this, {key}};
    auto temperature = [&](const char *role, ActuatorEntity::Role bound) {
      core::ActuatorDesc t = control(mode, key + "_" + role, role, core::ValueType::NUMBER, {"set"});
      t.has_min = t.has_max = true;
      t.min = decimal(traits.get_visual_min_temperature());
      t.max = decimal(traits.get_visual_max_temperature());
      t.step = decimal(traits.get_visual_target_temperature_step());
      t.unit = "°C";
      this->add_control_(t, {ActuatorEntity::Kind::CLIMATE, bound, c}, notifier);
    };
    if (climate_two_point(traits)) {
      temperature("target_temperature_low", ActuatorEntity::Role::TARGET_LOW);
      temperature("target_temperature_high", ActuatorEntity::Role::TARGET_HIGH);
    } else {
      temperature("target_temperature", ActuatorEntity::Role::TARGET);
    }
    core::ActuatorDesc fan_mode = control(mode, key + "_fan_mode", "fan_mode", core::ValueType::ENUM, {"set"});
    for (const auto &f : CLIMATE_FAN_MODES) {
      if (traits.supports_fan_mode(f.value))
        fan_mode.options.push_back(f.name);
    }
    if (!fan_mode.options.empty())
      this->add_control_(fan_mode, {ActuatorEntity::Kind::CLIMATE, ActuatorEntity::Role::FAN_MODE, c}, notifier);
    core::ActuatorDesc preset = control(mode, key + "_preset", "preset", core::ValueType::ENUM, {"set"});
    for (const auto &p : CLIMATE_PRESETS) {
      if (traits.supports_preset(p.value))
        preset.options.push_back(p.name);
    }
    if (!preset.options.empty())
      this->add_control_(preset, {ActuatorEntity::Kind::CLIMATE, ActuatorEntity::Role::PRESET, c}, notifier);
    c->add_on_state_callback(notifier);
  }
#endif
}

void McpBridge::register_covers_() {
#ifdef USE_COVER
  for (auto *cv : App.get_covers()) {
    const std::string key = this->entity_key_(cv);
    if (key.empty())
      continue;
    const cover::CoverTraits traits = cv->get_traits();
    const core::ActuatorDesc desc =
        position_actuator(this->describe_(key, entity_name(cv), core::ValueType::NUMBER, {}), "cover", traits);
    if (!this->add_bound_(desc, {ActuatorEntity::Kind::COVER, ActuatorEntity::Role::MAIN, cv}))
      continue;
    StateNotifier notifier = {this, {key}};
    if (traits.get_supports_tilt()) {
      core::ActuatorDesc tilt = control(desc, key + "_tilt", "tilt", core::ValueType::NUMBER, {"set"});
      percent_range(tilt);
      this->add_control_(tilt, {ActuatorEntity::Kind::COVER, ActuatorEntity::Role::TILT, cv}, notifier);
    }
    cv->add_on_state_callback(notifier);
  }
#endif
}

void McpBridge::register_valves_() {
#ifdef USE_VALVE
  for (auto *v : App.get_valves()) {
    const std::string key = this->entity_key_(v);
    if (key.empty())
      continue;
    const core::ActuatorDesc desc = position_actuator(
        this->describe_(key, entity_name(v), core::ValueType::NUMBER, {}), "valve", v->get_traits());
    if (this->add_bound_(desc, {ActuatorEntity::Kind::VALVE, ActuatorEntity::Role::MAIN, v}))
      v->add_on_state_callback(StateNotifier{this, {key}});
  }
#endif
}

void McpBridge::register_fans_() {
#ifdef USE_FAN
  for (auto *f : App.get_fans()) {
    const std::string key = this->entity_key_(f);
    if (key.empty())
      continue;
    const auto traits = f->get_traits();
    const bool speeds = traits.supports_speed() && traits.supported_speed_count() > 0;
    // With speeds the state is the speed (0 = off); without, on/off.
    core::ActuatorDesc desc =
        speeds ? this->describe_(key, entity_name(f), core::ValueType::INTEGER, {"on", "off", "toggle", "set"})
               : this->describe_(key, entity_name(f), core::ValueType::BOOLEAN, {"on", "off", "toggle"});
    desc.kind = "fan";
    desc.role = speeds ? "speed" : "state";
    if (speeds) {
      desc.has_min = desc.has_max = true;
      desc.min = 0;
      desc.max = traits.supported_speed_count();
      desc.step = 1;
    }
    if (!this->add_bound_(desc, {ActuatorEntity::Kind::FAN, ActuatorEntity::Role::MAIN, f}))
      continue;
    StateNotifier notifier = {this, {key}};
    if (traits.supports_oscillation()) {
      this->add_control_(
          control(desc, key + "_oscillation", "oscillation", core::ValueType::BOOLEAN, {"on", "off", "toggle"}),
          {ActuatorEntity::Kind::FAN, ActuatorEntity::Role::OSCILLATION, f}, notifier);
    }
    if (traits.supports_direction()) {
      core::ActuatorDesc dir = control(desc, key + "_direction", "direction", core::ValueType::ENUM, {"set"});
      dir.options = {"forward", "reverse"};
      this->add_control_(dir, {ActuatorEntity::Kind::FAN, ActuatorEntity::Role::DIRECTION, f}, notifier);
    }
    f->add_on_state_callback(notifier);
  }
#endif
}

void McpBridge::register_locks_() {
#ifdef USE_LOCK
  for (auto *l : App.get_locks()) {
    const std::string key = this->entity_key_(l);
    if (key.empty())
      continue;
    std::vector<std::string> actions = {"lock", "unlock"};
    if (l->traits.get_supports_open())
      actions.push_back("open");
    core::ActuatorDesc desc = this->describe_(key, entity_name(l), core::ValueType::ENUM, actions);
    desc.kind = "lock";
    for (const auto &s : LOCK_STATES)
      desc.options.push_back(s.name);
    if (this->add_bound_(desc, {ActuatorEntity::Kind::LOCK, ActuatorEntity::Role::MAIN, l}))
      l->add_on_state_callback(StateNotifier{this, {key}});
  }
#endif
}

void McpBridge::register_texts_() {
#ifdef USE_TEXT
  for (auto *t : App.get_texts()) {
    const std::string key = this->entity_key_(t);
    if (key.empty())
      continue;
    core::ActuatorDesc desc = this->describe_(key, entity_name(t), core::ValueType::STRING, {"set"});
    desc.kind = "text";
    const int max = t->traits.get_max_length();
    desc.max_length = static_cast<unsigned>(max > 0 && max < 64 ? max : 64);  // the protocol's limit is 64
    if (this->add_bound_(desc, {ActuatorEntity::Kind::TEXT, ActuatorEntity::Role::MAIN, t}))
      t->add_on_state_callback(StateNotifier{this, {key}});
  }
#endif
}

// Date, time and datetime entities: string actuators whose format (ISO 8601) the server and the
// core check before a command reaches the entity's DateCall/TimeCall/DateTimeCall.
template<typename Entity>
void McpBridge::add_datetime_(Entity *entity, const ActuatorEntity &binding, const char *kind, const char *format) {
  const std::string key = this->entity_key_(entity);
  if (key.empty())
    return;
  core::ActuatorDesc desc = this->describe_(key, entity_name(entity), core::ValueType::STRING, {"set"});
  desc.kind = kind;
  desc.format = format;
  if (this->add_bound_(desc, binding))
    entity->add_on_state_callback(StateNotifier{this, {key}});
}

void McpBridge::register_datetimes_() {
#ifdef USE_DATETIME_DATE
  for (auto *d : App.get_dates())
    this->add_datetime_(d, {ActuatorEntity::Kind::DATE, ActuatorEntity::Role::MAIN, d}, "date", "date");
#endif
#ifdef USE_DATETIME_TIME
  for (auto *t : App.get_times())
    this->add_datetime_(t, {ActuatorEntity::Kind::TIME, ActuatorEntity::Role::MAIN, t}, "time", "time");
#endif
#ifdef USE_DATETIME_DATETIME
  for (auto *dt : App.get_datetimes())
    this->add_datetime_(dt, {ActuatorEntity::Kind::DATETIME, ActuatorEntity::Role::MAIN, dt}, "datetime", "date-time");
#endif
}

void McpBridge::loop() { this->core_->loop(); }

void McpBridge::dump_config() {
  ESP_LOGCONFIG(TAG, "MCP bridge:");
  ESP_LOGCONFIG(TAG, "  Topics: %s/...", this->core_->topics().base().c_str());
  ESP_LOGCONFIG(TAG, "  Sensors: %u, actuators: %u", static_cast<unsigned>(this->core_->sensors().size()),
                static_cast<unsigned>(this->core_->actuators().size()));
  // uint32_t is unsigned long on ESP-IDF 5 and unsigned int elsewhere: cast for %u.
  ESP_LOGCONFIG(TAG, "  Publish interval: %u ms (%s), metrics every %u ms",
                static_cast<unsigned>(this->core_->settings().publish_interval_ms),
                this->settings_.batch ? "batched" : "one message per sensor",
                static_cast<unsigned>(this->core_->settings().metrics_interval_ms));
  ESP_LOGCONFIG(TAG, "  Low heap: error below %u bytes; runtime config %s",
                static_cast<unsigned>(this->settings_.low_heap_bytes),
                this->restore_config_ ? "kept in flash" : "not kept");
}

}  // namespace mcp_bridge
}  // namespace esphome
