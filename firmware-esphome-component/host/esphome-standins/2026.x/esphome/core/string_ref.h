#pragma once
// Stand-in (ESPHome 2026.x signatures): a non-owning string view with c_str().
#include <cstddef>
#include <cstring>
#include <string>

namespace esphome {
class StringRef {
 public:
  using size_type = std::size_t;
  constexpr StringRef() : base_(""), len_(0) {}
  StringRef(const char *s) : base_(s), len_(std::strlen(s)) {}  // NOLINT
  constexpr const char *c_str() const { return this->base_; }
  constexpr size_type size() const { return this->len_; }
  constexpr bool empty() const { return this->len_ == 0; }
  std::string str() const { return std::string(this->base_, this->len_); }
  operator std::string() const { return this->str(); }

 private:
  const char *base_;
  size_type len_;
};
}  // namespace esphome
