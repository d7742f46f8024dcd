#pragma once
// Stand-in (ESPHome 2026.x signatures): `state` deprecated since 2026.1 (removal 2026.7),
// current_option() returns a StringRef, the state callback receives the index only, options
// are const char * from flash.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"
#include "esphome/core/string_ref.h"

namespace esphome {
namespace select {
class Select;

class SelectTraits {
 public:
  void set_options(std::vector<const char *> options) { this->options_ = std::move(options); }
  const std::vector<const char *> &get_options() const { return this->options_; }

 protected:
  std::vector<const char *> options_;
};

class SelectCall {
 public:
  explicit SelectCall(Select *parent) : parent_(parent) {}
  SelectCall &set_option(const std::string &option) {
    this->option_ = option;
    return *this;
  }
  SelectCall &set_option(const char *option) {
    this->option_ = option;
    return *this;
  }
  void perform();

 protected:
  Select *const parent_;
  std::string option_;
};

class Select : public EntityBase {
 public:
  SelectTraits traits;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  ESPDEPRECATED("Use current_option() instead of .state. Will be removed in 2026.7.0", "2026.1.0")
  std::string state{};

  Select() = default;
  ~Select() = default;
#pragma GCC diagnostic pop

  StringRef current_option() const {
    return this->has_state_ ? StringRef(this->traits.get_options()[this->active_index_]) : StringRef();
  }
  const char *option_at(size_t index) const { return this->traits.get_options()[index]; }
  SelectCall make_call() { return SelectCall(this); }
  void add_on_state_callback(std::function<void(size_t)> &&callback) { this->callback_.add(std::move(callback)); }
  void publish_state(size_t index) {
    this->active_index_ = index;
    this->has_state_ = true;
    this->callback_.call(index);
  }

 protected:
  friend class SelectCall;
  virtual void control(size_t index) { this->publish_state(index); }
  size_t active_index_{0};
  bool has_state_{false};
  LazyCallbackManager<void(size_t)> callback_;
};

inline void SelectCall::perform() {
  const auto &options = this->parent_->traits.get_options();
  for (size_t i = 0; i < options.size(); i++) {
    if (this->option_ == options[i])
      this->parent_->control(i);  // an unknown option is logged and dropped, as in ESPHome
  }
}
}  // namespace select
}  // namespace esphome
