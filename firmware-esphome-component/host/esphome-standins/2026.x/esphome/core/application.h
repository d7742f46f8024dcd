#pragma once
// Stand-in (ESPHome 2026.x signatures): App's entity registries are fixed-size StaticVectors
// sized by codegen; names are StringRefs. Members are public here so the host glue test can
// register its entities (ESPHome's codegen calls App.register_*()).
#include <cstddef>

#include "esphome/core/component.h"
#include "esphome/core/defines.h"
#include "esphome/core/helpers.h"
#include "esphome/core/string_ref.h"
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

#ifndef MCPB_STANDIN_MAX_ENTITIES
#define MCPB_STANDIN_MAX_ENTITIES 16
#endif

namespace esphome {
class Application {
 public:
  const StringRef &get_name() const { return this->name_; }
  const StringRef &get_friendly_name() const { return this->friendly_name_; }
#ifdef USE_SENSOR
  auto &get_sensors() { return this->sensors_; }
#endif
#ifdef USE_BINARY_SENSOR
  auto &get_binary_sensors() { return this->binary_sensors_; }
#endif
#ifdef USE_SWITCH
  auto &get_switches() { return this->switches_; }
#endif
#ifdef USE_BUTTON
  auto &get_buttons() { return this->buttons_; }
#endif
#ifdef USE_NUMBER
  auto &get_numbers() { return this->numbers_; }
#endif
#ifdef USE_SELECT
  auto &get_selects() { return this->selects_; }
#endif
#ifdef USE_LIGHT
  auto &get_lights() { return this->lights_; }
#endif
#ifdef USE_CLIMATE
  auto &get_climates() { return this->climates_; }
#endif
#ifdef USE_COVER
  auto &get_covers() { return this->covers_; }
#endif
#ifdef USE_FAN
  auto &get_fans() { return this->fans_; }
#endif
#ifdef USE_LOCK
  auto &get_locks() { return this->locks_; }
#endif
#ifdef USE_VALVE
  auto &get_valves() { return this->valves_; }
#endif
#ifdef USE_TEXT
  auto &get_texts() { return this->texts_; }
#endif
#ifdef USE_TEXT_SENSOR
  auto &get_text_sensors() { return this->text_sensors_; }
#endif
#ifdef USE_EVENT
  auto &get_events() { return this->events_; }
#endif
#ifdef USE_DATETIME_DATE
  auto &get_dates() { return this->dates_; }
#endif
#ifdef USE_DATETIME_TIME
  auto &get_times() { return this->times_; }
#endif
#ifdef USE_DATETIME_DATETIME
  auto &get_datetimes() { return this->datetimes_; }
#endif

  StringRef name_;
  StringRef friendly_name_;
#ifdef USE_SENSOR
  StaticVector<sensor::Sensor *, MCPB_STANDIN_MAX_ENTITIES> sensors_;
#endif
#ifdef USE_BINARY_SENSOR
  StaticVector<binary_sensor::BinarySensor *, MCPB_STANDIN_MAX_ENTITIES> binary_sensors_;
#endif
#ifdef USE_SWITCH
  StaticVector<switch_::Switch *, MCPB_STANDIN_MAX_ENTITIES> switches_;
#endif
#ifdef USE_BUTTON
  StaticVector<button::Button *, MCPB_STANDIN_MAX_ENTITIES> buttons_;
#endif
#ifdef USE_NUMBER
  StaticVector<number::Number *, MCPB_STANDIN_MAX_ENTITIES> numbers_;
#endif
#ifdef USE_SELECT
  StaticVector<select::Select *, MCPB_STANDIN_MAX_ENTITIES> selects_;
#endif
#ifdef USE_LIGHT
  StaticVector<light::LightState *, MCPB_STANDIN_MAX_ENTITIES> lights_;
#endif
#ifdef USE_CLIMATE
  StaticVector<climate::Climate *, MCPB_STANDIN_MAX_ENTITIES> climates_;
#endif
#ifdef USE_COVER
  StaticVector<cover::Cover *, MCPB_STANDIN_MAX_ENTITIES> covers_;
#endif
#ifdef USE_FAN
  StaticVector<fan::Fan *, MCPB_STANDIN_MAX_ENTITIES> fans_;
#endif
#ifdef USE_LOCK
  StaticVector<lock::Lock *, MCPB_STANDIN_MAX_ENTITIES> locks_;
#endif
#ifdef USE_VALVE
  StaticVector<valve::Valve *, MCPB_STANDIN_MAX_ENTITIES> valves_;
#endif
#ifdef USE_TEXT
  StaticVector<text::Text *, MCPB_STANDIN_MAX_ENTITIES> texts_;
#endif
#ifdef USE_TEXT_SENSOR
  StaticVector<text_sensor::TextSensor *, MCPB_STANDIN_MAX_ENTITIES> text_sensors_;
#endif
#ifdef USE_EVENT
  StaticVector<event::Event *, MCPB_STANDIN_MAX_ENTITIES> events_;
#endif
#ifdef USE_DATETIME_DATE
  StaticVector<datetime::DateEntity *, MCPB_STANDIN_MAX_ENTITIES> dates_;
#endif
#ifdef USE_DATETIME_TIME
  StaticVector<datetime::TimeEntity *, MCPB_STANDIN_MAX_ENTITIES> times_;
#endif
#ifdef USE_DATETIME_DATETIME
  StaticVector<datetime::DateTimeEntity *, MCPB_STANDIN_MAX_ENTITIES> datetimes_;
#endif
};

extern Application App;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
}  // namespace esphome
