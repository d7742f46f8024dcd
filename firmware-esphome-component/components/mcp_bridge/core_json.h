// Portable JSON for the mcp_bridge core: a compact writer and a strict, bounded
// parser. No ESPHome or ArduinoJson headers (their APIs change between ESPHome
// releases), no exceptions (ESP-IDF builds use -fno-exceptions).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mcp_bridge {

/** Appends compact JSON to a string; commas are placed automatically. */
class JsonWriter {
 public:
  JsonWriter &begin_object();
  JsonWriter &end_object();
  JsonWriter &begin_array();
  JsonWriter &end_array();
  JsonWriter &key(const char *name);
  JsonWriter &key(const std::string &name) { return key(name.c_str()); }
  JsonWriter &value(const std::string &text);
  JsonWriter &value(const char *text);
  JsonWriter &value(bool flag);
  JsonWriter &value(uint64_t number);
  JsonWriter &value(uint32_t number) { return value(static_cast<uint64_t>(number)); }
  JsonWriter &value(int number);
  /** decimals < 0: shortest text that reads back as the same double. NaN/Inf become null. */
  JsonWriter &value(double number, int decimals = -1);
  JsonWriter &null();

  const std::string &str() const { return out_; }
  std::string take() { return std::move(out_); }
  /** Starts a new document in the same buffer: a writer that is reused allocates only while it grows. */
  void clear() {
    out_.clear();
    need_comma_ = false;
  }
  void reserve(size_t bytes) { out_.reserve(bytes); }

 private:
  void separate();
  std::string out_;
  bool need_comma_{false};
};

/** Appends `text` as a quoted JSON string with the escapes RFC 8259 requires. */
void append_json_string(std::string &out, const char *text, size_t length);

/** A parsed JSON value. Objects keep member order; a repeated key resolves to the last one, like JSON.parse. */
struct JsonValue {
  enum class Type : uint8_t { NUL, BOOLEAN, NUMBER, STRING, ARRAY, OBJECT };
  Type type{Type::NUL};
  bool boolean{false};
  double number{0};
  std::string string;
  std::vector<JsonValue> items;
  std::vector<std::pair<std::string, JsonValue>> members;

  bool is_object() const { return type == Type::OBJECT; }
  bool is_string() const { return type == Type::STRING; }
  bool is_number() const { return type == Type::NUMBER; }
  bool is_integer() const;
  /** Member by name, or nullptr. */
  const JsonValue *get(const char *name) const;
  /** Name of the JSON type, for error messages ("object", "a string", ...). */
  const char *type_name() const;
};

struct JsonLimits {
  size_t max_depth{16};
  /** Total values in the document: bounds memory whatever the input. */
  size_t max_values{1024};
};

/**
 * Parses exactly one JSON text (RFC 8259: no BOM, no NaN/Infinity, no comments,
 * valid UTF-8 in strings). Returns false with a message naming the offset.
 */
bool parse_json(const char *data, size_t length, JsonValue &out, std::string &error, const JsonLimits &limits = {});

/** True when the bytes are well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF). */
bool is_valid_utf8(const char *data, size_t length);

/**
 * Copies text into out as well-formed UTF-8 of at most max_chars characters (code points, as
 * JSON Schema's maxLength counts): a byte that starts no character becomes U+FFFD, the rest is
 * cut at a character boundary. Reuses out's capacity. Returns the characters written.
 */
size_t assign_bounded_text(std::string &out, const char *data, size_t length, size_t max_chars);

}  // namespace mcp_bridge
