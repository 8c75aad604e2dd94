// The layers added after Dense/Activation/Dropout: Masking, Flatten, Reshape, Permute,
// RepeatVector, Lambda, ActivityRegularization, LeakyReLU, PReLU, ELU, ThresholdedReLU,
// GaussianNoise, GaussianDropout.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/layers/advanced_activations.h"
#include "keras/layers/core.h"
#include "keras/layers/noise.h"
#include "layer_args.h"

namespace keras::python {

void bind_more_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;

  LayerClass<Masking>(m, "Masking", "Masking(mask_value=0.0)")
      .def(py::init([](double mask_value, py::kwargs kwargs) {
             return make_layer<Masking>(MaskingOptions{}, kwargs, mask_value);
           }),
           py::arg("mask_value") = 0.0)
      .def_property_readonly("mask_value", &Masking::mask_value);
  LayerClass<Flatten>(m, "Flatten")
      .def(py::init([](py::object data_format, py::kwargs kwargs) {
             FlattenOptions o;
             if (!data_format.is_none()) o.data_format = data_format.cast<std::string>();
             return make_layer<Flatten>(o, kwargs);
           }),
           py::arg("data_format") = py::none());
  LayerClass<Reshape>(m, "Reshape")
      .def(py::init([](py::object target_shape, py::kwargs kwargs) {
             return make_layer<Reshape>(ReshapeOptions{}, kwargs, to_shape(target_shape));
           }),
           py::arg("target_shape"))
      .def_property_readonly("target_shape",
                             [](const Reshape& r) { return shape_to_tuple(r.target_shape()); });
  LayerClass<Permute>(m, "Permute")
      .def(py::init([](std::vector<int> dims, py::kwargs kwargs) {
             return make_layer<Permute>(PermuteOptions{}, kwargs, dims);
           }),
           py::arg("dims"));
  LayerClass<RepeatVector>(m, "RepeatVector")
      .def(py::init([](std::int64_t n, py::kwargs kwargs) {
             return make_layer<RepeatVector>(RepeatVectorOptions{}, kwargs, n);
           }),
           py::arg("n"));
  LayerClass<Lambda>(m, "Lambda",
                     "Lambda(function, output_shape=None, mask=None, arguments=None): the "
                     "function is called once, on symbolic tensors, and becomes graph ops.")
      .def(py::init([](py::function function, py::object output_shape, py::object mask,
                       py::object arguments, py::kwargs kwargs) {
             if (!mask.is_none())
               throw py::value_error("Lambda: mask is not supported by keras_cpp yet");
             LambdaOptions o;
             if (PyCallable_Check(output_shape.ptr())) {
               auto shape_fn = hold(output_shape);
               o.output_shape_function = [shape_fn](const Shape& input_shape) {
                 py::gil_scoped_acquire gil;
                 return to_shape((*shape_fn)(shape_to_tuple(input_shape)));
               };
             } else if (!output_shape.is_none()) {
               o.output_shape = to_shape(output_shape);
             }
             if (py::hasattr(function, "__name__"))
               o.function_name = function.attr("__name__").cast<std::string>();
             py::object fn_object = function;
             if (!arguments.is_none())  // Keras: function(x, **arguments)
               fn_object = py::module_::import("functools").attr("partial")(function, **arguments);
             auto fn = hold(fn_object);
             return make_layer<Lambda>(
                 o, kwargs, [fn](const SymbolicTensor& x) { return call_symbolic(fn, x); });
           }),
           py::arg("function"), py::arg("output_shape") = py::none(), py::arg("mask") = py::none(),
           py::arg("arguments") = py::none());
  LayerClass<ActivityRegularization>(m, "ActivityRegularization")
      .def(py::init([](double l1, double l2, py::kwargs kwargs) {
             ActivityRegularizationOptions o;
             o.l1 = l1;
             o.l2 = l2;
             return make_layer<ActivityRegularization>(o, kwargs);
           }),
           py::arg("l1") = 0.0, py::arg("l2") = 0.0);

  LayerClass<LeakyReLU>(m, "LeakyReLU")
      .def(py::init([](double alpha, py::kwargs kwargs) {
             return make_layer<LeakyReLU>(LeakyReLUOptions{}, kwargs, alpha);
           }),
           py::arg("alpha") = 0.3);
  LayerClass<PReLU>(m, "PReLU")
      .def(py::init([](py::object alpha_initializer, py::object shared_axes, py::object init,
                       py::kwargs kwargs) {
             PReLUOptions o;
             if (!alpha_initializer.is_none())
               o.alpha_initializer = initializer_name(alpha_initializer);
             if (!init.is_none()) o.init = initializer_name(init);
             if (!shared_axes.is_none()) {
               if (py::isinstance<py::int_>(shared_axes))
                 o.shared_axes = {shared_axes.cast<int>()};
               else
                 o.shared_axes = shared_axes.cast<std::vector<int>>();
             }
             return make_layer<PReLU>(o, kwargs);
           }),
           py::arg("alpha_initializer") = py::none(), py::arg("shared_axes") = py::none(),
           py::kw_only(), py::arg("init") = py::none());
  LayerClass<ELU>(m, "ELU").def(py::init([](double alpha, py::kwargs kwargs) {
                                  return make_layer<ELU>(ELUOptions{}, kwargs, alpha);
                                }),
                                py::arg("alpha") = 1.0);
  LayerClass<ThresholdedReLU>(m, "ThresholdedReLU")
      .def(py::init([](double theta, py::kwargs kwargs) {
             return make_layer<ThresholdedReLU>(ThresholdedReLUOptions{}, kwargs, theta);
           }),
           py::arg("theta") = 1.0);

  LayerClass<GaussianNoise>(m, "GaussianNoise")
      .def(py::init([](py::object stddev, py::object sigma, py::kwargs kwargs) {
             if (stddev.is_none() && sigma.is_none())
               throw py::type_error("GaussianNoise needs stddev (Keras 1: sigma)");
             return make_layer<GaussianNoise>(
                 GaussianNoiseOptions{}, kwargs,
                 cast_arg<double>(stddev.is_none() ? sigma : stddev, "stddev"));
           }),
           py::arg("stddev") = py::none(), py::kw_only(), py::arg("sigma") = py::none());
  LayerClass<GaussianDropout>(m, "GaussianDropout")
      .def(py::init([](py::object rate, py::object p, py::kwargs kwargs) {
             if (rate.is_none() && p.is_none())
               throw py::type_error("GaussianDropout needs a rate (Keras 1: p)");
             return make_layer<GaussianDropout>(
                 GaussianDropoutOptions{}, kwargs,
                 cast_arg<double>(rate.is_none() ? p : rate, "rate"));
           }),
           py::arg("rate") = py::none(), py::kw_only(), py::arg("p") = py::none());
}

}  // namespace keras::python
