#include "recording_entities.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

using namespace esphome;
using nlohmann::json;

namespace recording {

namespace {
std::function<void(const Call &)> &sink() {
  static std::function<void(const Call &)> current;
  return current;
}

void record(const EntityBase &entity, const std::string &call, json value = nullptr) {
  if (sink())
    sink()(Call{entity.get_name().c_str(), call, std::move(value)});
}

/** A float as its shortest decimal (0.4f is 0.4, not 0.4000000059604645). */
json decimal(float value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", static_cast<double>(value));
  return std::strtod(text, nullptr);
}

/** ESPHome's name of an enum value, from a table indexed by the value. */
template<size_t N> json name(const char *const (&names)[N], unsigned value) {
  return value < N ? json(names[value]) : json(value);
}

const char *const CLIMATE_MODES[] = {"CLIMATE_MODE_OFF",      "CLIMATE_MODE_HEAT_COOL", "CLIMATE_MODE_COOL",
                                     "CLIMATE_MODE_HEAT",     "CLIMATE_MODE_FAN_ONLY",  "CLIMATE_MODE_DRY",
                                     "CLIMATE_MODE_AUTO"};
const char *const CLIMATE_FAN_MODES[] = {"CLIMATE_FAN_ON",     "CLIMATE_FAN_OFF",    "CLIMATE_FAN_AUTO",
                                         "CLIMATE_FAN_LOW",    "CLIMATE_FAN_MEDIUM", "CLIMATE_FAN_HIGH",
                                         "CLIMATE_FAN_MIDDLE", "CLIMATE_FAN_FOCUS",  "CLIMATE_FAN_DIFFUSE",
                                         "CLIMATE_FAN_QUIET"};
const char *const CLIMATE_PRESETS[] = {"CLIMATE_PRESET_NONE",    "CLIMATE_PRESET_HOME",    "CLIMATE_PRESET_AWAY",
                                       "CLIMATE_PRESET_BOOST",   "CLIMATE_PRESET_COMFORT", "CLIMATE_PRESET_ECO",
                                       "CLIMATE_PRESET_SLEEP",   "CLIMATE_PRESET_ACTIVITY"};
const char *const LOCK_STATES[] = {"LOCK_STATE_NONE",    "LOCK_STATE_LOCKED",  "LOCK_STATE_UNLOCKED",
                                   "LOCK_STATE_JAMMED",  "LOCK_STATE_LOCKING", "LOCK_STATE_UNLOCKING"};
const char *const FAN_DIRECTIONS[] = {"FanDirection::FORWARD", "FanDirection::REVERSE"};
}  // namespace

std::string Call::text() const {
  const std::string argument = value.is_null() ? "" : value.is_string() ? value.get<std::string>() : value.dump();
  return call + "(" + argument + ")";
}

std::string Call::json_line() const {
  json line = {{"entity", entity}, {"call", call}};
  if (!value.is_null())
    line["value"] = value;
  return line.dump();
}

void set_sink(std::function<void(const Call &)> callback) { sink() = std::move(callback); }

void Climate::control(const climate::ClimateCall &call) {
  if (call.get_mode().has_value()) {
    record(*this, "climate.set_mode", name(CLIMATE_MODES, *call.get_mode()));
    this->mode = *call.get_mode();
    this->action = this->mode == climate::CLIMATE_MODE_HEAT   ? climate::CLIMATE_ACTION_HEATING
                   : this->mode == climate::CLIMATE_MODE_COOL ? climate::CLIMATE_ACTION_COOLING
                                                              : climate::CLIMATE_ACTION_IDLE;
  }
  if (call.get_target_temperature().has_value()) {
    record(*this, "climate.set_target_temperature", decimal(*call.get_target_temperature()));
    this->target_temperature = *call.get_target_temperature();
  }
  if (call.get_target_temperature_low().has_value()) {
    record(*this, "climate.set_target_temperature_low", decimal(*call.get_target_temperature_low()));
    this->target_temperature_low = *call.get_target_temperature_low();
  }
  if (call.get_target_temperature_high().has_value()) {
    record(*this, "climate.set_target_temperature_high", decimal(*call.get_target_temperature_high()));
    this->target_temperature_high = *call.get_target_temperature_high();
  }
  if (call.get_fan_mode().has_value()) {
    record(*this, "climate.set_fan_mode", name(CLIMATE_FAN_MODES, *call.get_fan_mode()));
    this->fan_mode = *call.get_fan_mode();
  }
  if (call.get_preset().has_value()) {
    record(*this, "climate.set_preset", name(CLIMATE_PRESETS, *call.get_preset()));
    this->preset = *call.get_preset();
  }
  this->publish_state();
}

namespace {
/** What cover and valve calls carry alike (ESPHome 2026 derives both from actuator::ActuatorBase). */
template<typename ActuatorCall>
void apply_open_close(actuator::ActuatorBase &entity, const std::string &domain, const ActuatorCall &call) {
  if (call.get_stop())
    record(entity, domain + ".set_command_stop");
  if (call.get_toggle().has_value())
    record(entity, domain + ".set_command_toggle");
  if (call.get_position().has_value()) {
    record(entity, domain + ".set_position", decimal(*call.get_position()));
    entity.position = *call.get_position();
  }
}
}  // namespace

void Cover::control(const cover::CoverCall &call) {
  apply_open_close(*this, "cover", call);
  if (call.get_tilt().has_value()) {
    record(*this, "cover.set_tilt", decimal(*call.get_tilt()));
    this->tilt = *call.get_tilt();
  }
  this->publish_state();
}

void Valve::control(const valve::ValveCall &call) {
  apply_open_close(*this, "valve", call);
  this->publish_state();
}

void Fan::control(const fan::FanCall &call) {
  if (call.get_state().has_value()) {
    record(*this, "fan.set_state", *call.get_state());
    this->state = *call.get_state();
  }
  if (call.get_speed().has_value()) {
    record(*this, "fan.set_speed", *call.get_speed());
    this->speed = *call.get_speed();
  }
  if (call.get_oscillating().has_value()) {
    record(*this, "fan.set_oscillating", *call.get_oscillating());
    this->oscillating = *call.get_oscillating();
  }
  if (call.get_direction().has_value()) {
    record(*this, "fan.set_direction", name(FAN_DIRECTIONS, static_cast<unsigned>(*call.get_direction())));
    this->direction = *call.get_direction();
  }
  this->publish_state();
}

void Lock::control(const lock::LockCall &call) {
  record(*this, "lock.set_state", name(LOCK_STATES, *call.get_state()));
  this->publish_state(*call.get_state());
}

void Lock::open_latch() {
  record(*this, "lock.open");
  this->publish_state(lock::LOCK_STATE_UNLOCKED);
}

void Text::control(const std::string &value) {
  record(*this, "text.set_value", value);
  this->publish_state(value);
}

void Select::control(size_t index) {
  record(*this, "select.set_option", this->option_at(index));
  this->publish_state(index);
}

namespace {
/** A field the call carries, or the entity's current one (what a template entity keeps). */
template<typename T, typename U> unsigned field(const optional<T> &carried, const U &current) {
  return carried.has_value() ? static_cast<unsigned>(*carried) : static_cast<unsigned>(current);
}
}  // namespace

// Each records the call with the date/time it carries as ISO 8601 text, then keeps it and
// publishes it, as an optimistic template date/time/datetime does.
void Date::control(const datetime::DateCall &call) {
  const unsigned y = field(call.get_year(), this->year), m = field(call.get_month(), this->month),
                 d = field(call.get_day(), this->day);
  char text[32];
  std::snprintf(text, sizeof text, "%04u-%02u-%02u", y, m, d);
  record(*this, "date.set_date", text);
  this->set(static_cast<uint16_t>(y), static_cast<uint8_t>(m), static_cast<uint8_t>(d));
}

void Time::control(const datetime::TimeCall &call) {
  const unsigned h = field(call.get_hour(), this->hour), m = field(call.get_minute(), this->minute),
                 s = field(call.get_second(), this->second);
  char text[32];
  std::snprintf(text, sizeof text, "%02u:%02u:%02u", h, m, s);
  record(*this, "time.set_time", text);
  this->set(static_cast<uint8_t>(h), static_cast<uint8_t>(m), static_cast<uint8_t>(s));
}

void DateTime::control(const datetime::DateTimeCall &call) {
  const unsigned y = field(call.get_year(), this->year), mo = field(call.get_month(), this->month),
                 d = field(call.get_day(), this->day), h = field(call.get_hour(), this->hour),
                 mi = field(call.get_minute(), this->minute), s = field(call.get_second(), this->second);
  char text[48];
  std::snprintf(text, sizeof text, "%04u-%02u-%02uT%02u:%02u:%02u", y, mo, d, h, mi, s);
  record(*this, "datetime.set_datetime", text);
  this->set(static_cast<uint16_t>(y), static_cast<uint8_t>(mo), static_cast<uint8_t>(d), static_cast<uint8_t>(h),
            static_cast<uint8_t>(mi), static_cast<uint8_t>(s));
}

void Date::set(uint16_t year, uint8_t month, uint8_t day) {
  this->year_ = year;
  this->month_ = month;
  this->day_ = day;
  this->publish_state();
}

void Time::set(uint8_t hour, uint8_t minute, uint8_t second) {
  this->hour_ = hour;
  this->minute_ = minute;
  this->second_ = second;
  this->publish_state();
}

void DateTime::set(uint16_t year, uint8_t month, uint8_t day, uint8_t hour, uint8_t minute, uint8_t second) {
  this->year_ = year;
  this->month_ = month;
  this->day_ = day;
  this->hour_ = hour;
  this->minute_ = minute;
  this->second_ = second;
  this->publish_state();
}

Entities::Entities() {
  living_room.set_name("Living Room");
  climate::ClimateTraits &t = living_room.supported;
  t.add_feature_flags(climate::CLIMATE_SUPPORTS_ACTION | climate::CLIMATE_SUPPORTS_CURRENT_TEMPERATURE);
  for (auto mode : {climate::CLIMATE_MODE_HEAT, climate::CLIMATE_MODE_COOL, climate::CLIMATE_MODE_AUTO})
    t.add_supported_mode(mode);
  for (auto fan : {climate::CLIMATE_FAN_AUTO, climate::CLIMATE_FAN_LOW, climate::CLIMATE_FAN_HIGH})
    t.add_supported_fan_mode(fan);
  for (auto preset : {climate::CLIMATE_PRESET_HOME, climate::CLIMATE_PRESET_AWAY, climate::CLIMATE_PRESET_ECO})
    t.add_supported_preset(preset);
  t.set_visual_min_temperature(7);
  t.set_visual_max_temperature(30);
  t.set_visual_target_temperature_step(0.5f);

  heat_pump.set_name("Heat Pump");
  heat_pump.supported.add_feature_flags(climate::CLIMATE_SUPPORTS_TWO_POINT_TARGET_TEMPERATURE |
                                        climate::CLIMATE_REQUIRES_TWO_POINT_TARGET_TEMPERATURE);
  heat_pump.supported.add_supported_mode(climate::CLIMATE_MODE_HEAT_COOL);  // 10..30 °C, step 0.1

  garage_door.set_name("Garage Door");
  garage_door.supported.set_supports_position(true);
  garage_door.supported.set_supports_tilt(true);
  garage_door.supported.set_supports_stop(true);
  irrigation.set_name("Irrigation");
  irrigation.supported.set_supports_position(true);
  ceiling_fan.set_name("Ceiling Fan");
  ceiling_fan.supported = fan::FanTraits(true, true, true, 3);
  front_door.set_name("Front Door");
  front_door.traits.set_supports_open(true);
  back_door.set_name("Back Door");
  note.set_name("Note");
  note.traits.set_min_length(2);
  note.traits.set_max_length(20);
  scene.set_name("Scene");
  scene.traits.set_options({"day", "night", "away"});
  outside_temperature.set_name("Outside Temperature");
  outside_temperature.set_unit_of_measurement("°C");
  outside_temperature.set_device_class("temperature");
  outside_temperature.set_accuracy_decimals(1);
  wifi_ssid.set_name("WiFi SSID");
  doorbell.set_name("Doorbell");
  doorbell.set_event_types({"single_press", "double_press"});
  holiday.set_name("Holiday");
  wake_up.set_name("Wake Up");
  next_service.set_name("Next Service");
}

void Entities::register_in(Application &app) {
  app.climates_.push_back(&living_room);
  app.climates_.push_back(&heat_pump);
  app.covers_.push_back(&garage_door);
  app.valves_.push_back(&irrigation);
  app.fans_.push_back(&ceiling_fan);
  app.locks_.push_back(&front_door);
  app.locks_.push_back(&back_door);
  app.texts_.push_back(&note);
  app.selects_.push_back(&scene);
  app.sensors_.push_back(&outside_temperature);
  app.text_sensors_.push_back(&wifi_ssid);
  app.events_.push_back(&doorbell);
  app.dates_.push_back(&holiday);
  app.times_.push_back(&wake_up);
  app.datetimes_.push_back(&next_service);
}

}  // namespace recording
