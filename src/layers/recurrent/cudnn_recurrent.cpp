// CuDNNLSTM and CuDNNGRU: Recurrent layers whose weights are in cuDNN's layout, run by the LSTM /
// GRU(reset_after) machinery on those weights converted in the graph (keras_layout).
#include "keras/layers/cudnn_recurrent.h"

#include <stdexcept>

#include "layers/schema_config.h"

namespace keras::layers {

namespace K = backend;

namespace detail {

RecurrentCellSpec RecurrentCellSpec::keras_layout() const {
  RecurrentCellSpec keras = *this;
  keras.cudnn_layout = false;
  const std::int64_t u = units, gates = kind == K::RnnCell::kLSTM ? 4 : 3;
  const std::int64_t input_dim = kernel.shape()[0];
  // Keras 2.2.4's _canonical_to_params hands cuDNN each gate's kernel block (input_dim, units)
  // flattened in row-major order as its matrix W (units, input_dim), which multiplies x from the
  // left: Keras's x @ kernel needs W^T in that block. Each recurrent block is cuDNN's R as is:
  // h @ recurrent_kernel needs R^T.
  SymbolicTensor blocks =  // (gates, input_dim, units): each block's values in row-major order
      K::permute_dimensions(K::reshape(kernel, {input_dim, gates, u}), {1, 0, 2});
  keras.kernel =
      K::reshape(K::permute_dimensions(K::reshape(blocks, {gates, u, input_dim}), {2, 0, 1}),
                 {input_dim, gates * u});
  keras.recurrent_kernel =
      K::reshape(K::permute_dimensions(K::reshape(recurrent_kernel, {u, gates, u}), {2, 1, 0}),
                 {u, gates * u});
  // LSTM: cuDNN adds both biases to every gate; GRU(reset_after): Keras's (2, 3 * units) rows.
  keras.bias = kind == K::RnnCell::kLSTM
                   ? K::slice(bias, 0, 0, 4 * u) + K::slice(bias, 0, 4 * u, 8 * u)
                   : K::reshape(bias, {2, 3 * u});
  return keras;
}

}  // namespace detail

namespace {

// The Recurrent arguments cuDNN's cell fixes: tanh, sigmoid gates, biases; GRU's reset_after.
RNNOptions recurrent_options(K::RnnCell cell, const CuDNNRNNOptions& o) {
  return {.units = o.units,
          .activation = "tanh",
          .recurrent_activation = "sigmoid",
          .use_bias = true,
          .kernel_initializer = o.kernel_initializer,
          .recurrent_initializer = o.recurrent_initializer,
          .bias_initializer = o.bias_initializer,
          .unit_forget_bias = cell == K::RnnCell::kLSTM && o.unit_forget_bias,
          .kernel_regularizer = o.kernel_regularizer,
          .recurrent_regularizer = o.recurrent_regularizer,
          .bias_regularizer = o.bias_regularizer,
          .activity_regularizer = o.activity_regularizer,
          .kernel_constraint = o.kernel_constraint,
          .recurrent_constraint = o.recurrent_constraint,
          .bias_constraint = o.bias_constraint,
          .return_sequences = o.return_sequences,
          .return_state = o.return_state,
          .go_backwards = o.go_backwards,
          .stateful = o.stateful,
          .reset_after = cell == K::RnnCell::kGRU,
          .input_dim = o.input_dim,
          .input_length = o.input_length,
          .input_shape = o.input_shape,
          .batch_input_shape = o.batch_input_shape,
          .batch_size = o.batch_size,
          .name = o.name,
          .trainable = o.trainable,
          .weights = o.weights};
}

void refuse_mask(const SymbolicTensor& mask) {
  if (mask.defined()) throw std::invalid_argument("Masking is not supported for CuDNN RNNs.");
}

CuDNNRNNOptions with_units(std::int64_t units, CuDNNRNNOptions options) {
  options.units = units;
  return options;
}

}  // namespace

CuDNNRecurrent::CuDNNRecurrent(const std::string& class_name, K::RnnCell cell,
                               CuDNNRNNOptions options)
    : Recurrent(class_name, cell, recurrent_options(cell, options)), options_(std::move(options)) {
  supports_masking_ = false;
  cell_spec().cudnn_layout = true;
}

SymbolicTensor CuDNNRecurrent::call_masked(const SymbolicTensor& inputs,
                                           const SymbolicTensor& mask) {
  refuse_mask(mask);
  return Recurrent::call_masked(inputs, mask);
}

std::vector<SymbolicTensor> CuDNNRecurrent::call_list(const std::vector<SymbolicTensor>& inputs,
                                                      const std::vector<SymbolicTensor>& masks) {
  if (!masks.empty()) refuse_mask(masks.front());
  return Recurrent::call_list(inputs, masks);
}

nlohmann::json CuDNNRecurrent::get_config() const {
  nlohmann::json config = Layer::get_config();
  if (class_name() == "CuDNNLSTM")
    return detail::config_with_arguments(config, CuDNNArguments<K::RnnCell::kLSTM>{options_});
  return detail::config_with_arguments(config, CuDNNArguments<K::RnnCell::kGRU>{options_});
}

std::shared_ptr<Recurrent> CuDNNRecurrent::reversed_copy(const std::string& name) const {
  CuDNNRNNOptions o = options_;
  o.go_backwards = !o.go_backwards;
  o.name = name;
  o.weights.clear();
  if (class_name() == "CuDNNLSTM") return std::make_shared<CuDNNLSTM>(std::move(o));
  return std::make_shared<CuDNNGRU>(std::move(o));
}

CuDNNLSTM::CuDNNLSTM(CuDNNRNNOptions options)
    : CuDNNRecurrent("CuDNNLSTM", K::RnnCell::kLSTM, std::move(options)) {}
CuDNNLSTM::CuDNNLSTM(std::int64_t units, CuDNNRNNOptions options)
    : CuDNNLSTM(with_units(units, std::move(options))) {}
std::shared_ptr<Layer> CuDNNLSTM::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<CuDNNLSTM, CuDNNArguments<K::RnnCell::kLSTM>>(config,
                                                                                 "CuDNNLSTM");
}

CuDNNGRU::CuDNNGRU(CuDNNRNNOptions options)
    : CuDNNRecurrent("CuDNNGRU", K::RnnCell::kGRU, std::move(options)) {}
CuDNNGRU::CuDNNGRU(std::int64_t units, CuDNNRNNOptions options)
    : CuDNNGRU(with_units(units, std::move(options))) {}
std::shared_ptr<Layer> CuDNNGRU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<CuDNNGRU, CuDNNArguments<K::RnnCell::kGRU>>(config, "CuDNNGRU");
}

}  // namespace keras::layers
