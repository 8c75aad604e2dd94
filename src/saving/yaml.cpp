// Architectures as YAML (Keras's to_yaml / model_from_yaml) through yaml-cpp: the same document
// as to_json, strings double-quoted so that they read back as strings.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "callbacks/python_format.h"
#include "keras/saving/saving.h"
#include "saving/config_text.h"

namespace keras::saving {

namespace {

using nlohmann::json;

// PyYAML's represent_float: Python's repr, with ".0" added to an exponent form without a point
// ("1.0e-05"), which YAML 1.1 would otherwise read as a string; locale-independent.
std::string float_text(double value) {
  if (std::isnan(value)) return ".nan";
  if (std::isinf(value)) return value > 0 ? ".inf" : "-.inf";
  std::string text = callbacks::detail::float_repr(value);
  if (const std::size_t e = text.find('e'); e != std::string::npos && text.find('.') == text.npos)
    text.insert(e, ".0");
  return text;
}

void emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      break;
    case json::value_t::string:
      out << YAML::DoubleQuoted << value.get<std::string>();
      break;
    case json::value_t::boolean:
      out << value.get<bool>();
      break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      out << value.dump();  // digits only, whatever the locale (yaml-cpp's streams use it)
      break;
    case json::value_t::number_float:
      out << float_text(value.get<double>());
      break;
    default:
      out << YAML::Null;
      break;
  }
}

std::string where(const YAML::Mark& mark) {
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

[[noreturn]] void refuse(const std::string& what) {
  throw std::invalid_argument("model_from_yaml: " + what);
}

// A number in PyYAML's int and float forms (and exponents without a '.', as "1e-05"), read with
// std::from_chars: independent of the C locale, and linear in the length of the text.
std::optional<json> number(const std::string& text, const YAML::Mark& mark) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t whole = digits();
  std::size_t fraction = 0;
  bool real = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    fraction = digits();
    real = true;
  }
  if (whole + fraction == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
    real = true;
  }
  if (i != text.size()) return std::nullopt;
  const char* first = text.data() + (text[0] == '+' ? 1 : 0);
  const char* last = text.data() + text.size();
  if (!real) {
    std::int64_t value = 0;
    if (auto r = std::from_chars(first, last, value); r.ec == std::errc{} && r.ptr == last)
      return json(value);
    std::uint64_t unsigned_value = 0;
    if (auto r = std::from_chars(first, last, unsigned_value); r.ec == std::errc{} && r.ptr == last)
      return json(unsigned_value);
    refuse("the integer " + detail::text_excerpt(text, 40) + " at " + where(mark) +
           " does not fit in 64 bits");
  }
  double value = 0;
  if (auto r = std::from_chars(first, last, value); r.ec == std::errc{} && r.ptr == last)
    return json(value);
  refuse("the number " + detail::text_excerpt(text, 40) + " at " + where(mark) +
         " is out of the range of a double");
}

json scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (!detail::is_utf8(text))
    refuse("the text at " + where(node.Mark()) +
           " is not valid UTF-8: " + detail::text_excerpt(text, 40));
  // Quoted ("!") or tagged !!str: a string.
  if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return text;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (std::optional<json> value = number(text, node.Mark())) return *value;
  constexpr double inf = std::numeric_limits<double>::infinity();
  for (const char* form : {".inf", ".Inf", ".INF"}) {
    if (text == form || text == std::string("+") + form) return inf;
    if (text == std::string("-") + form) return -inf;
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN")
    return std::numeric_limits<double>::quiet_NaN();
  return text;
}

// YAML nodes as JSON. yaml-cpp bounds the nesting of the text, but aliases repeat nodes: an
// alias inside the node it names nests without end, and a few aliases of aliases ("billion
// laughs") expand a short text to billions of values. So the depth and the number of values made
// are bounded here; a text without aliases makes fewer values than it has bytes.
class YamlToJson {
 public:
  explicit YamlToJson(std::size_t text_size) : max_values_(kMaxAliasValues + text_size) {}

  json convert(const YAML::Node& node, int depth = 0) {
    if (++values_ > max_values_)
      refuse("yaml_string expands to more than " + std::to_string(max_values_) +
             " values (aliases repeating nodes)");
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        enter(node, depth);
        json out = json::object();
        for (const auto& item : node) {
          if (!item.first.IsScalar())
            refuse("the mapping key at " + where(item.first.Mark()) + " is not a string");
          json key = scalar(item.first);
          out[key.is_string() ? key.get<std::string>() : key.dump()] =
              convert(item.second, depth + 1);
        }
        return out;
      }
      case YAML::NodeType::Sequence: {  // also PyYAML's !!python/tuple
        enter(node, depth);
        json out = json::array();
        for (const auto& item : node) out.push_back(convert(item, depth + 1));
        return out;
      }
      case YAML::NodeType::Scalar:
        return scalar(node);
      default:
        return nullptr;
    }
  }

 private:
  // Values an alias-free text of the same size could not make, allowed for aliases.
  static constexpr std::size_t kMaxAliasValues = 1'000'000;

  static void enter(const YAML::Node& node, int depth) {
    if (depth >= detail::kMaxConfigDepth)
      refuse("yaml_string is nested deeper than " + std::to_string(detail::kMaxConfigDepth) +
             " levels at " + where(node.Mark()) + " (an alias inside the node it names?)");
  }

  std::size_t values_ = 0;
  const std::size_t max_values_;
};

}  // namespace

std::string model_to_yaml(const Model& model) {
  YAML::Emitter out;
  emit(out, model_to_json_dict(model));
  if (!out.good()) throw std::runtime_error("to_yaml: " + out.GetLastError());
  return out.c_str();
}

ModelPtr model_from_yaml(const std::string& yaml_string, const CustomObjects& custom_objects) {
  json config;
  try {
    config = YamlToJson(yaml_string.size()).convert(YAML::Load(yaml_string));
  } catch (const YAML::DeepRecursion& e) {
    refuse("yaml_string is nested too deeply for the YAML parser (at " + where(e.mark) + ")");
  } catch (const YAML::Exception& e) {
    refuse("yaml_string is not valid YAML (" + detail::text_excerpt(e.what()) + ")");
  }
  return model_from_config(config, custom_objects);
}

}  // namespace keras::saving

namespace keras {
std::string Model::to_yaml() const {
  return saving::model_to_yaml(*this);
}
}  // namespace keras
