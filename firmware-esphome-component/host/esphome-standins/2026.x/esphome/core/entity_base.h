#pragma once
// Stand-in (ESPHome 2026.x signatures): names are StringRefs; object ids deprecated (2025.12,
// removed 2026.7); unit and device class live on EntityBase, read through
// get_unit_of_measurement_ref() and get_device_class_to(buffer) (the std::string getters are
// deprecated since 2026.3 and go in 2026.9).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "esphome/core/macros.h"
#include "esphome/core/string_ref.h"

namespace esphome {
static constexpr size_t MAX_DEVICE_CLASS_LENGTH = 48;

class EntityBase {
 public:
  const StringRef &get_name() const { return this->name_; }
  ESPDEPRECATED("Use get_object_id_to() instead. Will be removed in 2026.7.0", "2025.12.0")
  std::string get_object_id() const;
  bool is_internal() const { return this->internal_; }
  const char *get_device_class_to(std::span<char, MAX_DEVICE_CLASS_LENGTH> buffer) const {
    std::strncpy(buffer.data(), this->device_class_, MAX_DEVICE_CLASS_LENGTH - 1);
    buffer[MAX_DEVICE_CLASS_LENGTH - 1] = '\0';
    return buffer.data();
  }
  StringRef get_unit_of_measurement_ref() const { return StringRef(this->unit_); }

  // What codegen configures (configure_entity_() in ESPHome); the host glue test calls these.
  void set_name(const char *name) { this->name_ = StringRef(name); }
  void set_internal(bool internal) { this->internal_ = internal; }
  void set_device_class(const char *device_class) { this->device_class_ = device_class; }
  void set_unit_of_measurement(const char *unit) { this->unit_ = unit; }

 protected:
  StringRef name_;
  bool internal_{false};
  const char *device_class_{""};
  const char *unit_{""};
};

class EntityBase_DeviceClass {  // NOLINT(readability-identifier-naming)
 public:
  ESPDEPRECATED("Use get_device_class_to() instead. Will be removed in 2026.9.0", "2026.3.0")
  std::string get_device_class();
};

class EntityBase_UnitOfMeasurement {  // NOLINT(readability-identifier-naming)
 public:
  ESPDEPRECATED("Use get_unit_of_measurement_ref() instead. Will be removed in 2026.9.0", "2026.3.0")
  std::string get_unit_of_measurement();
};
}  // namespace esphome
