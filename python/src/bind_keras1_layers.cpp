// Keras 1's core layers the engine has: Highway, MaxoutDense, TimeDistributedDense (Keras 1.2.2's
// arguments and order).
#include <cstdint>
#include <string>

#include "bindings.h"
#include "convert.h"
#include "keras/layers/core.h"
#include "layer_args.h"

namespace keras::python {

namespace {

// W_regularizer, b_regularizer, activity_regularizer, W_constraint, b_constraint, bias: the
// arguments these three layers share, in Keras 1's order.
template <typename Options>
void keras1_weight_args(Options& o, py::handle W_regularizer, py::handle b_regularizer,
                        py::handle activity_regularizer, py::handle W_constraint,
                        py::handle b_constraint, bool bias) {
  o.W_regularizer = to_regularizer(W_regularizer);
  o.b_regularizer = to_regularizer(b_regularizer);
  o.activity_regularizer = to_regularizer(activity_regularizer);
  o.W_constraint = to_constraint(W_constraint);
  o.b_constraint = to_constraint(b_constraint);
  o.bias = bias;
}

#define KERAS_PY_KERAS1_WEIGHT_ARGS                                                   \
  py::arg("W_regularizer") = py::none(), py::arg("b_regularizer") = py::none(),       \
  py::arg("activity_regularizer") = py::none(), py::arg("W_constraint") = py::none(), \
  py::arg("b_constraint") = py::none(), py::arg("bias") = true

}  // namespace

void bind_keras1_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;

  LayerClass<Highway>(m, "Highway",
                      "Highway(init='glorot_uniform', transform_bias=-2, activation=None, "
                      "W_regularizer=None, ..., bias=True)")
      .def(py::init([](py::object init, double transform_bias, py::object activation,
                       py::object W_regularizer, py::object b_regularizer,
                       py::object activity_regularizer, py::object W_constraint,
                       py::object b_constraint, bool bias, py::kwargs kwargs) {
             HighwayOptions o;
             o.init = initializer_name(init);
             o.transform_bias = transform_bias;
             o.activation = to_activation(activation);
             keras1_weight_args(o, W_regularizer, b_regularizer, activity_regularizer, W_constraint,
                                b_constraint, bias);
             return make_layer<Highway>(o, kwargs);
           }),
           py::arg("init") = "glorot_uniform", py::arg("transform_bias") = -2.0,
           py::arg("activation") = py::none(), KERAS_PY_KERAS1_WEIGHT_ARGS);

  LayerClass<MaxoutDense>(m, "MaxoutDense",
                          "MaxoutDense(output_dim, nb_feature=4, init='glorot_uniform', "
                          "W_regularizer=None, ..., bias=True)")
      .def(py::init([](std::int64_t output_dim, std::int64_t nb_feature, py::object init,
                       py::object W_regularizer, py::object b_regularizer,
                       py::object activity_regularizer, py::object W_constraint,
                       py::object b_constraint, bool bias, py::kwargs kwargs) {
             MaxoutDenseOptions o;
             o.nb_feature = nb_feature;
             o.init = initializer_name(init);
             keras1_weight_args(o, W_regularizer, b_regularizer, activity_regularizer, W_constraint,
                                b_constraint, bias);
             return make_layer<MaxoutDense>(o, kwargs, output_dim);
           }),
           py::arg("output_dim"), py::arg("nb_feature") = 4, py::arg("init") = "glorot_uniform",
           KERAS_PY_KERAS1_WEIGHT_ARGS);

  LayerClass<TimeDistributedDense>(m, "TimeDistributedDense",
                                   "TimeDistributedDense(output_dim, init='glorot_uniform', "
                                   "activation=None, W_regularizer=None, ..., bias=True)")
      .def(py::init([](std::int64_t output_dim, py::object init, py::object activation,
                       py::object W_regularizer, py::object b_regularizer,
                       py::object activity_regularizer, py::object W_constraint,
                       py::object b_constraint, bool bias, py::kwargs kwargs) {
             TimeDistributedDenseOptions o;
             o.init = initializer_name(init);
             o.activation = to_activation(activation);
             keras1_weight_args(o, W_regularizer, b_regularizer, activity_regularizer, W_constraint,
                                b_constraint, bias);
             return make_layer<TimeDistributedDense>(o, kwargs, output_dim);
           }),
           py::arg("output_dim"), py::arg("init") = "glorot_uniform",
           py::arg("activation") = py::none(), KERAS_PY_KERAS1_WEIGHT_ARGS);
}

}  // namespace keras::python
