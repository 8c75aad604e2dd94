// Architectures as YAML (Keras's to_yaml / model_from_yaml) through yaml-cpp: the same document
// as to_json, strings double-quoted so that they read back as strings.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>
#include <regex>
#include <stdexcept>

#include "keras/saving/saving.h"

namespace keras::saving {

namespace {

using nlohmann::json;

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
      out << value.get<std::int64_t>();
      break;
    case json::value_t::number_unsigned:
      out << value.get<std::uint64_t>();
      break;
    case json::value_t::number_float: {
      double v = value.get<double>();
      if (std::isnan(v))
        out << ".nan";
      else if (std::isinf(v))
        out << (v > 0 ? ".inf" : "-.inf");
      else
        out << YAML::Precision(17) << v;
      break;
    }
    default:
      out << YAML::Null;
      break;
  }
}

json scalar(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
    return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  static const std::regex integer(R"([-+]?[0-9]+)");
  static const std::regex real(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, integer)) return std::stoll(text);
  if (std::regex_match(text, real)) return std::stod(text);
  if (text == ".inf" || text == ".Inf" || text == "+.inf")
    return std::numeric_limits<double>::infinity();
  if (text == "-.inf" || text == "-.Inf") return -std::numeric_limits<double>::infinity();
  if (text == ".nan" || text == ".NaN") return std::numeric_limits<double>::quiet_NaN();
  return text;
}

json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) out[item.first.as<std::string>()] = to_json(item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {  // also PyYAML's !!python/tuple
      json out = json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar:
      return scalar(node);
    default:
      return nullptr;
  }
}

}  // namespace

std::string model_to_yaml(const Model& model) {
  YAML::Emitter out;
  emit(out, model_to_json_dict(model));
  if (!out.good()) throw std::runtime_error("to_yaml: " + out.GetLastError());
  return out.c_str();
}

ModelPtr model_from_yaml(const std::string& yaml_string, const CustomObjects& custom_objects) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml_string);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(std::string("model_from_yaml: not valid YAML (") + e.what() + ")");
  }
  return model_from_config(to_json(node), custom_objects);
}

}  // namespace keras::saving

namespace keras {
std::string Model::to_yaml() const {
  return saving::model_to_yaml(*this);
}
}  // namespace keras
