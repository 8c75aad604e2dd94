// How a layer class is bound (bind_layers.cpp, bind_more_layers.cpp, and any new bind_*.cpp):
//
//   LayerClass<Flatten>(m, "Flatten")
//       .def(py::init([](py::object data_format, py::kwargs kwargs) {
//              FlattenOptions o;
//              if (!data_format.is_none()) o.data_format = data_format.cast<std::string>();
//              return make_layer<Flatten>(o, kwargs);
//            }),
//            py::arg("data_format") = py::none());
//
// The layer's own arguments are named py::arg's in Keras's order (Keras 1 spellings after
// py::kw_only()); the keywords every Keras layer takes (input_shape, input_dim, input_length,
// batch_input_shape, name, trainable) arrive in `kwargs` and make_layer moves them into the
// options struct; any other keyword raises Keras's TypeError('Keyword argument not understood:',
// name).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/pybind11.h>

#include "convert.h"
#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/core.h"
#include "keras/layers/serialization.h"
#include "keras/regularizers.h"

namespace keras::python {

template <typename L>
using LayerClass = py::class_<L, Layer, std::shared_ptr<L>>;

// Keras's custom_objects dict as the C++ registry's CustomObjects (layer classes written in
// Python build themselves with cls.from_config; functions serve as activations, Lambda
// functions, losses and metrics).
CustomObjects to_custom_objects(py::handle objects);

// Removes and returns kwargs[name] (None when absent).
py::object pop_kwarg(py::dict& kwargs, const char* name);

// Raises TypeError('Keyword argument not understood:', name) for the first key left in kwargs.
void reject_unknown_kwargs(const py::dict& kwargs);

// An activation by name, as one of keras_cpp.activations' functions, or as any Python function of
// a symbolic tensor (traced once into the graph).
layers::ActivationArg to_activation(py::handle obj);
// An initializer by name, a keras_cpp.initializers object or dict, a Python fn(shape, dtype).
std::string initializer_name(py::handle obj);
// None, a name ('l2'), a keras_cpp.regularizers object, or a Python function of a weight.
regularizers::Regularizer to_regularizer(py::handle obj);
// None, a name ('max_norm'), a keras_cpp.constraints object, or a Python function of a weight.
constraints::Constraint to_constraint(py::handle obj);
// Keras's variable.constraint, kept by keras_cpp.backend for K.variable(constraint=) and
// add_weight(constraint=): the variable's constraint (empty without), and the recording of one.
constraints::Constraint variable_constraint(const SymbolicTensor& variable);
void set_variable_constraint(const SymbolicTensor& variable, py::handle constraint);

// A model holds its layers in C++ only, while a layer written in Python keeps its methods and
// attributes in its Python object. When such a layer joins a graph (called on tensors, or built
// from a config), it is made to keep its Python object, so the pair lives as long as the
// interpreter: a Python layer that was used is never freed (pybind11 has no ownership both
// ways). Does nothing for the library's layers.
void keep_python_layer(py::handle layer);

// The keywords every Keras layer takes (the shared base schema), checked: dtype (Keras 1:
// input_dtype) must be floatx(), or an integer dtype for a layer that may read indices;
// weights (Keras's initial values) go to layers with weights.
void check_layer_dtype(py::handle dtype, const char* name, bool may_read_indices);

// Keras's dtype of a first layer is its Input's: integer indices for an Embedding (alone or in a
// wrapper: TimeDistributed(Embedding(5, 6), dtype='int32')). Such a layer reads the dtype it
// computes on (input_dtype), so an integer dtype is accepted and changes nothing.
template <typename Options>
constexpr bool may_read_indices = requires(Options& o) {
  o.mask_zero;
}
|| requires(Options& o) {
  o.layer;
};
std::vector<Tensor> to_initial_weights(py::handle weights);

// Moves the keywords every Keras layer takes from kwargs into `o` (those its options struct has:
// name, input_shape, batch_input_shape, input_dim, input_length, trainable, weights; batch_size
// with input_shape makes batch_input_shape; input_dim (and input_length) stand for input_shape
// where the struct has no input_dim) and returns `trainable` when the struct has no such field;
// rejects anything else.
template <typename Options>
std::optional<bool> take_layer_kwargs(Options& o, py::dict& kwargs) {
  py::object input_shape = pop_kwarg(kwargs, "input_shape");
  py::object batch_input_shape = pop_kwarg(kwargs, "batch_input_shape");
  py::object batch_size = pop_kwarg(kwargs, "batch_size");
  py::object input_dim = pop_kwarg(kwargs, "input_dim");
  py::object input_length = pop_kwarg(kwargs, "input_length");
  py::object name = pop_kwarg(kwargs, "name");
  py::object trainable = pop_kwarg(kwargs, "trainable");
  py::object weights = pop_kwarg(kwargs, "weights");
  for (const char* key : {"dtype", "input_dtype"})
    check_layer_dtype(pop_kwarg(kwargs, key), key, may_read_indices<Options>);
  if (!input_shape.is_none()) o.input_shape = to_input_shape(input_shape, "input_shape");
  if (!batch_input_shape.is_none())
    o.batch_input_shape = to_input_shape(batch_input_shape, "batch_input_shape");
  if (!name.is_none()) o.name = cast_arg<std::string>(name, "name");
  if constexpr (requires { o.input_length; }) {
    if (!input_length.is_none())
      o.input_length = cast_arg<std::int64_t>(input_length, "input_length");
  }
  if (!input_dim.is_none()) {
    if constexpr (requires { o.input_dim; }) {
      o.input_dim = cast_arg<std::int64_t>(input_dim, "input_dim");
    } else if (input_shape.is_none()) {
      o.input_shape = to_input_shape(input_dim, "input_dim");
      if (!input_length.is_none())
        o.input_shape->insert(o.input_shape->begin(),
                              cast_arg<std::int64_t>(input_length, "input_length"));
    }
  }
  if (!batch_size.is_none() && o.input_shape && !o.batch_input_shape) {
    Shape shape{cast_arg<std::int64_t>(batch_size, "batch_size")};
    shape.insert(shape.end(), o.input_shape->begin(), o.input_shape->end());
    o.batch_input_shape = shape;
  }
  if (!weights.is_none()) {
    if constexpr (requires { o.weights; })
      o.weights = to_initial_weights(weights);
    else if (py::len(weights) != 0)
      throw py::value_error("weights=: this layer has no weights, got " +
                            std::to_string(py::len(weights)) + " arrays");
  }
  reject_unknown_kwargs(kwargs);
  if (trainable.is_none()) return std::nullopt;
  if constexpr (requires { o.trainable; }) {
    o.trainable = cast_arg<bool>(trainable, "trainable");
    return std::nullopt;
  } else {
    return cast_arg<bool>(trainable, "trainable");
  }
}

// Builds L(args..., options) after moving the common keywords into the options.
template <typename L, typename Options, typename... Args>
std::shared_ptr<L> make_layer(Options o, py::dict kwargs, Args&&... args) {
  std::optional<bool> trainable = take_layer_kwargs(o, kwargs);
  auto layer = std::make_shared<L>(std::forward<Args>(args)..., std::move(o));
  if (trainable) layer->set_trainable(*trainable);
  return layer;
}

}  // namespace keras::python
