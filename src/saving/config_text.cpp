#include "saving/config_text.h"

#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

namespace keras::saving::detail {

namespace {

using nlohmann::json;

struct NestedTooDeep {};

// The length of the well-formed UTF-8 sequence at the start of `text`, 0 when there is none
// (Unicode's table of well-formed byte sequences: no overlong forms, no surrogates, <= U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  auto continuation = [&](std::size_t i, unsigned char low = 0x80, unsigned char high = 0xBF) {
    return i < text.size() && byte(i) >= low && byte(i) <= high;
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// Compact JSON of `value` appended to `out` until `out` is longer than `limit`: a huge config
// is not printed whole to show its start. Each level adds a bracket, so the recursion stops
// within `limit` levels whatever the nesting.
void append_excerpt(std::string& out, const json& value, std::size_t limit) {
  constexpr auto replace = json::error_handler_t::replace;
  if (value.is_array() || value.is_object()) {
    const bool object = value.is_object();
    out += object ? '{' : '[';
    bool first = true;
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (out.size() > limit) return;
      if (!first) out += ',';
      first = false;
      if (object) out += json(it.key()).dump(-1, ' ', false, replace) + ':';
      append_excerpt(out, *it, limit);
    }
    out += object ? '}' : ']';
  } else if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    out += json(text.substr(0, limit + 1)).dump(-1, ' ', false, replace);
  } else {
    out += value.dump(-1, ' ', false, replace);
  }
}

// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string_view without_json_prefix(std::string_view message) {
  if (message.starts_with("[json.exception.")) {
    const std::size_t end = message.find("] ");
    if (end != std::string_view::npos) message.remove_prefix(end + 2);
  }
  return message;
}

// nlohmann's name of a JSON type as Python's, with an article: "a dict", "a list", "null".
std::string python_type(std::string_view type) {
  if (type == "object") return "a dict";
  if (type == "array") return "a list";
  if (type == "null") return "null";
  return std::string("a ").append(text_excerpt(type, 20));
}

}  // namespace

std::string json_error_reason(const json::exception& error) {
  const std::string message(without_json_prefix(error.what()));
  const std::size_t open = message.find('\''), close = message.rfind('\'');
  if (error.id == 403 && open != std::string::npos && close > open)  // key 'units' not found
    // Built by appending: GCC 12 misreports -Wrestrict on `"'" + std::string&&`.
    return std::string("'")
        .append(text_excerpt(message.substr(open + 1, close - open - 1), 80))
        .append("' is missing");
  if (error.id == 302) {  // type must be number, but is string
    const std::string must = "type must be ", but = ", but is ";
    const std::size_t at = message.find(but);
    if (message.starts_with(must) && at != std::string::npos)
      return "a value is " + python_type(message.substr(at + but.size())) + " where " +
             python_type(message.substr(must.size(), at - must.size())) + " was expected";
  }
  // 304: cannot use at() with string; 305: cannot use operator[] with a string argument with
  // array; 306: cannot use value() with number.
  if (error.id == 304 || error.id == 305 || error.id == 306) {
    const std::size_t with = message.rfind(" with ");
    const char* expected = error.id == 304 ? "a dict or a list"
                           : error.id == 306 || message.find("string argument") != std::string::npos
                               ? "a dict"
                               : "a list";
    if (with != std::string::npos)
      return "a value is " + python_type(message.substr(with + 6)) + " where " + expected +
             " was expected";
  }
  if (error.id == 401) return "a list is shorter than expected";  // array index 2 is out of range
  if (error.id == 316) return "a string is not valid UTF-8";
  return text_excerpt(message);
}

json parse_config_json(std::string_view text, const std::string& what) {
  const json::parser_callback_t limit_depth = [](int depth, json::parse_event_t event, json&) {
    if ((event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) &&
        depth >= kMaxConfigDepth)
      throw NestedTooDeep{};
    return true;
  };
  try {
    return json::parse(text, limit_depth);
  } catch (const NestedTooDeep&) {
    throw std::invalid_argument(what + " is nested deeper than " + std::to_string(kMaxConfigDepth) +
                                " levels (Keras configs nest a few dozen)");
  } catch (const json::exception& e) {
    // A parse error quotes the token it stopped at, which may be long or not UTF-8.
    throw std::invalid_argument(what + " is not valid JSON (" +
                                text_excerpt(without_json_prefix(e.what()), 2 * kExcerptLength) +
                                ")");
  }
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0, n = 0; i < text.size(); i += n)
    if ((n = utf8_sequence_length(text.substr(i))) == 0) return false;
  return true;
}

bool nested_deeper_than(const json& value, int max_depth) {
  std::vector<std::pair<const json*, int>> pending{{&value, 0}};
  while (!pending.empty()) {
    auto [item, depth] = pending.back();
    pending.pop_back();
    if (!item->is_array() && !item->is_object()) continue;
    if (depth >= max_depth) return true;
    for (const auto& child : *item) pending.emplace_back(&child, depth + 1);
  }
  return false;
}

std::string text_excerpt(std::string_view text, std::size_t length) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t n = utf8_sequence_length(text.substr(i));
    if (n == 0) {
      if (out.size() + 4 > length) break;
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned char>(text[i]));
      out += escaped;
      ++i;
    } else {
      if (out.size() + n > length) break;
      out.append(text, i, n);
      i += n;
    }
  }
  if (i < text.size()) out += "...";
  return out;
}

std::string config_excerpt(const json& value) {
  std::string out;
  append_excerpt(out, value, kExcerptLength);
  return text_excerpt(out);
}

}  // namespace keras::saving::detail
