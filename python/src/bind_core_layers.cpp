// keras_cpp.layers' core layers: Keras 2's Dense, Activation, Dropout, Masking, Flatten, Reshape,
// Permute, RepeatVector, Lambda, ActivityRegularization and Keras 1's Highway, MaxoutDense,
// TimeDistributedDense; each but Lambda from its options' schema (layer_schema.h).
#include <string>

#include "bindings.h"
#include "convert.h"
#include "keras/layers/core.h"
#include "layer_args.h"
#include "layer_schema.h"

namespace keras::python {

void bind_core_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;

  bind_layer<Dense, DenseOptions>(m, "Dense")
      .def_property_readonly("units", &Dense::units)
      .def_property_readonly("output_dim", &Dense::units)
      .def_property_readonly("kernel", &Dense::kernel)
      .def_property_readonly("bias", &Dense::bias);
  bind_layer<Activation, ActivationOptions>(m, "Activation");
  bind_layer<Dropout, DropoutOptions>(m, "Dropout")
      .def_property_readonly("rate", &Dropout::rate)
      .def_property_readonly("p", &Dropout::rate);
  bind_layer<Masking, MaskingOptions>(m, "Masking")
      .def_property_readonly("mask_value", &Masking::mask_value);
  bind_layer<Flatten, FlattenOptions>(m, "Flatten");
  bind_layer<Reshape, ReshapeOptions>(m, "Reshape")
      .def_property_readonly("target_shape",
                             [](const Reshape& r) { return shape_to_tuple(r.target_shape()); });
  bind_layer<Permute, PermuteOptions>(m, "Permute");
  bind_layer<RepeatVector, RepeatVectorOptions>(m, "RepeatVector");
  LayerClass<Lambda>(m, "Lambda",
                     "Lambda(function, output_shape=None, mask=None, arguments=None): the "
                     "function is called once, on symbolic tensors, and becomes graph ops.")
      .def(py::init([](py::function function, py::object output_shape, py::object mask,
                       py::object arguments, py::kwargs kwargs) {
             if (!mask.is_none())
               throw py::value_error("Lambda: mask is not supported by keras_cpp yet");
             LambdaOptions o;
             // Keras passes the function (and a function output_shape) what the layer was
             // called on: one tensor (shape), or the list.
             if (PyCallable_Check(output_shape.ptr())) {
               auto shape_fn = hold(output_shape);
               o.output_shape_list_function = [shape_fn](const std::vector<Shape>& shapes) {
                 py::gil_scoped_acquire gil;
                 if (shapes.size() == 1) return to_shape((*shape_fn)(shape_to_tuple(shapes[0])));
                 py::list given;
                 for (const auto& shape : shapes) given.append(shape_to_tuple(shape));
                 return to_shape((*shape_fn)(given));
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
             auto call_on = [fn](const std::vector<SymbolicTensor>& xs) {
               py::gil_scoped_acquire gil;
               if (xs.size() == 1) return (*fn)(xs.front()).cast<SymbolicTensor>();
               py::list given;
               for (const auto& x : xs) given.append(py::cast(x));
               return (*fn)(given).cast<SymbolicTensor>();
             };
             return make_layer<Lambda>(o, kwargs, LambdaOnList{call_on});
           }),
           py::arg("function"), py::arg("output_shape") = py::none(), py::arg("mask") = py::none(),
           py::arg("arguments") = py::none());
  bind_layer<ActivityRegularization, ActivityRegularizationOptions>(m, "ActivityRegularization");
  bind_layer<Highway, HighwayOptions>(m, "Highway");
  bind_layer<MaxoutDense, MaxoutDenseOptions>(m, "MaxoutDense");
  bind_layer<TimeDistributedDense, TimeDistributedDenseOptions>(m, "TimeDistributedDense");
}

}  // namespace keras::python
