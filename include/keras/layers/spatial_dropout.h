// Keras's SpatialDropout1D/2D/3D: Dropout that drops whole feature maps (one draw per sample and
// channel, shared over the spatial dimensions), scaling the kept ones by 1 / (1 - rate).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "keras/engine/layer.h"

namespace keras::layers {

struct SpatialDropoutOptions {
  std::string data_format{};   // default K::image_data_format() (1D: channels_last)
  std::string dim_ordering{};  // Keras 1
  std::optional<std::uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

class SpatialDropout : public Layer {
 public:
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
std::shared_ptr<Layer> spatial_dropout_from_config(const std::string& class_name,
                                                   const nlohmann::json& config);

}  // namespace keras::layers
