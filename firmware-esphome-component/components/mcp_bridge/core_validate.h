// Checks a command against an actuator's declared metadata, with the codes and rules of
// protocol/src/validate-command.ts. The server validates before publishing; the device
// checks again because ESPHome drops invalid requests silently (number out of range,
// unsupported fan feature), and the device must answer every command.
#pragma once

#include <cstdint>
#include <string>

#include "core_entities.h"
#include "core_messages.h"

namespace mcp_bridge {

/** Stable codes of protocol/src/errors.ts COMMAND_ERROR_CODES. */
namespace codes {
constexpr const char *UNKNOWN_ACTUATOR = "UNKNOWN_ACTUATOR";
constexpr const char *UNSUPPORTED_ACTION = "UNSUPPORTED_ACTION";
constexpr const char *MISSING_VALUE = "MISSING_VALUE";
constexpr const char *BAD_VALUE = "BAD_VALUE";
constexpr const char *OUT_OF_RANGE = "OUT_OF_RANGE";
constexpr const char *CONFIRMATION_REQUIRED = "CONFIRMATION_REQUIRED";
constexpr const char *LEASE_NOT_SUPPORTED = "LEASE_NOT_SUPPORTED";
constexpr const char *LEASE_TOO_LONG = "LEASE_TOO_LONG";
/** Device-only answers (protocol/src/errors.ts DEVICE_ERROR_CODES). */
constexpr const char *APPLY_FAILED = "APPLY_FAILED";
constexpr const char *RATE_LIMITED = "RATE_LIMITED";
}  // namespace codes

struct CommandError {
  const char *code{nullptr};
  /** "CODE: explanation". */
  std::string message;
  std::string field;
};

/** The fields of an ISO 8601 date, time or date-time text (those the format has; the rest stay 0). */
struct DateTimeFields {
  uint16_t year{0};
  uint8_t month{0};
  uint8_t day{0};
  uint8_t hour{0};
  uint8_t minute{0};
  uint8_t second{0};
};

/**
 * Whether `text` is a real date/time written exactly in `format` ("date" YYYY-MM-DD, "time"
 * HH:MM:SS, "date-time" YYYY-MM-DDTHH:MM:SS), the rules of protocol/src/text-format.ts; fills
 * `out` when it is. An unknown format matches nothing.
 */
bool parse_text_format(const std::string &format, const std::string &text, DateTimeFields &out);

/**
 * nullptr `actuator`: UNKNOWN_ACTUATOR. `confirmed` is the server's business (the command
 * message has no such field); the device passes true, the vector tests exercise both.
 */
bool validate_command(const ActuatorDesc *actuator, const std::string &name, const Command &command, bool confirmed,
                      CommandError &error);

}  // namespace mcp_bridge
