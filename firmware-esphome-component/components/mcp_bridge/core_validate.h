// Checks a command against an actuator's declared metadata, with the codes and rules of
// protocol/src/validate-command.ts. The server validates before publishing; the device
// checks again because ESPHome drops invalid requests silently (number out of range,
// unsupported fan feature), and the device must answer every command.
#pragma once

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

/**
 * nullptr `actuator`: UNKNOWN_ACTUATOR. `confirmed` is the server's business (the command
 * message has no such field); the device passes true, the vector tests exercise both.
 */
bool validate_command(const ActuatorDesc *actuator, const std::string &name, const Command &command, bool confirmed,
                      CommandError &error);

}  // namespace mcp_bridge
