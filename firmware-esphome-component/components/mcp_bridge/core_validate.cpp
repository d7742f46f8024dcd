#include "core_validate.h"

#include <cmath>
#include <cstdio>

namespace mcp_bridge {

namespace {

bool reject(CommandError &error, const char *code, const std::string &message, const char *field = "/value") {
  error.code = code;
  error.message = std::string(code) + ": " + message;
  error.field = field;
  return false;
}

std::string number_text(double n) {
  JsonWriter json;
  json.value(n);
  return json.take();
}

bool is_valueless(const std::string &action) { return action == "toggle" || action == "press" || action == "read"; }
bool is_setting(const std::string &action) { return action == "set" || action == "write"; }

bool check_number(const ActuatorDesc &a, const Value &value, CommandError &error) {
  const bool integer = a.value_type == ValueType::INTEGER;
  if (value.type != Value::Type::NUMBER || !std::isfinite(value.number) ||
      (integer && std::floor(value.number) != value.number)) {
    return reject(error, codes::BAD_VALUE,
                  "value for \"" + a.key + "\" must be " + (integer ? "an integer" : "a finite number") + ", got " +
                      value.to_json());
  }
  const double v = value.number;
  if ((a.has_min && v < a.min) || (a.has_max && v > a.max)) {
    return reject(error, codes::OUT_OF_RANGE,
                  "value " + number_text(v) + " for \"" + a.key + "\" is outside " +
                      (a.has_min ? number_text(a.min) : "-inf") + ".." + (a.has_max ? number_text(a.max) : "+inf") +
                      (a.unit.empty() ? "" : " " + a.unit));
  }
  if (a.step > 0) {
    const double steps = (v - (a.has_min ? a.min : 0)) / a.step;
    if (std::fabs(steps - std::round(steps)) > 1e-9) {
      return reject(error, codes::BAD_VALUE,
                    "value " + number_text(v) + " for \"" + a.key + "\" is not a multiple of step " +
                        number_text(a.step));
    }
  }
  return true;
}

bool check_typed(const ActuatorDesc &a, const Value &value, CommandError &error) {
  switch (a.value_type) {
    case ValueType::BOOLEAN:
      if (value.type == Value::Type::BOOLEAN)
        return true;
      return reject(error, codes::BAD_VALUE,
                    "value for \"" + a.key + "\" must be a boolean, got " + value.to_json());
    case ValueType::NUMBER:
    case ValueType::INTEGER:
      return check_number(a, value, error);
    case ValueType::STRING: {
      if (value.type != Value::Type::STRING)
        return reject(error, codes::BAD_VALUE, "value for \"" + a.key + "\" must be a string, got " + value.to_json());
      const size_t max = a.max_length ? a.max_length : 64;
      const size_t length = utf8_length(value.text);
      if (length > max) {
        return reject(error, codes::OUT_OF_RANGE,
                      "value for \"" + a.key + "\" is " + std::to_string(length) + " characters (max " +
                          std::to_string(max) + ")");
      }
      return true;
    }
    case ValueType::ENUM: {
      if (value.type == Value::Type::STRING) {
        for (const auto &option : a.options) {
          if (option == value.text)
            return true;
        }
      }
      std::string list;
      for (const auto &option : a.options)
        list += (list.empty() ? "" : ", ") + Value::of(option).to_json();
      return reject(error, codes::BAD_VALUE, "value for \"" + a.key + "\" must be one of " + list);
    }
    case ValueType::NONE:
      return reject(error, codes::BAD_VALUE, "actuator \"" + a.key + "\" takes no value");
  }
  return true;
}

bool check_value(const ActuatorDesc &a, const Command &command, CommandError &error) {
  const std::string &action = command.action;
  const bool absent = command.value.absent();
  if (is_valueless(action)) {
    if (absent)
      return true;
    return reject(error, codes::BAD_VALUE, "action \"" + action + "\" takes no value");
  }
  // The seeds send {"action":"on","value":true}: accept the value that agrees with the action.
  if (action == "on" || action == "off") {
    const bool on = action == "on";
    if (absent || (command.value.type == Value::Type::BOOLEAN && command.value.boolean == on))
      return true;
    return reject(error, codes::BAD_VALUE,
                  "action \"" + action + "\" takes no value (or " + (on ? "true" : "false") + ")");
  }
  if (absent) {
    if (is_setting(action))
      return reject(error, codes::MISSING_VALUE, "action \"" + action + "\" on \"" + a.key + "\" needs a value");
    return true;
  }
  return check_typed(a, command.value, error);
}

/** The rules of validate-command.ts checkLease(). */
bool check_lease(const ActuatorDesc &a, const Command &command, CommandError &error) {
  if (!command.has_lease)
    return true;
  if (!std::isfinite(command.lease_s) || command.lease_s <= 0)
    return reject(error, codes::BAD_VALUE,
                  "lease_s must be a positive number of seconds, got " + number_text(command.lease_s), "/lease_s");
  if (!(a.guard.max_lease_s > 0))
    return reject(error, codes::LEASE_NOT_SUPPORTED, "actuator \"" + a.key + "\" does not support leases", "/lease_s");
  if (command.action == "read")
    return reject(error, codes::LEASE_NOT_SUPPORTED, "action \"read\" changes nothing and takes no lease", "/lease_s");
  if (command.lease_s > a.guard.max_lease_s)
    return reject(error, codes::LEASE_TOO_LONG,
                  "lease of " + number_text(command.lease_s) + " s on \"" + a.key + "\" is longer than its max_lease_s " +
                      number_text(a.guard.max_lease_s) + " s",
                  "/lease_s");
  return true;
}

}  // namespace

bool validate_command(const ActuatorDesc *actuator, const std::string &name, const Command &command, bool confirmed,
                      CommandError &error) {
  if (actuator == nullptr)
    return reject(error, codes::UNKNOWN_ACTUATOR, "device has no actuator \"" + name + "\"", "/actuator");
  if (!actuator->supports(command.action)) {
    std::string list;
    for (const auto &a : actuator->actions)
      list += (list.empty() ? "" : ", ") + a;
    return reject(error, codes::UNSUPPORTED_ACTION,
                  "actuator \"" + name + "\" does not support action \"" + command.action + "\" (supported: " + list +
                      ")",
                  "/action");
  }
  if (!check_value(*actuator, command, error))
    return false;
  if (!check_lease(*actuator, command, error))
    return false;
  if (actuator->requires_confirmation && !confirmed) {
    return reject(error, codes::CONFIRMATION_REQUIRED,
                  "actuator \"" + name + "\" requires confirmation by a user before \"" + command.action +
                      "\" is sent",
                  "/confirmed");
  }
  return true;
}

}  // namespace mcp_bridge
