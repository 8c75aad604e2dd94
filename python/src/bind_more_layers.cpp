// The layers added after Dense/Activation/Dropout: Flatten, Reshape, Permute, RepeatVector,
// Lambda, ActivityRegularization, LeakyReLU, PReLU, ELU, ThresholdedReLU, GaussianNoise,
// GaussianDropout.
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/layers/advanced_activations.h"
#include "keras/layers/core.h"
#include "keras/layers/noise.h"

namespace keras::python {

namespace {

// The Layer keywords every option struct here has: input_shape (or input_dim),
// batch_input_shape and name.
template <typename Options>
Options common(py::handle input_shape, py::handle input_dim, py::handle batch_input_shape,
               py::handle name) {
  Options o;
  if (!input_shape.is_none())
    o.input_shape = to_shape(input_shape);
  else if (!input_dim.is_none())
    o.input_shape = Shape{input_dim.cast<std::int64_t>()};
  if (!batch_input_shape.is_none()) o.batch_input_shape = to_shape(batch_input_shape);
  if (!name.is_none()) o.name = name.cast<std::string>();
  return o;
}

#define KERAS_PY_COMMON_ARGS                                              \
  py::arg("input_shape") = py::none(), py::arg("input_dim") = py::none(), \
  py::arg("batch_input_shape") = py::none(), py::arg("name") = py::none()

template <typename L>
using LayerClass = py::class_<L, Layer, std::shared_ptr<L>>;

}  // namespace

void bind_more_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;

  LayerClass<Flatten>(m, "Flatten")
      .def(py::init([](py::object data_format, py::object is, py::object id, py::object bis,
                       py::object n) {
             auto o = common<FlattenOptions>(is, id, bis, n);
             if (!data_format.is_none()) o.data_format = data_format.cast<std::string>();
             return std::make_shared<Flatten>(o);
           }),
           py::arg("data_format") = py::none(), py::kw_only(), KERAS_PY_COMMON_ARGS);
  LayerClass<Reshape>(m, "Reshape")
      .def(py::init([](py::object target_shape, py::object is, py::object id, py::object bis,
                       py::object n) {
             return std::make_shared<Reshape>(to_shape(target_shape),
                                              common<ReshapeOptions>(is, id, bis, n));
           }),
           py::arg("target_shape"), py::kw_only(), KERAS_PY_COMMON_ARGS)
      .def_property_readonly("target_shape",
                             [](const Reshape& r) { return shape_to_tuple(r.target_shape()); });
  LayerClass<Permute>(m, "Permute")
      .def(py::init([](std::vector<int> dims, py::object is, py::object id, py::object bis,
                       py::object n) {
             return std::make_shared<Permute>(dims, common<PermuteOptions>(is, id, bis, n));
           }),
           py::arg("dims"), py::kw_only(), KERAS_PY_COMMON_ARGS);
  LayerClass<RepeatVector>(m, "RepeatVector")
      .def(py::init(
               [](std::int64_t n, py::object is, py::object id, py::object bis, py::object name) {
                 return std::make_shared<RepeatVector>(
                     n, common<RepeatVectorOptions>(is, id, bis, name));
               }),
           py::arg("n"), py::kw_only(), KERAS_PY_COMMON_ARGS);
  LayerClass<Lambda>(m, "Lambda",
                     "Lambda(function, output_shape=None): the function is traced once.")
      .def(py::init([](py::function function, py::object output_shape, py::object is, py::object id,
                       py::object bis, py::object n) {
             auto o = common<LambdaOptions>(is, id, bis, n);
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
             auto fn = hold(function);
             return std::make_shared<Lambda>(
                 [fn](const SymbolicTensor& x) { return call_symbolic(fn, x); }, o);
           }),
           py::arg("function"), py::arg("output_shape") = py::none(), py::kw_only(),
           KERAS_PY_COMMON_ARGS);
  LayerClass<ActivityRegularization>(m, "ActivityRegularization")
      .def(py::init([](double l1, double l2, py::object is, py::object id, py::object bis,
                       py::object n) {
             auto o = common<ActivityRegularizationOptions>(is, id, bis, n);
             o.l1 = l1;
             o.l2 = l2;
             return std::make_shared<ActivityRegularization>(o);
           }),
           py::arg("l1") = 0.0, py::arg("l2") = 0.0, py::kw_only(), KERAS_PY_COMMON_ARGS);

  LayerClass<LeakyReLU>(m, "LeakyReLU")
      .def(py::init([](double alpha, py::object is, py::object id, py::object bis, py::object n) {
             return std::make_shared<LeakyReLU>(alpha, common<LeakyReLUOptions>(is, id, bis, n));
           }),
           py::arg("alpha") = 0.3, py::kw_only(), KERAS_PY_COMMON_ARGS);
  LayerClass<PReLU>(m, "PReLU")
      .def(py::init([](py::object alpha_initializer, py::object init, std::vector<int> shared_axes,
                       py::object is, py::object id, py::object bis, py::object n) {
             auto o = common<PReLUOptions>(is, id, bis, n);
             if (!alpha_initializer.is_none())
               o.alpha_initializer = alpha_initializer.cast<std::string>();
             if (!init.is_none()) o.init = init.cast<std::string>();
             o.shared_axes = shared_axes;
             return std::make_shared<PReLU>(o);
           }),
           py::arg("alpha_initializer") = py::none(), py::kw_only(), py::arg("init") = py::none(),
           py::arg("shared_axes") = std::vector<int>{}, KERAS_PY_COMMON_ARGS);
  LayerClass<ELU>(m, "ELU").def(
      py::init([](double alpha, py::object is, py::object id, py::object bis, py::object n) {
        return std::make_shared<ELU>(alpha, common<ELUOptions>(is, id, bis, n));
      }),
      py::arg("alpha") = 1.0, py::kw_only(), KERAS_PY_COMMON_ARGS);
  LayerClass<ThresholdedReLU>(m, "ThresholdedReLU")
      .def(py::init([](double theta, py::object is, py::object id, py::object bis, py::object n) {
             return std::make_shared<ThresholdedReLU>(
                 theta, common<ThresholdedReLUOptions>(is, id, bis, n));
           }),
           py::arg("theta") = 1.0, py::kw_only(), KERAS_PY_COMMON_ARGS);

  LayerClass<GaussianNoise>(m, "GaussianNoise")
      .def(py::init([](py::object stddev, py::object sigma, py::object is, py::object id,
                       py::object bis, py::object n) {
             if (stddev.is_none() && sigma.is_none())
               throw py::type_error("GaussianNoise needs stddev (Keras 1: sigma)");
             return std::make_shared<GaussianNoise>(
                 (stddev.is_none() ? sigma : stddev).cast<double>(),
                 common<GaussianNoiseOptions>(is, id, bis, n));
           }),
           py::arg("stddev") = py::none(), py::kw_only(), py::arg("sigma") = py::none(),
           KERAS_PY_COMMON_ARGS);
  LayerClass<GaussianDropout>(m, "GaussianDropout")
      .def(py::init([](py::object rate, py::object p, py::object is, py::object id, py::object bis,
                       py::object n) {
             if (rate.is_none() && p.is_none())
               throw py::type_error("GaussianDropout needs a rate (Keras 1: p)");
             return std::make_shared<GaussianDropout>(
                 (rate.is_none() ? p : rate).cast<double>(),
                 common<GaussianDropoutOptions>(is, id, bis, n));
           }),
           py::arg("rate") = py::none(), py::kw_only(), py::arg("p") = py::none(),
           KERAS_PY_COMMON_ARGS);
}

}  // namespace keras::python
