// Keras 2.2.4's preprocess_weights_for_loading (keras/engine/saving.py): the weights of a layer
// as a file stores them, converted to the layout of the layer loading them. Keras 1 files keep
// recurrent weights per gate and convolution kernels in the layout of their dim_ordering; files
// written by the Theano backend hold flipped (true convolution) kernels.
#include <algorithm>
#include <cstring>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "keras/keras.h"
#include "saving/saving_internal.h"

namespace keras::saving::detail {

namespace {

std::string shape_string(const Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

std::vector<std::int64_t> strides_of(const Shape& shape) {
  std::vector<std::int64_t> strides(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

// numpy's transpose(value, axes): output axis i is input axis axes[i].
Tensor transpose(const Tensor& value, const std::vector<int>& axes, const std::string& where) {
  if (value.ndim() != static_cast<int>(axes.size()))
    throw std::invalid_argument(where + ": expected a weight of rank " +
                                std::to_string(axes.size()) + ", found shape " +
                                shape_string(value.shape()));
  Shape out_shape;
  for (int a : axes) out_shape.push_back(value.shape()[a]);
  Tensor out(out_shape, value.dtype());
  const std::vector<std::int64_t> in_strides = strides_of(value.shape());
  const std::size_t size = dtype_size(value.dtype());
  const auto* src = static_cast<const char*>(value.raw_data());
  auto* dst = static_cast<char*>(out.raw_data());
  std::vector<std::int64_t> index(axes.size(), 0);
  for (std::int64_t flat = 0; flat < out.numel(); ++flat) {
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < axes.size(); ++i) offset += index[i] * in_strides[axes[i]];
    std::memcpy(dst + flat * size, src + offset * size, size);
    for (int i = static_cast<int>(axes.size()) - 1; i >= 0; --i) {
      if (++index[i] < out_shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

// Keras's conv_utils.convert_kernel: every axis but the last two reversed (Theano's
// convolution against TensorFlow's correlation).
Tensor flip_spatial(const Tensor& kernel, const std::string& where) {
  const int rank = kernel.ndim();
  if (rank < 3 || rank > 5)
    throw std::invalid_argument(where + ": invalid kernel shape " + shape_string(kernel.shape()) +
                                " to convert from Theano (expected rank 3 to 5)");
  Tensor out(kernel.shape(), kernel.dtype());
  const Shape& shape = kernel.shape();
  const std::vector<std::int64_t> strides = strides_of(shape);
  const std::size_t size = dtype_size(kernel.dtype());
  const auto* src = static_cast<const char*>(kernel.raw_data());
  auto* dst = static_cast<char*>(out.raw_data());
  std::vector<std::int64_t> index(rank, 0);
  for (std::int64_t flat = 0; flat < out.numel(); ++flat) {
    std::int64_t offset = 0;
    for (int i = 0; i < rank; ++i)
      offset += (i < rank - 2 ? shape[i] - 1 - index[i] : index[i]) * strides[i];
    std::memcpy(dst + flat * size, src + offset * size, size);
    for (int i = rank - 1; i >= 0; --i) {
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

// numpy's concatenate(parts, axis=-1).
Tensor concatenate_last(const std::vector<Tensor>& parts, const std::string& where) {
  const Tensor& first = parts.front();
  Shape lead(first.shape().begin(), first.shape().end() - (first.ndim() ? 1 : 0));
  std::int64_t last = 0;
  for (const Tensor& p : parts) {
    Shape p_lead(p.shape().begin(), p.shape().end() - (p.ndim() ? 1 : 0));
    if (p.ndim() != first.ndim() || p_lead != lead || p.dtype() != first.dtype())
      throw std::invalid_argument(where + ": the per-gate weights have incompatible shapes " +
                                  shape_string(first.shape()) + " and " + shape_string(p.shape()));
    last += p.shape().back();
  }
  Shape out_shape = lead;
  out_shape.push_back(last);
  Tensor out(out_shape, first.dtype());
  const std::int64_t rows =
      std::accumulate(lead.begin(), lead.end(), std::int64_t{1}, std::multiplies<std::int64_t>());
  const std::size_t size = dtype_size(first.dtype());
  auto* dst = static_cast<char*>(out.raw_data());
  for (std::int64_t r = 0; r < rows; ++r)
    for (const Tensor& p : parts) {
      const std::size_t bytes = static_cast<std::size_t>(p.shape().back()) * size;
      std::memcpy(dst, static_cast<const char*>(p.raw_data()) + r * bytes, bytes);
      dst += bytes;
    }
  return out;
}

// Keras 1 kept one kernel, recurrent kernel and bias per gate; `order` picks, for each gate of
// the Keras 2 layer, the index of that gate in the file.
std::vector<Tensor> join_gates(const std::vector<Tensor>& w, const std::vector<int>& order,
                               const std::string& where) {
  std::vector<Tensor> kernel, recurrent, bias;
  for (int g : order) {
    kernel.push_back(w[3 * g]);
    recurrent.push_back(w[3 * g + 1]);
    bias.push_back(w[3 * g + 2]);
  }
  return {concatenate_last(kernel, where), concatenate_last(recurrent, where),
          concatenate_last(bias, where)};
}

// Keras 2.2.4's _convert_rnn_weights between CuDNNLSTM's / CuDNNGRU's layout and LSTM's /
// GRU(reset_after=True)'s. CuDNN keeps each gate's input matrix W (units, input_dim) row-major in
// the (input_dim, units) block of the kernel, and R (units, units) as is; Keras multiplies
// x @ kernel and h @ recurrent_kernel, so the blocks become W^T and R^T (the layers' own
// conversion, in the graph: RecurrentCellSpec::keras_layout). CuDNNLSTM's bias holds the input
// and the recurrent biases (8 * units), summed into LSTM's, and LSTM's is split into halves of
// it; CuDNNGRU's (6 * units) is GRU's (2, 3 * units) flattened.
std::vector<Tensor> convert_cudnn_weights(const std::vector<Tensor>& weights, int gates, bool lstm,
                                          bool from_cudnn, const std::string& where) {
  const Tensor& kernel = weights[0];
  const Tensor& recurrent = weights[1];
  const Tensor& bias = weights[2];
  const std::int64_t units = recurrent.dim(0);
  if (kernel.ndim() != 2 || kernel.dim(1) != gates * units || recurrent.ndim() != 2 ||
      recurrent.dim(1) != gates * units || kernel.dtype() != recurrent.dtype() ||
      bias.dtype() != kernel.dtype())
    throw std::invalid_argument(
        where + ": " +
        (from_cudnn ? "CuDNN"
         : lstm     ? "LSTM"
                    : "GRU") +
        " weights should be a kernel (input_dim, " + std::to_string(gates) +
        " * units), a recurrent kernel (units, " + std::to_string(gates) +
        " * units) and a bias of one dtype; found " + shape_string(kernel.shape()) + ", " +
        shape_string(recurrent.shape()) + " and " + shape_string(bias.shape()));
  const std::int64_t input_dim = kernel.dim(0), width = gates * units;
  // (gates, input_dim, units): each gate's block, row-major.
  Tensor blocks = transpose(kernel.reshape({input_dim, gates, units}), {1, 0, 2}, where);
  Tensor new_kernel =
      from_cudnn ? transpose(blocks.reshape({gates, units, input_dim}), {2, 0, 1}, where)
                 : transpose(transpose(blocks, {0, 2, 1}, where).reshape({gates, input_dim, units}),
                             {1, 0, 2}, where);
  Tensor new_recurrent = transpose(recurrent.reshape({units, gates, units}), {2, 1, 0}, where);
  Tensor new_bias;
  if (lstm && from_cudnn) {
    std::vector<double> b = bias.to_vector<double>();
    std::vector<double> sum(static_cast<std::size_t>(width));
    for (std::int64_t k = 0; k < width; ++k)
      sum[static_cast<std::size_t>(k)] =
          b[static_cast<std::size_t>(k)] + b[static_cast<std::size_t>(width + k)];
    new_bias = Tensor::from_vector(sum, {width}).astype(bias.dtype());
  } else if (lstm) {  // numpy's tile(0.5 * bias, 2): only the sum matters
    std::vector<double> half = bias.to_vector<double>();
    for (double& v : half) v *= 0.5;
    half.insert(half.end(), half.begin(), half.end());
    new_bias = Tensor::from_vector(half, {2 * width}).astype(bias.dtype());
  } else {
    new_bias = bias.reshape(from_cudnn ? Shape{2, width} : Shape{2 * width});
  }
  return {new_kernel.reshape({input_dim, width}), new_recurrent.reshape({units, width}), new_bias};
}

// The kernels of a convolution layer (and ConvLSTM2D's recurrent kernel) in its layout, in any
// Keras file: Theano's flipped kernels flipped back, a kernel of another shape transposed from
// channels first, or reshaped (`reshape`: same size, another shape).
void convert_conv_kernels(const Layer& layer, const std::string& cls, std::vector<Tensor>& weights,
                          const std::optional<std::string>& original_backend, bool reshape,
                          const std::string& where) {
  const bool conv_layer = cls == "Conv1D" || cls == "Conv2D" || cls == "Conv3D" ||
                          cls == "Conv2DTranspose" || cls == "ConvLSTM2D";
  if (conv_layer && !weights.empty()) {
    // ConvLSTM2D's recurrent kernel follows its kernel (Keras 2.2.4's loader).
    const std::size_t kernels = cls == "ConvLSTM2D" && weights.size() > 1 ? 2 : 1;
    // Theano convolves, TensorFlow and this library correlate: Theano's kernels are flipped.
    if (original_backend == "theano")
      for (std::size_t k = 0; k < kernels; ++k) weights[k] = flip_spatial(weights[k], where);
    std::vector<SymbolicTensor> symbolic = layer.weights();
    if (!symbolic.empty() && symbolic[0].shape() != weights[0].shape()) {
      const Shape& wanted = symbolic[0].shape();
      if (reshape) {
        if (weights[0].numel() != shape_numel(wanted))
          throw std::invalid_argument(
              where +
              ": weights must be of equal size to apply a reshape operation; the layer's "
              "kernel has shape " +
              shape_string(wanted) + " (" + std::to_string(shape_numel(wanted)) +
              " values), the weights for loading " + shape_string(weights[0].shape()) + " (" +
              std::to_string(weights[0].numel()) + " values)");
        weights[0] = weights[0].reshape(wanted);
      } else if (weights[0].ndim() == 4) {
        for (std::size_t k = 0; k < kernels; ++k)
          weights[k] = transpose(weights[k], {3, 2, 0, 1}, where);
      }
    }
  }
}

}  // namespace

// The dispatch of _convert_rnn_weights: the source layer told apart by the bias's shape.
std::vector<Tensor> convert_rnn_weights(const std::string& cls, const nlohmann::json& config,
                                        std::vector<Tensor> weights, const std::string& where) {
  const bool lstm = cls == "LSTM" || cls == "CuDNNLSTM";
  if ((!lstm && cls != "GRU" && cls != "CuDNNGRU") || weights.size() != 3) return weights;
  if (weights[1].ndim() < 1)
    throw std::invalid_argument(where + ": invalid recurrent kernel shape " +
                                shape_string(weights[1].shape()));
  const std::int64_t units = weights[1].dim(0);
  const Shape& bias = weights[2].shape();
  if (lstm) {
    std::string source;
    if (bias == Shape{2 * units * 4})
      source = "CuDNNLSTM";
    else if (bias == Shape{units * 4})
      source = "LSTM";
    else
      throw std::invalid_argument(where + ": Invalid bias shape: " + shape_string(bias));
    if (source == cls) return weights;
    return convert_cudnn_weights(weights, 4, true, source == "CuDNNLSTM", where);
  }
  std::string source;
  if (bias == Shape{2 * units * 3})
    source = "CuDNNGRU";
  else if (bias == Shape{2, units * 3})
    source = "GRU(reset_after=True)";
  else if (bias == Shape{units * 3})
    source = "GRU(reset_after=False)";
  else
    throw std::invalid_argument(where + ": Invalid bias shape: " + shape_string(bias));
  const bool reset_after = config.contains("reset_after") && config["reset_after"].is_boolean() &&
                           config["reset_after"].get<bool>();
  const std::string target = cls == "CuDNNGRU" ? "CuDNNGRU"
                             : reset_after     ? "GRU(reset_after=True)"
                                               : "GRU(reset_after=False)";
  if (source == target) return weights;
  if (source == "GRU(reset_after=False)" || target == "GRU(reset_after=False)")
    throw std::invalid_argument(where + ": " + source + " is not compatible with " + target);
  return convert_cudnn_weights(weights, 3, false, source == "CuDNNGRU", where);
}

}  // namespace keras::saving::detail

namespace keras::saving {

std::vector<Tensor> preprocess_weights_for_loading(
    const Layer& layer, std::vector<Tensor> weights, const std::string& original_keras_version,
    const std::optional<std::string>& original_backend, bool reshape) {
  using namespace detail;  // NOLINT(google-build-using-namespace): this file's helpers
  const std::string cls = layer.class_name();
  const std::string where = "loading the weights of layer '" + layer.name() + "' (" + cls + ")";

  // Layers called as temporaries are held as stand-ins that keep only their class name, config
  // and weights: what is needed here comes from the config.
  nlohmann::json config;
  try {
    config = layer.get_config();
  } catch (const std::exception&) {
    config = nlohmann::json::object();
  }

  // Bidirectional: the forward layer's weights, then the backward layer's, each converted.
  if (cls == "Bidirectional") {
    LayerPtr forward_layer, backward_layer;
    if (const auto* bidirectional = dynamic_cast<const layers::Bidirectional*>(&layer)) {
      forward_layer = bidirectional->forward_layer();
      backward_layer = bidirectional->backward_layer();
    } else if (config.contains("layer")) {
      forward_layer = backward_layer = layers::deserialize(config["layer"]);
    }
    if (forward_layer) {
      const std::size_t half = weights.size() / 2;
      std::vector<Tensor> forward(weights.begin(), weights.begin() + half);
      std::vector<Tensor> backward(weights.begin() + half, weights.end());
      forward = preprocess_weights_for_loading(*forward_layer, forward, original_keras_version,
                                               original_backend);
      backward = preprocess_weights_for_loading(*backward_layer, backward, original_keras_version,
                                                original_backend);
      forward.insert(forward.end(), backward.begin(), backward.end());
      return forward;
    }
  }

  if (original_keras_version == "1") {
    if (cls == "TimeDistributed") {
      LayerPtr inner;
      if (const auto* distributed = dynamic_cast<const layers::TimeDistributed*>(&layer))
        inner = distributed->layer();
      else if (config.contains("layer"))
        inner = layers::deserialize(config["layer"]);
      if (inner)
        weights = preprocess_weights_for_loading(*inner, weights, original_keras_version,
                                                 original_backend);
    }

    const bool conv =
        cls == "Conv1D" || cls == "Conv2D" || cls == "Conv3D" || cls == "Conv2DTranspose";
    if (conv && !weights.empty()) {
      const bool channels_first = config.value("data_format", "") == "channels_first";
      if (cls == "Conv1D") {
        // Keras 1.2: (filter_length, 1, input_dim, nb_filter); Keras 1.1 and before:
        // (nb_filter, input_dim, filter_length, 1). Keras 2: (filter_length, input_dim, filters).
        Tensor& kernel = weights[0];
        const std::int64_t filters = config.value("filters", std::int64_t{-1});
        const std::int64_t length = config.contains("kernel_size") && !config["kernel_size"].empty()
                                        ? config["kernel_size"][0].get<std::int64_t>()
                                        : -1;
        if (kernel.ndim() != 4)
          throw std::invalid_argument(where +
                                      ": a Keras 1 Convolution1D kernel has rank 4, found " +
                                      shape_string(kernel.shape()));
        const Shape& s = kernel.shape();
        if (s[0] != length || s[1] != 1 || s[3] != filters) {
          if (s[0] != filters || s[2] != length || s[3] != 1)
            throw std::invalid_argument(
                where + ": the Keras 1 Convolution1D kernel has shape " + shape_string(s) +
                ", neither (filter_length, 1, input_dim, nb_filter) = (" + std::to_string(length) +
                ", 1, input_dim, " + std::to_string(filters) +
                ") nor (nb_filter, input_dim, filter_length, 1)");
          kernel = transpose(kernel, {2, 3, 1, 0}, where);
        }
        kernel = kernel.reshape({kernel.shape()[0], kernel.shape()[2], kernel.shape()[3]});
      } else if (cls == "Conv2D" && channels_first) {
        // (filters, stack_size, rows, cols) -> (rows, cols, stack_size, filters)
        weights[0] = transpose(weights[0], {2, 3, 1, 0}, where);
      } else if (cls == "Conv2DTranspose") {
        // Keras 1's Deconvolution2D kept (rows, cols, stack_size, filters) or channels first
        // (filters, stack_size, rows, cols); Keras 2: (rows, cols, filters, stack_size).
        weights[0] = transpose(
            weights[0],
            channels_first ? std::vector<int>{2, 3, 0, 1} : std::vector<int>{0, 1, 3, 2}, where);
      } else if (cls == "Conv3D" && channels_first) {
        weights[0] = transpose(weights[0], {2, 3, 4, 1, 0}, where);
      }
    }

    if (cls == "GRU" && weights.size() == 9)  // z, r, h in both
      weights = join_gates(weights, {0, 1, 2}, where);
    if (cls == "LSTM" && weights.size() == 12)  // Keras 1: i, c, f, o; Keras 2: i, f, c, o
      weights = join_gates(weights, {0, 2, 1, 3}, where);
    if (cls == "ConvLSTM2D" && weights.size() == 12) {
      // Keras 1: W, U, b per gate in the order i, c, f, o; 'th' kernels (filters, stack_size,
      // rows, cols) become (rows, cols, stack_size, filters) gate by gate before the join.
      if (config.value("data_format", "") == "channels_first")
        for (std::size_t g = 0; g < 4; ++g)
          for (std::size_t k = 0; k < 2; ++k)
            weights[3 * g + k] = transpose(weights[3 * g + k], {2, 3, 1, 0}, where);
      weights = join_gates(weights, {0, 2, 1, 3}, where);
    }

    // A nested model: its layers' trainable weights come first, then the non-trainable ones.
    if (const auto* model = dynamic_cast<const Model*>(&layer)) {
      std::vector<Tensor> converted;
      std::size_t next = 0;
      for (bool trainable : {true, false})
        for (const auto& sublayer : model->layers()) {
          const std::size_t n = trainable ? sublayer->trainable_weights().size()
                                          : sublayer->non_trainable_weights().size();
          if (n == 0) continue;
          if (next + n > weights.size())
            throw std::invalid_argument(where + ": the file holds " +
                                        std::to_string(weights.size()) +
                                        " weights, fewer than the nested model's layers need");
          std::vector<Tensor> part(weights.begin() + next, weights.begin() + next + n);
          next += n;
          part = preprocess_weights_for_loading(*sublayer, part, original_keras_version,
                                                original_backend);
          converted.insert(converted.end(), part.begin(), part.end());
        }
      converted.insert(converted.end(), weights.begin() + next, weights.end());
      weights = converted;
    }
  }

  convert_conv_kernels(layer, cls, weights, original_backend, reshape, where);
  // Weights saved from CuDNNLSTM / CuDNNGRU, in any Keras 2 file.
  return convert_rnn_weights(cls, config, std::move(weights), where);
}

}  // namespace keras::saving
