#pragma once
// Stand-in (esphome/core/optional.h, 2024.11 and 2026.x): ESPHome's own optional<T>, used by
// climate state (fan_mode, preset). Only the members the glue reads.
namespace esphome {
template<typename T> class optional {  // NOLINT
 public:
  optional() {}
  optional(T const &arg) : has_value_(true), value_(arg) {}  // NOLINT
  bool has_value() const { return this->has_value_; }
  T const &value() const { return this->value_; }
  T const &operator*() const { return this->value_; }

 private:
  bool has_value_{false};
  T value_{};
};
}  // namespace esphome
