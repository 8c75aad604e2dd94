// Keras's pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D (padding valid/same; padding
// is never a maximum and not counted in averages), GlobalMax/GlobalAveragePooling1D/2D/3D.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/engine/layer.h"

namespace keras::layers {

struct PoolingOptions {
  std::vector<std::int64_t> pool_size{};  // default 2 per spatial dimension
  std::vector<std::int64_t> strides{};    // default pool_size
  std::string padding{};                  // "valid" (default) or "same"
  std::string data_format{};              // default K::image_data_format() (1D: channels_last)
  // Keras 1 names.
  std::int64_t pool_length = 0;  // 1D
  std::int64_t stride = 0;       // 1D
  std::string border_mode{};
  std::string dim_ordering{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

class Pooling : public Layer {
 public:
  // mode "max" or "avg".
  Pooling(const std::string& class_name, int rank, const std::string& mode, PoolingOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  const std::vector<std::int64_t>& pool_size() const { return pool_size_; }
  const std::vector<std::int64_t>& strides() const { return strides_; }

 private:
  std::string class_name_, mode_;
  int rank_;
  std::vector<std::int64_t> pool_size_, strides_;
  std::string padding_, data_format_;
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

// Layers by Keras class name ("MaxPooling2D", ...) from their configs.
std::shared_ptr<Layer> pooling_from_config(const std::string& class_name,
                                           const nlohmann::json& config);

struct GlobalPoolingOptions {
  std::string data_format{};
  std::string dim_ordering{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

// The max or mean over every spatial dimension: (batch, channels).
class GlobalPooling : public Layer {
 public:
  GlobalPooling(const std::string& class_name, int rank, const std::string& mode,
                GlobalPoolingOptions options);
  std::string class_name() const override { return class_name_; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

 private:
  std::string class_name_, mode_;
  int rank_;
  std::string data_format_;
};

GlobalPooling GlobalMaxPooling1D(GlobalPoolingOptions options = {});
GlobalPooling GlobalMaxPooling2D(GlobalPoolingOptions options = {});
GlobalPooling GlobalMaxPooling3D(GlobalPoolingOptions options = {});
GlobalPooling GlobalAveragePooling1D(GlobalPoolingOptions options = {});
GlobalPooling GlobalAveragePooling2D(GlobalPoolingOptions options = {});
GlobalPooling GlobalAveragePooling3D(GlobalPoolingOptions options = {});
std::shared_ptr<Layer> global_pooling_from_config(const std::string& class_name,
                                                  const nlohmann::json& config);

}  // namespace keras::layers
