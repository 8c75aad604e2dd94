// Keras 2.2.4's CuDNNLSTM and CuDNNGRU (keras.layers.cudnn_recurrent), on the CPU: their
// arguments, weights (cuDNN's layout: each gate's block of the kernel holds cuDNN's input matrix
// in row-major order, the bias holds the input biases and then the recurrent ones, 8 / 6 * units)
// and configs, computed as the LSTM (tanh, sigmoid gates, the two biases summed) and the
// GRU(reset_after=true) (tanh, sigmoid gates) those weights stand for, by the same fused
// recurrent op. As in Keras: no masking, no dropout; go_backwards a keyword outside the
// signature. Their weights load into LSTM / GRU(reset_after=true) and back (Keras's
// _convert_rnn_weights, keras::saving).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/layers/recurrent.h"

namespace keras::layers {

// The arguments of CuDNNGRU and CuDNNLSTM in Keras 2.2.4's order: CuDNNLSTM(64, {.return_sequences
// = true}). unit_forget_bias is CuDNNLSTM's only.
struct CuDNNRNNOptions {
  std::int64_t units = 0;
  std::string kernel_initializer = "glorot_uniform";
  std::string recurrent_initializer = "orthogonal";
  std::string bias_initializer = "zeros";
  bool unit_forget_bias = true;  // CuDNNLSTM: the recurrent forget bias starts at 1
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer recurrent_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint recurrent_constraint{};
  constraints::Constraint bias_constraint{};
  bool return_sequences = false;
  // The layer's outputs become [output, h] (CuDNNGRU) or [output, h, c] (CuDNNLSTM): call it
  // with apply() (functional API).
  bool return_state = false;
  bool stateful = false;  // needs a fixed batch size (batch_input_shape or batch_size)
  bool go_backwards = false;
  std::optional<std::int64_t> input_dim{};
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::optional<std::int64_t> batch_size{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order (cuDNN's layout)
};

// The schema of CuDNNGRU's and CuDNNLSTM's arguments (Keras 2.2.4's order per layer).
template <backend::RnnCell Kind>
struct CuDNNArguments : CuDNNRNNOptions {
  template <typename Schema>
  static void arguments(Schema& s) {
    using O = CuDNNArguments;
    using R = CuDNNRNNOptions;
    using schema::ArgKind;
    auto f = []<typename T>(T R::*member) -> T O::* { return member; };
    s.arg("units", f(&R::units), {.required = true});
    s.arg("kernel_initializer", f(&R::kernel_initializer), {.kind = ArgKind::initializer});
    s.arg("recurrent_initializer", f(&R::recurrent_initializer), {.kind = ArgKind::initializer});
    s.arg("bias_initializer", f(&R::bias_initializer), {.kind = ArgKind::initializer});
    if constexpr (Kind == backend::RnnCell::kLSTM)
      s.arg("unit_forget_bias", f(&R::unit_forget_bias));
    s.arg("kernel_regularizer", f(&R::kernel_regularizer));
    s.arg("recurrent_regularizer", f(&R::recurrent_regularizer));
    s.arg("bias_regularizer", f(&R::bias_regularizer));
    s.arg("activity_regularizer", f(&R::activity_regularizer));
    s.arg("kernel_constraint", f(&R::kernel_constraint));
    s.arg("recurrent_constraint", f(&R::recurrent_constraint));
    s.arg("bias_constraint", f(&R::bias_constraint));
    s.arg("return_sequences", f(&R::return_sequences));
    s.arg("return_state", f(&R::return_state));
    s.arg("stateful", f(&R::stateful));
    // Keras's _CuDNNRNN takes it through **kwargs, and its config holds it.
    s.arg("go_backwards", f(&R::go_backwards), {.keyword_only = true});
  }
};

// What CuDNNLSTM and CuDNNGRU share (Keras's _CuDNNRNN): a Recurrent whose cell is fixed by the
// class (tanh, sigmoid gates, biases) and whose weights are in cuDNN's layout.
class CuDNNRecurrent : public Recurrent {
 public:
  // Keras: "Masking is not supported for CuDNN RNNs."
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  nlohmann::json get_config() const override;
  std::shared_ptr<Recurrent> reversed_copy(const std::string& name) const override;
  const CuDNNRNNOptions& cudnn_options() const { return options_; }

 protected:
  CuDNNRecurrent(const std::string& class_name, backend::RnnCell cell, CuDNNRNNOptions options);

 private:
  CuDNNRNNOptions options_;
};

// Keras 2.2.4's CuDNNLSTM: gates i, f, c, o; bias: the input biases, then the recurrent ones.
class CuDNNLSTM : public CuDNNRecurrent {
 public:
  explicit CuDNNLSTM(CuDNNRNNOptions options);
  CuDNNLSTM(std::int64_t units, CuDNNRNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  KERAS_LAYER_CLASS(CuDNNLSTM)
};

// Keras 2.2.4's CuDNNGRU: gates z, r, h; the reset gate applies after the recurrent product.
class CuDNNGRU : public CuDNNRecurrent {
 public:
  explicit CuDNNGRU(CuDNNRNNOptions options);
  CuDNNGRU(std::int64_t units, CuDNNRNNOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  KERAS_LAYER_CLASS(CuDNNGRU)
};

}  // namespace keras::layers
