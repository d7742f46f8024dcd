#pragma once
// Stand-in (ESPHome 2024.11 signatures, unchanged through 2026.x; USE_DATETIME_DATE): the state
// is read through public const references to the protected fields; a DateCall carries the date
// to the entity's control(). ESPHome's perform() first drops fields outside its ranges (year
// 1970..3000, month 1..12, the month's days) with a log line; the glue checks them before.
#include <cstdint>

#include "esphome/components/datetime/datetime_base.h"
#include "esphome/core/optional.h"

namespace esphome {
namespace datetime {
class DateEntity;

class DateCall {
 public:
  explicit DateCall(DateEntity *parent) : parent_(parent) {}
  void perform();
  DateCall &set_date(uint16_t year, uint8_t month, uint8_t day) {
    this->year_ = year;
    this->month_ = month;
    this->day_ = day;
    return *this;
  }
  optional<uint16_t> get_year() const { return this->year_; }
  optional<uint8_t> get_month() const { return this->month_; }
  optional<uint8_t> get_day() const { return this->day_; }

 protected:
  DateEntity *parent_;
  optional<uint16_t> year_;
  optional<uint8_t> month_;
  optional<uint8_t> day_;
};

class DateEntity : public DateTimeBase {
 protected:
  uint16_t year_{0};
  uint8_t month_{0};
  uint8_t day_{0};

 public:
  const uint16_t &year = year_;
  const uint8_t &month = month_;
  const uint8_t &day = day_;
  void publish_state() { this->publish_state_(); }
  DateCall make_call() { return DateCall(this); }

 protected:
  friend class DateCall;
  virtual void control(const DateCall &call) = 0;
};

inline void DateCall::perform() { this->parent_->control(*this); }
}  // namespace datetime
}  // namespace esphome
