// Config text from outside the program (model_from_json, model_from_yaml, model files): parsed
// with bounded nesting, and quoted in error messages only as a short excerpt in valid UTF-8, so
// that no crafted config can exhaust the stack or turn an error message into a copy of itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace keras::saving::detail {

// Configs nesting deeper are refused. Keras's configs nest a few dozen levels (a model inside a
// wrapper inside a model); the code that reads, copies and prints configs recurses per level.
inline constexpr int kMaxConfigDepth = 1000;
// Bytes of a value or of a text quoted in an error message.
inline constexpr std::size_t kExcerptLength = 200;

// `text` parsed as JSON. Throws std::invalid_argument starting with `what`: "<what> is not valid
// JSON (...)" or "<what> is nested deeper than 1000 levels (...)".
nlohmann::json parse_config_json(std::string_view text, const std::string& what);

// Whether `value` has more than `max_depth` levels of arrays and objects (counted without
// recursion, so any value may be checked).
bool nested_deeper_than(const nlohmann::json& value, int max_depth);

// Whether `text` is well-formed UTF-8 (what JSON and YAML require of strings).
bool is_utf8(std::string_view text);

// At most `length` bytes of `text`, cut at a character boundary with "..." appended when cut,
// and bytes that are not UTF-8 written as \xNN: safe to put in an exception message (Python
// decodes messages as UTF-8).
std::string text_excerpt(std::string_view text, std::size_t length = kExcerptLength);

// `value` as compact JSON, shortened by text_excerpt: for "..., got <value>" in messages.
std::string config_excerpt(const nlohmann::json& value);

// What a nlohmann::json exception says was wrong, in words for a user: "'units' is missing",
// "a value is a string where a number was expected" (no "[json.exception...]" internals).
std::string json_error_reason(const nlohmann::json::exception& error);

}  // namespace keras::saving::detail
