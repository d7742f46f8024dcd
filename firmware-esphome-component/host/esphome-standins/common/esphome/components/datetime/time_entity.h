#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x; USE_DATETIME_TIME): a
// TimeCall carries the time to the entity's control().
#include <cstdint>

#include "esphome/components/datetime/datetime_base.h"
#include "esphome/core/optional.h"

namespace esphome {
namespace datetime {
class TimeEntity;

class TimeCall {
 public:
  explicit TimeCall(TimeEntity *parent) : parent_(parent) {}
  void perform();
  TimeCall &set_time(uint8_t hour, uint8_t minute, uint8_t second) {
    this->hour_ = hour;
    this->minute_ = minute;
    this->second_ = second;
    return *this;
  }
  optional<uint8_t> get_hour() const { return this->hour_; }
  optional<uint8_t> get_minute() const { return this->minute_; }
  optional<uint8_t> get_second() const { return this->second_; }

 protected:
  TimeEntity *parent_;
  optional<uint8_t> hour_;
  optional<uint8_t> minute_;
  optional<uint8_t> second_;
};

class TimeEntity : public DateTimeBase {
 protected:
  uint8_t hour_{0};
  uint8_t minute_{0};
  uint8_t second_{0};

 public:
  const uint8_t &hour = hour_;
  const uint8_t &minute = minute_;
  const uint8_t &second = second_;
  void publish_state() { this->publish_state_(); }
  TimeCall make_call() { return TimeCall(this); }

 protected:
  friend class TimeCall;
  virtual void control(const TimeCall &call) = 0;
};

inline void TimeCall::perform() { this->parent_->control(*this); }
}  // namespace datetime
}  // namespace esphome
