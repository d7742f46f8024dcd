#pragma once
// Stand-in (ESPHome 2024.11 signatures): the entity base and its mixins.
#include <cstdint>
#include <string>

#include "esphome/core/string_ref.h"

namespace esphome {
class EntityBase {
 public:
  const StringRef &get_name() const;
  std::string get_object_id() const;
  bool is_internal() const;
};

class EntityBase_DeviceClass {  // NOLINT(readability-identifier-naming)
 public:
  std::string get_device_class();
};

class EntityBase_UnitOfMeasurement {  // NOLINT(readability-identifier-naming)
 public:
  std::string get_unit_of_measurement();
};
}  // namespace esphome
