#include "core_json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace mcp_bridge {

// ---------------------------------------------------------------- writer

void JsonWriter::separate() {
  if (need_comma_)
    out_ += ',';
  need_comma_ = false;
}

JsonWriter &JsonWriter::begin_object() {
  separate();
  out_ += '{';
  return *this;
}

JsonWriter &JsonWriter::end_object() {
  out_ += '}';
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::begin_array() {
  separate();
  out_ += '[';
  return *this;
}

JsonWriter &JsonWriter::end_array() {
  out_ += ']';
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::key(const char *name) {
  separate();
  append_json_string(out_, name, std::strlen(name));
  out_ += ':';
  return *this;
}

JsonWriter &JsonWriter::value(const std::string &text) {
  separate();
  append_json_string(out_, text.data(), text.size());
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(const char *text) {
  separate();
  append_json_string(out_, text, std::strlen(text));
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(bool flag) {
  separate();
  out_ += flag ? "true" : "false";
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(uint64_t number) {
  separate();
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(number));
  out_ += buf;
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(int number) {
  separate();
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d", number);
  out_ += buf;
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(double number, int decimals) {
  if (!std::isfinite(number))
    return null();
  separate();
  char buf[400];  // %.*f of 1e308 needs 310 characters
  if (decimals >= 0) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals > 9 ? 9 : decimals, number);
  } else {
    // 15 significant digits read back exactly for most values and look tidy; 17 always do.
    std::snprintf(buf, sizeof buf, "%.15g", number);
    if (std::strtod(buf, nullptr) != number)
      std::snprintf(buf, sizeof buf, "%.17g", number);
  }
  // "-0.0" from rounding a small negative value is legal JSON but reads oddly; normalise it.
  if (buf[0] == '-' && std::strtod(buf, nullptr) == 0.0)
    std::memmove(buf, buf + 1, std::strlen(buf));
  out_ += buf;
  need_comma_ = true;
  return *this;
}

JsonWriter &JsonWriter::null() {
  separate();
  out_ += "null";
  need_comma_ = true;
  return *this;
}

void append_json_string(std::string &out, const char *text, size_t length) {
  static const char HEX[] = "0123456789abcdef";
  out += '"';
  for (size_t i = 0; i < length; i++) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += HEX[c >> 4];
          out += HEX[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// ---------------------------------------------------------------- UTF-8

namespace {

/** Bytes of the well-formed UTF-8 character at s[i] (1..4), or 0 when the bytes there are not one. */
size_t utf8_char_length(const unsigned char *s, size_t i, size_t length) {
  const unsigned char c = s[i];
  if (c < 0x80)
    return 1;
  size_t extra;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (length - i <= extra)
    return 0;
  for (size_t k = 1; k <= extra; k++) {
    if ((s[i + k] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return extra + 1;
}

}  // namespace

bool is_valid_utf8(const char *data, size_t length) {
  const auto *s = reinterpret_cast<const unsigned char *>(data);
  size_t i = 0;
  while (i < length) {
    const size_t n = utf8_char_length(s, i, length);
    if (n == 0)
      return false;
    i += n;
  }
  return true;
}

size_t assign_bounded_text(std::string &out, const char *data, size_t length, size_t max_chars) {
  const auto *s = reinterpret_cast<const unsigned char *>(data);
  out.clear();
  size_t chars = 0;
  for (size_t i = 0; i < length && chars < max_chars; chars++) {
    const size_t n = utf8_char_length(s, i, length);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no character
      i++;
    } else {
      out.append(data + i, n);
      i += n;
    }
  }
  return chars;
}

// ---------------------------------------------------------------- value

bool JsonValue::is_integer() const { return type == Type::NUMBER && std::isfinite(number) && std::floor(number) == number; }

const JsonValue *JsonValue::get(const char *name) const {
  if (type != Type::OBJECT)
    return nullptr;
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (it->first == name)
      return &it->second;
  }
  return nullptr;
}

const char *JsonValue::type_name() const {
  switch (type) {
    case Type::NUL:
      return "null";
    case Type::BOOLEAN:
      return "a boolean";
    case Type::NUMBER:
      return "a number";
    case Type::STRING:
      return "a string";
    case Type::ARRAY:
      return "an array";
    case Type::OBJECT:
      return "an object";
  }
  return "?";
}

// ---------------------------------------------------------------- parser

namespace {

class Parser {
 public:
  Parser(const char *data, size_t length, const JsonLimits &limits) : s_(data), n_(length), limits_(limits) {}

  bool parse(JsonValue &out, std::string &error) {
    skip_space();
    if (!parse_value(out, 0) || (skip_space(), pos_ != n_)) {
      if (error_.empty())
        fail("unexpected data after the JSON value");
      error = error_;
      return false;
    }
    return true;
  }

 private:
  bool fail(const char *what) {
    if (error_.empty()) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "%s at offset %u", what, static_cast<unsigned>(pos_));
      error_ = buf;
    }
    return false;
  }

  void skip_space() {
    while (pos_ < n_ && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      pos_++;
  }

  bool literal(const char *word) {
    const size_t len = std::strlen(word);
    if (n_ - pos_ < len || std::memcmp(s_ + pos_, word, len) != 0)
      return fail("unexpected token");
    pos_ += len;
    return true;
  }

  bool parse_value(JsonValue &out, size_t depth) {
    if (++values_ > limits_.max_values)
      return fail("too many values");
    if (pos_ >= n_)
      return fail("unexpected end of JSON");
    switch (s_[pos_]) {
      case '{':
        return parse_object(out, depth + 1);
      case '[':
        return parse_array(out, depth + 1);
      case '"':
        out.type = JsonValue::Type::STRING;
        return parse_string(out.string);
      case 't':
        out.type = JsonValue::Type::BOOLEAN;
        out.boolean = true;
        return literal("true");
      case 'f':
        out.type = JsonValue::Type::BOOLEAN;
        out.boolean = false;
        return literal("false");
      case 'n':
        out.type = JsonValue::Type::NUL;
        return literal("null");
      default:
        return parse_number(out);
    }
  }

  bool parse_object(JsonValue &out, size_t depth) {
    if (depth > limits_.max_depth)
      return fail("nested too deeply");
    out.type = JsonValue::Type::OBJECT;
    pos_++;
    skip_space();
    if (pos_ < n_ && s_[pos_] == '}') {
      pos_++;
      return true;
    }
    for (;;) {
      skip_space();
      if (pos_ >= n_ || s_[pos_] != '"')
        return fail("expected a property name");
      out.members.emplace_back();
      if (!parse_string(out.members.back().first))
        return false;
      skip_space();
      if (pos_ >= n_ || s_[pos_] != ':')
        return fail("expected ':'");
      pos_++;
      skip_space();
      if (!parse_value(out.members.back().second, depth))
        return false;
      skip_space();
      if (pos_ < n_ && s_[pos_] == ',') {
        pos_++;
        continue;
      }
      if (pos_ < n_ && s_[pos_] == '}') {
        pos_++;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  bool parse_array(JsonValue &out, size_t depth) {
    if (depth > limits_.max_depth)
      return fail("nested too deeply");
    out.type = JsonValue::Type::ARRAY;
    pos_++;
    skip_space();
    if (pos_ < n_ && s_[pos_] == ']') {
      pos_++;
      return true;
    }
    for (;;) {
      skip_space();
      out.items.emplace_back();
      if (!parse_value(out.items.back(), depth))
        return false;
      skip_space();
      if (pos_ < n_ && s_[pos_] == ',') {
        pos_++;
        continue;
      }
      if (pos_ < n_ && s_[pos_] == ']') {
        pos_++;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  bool hex4(uint32_t &cp) {
    if (n_ - pos_ < 4)
      return fail("truncated \\u escape");
    cp = 0;
    for (int k = 0; k < 4; k++) {
      const char c = s_[pos_++];
      cp <<= 4;
      if (c >= '0' && c <= '9')
        cp |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        cp |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        cp |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return fail("bad \\u escape");
    }
    return true;
  }

  static void append_utf8(std::string &out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  bool parse_escape(std::string &out) {
    if (pos_ >= n_)
      return fail("unterminated string");
    const char c = s_[pos_++];
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out += c;
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return fail("bad escape");
    }
    uint32_t cp;
    if (!hex4(cp))
      return false;
    // A surrogate pair becomes one code point; a lone surrogate becomes U+FFFD, as JSON.parse
    // keeps it but UTF-8 cannot carry it.
    if (cp >= 0xD800 && cp <= 0xDBFF && n_ - pos_ >= 6 && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
      const size_t mark = pos_;
      pos_ += 2;
      uint32_t low;
      if (!hex4(low))
        return false;
      if (low >= 0xDC00 && low <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
        return true;
      }
      pos_ = mark;
    }
    append_utf8(out, (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp);
    return true;
  }

  bool parse_string(std::string &out) {
    pos_++;  // opening quote
    for (;;) {
      if (pos_ >= n_)
        return fail("unterminated string");
      const unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        pos_++;
        return true;
      }
      if (c < 0x20)
        return fail("control character in string");
      if (c == '\\') {
        pos_++;
        if (!parse_escape(out))
          return false;
        continue;
      }
      out += static_cast<char>(c);
      pos_++;
    }
  }

  bool digits() {
    const size_t start = pos_;
    while (pos_ < n_ && s_[pos_] >= '0' && s_[pos_] <= '9')
      pos_++;
    return pos_ > start;
  }

  bool parse_number(JsonValue &out) {
    const size_t start = pos_;
    if (s_[pos_] == '-')
      pos_++;
    if (pos_ < n_ && s_[pos_] == '0') {
      pos_++;
    } else if (!digits()) {
      return fail("unexpected token");
    }
    if (pos_ < n_ && s_[pos_] == '.') {
      pos_++;
      if (!digits())
        return fail("expected a digit after '.'");
    }
    if (pos_ < n_ && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      pos_++;
      if (pos_ < n_ && (s_[pos_] == '+' || s_[pos_] == '-'))
        pos_++;
      if (!digits())
        return fail("expected a digit in the exponent");
    }
    // strtod needs a terminated string; numbers are short, anything longer is still parsed exactly.
    std::string text(s_ + start, pos_ - start);
    out.type = JsonValue::Type::NUMBER;
    out.number = std::strtod(text.c_str(), nullptr);  // 1e400 gives inf, like JSON.parse
    return true;
  }

  const char *s_;
  size_t n_;
  const JsonLimits &limits_;
  size_t pos_{0};
  size_t values_{0};
  std::string error_;
};

}  // namespace

bool parse_json(const char *data, size_t length, JsonValue &out, std::string &error, const JsonLimits &limits) {
  out = JsonValue{};
  if (!is_valid_utf8(data, length)) {
    error = "payload is not valid UTF-8";
    return false;
  }
  Parser parser(data, length, limits);
  return parser.parse(out, error);
}

}  // namespace mcp_bridge
