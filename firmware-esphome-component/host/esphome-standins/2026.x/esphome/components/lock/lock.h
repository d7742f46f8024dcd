#pragma once
// Stand-in (ESPHome 2026.x signatures): Lock, LockCall, LockTraits.
#include <cstdint>
#include <utility>

#include "esphome/core/entity_base.h"
#include "esphome/core/helpers.h"

namespace esphome {
namespace lock {
enum LockState : uint8_t {
  LOCK_STATE_NONE = 0,
  LOCK_STATE_LOCKED = 1,
  LOCK_STATE_UNLOCKED = 2,
  LOCK_STATE_JAMMED = 3,
  LOCK_STATE_LOCKING = 4,
  LOCK_STATE_UNLOCKING = 5,
};

class LockTraits {
 public:
  bool get_supports_open() const { return this->supports_open_; }
  void set_supports_open(bool supports_open) { this->supports_open_ = supports_open; }

 protected:
  bool supports_open_{false};
};

class Lock;

class LockCall {
 public:
  LockCall(Lock *parent) : parent_(parent) {}  // NOLINT
  LockCall &set_state(LockState state) {
    this->state_ = state;
    return *this;
  }
  void perform();
  const optional<LockState> &get_state() const { return this->state_; }

 protected:
  Lock *const parent_;
  optional<LockState> state_;
};

class Lock : public EntityBase {
 public:
  LockCall make_call() { return LockCall(this); }
  LockState state{LOCK_STATE_NONE};
  LockTraits traits;
  void lock() { this->make_call().set_state(LOCK_STATE_LOCKED).perform(); }
  void unlock() { this->make_call().set_state(LOCK_STATE_UNLOCKED).perform(); }
  void open() { this->open_latch(); }
  template<typename F> void add_on_state_callback(F &&callback) { this->state_callback_.add(std::forward<F>(callback)); }
  void publish_state(LockState state) {
    this->state = state;
    this->state_callback_.call();
  }

 protected:
  friend LockCall;
  virtual void open_latch() { this->unlock(); }
  virtual void control(const LockCall &call) = 0;
  LazyCallbackManager<void()> state_callback_;
};

inline void LockCall::perform() { this->parent_->control(*this); }
}  // namespace lock
}  // namespace esphome
