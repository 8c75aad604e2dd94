// Keras's SpatialDropout1D/2D/3D: Dropout that drops whole feature maps (one draw per sample and
// channel, shared over the spatial dimensions), scaling the kept ones by 1 / (1 - rate).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "keras/engine/layer.h"
#include "keras/layers/schema.h"

namespace keras::layers {

// Keras 2.2.4's arguments (Keras 1: p, dim_ordering); `arguments` is the schema of the family
// (SpatialDropout1D takes no data_format).
struct SpatialDropoutOptions {
  double rate = 0;
  std::string data_format{};  // default K::image_data_format() (1D: channels_last)
  std::optional<std::uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = SpatialDropoutOptions;
    s.arg("rate", &O::rate, {.required = true, .keras1 = {{"p"}}});
    s.arg("data_format", &O::data_format,
          {.kind = schema::ArgKind::data_format,
           .keras1 = {schema::dim_ordering()},
           .ranks = schema::kRanks2And3});
    // Dropout's noise_shape: the spatial layers draw one value per channel whatever it says.
    s.keras1_dropped({"noise_shape", nullptr, "SpatialDropout ignores noise_shape"});
    s.arg("seed", &O::seed);
  }
};

class SpatialDropout : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(SpatialDropout)
  SpatialDropout(const std::string& class_name, int rank, double rate,
                 SpatialDropoutOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  double rate() const { return rate_; }

 private:
  std::string class_name_;
  int rank_;
  double rate_;
  std::string data_format_;
  std::optional<std::uint64_t> seed_;
};

SpatialDropout SpatialDropout1D(double rate, SpatialDropoutOptions options = {});
SpatialDropout SpatialDropout2D(double rate, SpatialDropoutOptions options = {});
SpatialDropout SpatialDropout3D(double rate, SpatialDropoutOptions options = {});
SpatialDropout spatial_dropout_by_name(const std::string& class_name,
                                       SpatialDropoutOptions options);
std::shared_ptr<Layer> spatial_dropout_from_config(const std::string& class_name,
                                                   const nlohmann::json& config);

}  // namespace keras::layers
