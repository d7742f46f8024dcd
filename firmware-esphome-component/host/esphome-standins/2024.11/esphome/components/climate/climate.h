#pragma once
// Stand-in (ESPHome 2024.11 signatures): Climate, ClimateCall, ClimateTraits and the mode enums.
#include <cmath>
#include <cstdint>
#include <functional>
#include <set>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace climate {
enum ClimateMode : uint8_t {
  CLIMATE_MODE_OFF = 0,
  CLIMATE_MODE_HEAT_COOL = 1,
  CLIMATE_MODE_COOL = 2,
  CLIMATE_MODE_HEAT = 3,
  CLIMATE_MODE_FAN_ONLY = 4,
  CLIMATE_MODE_DRY = 5,
  CLIMATE_MODE_AUTO = 6,
};
enum ClimateAction : uint8_t {
  CLIMATE_ACTION_OFF = 0,
  CLIMATE_ACTION_COOLING = 2,
  CLIMATE_ACTION_HEATING = 3,
  CLIMATE_ACTION_IDLE = 4,
  CLIMATE_ACTION_DRYING = 5,
  CLIMATE_ACTION_FAN = 6,
};
enum ClimateFanMode : uint8_t {
  CLIMATE_FAN_ON = 0,
  CLIMATE_FAN_OFF = 1,
  CLIMATE_FAN_AUTO = 2,
  CLIMATE_FAN_LOW = 3,
  CLIMATE_FAN_MEDIUM = 4,
  CLIMATE_FAN_HIGH = 5,
  CLIMATE_FAN_MIDDLE = 6,
  CLIMATE_FAN_FOCUS = 7,
  CLIMATE_FAN_DIFFUSE = 8,
  CLIMATE_FAN_QUIET = 9,
};
enum ClimateSwingMode : uint8_t { CLIMATE_SWING_OFF = 0, CLIMATE_SWING_BOTH = 1 };
enum ClimatePreset : uint8_t {
  CLIMATE_PRESET_NONE = 0,
  CLIMATE_PRESET_HOME = 1,
  CLIMATE_PRESET_AWAY = 2,
  CLIMATE_PRESET_BOOST = 3,
  CLIMATE_PRESET_COMFORT = 4,
  CLIMATE_PRESET_ECO = 5,
  CLIMATE_PRESET_SLEEP = 6,
  CLIMATE_PRESET_ACTIVITY = 7,
};

class ClimateTraits {
 public:
  bool get_supports_current_temperature() const;
  bool get_supports_two_point_target_temperature() const;
  bool get_supports_action() const;
  bool supports_mode(ClimateMode mode) const;
  bool supports_fan_mode(ClimateFanMode fan_mode) const;
  bool supports_preset(ClimatePreset preset) const;
  float get_visual_min_temperature() const;
  float get_visual_max_temperature() const;
  float get_visual_target_temperature_step() const;
};

class Climate;

class ClimateCall {
 public:
  explicit ClimateCall(Climate *parent) : parent_(parent) {}
  ClimateCall &set_mode(ClimateMode mode);
  ClimateCall &set_mode(const std::string &mode);
  ClimateCall &set_target_temperature(float target_temperature);
  ClimateCall &set_target_temperature_low(float target_temperature_low);
  ClimateCall &set_target_temperature_high(float target_temperature_high);
  ClimateCall &set_fan_mode(ClimateFanMode fan_mode);
  ClimateCall &set_fan_mode(const std::string &fan_mode);
  ClimateCall &set_preset(ClimatePreset preset);
  ClimateCall &set_preset(const std::string &preset);
  void perform();

 protected:
  Climate *const parent_;
};

class Climate : public EntityBase {
 public:
  ClimateMode mode{CLIMATE_MODE_OFF};
  ClimateAction action{CLIMATE_ACTION_OFF};
  float current_temperature{NAN};
  // A union with the low/high pair in ESPHome; separate fields suffice for the glue's reads.
  float target_temperature;
  float target_temperature_low{NAN};
  float target_temperature_high{NAN};
  optional<ClimateFanMode> fan_mode;
  optional<ClimatePreset> preset;

  void add_on_state_callback(std::function<void(Climate &)> &&callback);
  ClimateCall make_call();
  ClimateTraits get_traits();
};
}  // namespace climate
}  // namespace esphome
