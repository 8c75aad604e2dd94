// keras_cpp.layers: the Layer base and the layers the C++ side has, with Keras 1 and 2 keywords.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/activations.h"
#include "keras/engine/layer.h"
#include "keras/layers/core.h"

namespace keras::python {

namespace {

using layers::ActivationArg;

// An activation by name, as one of keras_cpp.activations' functions, or as any Python function of
// a symbolic tensor (traced once into the graph).
ActivationArg to_activation(py::handle obj) {
  if (obj.is_none()) return ActivationArg();
  if (py::isinstance<py::str>(obj)) return ActivationArg(obj.cast<std::string>());
  if (!PyCallable_Check(obj.ptr())) throw py::type_error("activation must be a name or a function");
  std::string name =
      py::hasattr(obj, "__name__") ? obj.attr("__name__").cast<std::string>() : "custom";
  if (is_builtin_function(obj)) {
    auto names = activations::names();
    if (std::find(names.begin(), names.end(), name) != names.end()) return ActivationArg(name);
  }
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  return ActivationArg([fn](const SymbolicTensor& x) { return call_symbolic(fn, x); }, name);
}

std::optional<Shape> optional_shape(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return to_shape(obj);
}

std::string optional_name(py::handle obj) {
  return obj.is_none() ? "" : obj.cast<std::string>();
}

// input_dim (Keras 1 and 2) becomes input_shape=(input_dim,) for layers without their own.
std::optional<Shape> input_shape_of(py::handle input_shape, py::handle input_dim) {
  if (!input_shape.is_none()) return to_shape(input_shape);
  if (!input_dim.is_none()) return Shape{input_dim.cast<std::int64_t>()};
  return std::nullopt;
}

// An initializer by name, or a keras_cpp.initializers object that has a plain name.
std::string initializer_name(py::handle obj) {
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  return py::module_::import("keras_cpp.initializers").attr("_name_of")(obj).cast<std::string>();
}

py::list to_list(const std::vector<SymbolicTensor>& tensors) {
  py::list out;
  for (const auto& t : tensors) out.append(py::cast(t));
  return out;
}

}  // namespace

void bind_layers(py::module_& root) {
  py::module_ m = root.def_submodule("layers");

  py::class_<Layer, std::shared_ptr<Layer>>(m, "Layer", "The base of every Keras layer.")
      .def_property_readonly("name", &Layer::name)
      .def_property_readonly("class_name", &Layer::class_name)
      .def_property("trainable", &Layer::trainable, &Layer::set_trainable)
      .def_property_readonly("built", &Layer::built)
      .def(
          "build", [](Layer& layer, py::object shape) { layer.build(to_shape(shape)); },
          py::arg("input_shape"))
      .def(
          "__call__", [](Layer& layer, const SymbolicTensor& x) { return layer(x); },
          py::arg("inputs"))
      .def(
          "call", [](Layer& layer, const SymbolicTensor& x) { return layer.call(x); },
          py::arg("inputs"))
      .def(
          "compute_output_shape",
          [](const Layer& layer, py::object shape) {
            return shape_to_tuple(layer.compute_output_shape(to_shape(shape)));
          },
          py::arg("input_shape"))
      .def("get_config", [](const Layer& layer) { return from_json(layer.get_config()); })
      .def("get_weights", &Layer::get_weights)
      .def("set_weights", &Layer::set_weights, py::arg("weights"))
      .def("count_params", &Layer::count_params)
      .def_property_readonly("weights", [](const Layer& l) { return to_list(l.weights()); })
      .def_property_readonly("trainable_weights",
                             [](const Layer& l) { return to_list(l.trainable_weights()); })
      .def_property_readonly("non_trainable_weights",
                             [](const Layer& l) { return to_list(l.non_trainable_weights()); })
      .def_property_readonly("losses", [](const Layer& l) { return to_list(l.losses()); })
      .def_property_readonly("input", &Layer::input)
      .def_property_readonly("output", &Layer::output)
      .def_property_readonly("input_shape",
                             [](const Layer& l) { return shape_to_tuple(l.input_shape()); })
      .def_property_readonly("output_shape",
                             [](const Layer& l) { return shape_to_tuple(l.output_shape()); })
      .def_property_readonly("batch_input_shape",
                             [](const Layer& l) -> py::object {
                               if (!l.batch_input_shape()) return py::none();
                               return shape_to_tuple(*l.batch_input_shape());
                             })
      .def("__repr__", [](const Layer& l) {
        return "<keras_cpp.layers." + l.class_name() + " '" + l.name() + "'>";
      });

  py::class_<layers::Dense, Layer, std::shared_ptr<layers::Dense>>(
      m, "Dense",
      "Dense(units, activation=None, ...): Keras 2 names, and Keras 1's output_dim, init, bias.")
      .def(py::init([](py::object units, py::object activation, bool use_bias,
                       py::object kernel_initializer, py::object bias_initializer,
                       py::object output_dim, py::object init, py::object bias,
                       py::object input_dim, py::object input_shape, py::object batch_input_shape,
                       py::object name, bool trainable) {
             layers::DenseOptions o;
             if (!units.is_none()) o.units = units.cast<std::int64_t>();
             if (!output_dim.is_none()) o.output_dim = output_dim.cast<std::int64_t>();
             o.activation = to_activation(activation);
             o.use_bias = use_bias;
             if (!bias.is_none()) o.bias = bias.cast<bool>();
             o.kernel_initializer = initializer_name(kernel_initializer);
             if (!init.is_none()) o.init = initializer_name(init);
             o.bias_initializer = initializer_name(bias_initializer);
             if (!input_dim.is_none()) o.input_dim = input_dim.cast<std::int64_t>();
             o.input_shape = optional_shape(input_shape);
             o.batch_input_shape = optional_shape(batch_input_shape);
             o.name = optional_name(name);
             o.trainable = trainable;
             return std::make_shared<layers::Dense>(o);
           }),
           py::arg("units") = py::none(), py::arg("activation") = py::none(), py::kw_only(),
           py::arg("use_bias") = true, py::arg("kernel_initializer") = "glorot_uniform",
           py::arg("bias_initializer") = "zeros", py::arg("output_dim") = py::none(),
           py::arg("init") = py::none(), py::arg("bias") = py::none(),
           py::arg("input_dim") = py::none(), py::arg("input_shape") = py::none(),
           py::arg("batch_input_shape") = py::none(), py::arg("name") = py::none(),
           py::arg("trainable") = true)
      .def_property_readonly("units", &layers::Dense::units)
      .def_property_readonly("output_dim", &layers::Dense::units)
      .def_property_readonly("kernel", &layers::Dense::kernel)
      .def_property_readonly("bias", &layers::Dense::bias);

  py::class_<layers::Activation, Layer, std::shared_ptr<layers::Activation>>(
      m, "Activation", "Activation(activation)")
      .def(py::init([](py::object activation, py::object input_shape, py::object input_dim,
                       py::object batch_input_shape, py::object name) {
             layers::ActivationOptions o;
             o.input_shape = input_shape_of(input_shape, input_dim);
             o.batch_input_shape = optional_shape(batch_input_shape);
             o.name = optional_name(name);
             return std::make_shared<layers::Activation>(to_activation(activation), o);
           }),
           py::arg("activation"), py::kw_only(), py::arg("input_shape") = py::none(),
           py::arg("input_dim") = py::none(), py::arg("batch_input_shape") = py::none(),
           py::arg("name") = py::none());

  py::class_<layers::Dropout, Layer, std::shared_ptr<layers::Dropout>>(
      m, "Dropout", "Dropout(rate) (Keras 1: Dropout(p))")
      .def(py::init([](py::object rate, py::object p, py::object /*noise_shape*/,
                       std::optional<std::uint64_t> seed, py::object input_shape,
                       py::object input_dim, py::object batch_input_shape, py::object name) {
             if (rate.is_none() && p.is_none())
               throw py::type_error("Dropout needs a rate (Keras 1: p)");
             layers::DropoutOptions o;
             o.seed = seed;
             o.input_shape = input_shape_of(input_shape, input_dim);
             o.batch_input_shape = optional_shape(batch_input_shape);
             o.name = optional_name(name);
             return std::make_shared<layers::Dropout>((rate.is_none() ? p : rate).cast<double>(),
                                                      o);
           }),
           py::arg("rate") = py::none(), py::kw_only(), py::arg("p") = py::none(),
           py::arg("noise_shape") = py::none(), py::arg("seed") = py::none(),
           py::arg("input_shape") = py::none(), py::arg("input_dim") = py::none(),
           py::arg("batch_input_shape") = py::none(), py::arg("name") = py::none())
      .def_property_readonly("rate", &layers::Dropout::rate)
      .def_property_readonly("p", &layers::Dropout::rate);
}

}  // namespace keras::python
