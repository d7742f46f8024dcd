#pragma once
// Stand-in (ESPHome 2026.x signatures): Text, TextCall, TextTraits.
#include <string>
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace text {
class TextTraits {
 public:
  int get_min_length() const { return this->min_length_; }
  void set_min_length(int v) { this->min_length_ = v; }
  int get_max_length() const { return this->max_length_; }
  void set_max_length(int v) { this->max_length_ = v; }

 protected:
  int min_length_{0};
  int max_length_{255};
};

class Text;

class TextCall {
 public:
  explicit TextCall(Text *parent) : parent_(parent) {}
  TextCall &set_value(const std::string &value) {
    this->value_ = value;
    return *this;
  }
  void perform();

 protected:
  Text *const parent_;
  optional<std::string> value_;
};

class Text : public EntityBase {
 public:
  std::string state;
  TextTraits traits;
  TextCall make_call() { return TextCall(this); }
  template<typename F> void add_on_state_callback(F &&callback) { this->state_callback_.add(std::forward<F>(callback)); }
  void publish_state(const std::string &state) {
    this->state = state;
    this->state_callback_.call(state);
  }

 protected:
  friend TextCall;
  virtual void control(const std::string &value) = 0;
  LazyCallbackManager<void(std::string)> state_callback_;
};

inline void TextCall::perform() {
  if (this->value_.has_value())
    this->parent_->control(*this->value_);
}
}  // namespace text
}  // namespace esphome
