#pragma once
// Stand-in (ESPHome 2024.11 signatures): Text, TextCall, TextTraits.
#include <functional>
#include <string>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace text {
class TextTraits {
 public:
  int get_min_length() const;
  int get_max_length() const;
};

class Text;

class TextCall {
 public:
  explicit TextCall(Text *parent) : parent_(parent) {}
  TextCall &set_value(const std::string &value);
  void perform();

 protected:
  Text *const parent_;
};

class Text : public EntityBase {
 public:
  std::string state;
  TextTraits traits;
  TextCall make_call() { return TextCall(this); }
  void add_on_state_callback(std::function<void(std::string)> &&callback);
};
}  // namespace text
}  // namespace esphome
