// JsonWriter and parse_json, checked against nlohmann-json as the oracle.
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "check.h"
#include "core_json.h"

using mcp_bridge::JsonValue;
using mcp_bridge::JsonWriter;
using nlohmann::json;

static bool parses(const std::string &text) {
  JsonValue value;
  std::string error;
  return mcp_bridge::parse_json(text.data(), text.size(), value, error);
}

TEST("writer escapes every control character, quote and backslash") {
  std::string nasty = "a\"b\\c\n\r\t";
  for (char c = 1; c < 0x20; c++)
    nasty += c;
  nasty += "°C µg/m³";
  JsonWriter w;
  w.begin_object().key("k\"ey").value(nasty).end_object();
  const json parsed = json::parse(w.str());
  CHECK_EQ(parsed["k\"ey"].get<std::string>(), nasty);
}

TEST("writer: NaN and infinities become null, decimals round, -0 is normalised") {
  JsonWriter w;
  w.begin_array()
      .value(std::nan(""))
      .value(std::numeric_limits<double>::infinity())
      .value(23.456, 1)
      .value(-0.04, 1)
      .value(0.1)
      .value(1e308)
      .value(static_cast<uint64_t>(18446744073709551615ULL))
      .end_array();
  CHECK_EQ(w.str(), std::string("[null,null,23.5,0.0,0.1,1e+308,18446744073709551615]"));
}

TEST("writer: shortest text reads back as the same double") {
  const double samples[] = {0.1, 1.0 / 3.0, 123456.789, 5e-324, 2.2250738585072014e-308, -17.25};
  for (double d : samples) {
    JsonWriter w;
    w.value(d);
    CHECK_EQ(json::parse(w.str()).get<double>(), d);
  }
}

TEST("parser agrees with nlohmann on accept/reject") {
  const char *cases[] = {"{}", "[]", "null", "true", "0", "-0", "1.5e3", "\"\\u00e9\\ud83d\\ude00\"",
                         "{\"a\":[1,{\"b\":null}]}", " \t\n{ } ", "01", "1.", ".5", "+1", "1e", "-", "NaN",
                         "Infinity", "[1,]", "{\"a\":1,}", "{a:1}", "'x'", "\"\\x\"", "\"\t\"", "[", "{\"a\"",
                         "\"abc", "tru", "nul", "{} {}", "\"\\u12\"", "[1 2]"};
  for (const char *text : cases) {
    const bool expected = json::accept(text);
    CHECK_CONTEXT(parses(text) == expected, "parse_json disagrees on " << text << " (nlohmann: " << expected << ")");
  }
  // Deliberate difference: a UTF-8 BOM is not JSON (RFC 8259 8.1; JSON.parse rejects it too).
  CHECK(!parses("\xef\xbb\xbf{}"));
}

TEST("parser decodes strings, numbers and objects like nlohmann") {
  const std::string text =
      "{\"s\":\"a\\\"b\\\\c\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\ud83d\\ude00\",\"n\":-12.5e-1,\"t\":true,\"z\":null,"
      "\"arr\":[1,2,3],\"dup\":1,\"dup\":2}";
  JsonValue value;
  std::string error;
  CHECK(mcp_bridge::parse_json(text.data(), text.size(), value, error));
  const json oracle = json::parse(text);
  CHECK_EQ(value.get("s")->string, oracle["s"].get<std::string>());
  CHECK_EQ(value.get("n")->number, oracle["n"].get<double>());
  CHECK(value.get("t")->boolean);
  CHECK(value.get("z")->type == JsonValue::Type::NUL);
  CHECK_EQ(value.get("arr")->items.size(), static_cast<size_t>(3));
  CHECK_EQ(value.get("dup")->number, 2.0);  // last one wins, like JSON.parse
  CHECK(value.get("missing") == nullptr);
}

TEST("parser: 1e400 overflows to infinity, a lone surrogate becomes U+FFFD") {
  JsonValue value;
  std::string error;
  const std::string big = "1e400";
  CHECK(mcp_bridge::parse_json(big.data(), big.size(), value, error));
  CHECK(std::isinf(value.number));
  const std::string lone = "\"\\ud800x\"";
  CHECK(mcp_bridge::parse_json(lone.data(), lone.size(), value, error));
  CHECK_EQ(value.string, std::string("\xef\xbf\xbdx"));
}

TEST("parser bounds depth and value count, and names the offset") {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  JsonValue value;
  std::string error;
  CHECK(!mcp_bridge::parse_json(deep.data(), deep.size(), value, error));
  CHECK(error.find("nested too deeply") != std::string::npos);
  std::string many = "[";
  for (int i = 0; i < 2000; i++)
    many += i ? ",0" : "0";
  many += "]";
  CHECK(!mcp_bridge::parse_json(many.data(), many.size(), value, error));
  CHECK(error.find("too many values") != std::string::npos);
  const std::string truncated = "{\"a\":";
  CHECK(!mcp_bridge::parse_json(truncated.data(), truncated.size(), value, error));
  CHECK(error.find("offset 5") != std::string::npos);
}

TEST("UTF-8 validation rejects overlongs, surrogates, truncation and bytes above U+10FFFF") {
  CHECK(mcp_bridge::is_valid_utf8("\xc2\xb0\xe2\x82\xac\xf0\x9f\x98\x80", 9));
  CHECK(!mcp_bridge::is_valid_utf8("\xc0\xaf", 2));
  CHECK(!mcp_bridge::is_valid_utf8("\xed\xa0\x80", 3));
  CHECK(!mcp_bridge::is_valid_utf8("\xe2\x82", 2));
  CHECK(!mcp_bridge::is_valid_utf8("\xf4\x90\x80\x80", 4));
  CHECK(!mcp_bridge::is_valid_utf8("\xff", 1));
}
