// Keras's pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D (padding valid/same; padding
// is never a maximum and not counted in averages), GlobalMax/GlobalAveragePooling1D/2D/3D.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/engine/layer.h"
#include "keras/layers/schema.h"

namespace keras::layers {

// Keras 2.2.4's arguments; `arguments` is the schema (Keras 1: pool_length, stride, border_mode,
// dim_ordering).
struct PoolingOptions {
  std::vector<std::int64_t> pool_size{};  // default 2 per spatial dimension
  std::vector<std::int64_t> strides{};    // default pool_size
  std::string padding = "valid";          // or "same"
  std::string data_format{};              // default K::image_data_format() (1D: channels_last)
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = PoolingOptions;
    s.arg("pool_size", &O::pool_size,
          {.keras1 = {{"pool_length"}}, .rank = schema::kLayerRank, .fill = 2});
    s.arg("strides", &O::strides, {.keras1 = {{"stride"}}, .rank = schema::kLayerRank});
    s.arg("padding", &O::padding, {.keras1 = {{"border_mode"}}});
    s.arg("data_format", &O::data_format,
          {.kind = schema::ArgKind::data_format, .keras1 = {schema::dim_ordering()}});
  }
};

class Pooling : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(Pooling)
  // mode "max" or "avg".
  Pooling(const std::string& class_name, int rank, const std::string& mode, PoolingOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  const std::vector<std::int64_t>& pool_size() const { return options_.pool_size; }
  const std::vector<std::int64_t>& strides() const { return options_.strides; }

 private:
  std::string class_name_, mode_;
  int rank_;
  PoolingOptions options_;  // normalized: every tuple of `rank` values, the data format resolved
};

Pooling MaxPooling1D(std::int64_t pool_size = 2, PoolingOptions options = {});
Pooling MaxPooling2D(std::vector<std::int64_t> pool_size = {2, 2}, PoolingOptions options = {});
Pooling MaxPooling3D(std::vector<std::int64_t> pool_size = {2, 2, 2}, PoolingOptions options = {});
Pooling AveragePooling1D(std::int64_t pool_size = 2, PoolingOptions options = {});
Pooling AveragePooling2D(std::vector<std::int64_t> pool_size = {2, 2}, PoolingOptions options = {});
Pooling AveragePooling3D(std::vector<std::int64_t> pool_size = {2, 2, 2},
                         PoolingOptions options = {});
Pooling MaxPooling1D(PoolingOptions options);
Pooling MaxPooling2D(PoolingOptions options);
Pooling MaxPooling3D(PoolingOptions options);
Pooling AveragePooling1D(PoolingOptions options);
Pooling AveragePooling2D(PoolingOptions options);
Pooling AveragePooling3D(PoolingOptions options);

// A pooling layer by Keras class name ("MaxPooling2D", ...); the spatial rank of a name.
Pooling pooling_by_name(const std::string& class_name, PoolingOptions options);
int pooling_rank(const std::string& class_name);

// Layers by Keras class name ("MaxPooling2D", ...) from their configs.
std::shared_ptr<Layer> pooling_from_config(const std::string& class_name,
                                           const nlohmann::json& config);

struct GlobalPoolingOptions {
  std::string data_format{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("data_format", &GlobalPoolingOptions::data_format,
          {.kind = schema::ArgKind::data_format, .keras1 = {schema::dim_ordering()}});
  }
};

// The max or mean over every spatial dimension: (batch, channels).
class GlobalPooling : public Layer {
 public:
  KERAS_LAYER_SHAREABLE(GlobalPooling)
  GlobalPooling(const std::string& class_name, int rank, const std::string& mode,
                GlobalPoolingOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  // GlobalAveragePooling1D (Keras 2.2.4): the mean over the unmasked timesteps; no output mask.
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 private:
  std::string class_name_, mode_;
  int rank_;
  GlobalPoolingOptions options_;  // the data format resolved
};

GlobalPooling GlobalMaxPooling1D(GlobalPoolingOptions options = {});
GlobalPooling GlobalMaxPooling2D(GlobalPoolingOptions options = {});
GlobalPooling GlobalMaxPooling3D(GlobalPoolingOptions options = {});
GlobalPooling GlobalAveragePooling1D(GlobalPoolingOptions options = {});
GlobalPooling GlobalAveragePooling2D(GlobalPoolingOptions options = {});
GlobalPooling GlobalAveragePooling3D(GlobalPoolingOptions options = {});
GlobalPooling global_pooling_by_name(const std::string& class_name, GlobalPoolingOptions options);
std::shared_ptr<Layer> global_pooling_from_config(const std::string& class_name,
                                                  const nlohmann::json& config);

}  // namespace keras::layers
