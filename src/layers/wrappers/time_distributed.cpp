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

namespace {

// x (batch, timesteps, rest...) as (batch * timesteps, rest...); unknown dimensions of `rest`
// come from x when the function runs.
SymbolicTensor merge_time(const SymbolicTensor& x) {
  const Shape& shape = x.shape();
  Shape flat{-1};
  std::vector<int> like_axes{-1};
  bool unknown = false;
  for (std::size_t d = 2; d < shape.size(); ++d) {
    flat.push_back(shape[d]);
    like_axes.push_back(shape[d] < 0 ? static_cast<int>(d) : -1);
    unknown = unknown || shape[d] < 0;
  }
  return unknown ? K::reshape_like(x, flat, x, like_axes) : K::reshape(x, flat);
}

// y (batch * timesteps, rest...) as (batch, timesteps, rest...), batch and timesteps those of
// `like`; at most one dimension of `rest` may be unknown (it is inferred).
SymbolicTensor split_time(const SymbolicTensor& y, const SymbolicTensor& like,
                          const std::string& layer) {
  const std::int64_t timesteps = like.shape()[1];
  Shape out{-1, timesteps};
  int unknown = 0;
  for (std::size_t d = 1; d < y.shape().size(); ++d) {
    out.push_back(y.shape()[d]);
    unknown += y.shape()[d] < 0 ? 1 : 0;
  }
  if (timesteps >= 0 && unknown == 0) return K::reshape(y, out);
  if (unknown > 1)
    throw std::invalid_argument(layer + ": the wrapped layer's output " +
                                shape_to_string(y.shape()) +
                                " has several unknown dimensions; TimeDistributed can restore "
                                "(batch, timesteps) around at most one");
  // Variable-length sequences: batch and timesteps come from `like` when the function runs.
  std::vector<int> like_axes(out.size(), -1);
  like_axes[0] = 0;
  like_axes[1] = 1;
  return K::reshape_like(y, out, like, like_axes);
}

}  // namespace

SymbolicTensor TimeDistributed::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, SymbolicTensor());
}

SymbolicTensor TimeDistributed::call_masked(const SymbolicTensor& inputs,
                                            const SymbolicTensor& mask) {
  KerasTensor inner(merge_time(inputs));
  if (mask.defined() && layer_->supports_masking()) inner = inner.with_mask(merge_time(mask));
  SymbolicTensor y = (*layer_)(inner);
  if (!pending_weights_.empty()) layer_->set_weights(std::exchange(pending_weights_, {}));
  return split_time(y, inputs, name());
}

SymbolicTensor TimeDistributed::compute_mask(const SymbolicTensor& inputs,
                                             const SymbolicTensor& mask) const {
  if (inputs.shape()[0] >= 0) return mask;  // Keras's fixed-batch path: the mask as it came
  // A wrapped layer that takes no mask (a Sequential model, say) is asked without it.
  SymbolicTensor inner_mask =
      mask.defined() && layer_->supports_masking() ? merge_time(mask) : SymbolicTensor();
  SymbolicTensor output_mask = layer_->compute_mask(merge_time(inputs), inner_mask);
  if (output_mask.defined()) return split_time(output_mask, inputs, name());
  if (!mask.defined()) return mask;
  K::Axes rest;
  for (int d = 2; d < mask.ndim(); ++d) rest.push_back(d);
  return rest.empty() ? mask : K::any(mask, rest);
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
