// SpatialDropout1D/2D/3D: one dropout mask entry per (sample, channel), broadcast over space.
#include <stdexcept>

#include "backend/random_state.h"
#include "keras/layers/spatial_dropout.h"
#include "layers/schema_config.h"
#include "ops/random.h"

namespace keras::layers {

namespace {
const char* const kNames[3] = {"SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"};
}

SpatialDropout::SpatialDropout(const std::string& class_name, int rank, double rate,
                               SpatialDropoutOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      rank_(rank),
      rate_(rate),
      seed_(o.seed) {
  if (!(rate >= 0 && rate < 1))
    throw std::invalid_argument(class_name + ": `rate` must be in [0, 1), got " +
                                std::to_string(rate));
  data_format_ = rank == 1 ? "channels_last" : K::normalize_data_format(o.data_format);
  supports_masking_ = true;
}

SymbolicTensor SpatialDropout::call(const SymbolicTensor& inputs) {
  if (inputs.ndim() != rank_ + 2)
    incompatible_input(inputs.shape(), "expected ndim=" + std::to_string(rank_ + 2) +
                                           ", found ndim=" + std::to_string(inputs.ndim()));
  if (rate_ == 0) return inputs;
  // A (batch, 1, ..., 1, channels) slice of the input gives the mask its shape.
  SymbolicTensor like = inputs;
  const int first_spatial = data_format_ == "channels_first" ? 2 : 1;
  for (int i = 0; i < rank_; ++i) like = K::slice(like, first_spatial + i, 0, 1);
  ops::DropoutAttrs attrs;
  attrs.rate = rate_;
  attrs.seed = seed_.value_or(keras::detail::next_seed());
  SymbolicTensor mask = K::make_node(K::OpKind::kDropoutMask, {like}, attrs);
  return K::in_train_phase(inputs * mask, inputs);
}

nlohmann::json SpatialDropout::get_config() const {
  SpatialDropoutOptions o;
  o.rate = rate_;
  o.data_format = data_format_;
  o.seed = seed_;
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), o, rank_);
  config["noise_shape"] = nullptr;  // Keras's Dropout writes it
  return config;
}

SpatialDropout SpatialDropout1D(double rate, SpatialDropoutOptions o) {
  return SpatialDropout(kNames[0], 1, rate, std::move(o));
}
SpatialDropout SpatialDropout2D(double rate, SpatialDropoutOptions o) {
  return SpatialDropout(kNames[1], 2, rate, std::move(o));
}
SpatialDropout SpatialDropout3D(double rate, SpatialDropoutOptions o) {
  return SpatialDropout(kNames[2], 3, rate, std::move(o));
}

SpatialDropout spatial_dropout_by_name(const std::string& class_name, SpatialDropoutOptions o) {
  for (int rank = 1; rank <= 3; ++rank)
    if (class_name == kNames[rank - 1]) {
      const double rate = o.rate;
      return SpatialDropout(class_name, rank, rate, std::move(o));
    }
  throw std::invalid_argument("Unknown spatial dropout layer: " + class_name);
}

std::shared_ptr<Layer> spatial_dropout_from_config(const std::string& class_name,
                                                   const nlohmann::json& c) {
  return detail::layer_from_config_with<SpatialDropoutOptions>(
      c, class_name,
      [&](SpatialDropoutOptions o) {
        return std::make_shared<SpatialDropout>(spatial_dropout_by_name(class_name, std::move(o)));
      },
      class_name[class_name.size() - 2] - '0');
}

}  // namespace keras::layers
