#pragma once
// Stand-in (ESPHome 2024.11 signatures): a non-owning string view with c_str().
#include <cstddef>
#include <string>

namespace esphome {
class StringRef {
 public:
  using size_type = std::size_t;
  constexpr const char *c_str() const { return base_; }
  constexpr size_type size() const { return len_; }
  std::string str() const { return std::string(base_, len_); }
  operator std::string() const { return str(); }

 private:
  const char *base_{""};
  size_type len_{0};
};
}  // namespace esphome
