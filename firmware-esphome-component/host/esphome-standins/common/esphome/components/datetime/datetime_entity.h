#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x; USE_DATETIME_DATETIME): a
// DateTimeCall carries date and time to the entity's control().
#include <cstdint>

#include "esphome/components/datetime/datetime_base.h"
#include "esphome/core/optional.h"

namespace esphome {
namespace datetime {
class DateTimeEntity;

class DateTimeCall {
 public:
  explicit DateTimeCall(DateTimeEntity *parent) : parent_(parent) {}
  void perform();
  DateTimeCall &set_datetime(uint16_t year, uint8_t month, uint8_t day, uint8_t hour, uint8_t minute,
                             uint8_t second) {
    this->year_ = year;
    this->month_ = month;
    this->day_ = day;
    this->hour_ = hour;
    this->minute_ = minute;
    this->second_ = second;
    return *this;
  }
  optional<uint16_t> get_year() const { return this->year_; }
  optional<uint8_t> get_month() const { return this->month_; }
  optional<uint8_t> get_day() const { return this->day_; }
  optional<uint8_t> get_hour() const { return this->hour_; }
  optional<uint8_t> get_minute() const { return this->minute_; }
  optional<uint8_t> get_second() const { return this->second_; }

 protected:
  DateTimeEntity *parent_;
  optional<uint16_t> year_;
  optional<uint8_t> month_;
  optional<uint8_t> day_;
  optional<uint8_t> hour_;
  optional<uint8_t> minute_;
  optional<uint8_t> second_;
};

class DateTimeEntity : public DateTimeBase {
 protected:
  uint16_t year_{0};
  uint8_t month_{0};
  uint8_t day_{0};
  uint8_t hour_{0};
  uint8_t minute_{0};
  uint8_t second_{0};

 public:
  const uint16_t &year = year_;
  const uint8_t &month = month_;
  const uint8_t &day = day_;
  const uint8_t &hour = hour_;
  const uint8_t &minute = minute_;
  const uint8_t &second = second_;
  void publish_state() { this->publish_state_(); }
  DateTimeCall make_call() { return DateTimeCall(this); }

 protected:
  friend class DateTimeCall;
  virtual void control(const DateTimeCall &call) = 0;
};

inline void DateTimeCall::perform() { this->parent_->control(*this); }
}  // namespace datetime
}  // namespace esphome
