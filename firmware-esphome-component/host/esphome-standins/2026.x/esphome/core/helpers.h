#pragma once
// Stand-in (ESPHome 2026.x esphome/core/helpers.h): C++20, so no make_unique of its own;
// StaticVector (fixed capacity, the entity registries of App); the FNV-1 hash.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "esphome/core/macros.h"
#include "esphome/core/optional.h"

namespace esphome {
template<typename T, size_t N> class StaticVector {
 public:
  void push_back(const T &value) {
    if (this->count_ < N)
      this->data_[this->count_++] = value;
  }
  size_t size() const { return this->count_; }
  T *begin() { return this->data_; }
  T *end() { return this->data_ + this->count_; }
  const T *begin() const { return this->data_; }
  const T *end() const { return this->data_ + this->count_; }

 private:
  T data_[N]{};
  size_t count_{0};
};

/** ESPHome's LazyCallbackManager, reduced: callbacks added with add(), fired by call(). */
template<typename Signature> class LazyCallbackManager;
template<typename... Ts> class LazyCallbackManager<void(Ts...)> {
 public:
  template<typename F> void add(F &&callback) { this->callbacks_.emplace_back(std::forward<F>(callback)); }
  void call(Ts... args) {
    for (auto &callback : this->callbacks_)
      callback(args...);
  }

 private:
  std::vector<std::function<void(Ts...)>> callbacks_;
};

uint32_t fnv1_hash(const std::string &str);
}  // namespace esphome
