// keras_cpp.layers' advanced activations (LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU,
// Keras 1's ParametricSoftplus and SReLU) and noise layers (GaussianNoise, GaussianDropout,
// AlphaDropout), each from its options' schema.
#include "bindings.h"
#include "keras/layers/advanced_activations.h"
#include "keras/layers/noise.h"
#include "layer_schema.h"

namespace keras::python {

void bind_activation_noise_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;

  bind_layer<LeakyReLU, LeakyReLUOptions>(m, "LeakyReLU");
  bind_layer<PReLU, PReLUOptions>(m, "PReLU");
  bind_layer<ELU, ELUOptions>(m, "ELU");
  bind_layer<ThresholdedReLU, ThresholdedReLUOptions>(m, "ThresholdedReLU");
  bind_layer<Softmax, SoftmaxOptions>(m, "Softmax");
  bind_layer<ReLU, ReLUOptions>(m, "ReLU");
  bind_layer<ParametricSoftplus, ParametricSoftplusOptions>(m, "ParametricSoftplus");
  bind_layer<SReLU, SReLUOptions>(m, "SReLU");
  bind_layer<GaussianNoise, GaussianNoiseOptions>(m, "GaussianNoise");
  bind_layer<GaussianDropout, GaussianDropoutOptions>(m, "GaussianDropout");
  bind_layer<AlphaDropout, AlphaDropoutOptions>(m, "AlphaDropout")
      .def_property_readonly("rate", &AlphaDropout::rate);
}

}  // namespace keras::python
