#pragma once
// Stand-in (ESPHome 2026.x signatures): Event. Since 2025.11 the event types are a
// FixedVector<const char *> of codegen literals (the std::string overloads of set_event_types
// are deleted) and the last type is a StringRef. trigger() fires the callbacks for a declared
// type only, as ESPHome does.
#include <cstring>
#include <functional>
#include <initializer_list>
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"
#include "esphome/core/string_ref.h"

namespace esphome {
namespace event {
class Event : public EntityBase, public EntityBase_DeviceClass {
 public:
  void trigger(const std::string &event_type) {
    for (const char *type : this->types_) {
      if (event_type == type) {
        this->last_event_type_ = type;
        this->event_callback_.call(event_type);
        return;
      }
    }
  }
  void set_event_types(std::initializer_list<const char *> event_types) { this->types_ = event_types; }
  void set_event_types(std::initializer_list<std::string> event_types) = delete;
  const FixedVector<const char *> &get_event_types() const { return this->types_; }
  StringRef get_last_event_type() const { return StringRef(this->last_event_type_ == nullptr ? "" : this->last_event_type_); }
  void add_on_event_callback(std::function<void(const std::string &event_type)> &&callback) {
    this->event_callback_.add(std::move(callback));
  }

 protected:
  LazyCallbackManager<void(const std::string &event_type)> event_callback_;
  FixedVector<const char *> types_;

 private:
  const char *last_event_type_{nullptr};
};
}  // namespace event
}  // namespace esphome
