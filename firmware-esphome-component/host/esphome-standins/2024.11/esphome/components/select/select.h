#pragma once
// Stand-in (ESPHome 2024.11 signatures): Select, SelectCall, SelectTraits.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "esphome/core/entity_base.h"

namespace esphome {
namespace select {
class Select;

class SelectCall {
 public:
  explicit SelectCall(Select *parent) : parent_(parent) {}
  void perform();
  SelectCall &set_option(const std::string &option);

 protected:
  Select *const parent_;
};

class SelectTraits {
 public:
  std::vector<std::string> get_options() const;
};

class Select : public EntityBase {
 public:
  std::string state;
  SelectTraits traits;
  SelectCall make_call() { return SelectCall(this); }
  void add_on_state_callback(std::function<void(std::string, size_t)> &&callback);
};
}  // namespace select
}  // namespace esphome
