#pragma once
// Stand-in (ESPHome 2024.11 signatures): the entity registries of App, one per enabled domain.
#include <string>
#include <vector>

#include "esphome/core/component.h"
#include "esphome/core/defines.h"
#ifdef USE_SENSOR
#include "esphome/components/sensor/sensor.h"
#endif
#ifdef USE_BINARY_SENSOR
#include "esphome/components/binary_sensor/binary_sensor.h"
#endif
#ifdef USE_SWITCH
#include "esphome/components/switch/switch.h"
#endif
#ifdef USE_BUTTON
#include "esphome/components/button/button.h"
#endif
#ifdef USE_NUMBER
#include "esphome/components/number/number.h"
#endif
#ifdef USE_SELECT
#include "esphome/components/select/select.h"
#endif
#ifdef USE_LIGHT
#include "esphome/components/light/light_state.h"
#endif

namespace esphome {
class Application {
 public:
  const std::string &get_name() const;
  const std::string &get_friendly_name() const;
#ifdef USE_SENSOR
  const std::vector<sensor::Sensor *> &get_sensors();
#endif
#ifdef USE_BINARY_SENSOR
  const std::vector<binary_sensor::BinarySensor *> &get_binary_sensors();
#endif
#ifdef USE_SWITCH
  const std::vector<switch_::Switch *> &get_switches();
#endif
#ifdef USE_BUTTON
  const std::vector<button::Button *> &get_buttons();
#endif
#ifdef USE_NUMBER
  const std::vector<number::Number *> &get_numbers();
#endif
#ifdef USE_SELECT
  const std::vector<select::Select *> &get_selects();
#endif
#ifdef USE_LIGHT
  const std::vector<light::LightState *> &get_lights();
#endif
};

extern Application App;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace esphome
