#pragma once
// Stand-in (ESPHome 2026.x esphome/core/helpers.h): C++20, so no make_unique of its own;
// StaticVector (fixed capacity, the entity registries of App); FixedVector; the FNV-1 hash.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
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

/**
 * ESPHome's FixedVector, reduced: a vector sized once (2025.11+ keeps event types, select
 * options and the like in one). Range-for, size() and operator[].
 */
template<typename T> class FixedVector {
 public:
  FixedVector() = default;
  FixedVector(std::initializer_list<T> items) : items_(items) {}
  FixedVector &operator=(std::initializer_list<T> items) {
    this->items_.assign(items);
    return *this;
  }
  size_t size() const { return this->items_.size(); }
  bool empty() const { return this->items_.empty(); }
  const T &operator[](size_t i) const { return this->items_[i]; }
  const T *begin() const { return this->items_.data(); }
  const T *end() const { return this->items_.data() + this->items_.size(); }

 private:
  std::vector<T> items_;
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
