// libFuzzer: parse_json must never crash and must agree with nlohmann-json, except where
// the protocol deliberately differs (BOM and NUL rejected, lone surrogates and 1e400 kept like JSON.parse,
// depth/size bounds). What it accepts, JsonWriter must write back as valid JSON.
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core_json.h"

using namespace mcp_bridge;

namespace {
void write(JsonWriter &w, const JsonValue &v) {
  switch (v.type) {
    case JsonValue::Type::NUL:
      w.null();
      break;
    case JsonValue::Type::BOOLEAN:
      w.value(v.boolean);
      break;
    case JsonValue::Type::NUMBER:
      w.value(v.number);
      break;
    case JsonValue::Type::STRING:
      w.value(v.string);
      break;
    case JsonValue::Type::ARRAY:
      w.begin_array();
      for (const auto &item : v.items)
        write(w, item);
      w.end_array();
      break;
    case JsonValue::Type::OBJECT:
      w.begin_object();
      for (const auto &m : v.members)
        write(w.key(m.first), m.second);
      w.end_object();
      break;
  }
}
/** JSON.parse turns 1e400 into Infinity (the protocol then rejects it by schema); nlohmann rejects it. */
bool has_overflow(const JsonValue &v) {
  if (v.type == JsonValue::Type::NUMBER)
    return !std::isfinite(v.number);
  for (const auto &item : v.items)
    if (has_overflow(item))
      return true;
  for (const auto &m : v.members)
    if (has_overflow(m.second))
      return true;
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string text(reinterpret_cast<const char *>(data), size);
  JsonValue value;
  std::string error;
  const bool ours = parse_json(text.data(), text.size(), value, error);
  // nlohmann stops at a NUL byte and skips a BOM; the protocol rejects both.
  const bool bom = text.rfind("\xef\xbb\xbf", 0) == 0 || text.find('\0') != std::string::npos;
  const bool escapes = text.find("\\u") != std::string::npos;
  const bool theirs = nlohmann::json::accept(text);
  if (ours && !theirs && !escapes && !has_overflow(value))
    std::abort();
  if (!ours && theirs && !bom && error.find("too") == std::string::npos && error.find("nested") == std::string::npos)
    std::abort();
  if (ours) {
    JsonWriter w;
    write(w, value);
    if (!nlohmann::json::accept(w.str()))
      std::abort();
  }
  return 0;
}
