// keras_cpp.layers' advanced activations (LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU)
// and noise layers (GaussianNoise, GaussianDropout), each from its options' schema.
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
  bind_layer<GaussianNoise, GaussianNoiseOptions>(m, "GaussianNoise");
  bind_layer<GaussianDropout, GaussianDropoutOptions>(m, "GaussianDropout");
}

}  // namespace keras::python
