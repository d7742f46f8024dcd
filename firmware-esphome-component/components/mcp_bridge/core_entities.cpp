#include "core_entities.h"

namespace mcp_bridge {

const char *value_type_name(ValueType type) {
  switch (type) {
    case ValueType::BOOLEAN:
      return "boolean";
    case ValueType::NUMBER:
      return "number";
    case ValueType::INTEGER:
      return "integer";
    case ValueType::STRING:
      return "string";
    case ValueType::ENUM:
      return "enum";
    case ValueType::NONE:
      return "none";
  }
  return "none";
}

bool ActuatorDesc::supports(const std::string &action) const {
  for (const auto &known : actions) {
    if (known == action)
      return true;
  }
  return false;
}

}  // namespace mcp_bridge
