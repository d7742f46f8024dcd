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

/** `count` ASCII digits of `text` from `at`, as a number; false when one is not a digit. */
bool digits(const std::string &text, size_t at, size_t count, unsigned &out) {
  out = 0;
  for (size_t i = at; i < at + count; i++) {
    if (text[i] < '0' || text[i] > '9')
      return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

unsigned days_in_month(unsigned year, unsigned month) {
  if (month == 2)
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** YYYY-MM-DD at `at` (the length is checked by the caller). */
bool parse_date(const std::string &text, size_t at, DateTimeFields &out) {
  unsigned year, month, day;
  if (text[at + 4] != '-' || text[at + 7] != '-' || !digits(text, at, 4, year) || !digits(text, at + 5, 2, month) ||
      !digits(text, at + 8, 2, day))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    return false;
  out.year = static_cast<uint16_t>(year);
  out.month = static_cast<uint8_t>(month);
  out.day = static_cast<uint8_t>(day);
  return true;
}

/** HH:MM:SS at `at` (the length is checked by the caller). */
bool parse_time(const std::string &text, size_t at, DateTimeFields &out) {
  unsigned hour, minute, second;
  if (text[at + 2] != ':' || text[at + 5] != ':' || !digits(text, at, 2, hour) || !digits(text, at + 3, 2, minute) ||
      !digits(text, at + 6, 2, second))
    return false;
  if (hour > 23 || minute > 59 || second > 59)
    return false;
  out.hour = static_cast<uint8_t>(hour);
  out.minute = static_cast<uint8_t>(minute);
  out.second = static_cast<uint8_t>(second);
  return true;
}

const char *format_pattern(const std::string &format) {
  return format == "date" ? "YYYY-MM-DD" : format == "time" ? "HH:MM:SS" : "YYYY-MM-DDTHH:MM:SS";
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
      DateTimeFields fields;
      if (!a.format.empty() && !parse_text_format(a.format, value.text, fields)) {
        return reject(error, codes::BAD_VALUE,
                      "value " + value.to_json() + " for \"" + a.key + "\" is not a valid " + a.format + " (" +
                          format_pattern(a.format) + ")");
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

bool parse_text_format(const std::string &format, const std::string &text, DateTimeFields &out) {
  DateTimeFields fields;
  bool ok = false;
  if (format == "date")
    ok = text.size() == 10 && parse_date(text, 0, fields);
  else if (format == "time")
    ok = text.size() == 8 && parse_time(text, 0, fields);
  else if (format == "date-time")
    ok = text.size() == 19 && text[10] == 'T' && parse_date(text, 0, fields) && parse_time(text, 11, fields);
  if (ok)
    out = fields;
  return ok;
}

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
