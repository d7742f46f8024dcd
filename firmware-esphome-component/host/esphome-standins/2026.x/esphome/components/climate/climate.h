#pragma once
// Stand-in (ESPHome 2026.x signatures): Climate, ClimateCall, ClimateTraits. Since 2025.11
// the traits' get_supports_*() flags are feature flags (old getters deprecated).
#include <cmath>
#include <cstdint>
#include <utility>

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
enum ClimateFeature : uint32_t {
  CLIMATE_SUPPORTS_CURRENT_TEMPERATURE = 1 << 0,
  CLIMATE_SUPPORTS_TWO_POINT_TARGET_TEMPERATURE = 1 << 1,
  CLIMATE_REQUIRES_TWO_POINT_TARGET_TEMPERATURE = 1 << 2,
  CLIMATE_SUPPORTS_CURRENT_HUMIDITY = 1 << 3,
  CLIMATE_SUPPORTS_TARGET_HUMIDITY = 1 << 4,
  CLIMATE_SUPPORTS_ACTION = 1 << 5,
};

class ClimateTraits {
 public:
  uint32_t get_feature_flags() const { return this->feature_flags_; }
  void add_feature_flags(uint32_t flags) { this->feature_flags_ |= flags; }
  bool has_feature_flags(uint32_t flags) const { return this->feature_flags_ & flags; }
  ESPDEPRECATED("This method is deprecated, use get_feature_flags() instead", "2025.11.0")
  bool get_supports_current_temperature() const { return this->has_feature_flags(CLIMATE_SUPPORTS_CURRENT_TEMPERATURE); }
  ESPDEPRECATED("This method is deprecated, use get_feature_flags() instead", "2025.11.0")
  bool get_supports_two_point_target_temperature() const {
    return this->has_feature_flags(CLIMATE_REQUIRES_TWO_POINT_TARGET_TEMPERATURE);
  }
  ESPDEPRECATED("This method is deprecated, use get_feature_flags() instead", "2025.11.0")
  bool get_supports_action() const { return this->has_feature_flags(CLIMATE_SUPPORTS_ACTION); }

  void add_supported_mode(ClimateMode mode) { this->modes_ |= 1u << mode; }
  bool supports_mode(ClimateMode mode) const { return this->modes_ & (1u << mode); }
  void add_supported_fan_mode(ClimateFanMode mode) { this->fan_modes_ |= 1u << mode; }
  bool supports_fan_mode(ClimateFanMode fan_mode) const { return this->fan_modes_ & (1u << fan_mode); }
  void add_supported_preset(ClimatePreset preset) { this->presets_ |= 1u << preset; }
  bool supports_preset(ClimatePreset preset) const { return this->presets_ & (1u << preset); }

  float get_visual_min_temperature() const { return this->visual_min_temperature_; }
  void set_visual_min_temperature(float v) { this->visual_min_temperature_ = v; }
  float get_visual_max_temperature() const { return this->visual_max_temperature_; }
  void set_visual_max_temperature(float v) { this->visual_max_temperature_ = v; }
  float get_visual_target_temperature_step() const { return this->visual_target_temperature_step_; }
  void set_visual_target_temperature_step(float v) { this->visual_target_temperature_step_ = v; }

 protected:
  uint32_t feature_flags_{0};
  uint32_t modes_{1u << CLIMATE_MODE_OFF};
  uint32_t fan_modes_{0};
  uint32_t presets_{0};
  float visual_min_temperature_{10};
  float visual_max_temperature_{30};
  float visual_target_temperature_step_{0.1f};
};

class Climate;

class ClimateCall {
 public:
  explicit ClimateCall(Climate *parent) : parent_(parent) {}
  ClimateCall &set_mode(ClimateMode mode) {
    this->mode_ = mode;
    return *this;
  }
  ClimateCall &set_target_temperature(float t) {
    this->target_temperature_ = t;
    return *this;
  }
  ClimateCall &set_target_temperature_low(float t) {
    this->target_temperature_low_ = t;
    return *this;
  }
  ClimateCall &set_target_temperature_high(float t) {
    this->target_temperature_high_ = t;
    return *this;
  }
  ClimateCall &set_fan_mode(ClimateFanMode fan_mode) {
    this->fan_mode_ = fan_mode;
    return *this;
  }
  ClimateCall &set_preset(ClimatePreset preset) {
    this->preset_ = preset;
    return *this;
  }
  void perform();

  const optional<ClimateMode> &get_mode() const { return this->mode_; }
  const optional<float> &get_target_temperature() const { return this->target_temperature_; }
  const optional<float> &get_target_temperature_low() const { return this->target_temperature_low_; }
  const optional<float> &get_target_temperature_high() const { return this->target_temperature_high_; }
  const optional<ClimateFanMode> &get_fan_mode() const { return this->fan_mode_; }
  const optional<ClimatePreset> &get_preset() const { return this->preset_; }

 protected:
  Climate *const parent_;
  optional<ClimateMode> mode_;
  optional<float> target_temperature_;
  optional<float> target_temperature_low_;
  optional<float> target_temperature_high_;
  optional<ClimateFanMode> fan_mode_;
  optional<ClimatePreset> preset_;
};

class Climate : public EntityBase {
 public:
  ClimateMode mode{CLIMATE_MODE_OFF};
  ClimateAction action{CLIMATE_ACTION_OFF};
  float current_temperature{NAN};
  float target_temperature{NAN};
  float target_temperature_low{NAN};
  float target_temperature_high{NAN};
  optional<ClimateFanMode> fan_mode;
  optional<ClimatePreset> preset;

  template<typename F> void add_on_state_callback(F &&callback) { this->state_callback_.add(std::forward<F>(callback)); }
  ClimateCall make_call() { return ClimateCall(this); }
  void publish_state() { this->state_callback_.call(*this); }
  ClimateTraits get_traits() { return this->traits(); }

 protected:
  friend ClimateCall;
  virtual ClimateTraits traits() = 0;
  virtual void control(const ClimateCall &call) = 0;
  LazyCallbackManager<void(Climate &)> state_callback_;
};

inline void ClimateCall::perform() { this->parent_->control(*this); }
}  // namespace climate
}  // namespace esphome
