// TimeDistributed, and the `layer` argument of Keras's wrappers.
#include <stdexcept>
#include <utility>

#include "backend/reshape_like.h"
#include "keras/layers/serialization.h"
#include "keras/layers/wrappers.h"
#include "layers/schema_config.h"
#include "saving/config_text.h"

namespace keras::layers {

nlohmann::json WrappedLayerArg::config_value() const {
  return layer ? serialize(*layer) : nlohmann::json(nullptr);
}

WrappedLayerArg WrappedLayerArg::from_config_value(const nlohmann::json& value) {
  if (!value.is_object() || !value.contains("class_name"))
    throw std::invalid_argument(
        "must be a layer config {\"class_name\": ..., \"config\": {...}}, got " +
        saving::detail::config_excerpt(value));
  return {deserialize(value)};
}

namespace {

// The base sets weights= right after build(), before the wrapped layer is built: the wrapper
// sets them itself after the wrapped layer's first call.
LayerArguments wrapper_arguments(const TimeDistributedOptions& o) {
  LayerArguments args = layer_arguments(o);
  args.weights.clear();
  return args;
}

}  // namespace

TimeDistributed::TimeDistributed(TimeDistributedOptions o)
    : Wrapper("TimeDistributed", std::move(o.layer.layer), wrapper_arguments(o)),
      pending_weights_(std::move(o.weights)) {
  supports_masking_ = true;
}

TimeDistributed::TimeDistributed(LayerPtr layer, TimeDistributedOptions o)
    : TimeDistributed([&] {
        o.layer = std::move(layer);
        return std::move(o);
      }()) {}

Shape TimeDistributed::inner_shape(const Shape& input_shape) const {
  if (input_shape.size() < 3)
    incompatible_input(input_shape, "expected ndim>=3 (batch, timesteps, ...)");
  Shape inner{input_shape[0]};
  inner.insert(inner.end(), input_shape.begin() + 2, input_shape.end());
  return inner;
}

void TimeDistributed::build(const Shape& input_shape) {
  inner_shape(input_shape);
}

SymbolicTensor TimeDistributed::call(const SymbolicTensor& inputs) {
  const Shape& shape = inputs.shape();
  const std::int64_t timesteps = shape[1];
  Shape flat{-1};
  for (std::size_t d = 2; d < shape.size(); ++d) {
    if (shape[d] < 0) incompatible_input(shape, "the dimensions after the timesteps must be known");
    flat.push_back(shape[d]);
  }
  SymbolicTensor y = (*layer_)(K::reshape(inputs, flat));
  if (!pending_weights_.empty()) layer_->set_weights(std::exchange(pending_weights_, {}));
  Shape out{-1, timesteps};
  for (std::size_t d = 1; d < y.shape().size(); ++d) out.push_back(y.shape()[d]);
  if (timesteps >= 0) return K::reshape(y, out);
  // Variable-length sequences: batch and timesteps come from the inputs when the function runs.
  std::vector<int> like_axes(out.size(), -1);
  like_axes[0] = 0;
  like_axes[1] = 1;
  return K::reshape_like(y, out, inputs, like_axes);
}

Shape TimeDistributed::compute_output_shape(const Shape& input_shape) const {
  Shape child = layer_->compute_output_shape(inner_shape(input_shape));
  Shape out{input_shape[0], input_shape[1]};
  out.insert(out.end(), child.begin() + 1, child.end());
  return out;
}

nlohmann::json TimeDistributed::get_config() const {
  return detail::config_with_arguments(Layer::get_config(),
                                       TimeDistributedOptions{.layer = layer_});
}

std::shared_ptr<Layer> TimeDistributed::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<TimeDistributed, TimeDistributedOptions>(config,
                                                                            "TimeDistributed");
}

}  // namespace keras::layers
