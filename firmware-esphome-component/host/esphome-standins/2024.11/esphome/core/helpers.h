#pragma once
// Stand-in (ESPHome 2024.11 esphome/core/helpers.h): make_unique for the C++11 builds of
// ESP-IDF 4.4, and the FNV-1 hash preferences are keyed with.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "esphome/core/macros.h"
#include "esphome/core/optional.h"

namespace esphome {
#if __cpp_lib_make_unique >= 201304
using std::make_unique;
#else
template<typename T, typename... Args> std::unique_ptr<T> make_unique(Args &&...args) {
  return std::unique_ptr<T>(new T(std::forward<Args>(args)...));
}
#endif

uint32_t fnv1_hash(const std::string &str);
}  // namespace esphome
