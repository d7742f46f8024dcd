// ESPHome entities of every kind the glue maps, built on the 2026.x stand-ins, that apply what
// an ESPHome call carries (the entity's control() receives the call object, as a real
// component's does), report each call to a sink, and publish their new state. glue_tests and
// mcpb-esphome-device drive the real glue (mcp_bridge.cpp) against one set of them.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "esphome/core/application.h"

namespace recording {

/** One ESPHome-style call an entity received, e.g. climate.set_mode(CLIMATE_MODE_HEAT). */
struct Call {
  std::string entity;     // the entity's name ("Living Room")
  std::string call;       // "climate.set_mode"
  nlohmann::json value;   // the argument (enum values by their ESPHome name); null: none
  /** "climate.set_mode(CLIMATE_MODE_HEAT)", "text.set_value(buy milk)", "cover.set_command_stop()". */
  std::string text() const;
  /** {"entity":"Living Room","call":"climate.set_mode","value":"CLIMATE_MODE_HEAT"}. */
  std::string json_line() const;
};

/** Receives every call any recording entity gets; replaces the previous sink. */
void set_sink(std::function<void(const Call &)> sink);

class Climate : public esphome::climate::Climate {
 public:
  esphome::climate::ClimateTraits supported;

 protected:
  esphome::climate::ClimateTraits traits() override { return this->supported; }
  void control(const esphome::climate::ClimateCall &call) override;
};

/** An entity whose traits the driver sets (an ESPHome component computes its own). */
template<typename Entity, typename Traits> class WithTraits : public Entity {
 public:
  Traits supported;
  Traits get_traits() override { return this->supported; }
};

class Cover : public WithTraits<esphome::cover::Cover, esphome::cover::CoverTraits> {
 protected:
  void control(const esphome::cover::CoverCall &call) override;
};

class Valve : public WithTraits<esphome::valve::Valve, esphome::valve::ValveTraits> {
 protected:
  void control(const esphome::valve::ValveCall &call) override;
};

class Fan : public WithTraits<esphome::fan::Fan, esphome::fan::FanTraits> {
 protected:
  void control(const esphome::fan::FanCall &call) override;
};

class Lock : public esphome::lock::Lock {
 protected:
  void control(const esphome::lock::LockCall &call) override;
  void open_latch() override;
};

class Text : public esphome::text::Text {
 protected:
  void control(const std::string &value) override;
};

class Select : public esphome::select::Select {
 protected:
  void control(size_t index) override;
};

/**
 * Date, time and datetime entities: control() records the DateCall/TimeCall/DateTimeCall
 * ("date.set_date(2026-12-24)") and applies it; set() is a local change (a restore from flash,
 * an automation) that publishes without a call.
 */
class Date : public esphome::datetime::DateEntity {
 public:
  void set(uint16_t year, uint8_t month, uint8_t day);

 protected:
  void control(const esphome::datetime::DateCall &call) override;
};

class Time : public esphome::datetime::TimeEntity {
 public:
  void set(uint8_t hour, uint8_t minute, uint8_t second);

 protected:
  void control(const esphome::datetime::TimeCall &call) override;
};

class DateTime : public esphome::datetime::DateTimeEntity {
 public:
  void set(uint16_t year, uint8_t month, uint8_t day, uint8_t hour, uint8_t minute, uint8_t second);

 protected:
  void control(const esphome::datetime::DateTimeCall &call) override;
};

/**
 * The device both drivers run: one entity of every kind, configured as a YAML would
 * (names, traits), plus a second climate (two-point target) and a second lock (no open).
 */
struct Entities {
  Climate living_room;  // heat/cool/auto, one target 7..30 step 0.5, fan modes, presets, action
  Climate heat_pump;    // two-point target 10..30 step 0.1
  Cover garage_door;    // position, tilt, stop (no toggle)
  Valve irrigation;     // position (no stop, no toggle)
  Fan ceiling_fan;      // 3 speeds, oscillation, direction
  Lock front_door;      // supports open
  Lock back_door;       // does not
  Text note;            // 2..20 characters
  Select scene;         // day, night, away
  esphome::sensor::Sensor outside_temperature;
  // Entities reported as string readings.
  esphome::text_sensor::TextSensor wifi_ssid;
  esphome::event::Event doorbell;  // single_press, double_press
  // String actuators with an ISO 8601 format.
  Date holiday;
  Time wake_up;
  DateTime next_service;

  Entities();
  /** Registers every entity in `app`, as ESPHome's codegen does with App.register_*(). */
  void register_in(esphome::Application &app);
};

}  // namespace recording
