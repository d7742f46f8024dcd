#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x): the base of date, time and
// datetime entities: has_state() and a state callback without arguments (the entity's public
// year/month/day/hour/minute/second references hold the state). publish_state_() stands in
// for what the entities' publish_state() does, for the host glue test.
#include <functional>
#include <utility>
#include <vector>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace datetime {
class DateTimeBase : public EntityBase {
 public:
  bool has_state() const { return this->has_state_; }
  void add_on_state_callback(std::function<void()> &&callback) { this->state_callbacks_.push_back(std::move(callback)); }

 protected:
  void publish_state_() {
    this->has_state_ = true;
    for (auto &callback : this->state_callbacks_)
      callback();
  }
  std::vector<std::function<void()>> state_callbacks_;
  bool has_state_{false};
};
}  // namespace datetime
}  // namespace esphome
