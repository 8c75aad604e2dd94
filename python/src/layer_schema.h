// A layer class bound from its options' schema (include/keras/layers/schema.h):
//
//   bind_layer<Dense, DenseOptions>(m, "Dense")
//       .def_property_readonly("units", &Dense::units);
//
// gives the class its constructor, taking the schema's arguments positionally (in Keras's order)
// or by keyword, their Keras 1 spellings by keyword (values converted, both at once refused as
// Keras 2.2.4 does), and the keywords every layer takes (layer_args.h); any other keyword raises
// Keras's TypeError('Keyword argument not understood:', name). The class's `_arguments` lists
// (name, default, required, Keras 1 names) for keras_cpp.layers to make its __signature__, and
// its docstring shows the Keras call.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "convert.h"
#include "keras/layers/schema.h"
#include "layer_args.h"

namespace keras::python {

// An argument type of a layer's own (a merge mode) converts from Python through a
// specialization, declared before the layer is bound:
//   template <> struct PythonArgument<MergeMode> {
//     static MergeMode from_python(py::handle value, const std::string& name);
//     static py::object default_value(const MergeMode& value);
//   };
template <typename T>
struct PythonArgument {};

namespace detail {

template <typename T>
struct is_optional_arg : std::false_type {};
template <typename T>
struct is_optional_arg<std::optional<T>> : std::true_type {};

// An int or a sequence of ints; a single int is `rank` copies (a list of one when rank is 0).
inline std::vector<std::int64_t> int_list_arg(py::handle obj, int rank, const char* name) {
  if (PyIndex_Check(obj.ptr()) && !PyBool_Check(obj.ptr()))
    return std::vector<std::int64_t>(rank > 0 ? rank : 1, to_int_arg(obj, name));
  if (!py::isinstance<py::iterable>(obj) || py::isinstance<py::str>(obj))
    raise_argument_type_error(obj, name, "an integer or a tuple of integers");
  std::vector<std::int64_t> out;
  for (py::handle item : obj) out.push_back(item.is_none() ? -1 : to_int_arg(item, name));
  if (rank > 0 && out.size() != static_cast<std::size_t>(rank))
    throw py::value_error("`" + std::string(name) + "` must be an int or a tuple of " +
                          std::to_string(rank) + " ints, got " + py::repr(obj).cast<std::string>());
  return out;
}

// A Python value (not None) into an argument's field.
template <typename T>
void argument_from_python(py::handle v, const std::string& name,
                          const layers::schema::ArgInfo& info, T& field, int layer_rank) {
  const char* n = name.c_str();
  if constexpr (std::is_same_v<T, std::string>) {
    field = info.kind == layers::schema::ArgKind::initializer ? initializer_name(v)
                                                              : cast_arg<std::string>(v, n);
  } else if constexpr (std::is_same_v<T, layers::ActivationArg>) {
    field = to_activation(v);
  } else if constexpr (std::is_same_v<T, regularizers::Regularizer>) {
    field = to_regularizer(v);
  } else if constexpr (std::is_same_v<T, constraints::Constraint>) {
    field = to_constraint(v);
  } else if constexpr (is_optional_arg<T>::value) {
    typename T::value_type value{};
    argument_from_python(v, name, info, value, layer_rank);
    field = value;
  } else if constexpr (std::is_same_v<T, layers::schema::PaddingPairs>) {
    const int rank = info.rank == layers::schema::kLayerRank ? layer_rank : info.rank;
    nlohmann::json pairs;
    try {
      pairs = to_json(v);
    } catch (const py::error_already_set&) {  // not ints (a function, say): Keras's ValueError
      throw py::value_error("`" + std::string(name) + "` should be an int, a tuple of " +
                            std::to_string(rank) + " ints or a tuple of " + std::to_string(rank) +
                            " tuples of 2 ints; got " + py::repr(v).cast<std::string>());
    }
    try {
      field = layers::schema::padding_pairs(pairs, rank, name);
    } catch (const std::invalid_argument& e) {
      throw py::value_error(e.what());
    }
  } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>> ||
                       std::is_same_v<T, std::vector<int>>) {
    auto ints =
        int_list_arg(v, info.rank == layers::schema::kLayerRank ? layer_rank : info.rank, n);
    field = T(ints.begin(), ints.end());
  } else if constexpr (requires { PythonArgument<T>::from_python(v, name); }) {
    field = PythonArgument<T>::from_python(v, name);
  } else {
    field = cast_arg<T>(v, n);  // numbers and booleans
  }
}

// An argument's default as Python shows it: None for "not given" (empty names, lists, unset
// optionals, no regularizer or constraint), else the value.
template <typename T>
py::object argument_default(const T& value, const layers::schema::ArgInfo& info, int layer_rank) {
  if constexpr (std::is_same_v<T, std::string>) {
    return value.empty() ? py::none() : py::object(py::str(value));
  } else if constexpr (std::is_same_v<T, layers::ActivationArg>) {
    return value.name.empty() ? py::none() : py::object(py::str(value.name));
  } else if constexpr (std::is_same_v<T, regularizers::Regularizer> ||
                       std::is_same_v<T, constraints::Constraint>) {
    return py::none();
  } else if constexpr (is_optional_arg<T>::value) {
    return value ? argument_default(*value, info, layer_rank) : py::none();
  } else if constexpr (std::is_same_v<T, layers::schema::PaddingPairs>) {
    if (value.empty() && info.fill != 0)  // the same amount on every side
      return from_json(layers::schema::padding_pairs_json(layers::schema::PaddingPairs(
          static_cast<std::size_t>(layer_rank > 0 ? layer_rank : 1), {info.fill, info.fill})));
    if (value.empty()) return py::none();
    return from_json(layers::schema::padding_pairs_json(value));
  } else if constexpr (std::is_same_v<T, std::vector<std::int64_t>> ||
                       std::is_same_v<T, std::vector<int>>) {
    if (value.empty() && info.fill != 0) {
      int rank = info.rank == layers::schema::kLayerRank ? layer_rank : info.rank;
      return argument_default(T(rank > 0 ? rank : 1, info.fill), {}, layer_rank);
    }
    if (value.empty()) return py::none();
    py::tuple out(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) out[i] = py::int_(value[i]);
    return out;
  } else if constexpr (requires { PythonArgument<T>::default_value(value); }) {
    return PythonArgument<T>::default_value(value);
  } else {
    return py::cast(value);
  }
}

// Moves the positional and keyword arguments into the options, argument by argument.
template <typename Options>
class KwargsSchema {
 public:
  KwargsSchema(Options& options, const py::args& args, py::dict& kwargs, std::string class_name,
               int layer_rank = 0)
      : options_(options),
        args_(args),
        kwargs_(kwargs),
        class_name_(std::move(class_name)),
        layer_rank_(layer_rank) {}

  template <typename T, typename Base>
  void arg(const std::string& name, T Base::*member, const layers::schema::ArgInfo& info = {}) {
    if (!layers::schema::argument_applies(info, layer_rank_)) return;
    py::object value = py::none();
    bool given = kwargs_.contains(name);
    if (position_ < args_.size() && !info.keras1_only && !info.keyword_only) {
      given = true;
      value = args_[position_++];
      if (kwargs_.contains(name))
        throw py::type_error(class_name_ + "() got multiple values for argument '" + name + "'");
    } else {
      value = pop_kwarg(kwargs_, name.c_str());
    }
    py::list parts;
    std::string part_names;
    std::size_t found = 0;
    for (const auto& alias : info.keras1) {
      if (alias.part >= 0) {
        parts.append(py::none());
        part_names += (part_names.empty() ? "`" : "` and `") + alias.name;
      }
      py::object old = kwargs_.contains(alias.name) ? py::object(kwargs_[alias.name.c_str()])
                                                    : py::object(py::none());
      used_.push_back(alias.name);  // removed in finish: a name may serve several arguments
      if (old.is_none()) continue;
      if (alias.part >= 0) {
        parts[static_cast<std::size_t>(alias.part)] = old;
        ++found;
        continue;
      }
      check_duplicate(value, name, alias.name);
      value = old;
      for (const auto& [from, to] : alias.values)
        if (py::isinstance<py::str>(old) && old.cast<std::string>() == from) value = from_json(to);
    }
    if (found > 0) {
      if (found != py::len(parts))
        throw py::type_error(class_name_ + "(): Keras 1's " + part_names + "` give `" + name +
                             "` together; got only some of them");
      check_duplicate(value, name, part_names.substr(1));
      value = py::tuple(parts);
    }
    if (value.is_none()) {
      if constexpr (is_optional_arg<T>::value)
        if (info.none_is_value && given) options_.*member = std::nullopt;  // merge_mode=None
      if (info.required) missing_.push_back(name);
      return;
    }
    argument_from_python(value, name, info, options_.*member, layer_rank_);
  }

  void keras1_dropped(const layers::schema::DroppedKeras1Arg& dropped) {
    py::object value = pop_kwarg(kwargs_, dropped.name.c_str());
    if (value.is_none()) return;
    if (dropped.accepted.is_null()) {
      if (PyErr_WarnEx(PyExc_UserWarning, dropped.why.c_str(), 1) != 0)
        throw py::error_already_set();
    } else if (to_json(value) != dropped.accepted) {
      throw py::type_error(dropped.why);
    }
  }

  // Too many positional arguments or a required one missing: Python's TypeErrors.
  void finish(std::size_t count) {
    for (const auto& name : used_)
      if (kwargs_.contains(name)) PyDict_DelItemString(kwargs_.ptr(), name.c_str());
    if (args_.size() > count)
      throw py::type_error(class_name_ + "() takes at most " + std::to_string(count) +
                           " positional arguments (" + std::to_string(args_.size()) + " given)");
    if (!missing_.empty())
      throw py::type_error(class_name_ + "() missing required argument: '" + missing_.front() +
                           "'");
  }

 private:
  Options& options_;
  const py::args& args_;
  py::dict& kwargs_;
  std::string class_name_;
  int layer_rank_;
  std::size_t position_ = 0;
  std::vector<std::string> missing_, used_;

  // Keras 2.2.4's raise_duplicate_arg_error.
  static void check_duplicate(const py::object& value, const std::string& name,
                              const std::string& keras1) {
    if (!value.is_none())
      throw py::type_error("For the `" + name + "` argument, the layer received both the " +
                           "legacy keyword argument `" + keras1 +
                           "` and the Keras 2 keyword argument `" + name +
                           "`. Stick to the latter!");
  }
};

// Counts the arguments and lists (name, default, required, Keras 1 names) for the signature.
template <typename Options>
class DescribeSchema {
 public:
  explicit DescribeSchema(int layer_rank = 0) : layer_rank_(layer_rank) {}
  template <typename T, typename Base>
  void arg(const std::string& name, T Base::*member, const layers::schema::ArgInfo& info = {}) {
    if (!layers::schema::argument_applies(info, layer_rank_)) return;
    if (info.keras1_only) {  // not in the signature: the docstring names it
      keras1_only.append(name);
      return;
    }
    if (info.keyword_only) return;  // taken as Keras's **kwargs, not in the signature
    py::list keras1;
    for (const auto& alias : info.keras1) keras1.append(alias.name);
    arguments.append(py::make_tuple(
        name, info.required ? py::none() : argument_default(defaults_.*member, info, layer_rank_),
        info.required, keras1));
  }
  void keras1_dropped(const layers::schema::DroppedKeras1Arg&) {}
  py::list arguments, keras1_only;

 private:
  int layer_rank_;
  Options defaults_{};
};

// "Dense(units, activation=None, ...); Keras 1: output_dim (units), ..."
inline std::string call_doc(const std::string& class_name, const py::list& arguments,
                            const py::list& keras1_only = py::list()) {
  std::string call, keras1;
  for (py::handle item : arguments) {
    auto entry = item.cast<py::tuple>();
    std::string name = entry[0].cast<std::string>();
    call.append(call.empty() ? "" : ", ").append(name);
    if (!entry[2].cast<bool>()) call.append("=").append(py::repr(entry[1]).cast<std::string>());
    for (py::handle alias : entry[3].cast<py::list>())
      keras1.append(keras1.empty() ? "" : ", ")
          .append(alias.cast<std::string>())
          .append(" (")
          .append(name)
          .append(")");
  }
  std::string doc = class_name;
  doc.append("(").append(call).append(call.empty() ? "" : ", ").append("**kwargs)");
  for (py::handle name : keras1_only)
    keras1.append(keras1.empty() ? "" : ", ").append(name.cast<std::string>());
  if (!keras1.empty()) doc.append("; Keras 1: ").append(keras1);
  doc.append(
      ". kwargs: the keywords every layer takes (name, trainable, input_shape, "
      "batch_input_shape, batch_size, input_dim, input_length, dtype, weights).");
  return doc;
}

}  // namespace detail

// The options of a Python call, through the options' schema and the base keywords; returns
// `trainable` when the options have no such field (layer_args.h).
template <typename Options>
std::optional<bool> options_from_python(Options& o, const std::string& class_name,
                                        const py::args& args, py::kwargs& kwargs,
                                        int layer_rank = 0) {
  detail::KwargsSchema<Options> taker(o, args, kwargs, class_name, layer_rank);
  Options::arguments(taker);
  detail::DescribeSchema<Options> count;
  Options::arguments(count);
  taker.finish(py::len(count.arguments));
  return take_layer_kwargs(o, kwargs);
}

// Rewrites a call's positional arguments before the schema takes them (Keras 1's
// Convolution2D(nb_filter, nb_row, nb_col)), as Keras 2.2.4's legacy preprocessors do.
using ArgsPreprocessor = std::function<py::args(py::args, py::kwargs&)>;

// Makes the layer from its options and the call's own arguments (before any preprocessing), for
// a class that keeps Python objects of its arguments (Lambda's functions, for its config).
template <typename L, typename Options>
using LayerMaker =
    std::function<std::shared_ptr<L>(Options, const py::args& args, const py::kwargs& kwargs)>;

// `layer_rank`: the spatial rank of the layer's kLayerRank tuples.
// `Base`: the bound C++ base class (Layer, or one like Conv that several classes share).
// `make`: how the layer is made (default: L(options)).
template <typename L, typename Options, typename Base = Layer>
py::class_<L, Base, std::shared_ptr<L>> bind_layer(py::module_& m, const char* class_name,
                                                   int layer_rank = 0,
                                                   ArgsPreprocessor preprocess = {},
                                                   LayerMaker<L, Options> make = {}) {
  detail::DescribeSchema<Options> describe(layer_rank);
  Options::arguments(describe);
  std::string doc = detail::call_doc(class_name, describe.arguments, describe.keras1_only);
  py::class_<L, Base, std::shared_ptr<L>> cls(m, class_name, doc.c_str());
  std::string name = class_name;
  cls.def(py::init([name, layer_rank, preprocess, make](py::args args, py::kwargs kwargs) {
    Options o;
    py::args given_args = args;
    py::kwargs given_kwargs =
        make ? py::reinterpret_steal<py::kwargs>(PyDict_Copy(kwargs.ptr())) : kwargs;
    if (preprocess) args = preprocess(std::move(args), kwargs);
    std::optional<bool> trainable = options_from_python(o, name, args, kwargs, layer_rank);
    std::shared_ptr<L> layer =
        make ? make(std::move(o), given_args, given_kwargs) : std::make_shared<L>(std::move(o));
    if (trainable) layer->set_trainable(*trainable);
    return layer;
  }));
  cls.attr("_arguments") = describe.arguments;
  return cls;
}

// One C++ class under several Keras names of different spatial ranks (MaxPooling1D ...
// AveragePooling3D), bound once as a hidden class whose __init__ takes the Keras class name
// first; `make(class_name, options)` builds the layer. `_arguments_by_class` maps each name to
// its arguments (keras_cpp.layers subclasses the hidden class under each name).
template <typename L, typename Options, typename Base = Layer, typename Make>
py::class_<L, Base, std::shared_ptr<L>> bind_layer_family(
    py::module_& m, const char* hidden_name,
    std::vector<std::pair<std::string, int>> names_and_ranks, Make make) {
  py::class_<L, Base, std::shared_ptr<L>> cls(m, hidden_name);
  py::dict by_class;
  for (const auto& [name, rank] : names_and_ranks) {
    detail::DescribeSchema<Options> describe(rank);
    Options::arguments(describe);
    by_class[py::str(name)] = describe.arguments;
  }
  cls.def(py::init(
      [names_and_ranks, make](const std::string& class_name, py::args args, py::kwargs kwargs) {
        for (const auto& [name, rank] : names_and_ranks) {
          if (name != class_name) continue;
          Options o;
          std::optional<bool> trainable = options_from_python(o, name, args, kwargs, rank);
          std::shared_ptr<L> layer = std::make_shared<L>(make(name, std::move(o)));
          if (trainable) layer->set_trainable(*trainable);
          return layer;
        }
        throw py::value_error("Unknown layer class: " + class_name);
      }));
  cls.attr("_arguments_by_class") = by_class;
  return cls;
}

}  // namespace keras::python
