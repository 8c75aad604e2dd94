// A layer's config from its schema (include/keras/layers/schema.h): get_config writes each
// argument under its Keras 2 name; from_config renames Keras 1 spellings, reads every argument
// and refuses any other key, naming it, the layer class and the valid keys. An argument type of
// a layer's own converts through its `config_value()` and static `from_config_value(json)`.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/backend/backend.h"
#include "keras/initializers.h"
#include "keras/layers/core.h"
#include "keras/layers/schema.h"
#include "layers/config_json.h"

namespace keras::layers::detail {

template <typename T>
struct is_optional_arg : std::false_type {};
template <typename T>
struct is_optional_arg<std::optional<T>> : std::true_type {};

// One argument's value as get_config writes it.
template <typename T>
nlohmann::json argument_json(const schema::ArgInfo& info, const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (info.kind == schema::ArgKind::initializer) return initializers::serialize(value);
    if (info.kind == schema::ArgKind::data_format && value.empty())
      return backend::image_data_format();  // Keras writes the format the layer uses
    if (value.empty()) return nullptr;
    return value;
  } else if constexpr (std::is_same_v<T, ActivationArg>) {
    return value.name.empty() ? "linear" : value.name;
  } else if constexpr (std::is_same_v<T, regularizers::Regularizer> ||
                       std::is_same_v<T, constraints::Constraint>) {
    return value.get_config();
  } else if constexpr (is_optional_arg<T>::value) {
    return value ? argument_json(info, *value) : nlohmann::json(nullptr);
  } else if constexpr (std::is_same_v<T, schema::PaddingPairs>) {
    return schema::padding_pairs_json(value);
  } else if constexpr (std::is_same_v<T, Shape>) {
    return info.keras1_only ? shape_json(value) : nlohmann::json(value);  // output_shape's None
  } else if constexpr (requires { value.config_value(); }) {
    return value.config_value();  // a type of the layer's own (merge modes)
  } else {
    return value;  // numbers, booleans, lists of ints
  }
}

// Reads one argument from the config into `field`; an absent or null key keeps the default.
template <typename T>
void read_argument(ConfigReader& r, const std::string& key, const schema::ArgInfo& info, T& field,
                   int layer_rank = 0) {
  if constexpr (std::is_same_v<T, std::string>) {
    field = info.kind == schema::ArgKind::initializer ? r.initializer(key, field)
                                                      : r.string(key, field);
  } else if constexpr (std::is_same_v<T, bool>) {
    field = r.boolean(key, field);
  } else if constexpr (std::is_integral_v<T>) {
    field = static_cast<T>(r.integer(key, static_cast<std::int64_t>(field)));
  } else if constexpr (std::is_floating_point_v<T>) {
    field = static_cast<T>(r.number(key, field));
  } else if constexpr (std::is_same_v<T, ActivationArg>) {
    if (r.has(key)) field = r.activation<ActivationArg>(key);
    r.find(key);
  } else if constexpr (std::is_same_v<T, regularizers::Regularizer>) {
    field = r.regularizer(key);
  } else if constexpr (std::is_same_v<T, constraints::Constraint>) {
    field = r.constraint(key);
  } else if constexpr (std::is_same_v<T, schema::PaddingPairs>) {
    const nlohmann::json* v = r.find(key);
    if (!v) return;
    try {
      field =
          schema::padding_pairs(*v, info.rank == schema::kLayerRank ? layer_rank : info.rank, key);
    } catch (const std::exception& e) {
      r.fail(key, e);
    }
  } else if constexpr (is_optional_arg<T>::value) {
    if (!r.has(key)) {
      if (info.none_is_value && r.present(key)) field = std::nullopt;  // merge_mode: null
      r.find(key);
      return;
    }
    typename T::value_type value{};
    read_argument(r, key, info, value, layer_rank);
    field = value;
  } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>> ||
                       std::is_same_v<T, std::vector<int>>) {
    const nlohmann::json* v = r.find(key);
    if (!v) return;
    const int rank = info.rank == schema::kLayerRank ? layer_rank : info.rank;
    if (ConfigReader::fits_int64(*v)) {  // a single int: `rank` copies, or a list of one
      field = T(rank > 0 ? rank : 1, static_cast<typename T::value_type>(v->get<std::int64_t>()));
      return;
    }
    std::optional<Shape> s = r.shape(key);
    if (rank > 0 && s->size() != static_cast<std::size_t>(rank))
      r.fail(key, "must be an int or a list of " + std::to_string(rank) + " ints, got " +
                      saving::detail::config_excerpt(*v));
    field = T(s->begin(), s->end());
  } else if constexpr (requires(const nlohmann::json& v) { T::from_config_value(v); }) {
    const nlohmann::json* v = r.find(key);  // a type of the layer's own (merge modes)
    if (!v) return;
    try {
      field = T::from_config_value(*v);
    } catch (const std::exception& e) {
      r.fail(key, e);
    }
  } else {
    static_assert(sizeof(T) == 0, "read_argument: no config reader for this argument type");
  }
}

// get_config's arguments: config[name] = the value of each argument of the schema.
// Members may be declared in a base of Options (the convolutions share theirs).
template <typename Options>
class ConfigWriterSchema {
 public:
  ConfigWriterSchema(nlohmann::json& config, const Options& options, int layer_rank)
      : config_(config), options_(options), layer_rank_(layer_rank) {}
  template <typename T, typename Base>
  void arg(const std::string& name, T Base::*member, const schema::ArgInfo& info = {}) {
    if (!schema::argument_applies(info, layer_rank_)) return;
    nlohmann::json value = argument_json(info, options_.*member);
    if ((info.keras1_only || info.keyword_only) && value.is_null()) return;
    config_[name] = std::move(value);
  }
  void keras1_dropped(const schema::DroppedKeras1Arg&) {}

 private:
  nlohmann::json& config_;
  const Options& options_;
  int layer_rank_;
};

// Renames the Keras 1 keys of a config to Keras 2's, converting their values, as Keras 2.2.4's
// legacy interfaces do with keyword arguments; both spellings at once is Keras's error.
// A Keras 1 name may stand for several arguments (SeparableConvolution2D's init), so the Keras 1
// keys go once every argument has seen them (finish).
template <typename Options>
class Keras1RenamerSchema {
 public:
  Keras1RenamerSchema(nlohmann::json& config, const std::string& class_name, int layer_rank)
      : config_(config), class_name_(class_name), layer_rank_(layer_rank) {}
  template <typename T, typename Base>
  void arg(const std::string& name, T Base::*, const schema::ArgInfo& info = {}) {
    if (!schema::argument_applies(info, layer_rank_)) return;
    nlohmann::json parts = nlohmann::json::array();
    std::string part_names;
    std::size_t found = 0, expected = 0;
    for (const auto& alias : info.keras1) {
      auto it = config_.find(alias.name);
      if (alias.part >= 0) {
        ++expected;
        part_names += (part_names.empty() ? "'" : ", '") + alias.name + "'";
      }
      if (it == config_.end()) continue;
      used_.push_back(alias.name);
      if (it->is_null()) continue;
      if (alias.part >= 0) {
        parts[static_cast<std::size_t>(alias.part)] = *it;
        ++found;
        continue;
      }
      nlohmann::json value = *it;
      for (const auto& [from, to] : alias.values)
        if (value.is_string() && value.get<std::string>() == from) value = to;
      set(name, alias.name, std::move(value));
    }
    if (found == 0) return;
    if (found != expected)
      throw std::invalid_argument(class_name_ + ".from_config: Keras 1's " + part_names +
                                  " give '" + name + "' together; the config holds only some");
    set(name, part_names, std::move(parts));
  }
  void finish() {
    for (const auto& key : used_) config_.erase(key);
  }
  void keras1_dropped(const schema::DroppedKeras1Arg& dropped) {
    auto it = config_.find(dropped.name);
    if (it == config_.end()) return;
    if (!it->is_null() && !dropped.accepted.is_null() && *it != dropped.accepted)
      throw std::invalid_argument(class_name_ + ".from_config: " + dropped.why);
    config_.erase(it);
  }

 private:
  void set(const std::string& name, const std::string& keras1, nlohmann::json value) {
    if (config_.contains(name) && !config_[name].is_null())
      throw std::invalid_argument(class_name_ + ".from_config: the config holds both Keras 1's " +
                                  (keras1.front() == '\'' ? keras1 : "'" + keras1 + "'") +
                                  " and Keras 2's '" + name + "'");
    config_[name] = std::move(value);
  }

  nlohmann::json& config_;
  const std::string& class_name_;
  int layer_rank_;
  std::vector<std::string> used_;
};

// Reads every argument of the schema; the names (Keras 1's too) are the valid keys.
template <typename Options>
class ConfigReaderSchema {
 public:
  ConfigReaderSchema(ConfigReader& reader, Options& options, int layer_rank)
      : r_(reader), options_(options), layer_rank_(layer_rank) {}
  template <typename T, typename Base>
  void arg(const std::string& name, T Base::*member, const schema::ArgInfo& info = {}) {
    if (!schema::argument_applies(info, layer_rank_)) return;
    if (info.required && !r_.has(name)) r_.fail(name, "is required");
    read_argument(r_, name, info, options_.*member, layer_rank_);
    for (const auto& alias : info.keras1) r_.note_valid(alias.name);
  }
  void keras1_dropped(const schema::DroppedKeras1Arg& dropped) { r_.note_valid(dropped.name); }

 private:
  ConfigReader& r_;
  Options& options_;
  int layer_rank_;
};

// The keywords every layer takes (the shared base schema): name, trainable, input_shape,
// batch_input_shape, batch_size, dtype (ConfigReader::common), and input_dim, input_length (into
// the options' fields where the layer has them, else as input_shape (input_length, input_dim));
// `weights` are the weights file's, so the config's are ignored (Keras 1 writes null).
template <typename Options>
void read_base_arguments(ConfigReader& r, Options& o) {
  r.common(o);
  std::optional<std::int64_t> input_dim = r.optional_integer("input_dim");
  std::optional<std::int64_t> input_length = r.optional_integer("input_length");
  if constexpr (requires { o.input_length; }) o.input_length = input_length;
  if constexpr (requires { o.input_dim; }) {
    // Embedding's input_dim is its own argument (a vocabulary size), read by its schema.
    if constexpr (is_optional_arg<decltype(o.input_dim)>::value) o.input_dim = input_dim;
  } else if (input_dim && !o.input_shape && !o.batch_input_shape) {
    o.input_shape = input_length ? Shape{*input_length, *input_dim} : Shape{*input_dim};
  }
  r.find("weights");
}

// The options a config describes, through Options::arguments.
template <typename Options>
Options options_from_config(ConfigReader& r, int layer_rank = 0) {
  Options o;
  ConfigReaderSchema<Options> reader(r, o, layer_rank);
  Options::arguments(reader);
  read_base_arguments(r, o);
  return o;
}

// Keras's from_config for a layer whose arguments are its options' schema: `make(options)`
// builds it (a shared_ptr); `layer_rank` is the spatial rank of kLayerRank tuples.
template <typename Options, typename Make>
LayerPtr layer_from_config_with(const nlohmann::json& config, const std::string& class_name,
                                Make make, int layer_rank = 0) {
  ConfigReader check(config, class_name);  // a JSON object, or a clear error
  nlohmann::json keras2 = config;
  Keras1RenamerSchema<Options> renamer(keras2, class_name, layer_rank);
  Options::arguments(renamer);
  renamer.finish();
  ConfigReader r(keras2, class_name);
  return r.done(make(options_from_config<Options>(r, layer_rank)));
}

template <typename L, typename Options>
LayerPtr layer_from_config(const nlohmann::json& config, const std::string& class_name) {
  return layer_from_config_with<Options>(
      config, class_name, [](Options o) { return std::make_shared<L>(std::move(o)); });
}

// Keras's get_config: the base config (name, trainable, batch_input_shape, dtype) and the
// arguments of the options' schema.
template <typename Options>
nlohmann::json config_with_arguments(nlohmann::json config, const Options& options,
                                     int layer_rank = 0) {
  ConfigWriterSchema<Options> writer(config, options, layer_rank);
  Options::arguments(writer);
  return config;
}

}  // namespace keras::layers::detail
