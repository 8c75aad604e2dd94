// keras_cpp.layers' Embedding and BatchNormalization, each from its options' schema.
#include "bindings.h"
#include "keras/layers/embeddings.h"
#include "keras/layers/normalization.h"
#include "layer_schema.h"

namespace keras::python {

void bind_embedding_normalization_layers(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  using namespace keras::layers;
  bind_layer<Embedding, EmbeddingOptions>(m, "Embedding");
  bind_layer<BatchNormalization, BatchNormalizationOptions>(m, "BatchNormalization");
}

}  // namespace keras::python
