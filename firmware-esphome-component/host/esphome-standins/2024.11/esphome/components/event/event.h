#pragma once
// Stand-in (ESPHome 2024.11 signatures): Event, its event types as a std::set<std::string>
// (returned by value), the public pointer to the last one and the callback fired by trigger().
#include <functional>
#include <set>
#include <string>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace event {
class Event : public EntityBase, public EntityBase_DeviceClass {
 public:
  const std::string *last_event_type;  // nullptr until the first trigger()
  void trigger(const std::string &event_type);
  std::set<std::string> get_event_types() const;
  void add_on_event_callback(std::function<void(const std::string &event_type)> &&callback);
};
}  // namespace event
}  // namespace esphome
