#pragma once
// Stand-in (ESPHome 2024.11 signatures): Lock, LockCall, LockTraits.
#include <cstdint>
#include <functional>

#include "esphome/core/entity_base.h"

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
  bool get_supports_open() const;
};

class Lock;

class LockCall {
 public:
  LockCall(Lock *parent) : parent_(parent) {}  // NOLINT
  LockCall &set_state(LockState state);
  void perform();

 protected:
  Lock *const parent_;
};

class Lock : public EntityBase {
 public:
  LockCall make_call();
  LockState state{LOCK_STATE_NONE};
  LockTraits traits;
  void lock();
  void unlock();
  void open();
  void add_on_state_callback(std::function<void()> &&callback);
};
}  // namespace lock
}  // namespace esphome
