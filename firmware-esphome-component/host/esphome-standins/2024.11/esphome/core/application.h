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
#ifdef USE_CLIMATE
#include "esphome/components/climate/climate.h"
#endif
#ifdef USE_COVER
#include "esphome/components/cover/cover.h"
#endif
#ifdef USE_FAN
#include "esphome/components/fan/fan.h"
#endif
#ifdef USE_LOCK
#include "esphome/components/lock/lock.h"
#endif
#ifdef USE_VALVE
#include "esphome/components/valve/valve.h"
#endif
#ifdef USE_TEXT
#include "esphome/components/text/text.h"
#endif
#ifdef USE_TEXT_SENSOR
#include "esphome/components/text_sensor/text_sensor.h"
#endif
#ifdef USE_EVENT
#include "esphome/components/event/event.h"
#endif
#ifdef USE_DATETIME_DATE
#include "esphome/components/datetime/date_entity.h"
#endif
#ifdef USE_DATETIME_TIME
#include "esphome/components/datetime/time_entity.h"
#endif
#ifdef USE_DATETIME_DATETIME
#include "esphome/components/datetime/datetime_entity.h"
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
#ifdef USE_CLIMATE
  const std::vector<climate::Climate *> &get_climates();
#endif
#ifdef USE_COVER
  const std::vector<cover::Cover *> &get_covers();
#endif
#ifdef USE_FAN
  const std::vector<fan::Fan *> &get_fans();
#endif
#ifdef USE_LOCK
  const std::vector<lock::Lock *> &get_locks();
#endif
#ifdef USE_VALVE
  const std::vector<valve::Valve *> &get_valves();
#endif
#ifdef USE_TEXT
  const std::vector<text::Text *> &get_texts();
#endif
#ifdef USE_TEXT_SENSOR
  const std::vector<text_sensor::TextSensor *> &get_text_sensors();
#endif
#ifdef USE_EVENT
  const std::vector<event::Event *> &get_events();
#endif
#ifdef USE_DATETIME_DATE
  const std::vector<datetime::DateEntity *> &get_dates();
#endif
#ifdef USE_DATETIME_TIME
  const std::vector<datetime::TimeEntity *> &get_times();
#endif
#ifdef USE_DATETIME_DATETIME
  const std::vector<datetime::DateTimeEntity *> &get_datetimes();
#endif
};

extern Application App;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace esphome
