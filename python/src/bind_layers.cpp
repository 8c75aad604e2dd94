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
#include "layer_args.h"

namespace keras::python {

namespace {

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

  LayerClass<layers::Dense>(
      m, "Dense",
      "Dense(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', "
      "bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, "
      "activity_regularizer=None, kernel_constraint=None, bias_constraint=None); Keras 1: "
      "output_dim, init, W_regularizer, b_regularizer, W_constraint, b_constraint, bias.")
      .def(py::init([](py::object units, py::object activation, bool use_bias,
                       py::object kernel_initializer, py::object bias_initializer,
                       py::object kernel_regularizer, py::object bias_regularizer,
                       py::object activity_regularizer, py::object kernel_constraint,
                       py::object bias_constraint, py::object output_dim, py::object init,
                       py::object W_regularizer, py::object b_regularizer, py::object W_constraint,
                       py::object b_constraint, py::object bias, py::kwargs kwargs) {
             layers::DenseOptions o;
             if (!units.is_none()) o.units = units.cast<std::int64_t>();
             if (!output_dim.is_none()) o.output_dim = output_dim.cast<std::int64_t>();
             o.activation = to_activation(activation);
             o.use_bias = use_bias;
             if (!bias.is_none()) o.bias = bias.cast<bool>();
             o.kernel_initializer = initializer_name(kernel_initializer);
             if (!init.is_none()) o.init = initializer_name(init);
             o.bias_initializer = initializer_name(bias_initializer);
             o.kernel_regularizer = to_regularizer(kernel_regularizer);
             o.W_regularizer = to_regularizer(W_regularizer);
             o.bias_regularizer = to_regularizer(bias_regularizer);
             o.b_regularizer = to_regularizer(b_regularizer);
             o.activity_regularizer = to_regularizer(activity_regularizer);
             o.kernel_constraint = to_constraint(kernel_constraint);
             o.W_constraint = to_constraint(W_constraint);
             o.bias_constraint = to_constraint(bias_constraint);
             o.b_constraint = to_constraint(b_constraint);
             return make_layer<layers::Dense>(o, kwargs);
           }),
           py::arg("units") = py::none(), py::arg("activation") = py::none(),
           py::arg("use_bias") = true, py::arg("kernel_initializer") = "glorot_uniform",
           py::arg("bias_initializer") = "zeros", py::arg("kernel_regularizer") = py::none(),
           py::arg("bias_regularizer") = py::none(), py::arg("activity_regularizer") = py::none(),
           py::arg("kernel_constraint") = py::none(), py::arg("bias_constraint") = py::none(),
           py::kw_only(), py::arg("output_dim") = py::none(), py::arg("init") = py::none(),
           py::arg("W_regularizer") = py::none(), py::arg("b_regularizer") = py::none(),
           py::arg("W_constraint") = py::none(), py::arg("b_constraint") = py::none(),
           py::arg("bias") = py::none())
      .def_property_readonly("units", &layers::Dense::units)
      .def_property_readonly("output_dim", &layers::Dense::units)
      .def_property_readonly("kernel", &layers::Dense::kernel)
      .def_property_readonly("bias", &layers::Dense::bias);

  LayerClass<layers::Activation>(m, "Activation", "Activation(activation)")
      .def(py::init([](py::object activation, py::kwargs kwargs) {
             return make_layer<layers::Activation>(layers::ActivationOptions{}, kwargs,
                                                   to_activation(activation));
           }),
           py::arg("activation"));

  LayerClass<layers::Dropout>(m, "Dropout",
                              "Dropout(rate, noise_shape=None, seed=None) (Keras 1: p)")
      .def(py::init([](py::object rate, py::object noise_shape, std::optional<std::uint64_t> seed,
                       py::object p, py::kwargs kwargs) {
             if (rate.is_none() && p.is_none())
               throw py::type_error("Dropout needs a rate (Keras 1: p)");
             if (!noise_shape.is_none())
               throw py::value_error("Dropout: noise_shape is not supported by keras_cpp yet");
             layers::DropoutOptions o;
             o.seed = seed;
             return make_layer<layers::Dropout>(o, kwargs,
                                                (rate.is_none() ? p : rate).cast<double>());
           }),
           py::arg("rate") = py::none(), py::arg("noise_shape") = py::none(),
           py::arg("seed") = py::none(), py::kw_only(), py::arg("p") = py::none())
      .def_property_readonly("rate", &layers::Dropout::rate)
      .def_property_readonly("p", &layers::Dropout::rate);
}

}  // namespace keras::python
