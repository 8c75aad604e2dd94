// keras_cpp.layers' Embedding and BatchNormalization, each from its options' schema.
#include "bindings.h"
#include "keras/layers/embeddings.h"
#include "keras/layers/normalization.h"
#include "layer_schema.h"

namespace keras::python {

namespace {
// A weight as Keras's attribute: the variable, or None before build (and when the layer makes
// none, as BatchNormalization(center=False)'s beta).
template <const SymbolicTensor& (layers::BatchNormalization::*weight)() const>
py::object weight_or_none(const layers::BatchNormalization& layer) {
  const SymbolicTensor& w = (layer.*weight)();
  return w.defined() ? py::cast(w) : py::object(py::none());
}
}  // namespace

void bind_embedding_normalization_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;
  bind_layer<Embedding, EmbeddingOptions>(m, "Embedding");
  bind_layer<BatchNormalization, BatchNormalizationOptions>(m, "BatchNormalization")
      .def_property_readonly("gamma", &weight_or_none<&BatchNormalization::gamma>)
      .def_property_readonly("beta", &weight_or_none<&BatchNormalization::beta>)
      .def_property_readonly("moving_mean", &weight_or_none<&BatchNormalization::moving_mean>)
      .def_property_readonly("moving_variance",
                             &weight_or_none<&BatchNormalization::moving_variance>);
}

}  // namespace keras::python
