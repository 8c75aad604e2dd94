// Keras 1's ConvRecurrent2D (output shapes, masks, states) and Keras 2.2.4's ConvRNN2D(cell): a
// ConvLSTM2DCell through its whole-sequence function, any other convolutional cell (one written
// in Python) step by step.
#include <stdexcept>

#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/serialization.h"
#include "layers/convolutional/conv_util.h"
#include "layers/recurrent/stateful.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

LayerArguments sequence_arguments(const ConvRNN2DOptions& o) {
  LayerArguments args = layer_arguments(o);
  args.batch_size = o.batch_size;
  return args;
}

}  // namespace

Shape ConvCellGeometry::output_spatial(std::int64_t rows, std::int64_t cols) const {
  Shape out;
  const std::int64_t in[2] = {rows, cols};
  for (std::size_t i = 0; i < 2; ++i)
    out.push_back(in[i] < 0 ? -1
                            : detail::conv_output_length(in[i], kernel_size[i], padding, strides[i],
                                                         dilation_rate[i]));
  return out;
}

// ---- ConvRecurrent2D --------------------------------------------------------------------------

ConvRecurrent2D::ConvRecurrent2D(const std::string& class_name, const ConvRNN2DOptions& flags)
    : Layer(class_name, sequence_arguments(flags)), flags_(flags) {
  flags_.weights.clear();  // the base holds them until built
  supports_masking_ = true;
}

Shape ConvRecurrent2D::step_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 5)
    incompatible_input(input_shape,
                       "expected ndim=5, found ndim=" + std::to_string(input_shape.size()));
  const ConvCellGeometry g = geometry();
  const bool first = g.data_format == "channels_first";
  const Shape out = g.output_spatial(input_shape[first ? 3 : 2], input_shape[first ? 4 : 3]);
  for (std::int64_t d : out)
    if (d == 0)
      throw std::invalid_argument(
          name() + ": the kernel " +
          shape_to_string(Shape(g.kernel_size.begin(), g.kernel_size.end())) + " (dilation " +
          shape_to_string(Shape(g.dilation_rate.begin(), g.dilation_rate.end())) +
          ") is larger than the input " + shape_to_string(input_shape) + " with padding '" +
          g.padding + "': the output would be empty. Use a smaller kernel or padding='same'.");
  Shape result{input_shape[0]};
  if (first) result.push_back(g.filters);
  result.insert(result.end(), out.begin(), out.end());
  if (!first) result.push_back(g.filters);
  return result;
}

Shape ConvRecurrent2D::compute_output_shape(const Shape& input_shape) const {
  Shape result = step_output_shape(input_shape);
  if (flags_.return_sequences) result.insert(result.begin() + 1, input_shape[1]);
  return result;
}

std::vector<Shape> ConvRecurrent2D::compute_output_shape_list(
    const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> out{compute_output_shape(input_shapes.front())};
  if (flags_.return_state)
    out.insert(out.end(), state_count(), step_output_shape(input_shapes.front()));
  return out;
}

SymbolicTensor ConvRecurrent2D::compute_mask(const SymbolicTensor&,
                                             const SymbolicTensor& mask) const {
  return flags_.return_sequences ? mask : SymbolicTensor();
}

std::vector<SymbolicTensor> ConvRecurrent2D::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  std::vector<SymbolicTensor> out{
      compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front())};
  if (flags_.return_state) out.resize(1 + state_count());  // the states carry no mask
  return out;
}

void ConvRecurrent2D::reset_states() {
  if (!flags_.stateful)
    throw std::logic_error("Layer " + name() + " must be stateful to reset states.");
  for (const auto& state : states_) {
    Tensor value = K::get_value(state);
    K::set_value(state, Tensor(value.shape(), value.dtype()));
  }
}

// ---- ConvRNN2D --------------------------------------------------------------------------------

ConvRNN2D::ConvRNN2D(const std::string& class_name, ConvRNN2DOptions o)
    : ConvRecurrent2D(class_name, o) {
  if (o.unroll)
    throw std::invalid_argument("Unrolling isn't possible with convolutional RNNs. (" + class_name +
                                " " + name() + ", unroll=true)");
}

ConvRNN2D::ConvRNN2D(LayerPtr cell, ConvRNN2DOptions o) : ConvRNN2D("ConvRNN2D", std::move(o)) {
  set_cell(std::move(cell));
}

void ConvRNN2D::set_cell(LayerPtr cell) {
  if (!cell) throw std::invalid_argument(class_name() + ": the cell is null");
  protocol_ = dynamic_cast<RNNCell*>(cell.get());
  conv_ = dynamic_cast<ConvRNNCell*>(cell.get());
  if (!protocol_ || !conv_)
    throw std::invalid_argument(
        class_name() + " " + name() +
        ": the cell should be a convolutional RNN cell (ConvLSTM2DCell, or a layer with "
        "`state_size`, call(inputs, states) and the convolution attributes filters, kernel_size, "
        "strides, padding, data_format and dilation_rate), got " +
        cell->class_name() + " " + cell->name());
  cell_ = std::move(cell);
}

void ConvRNN2D::build(const Shape& input_shape) {
  if (input_shape.size() != 5)
    incompatible_input(input_shape,
                       "expected ndim=5, found ndim=" + std::to_string(input_shape.size()));
  Shape state = step_output_shape(input_shape);  // Keras's errors for kernels that do not fit
  // The cell sees one step: (batch, rows, cols, channels) in its data_format.
  Shape step_shape{input_shape[0]};
  step_shape.insert(step_shape.end(), input_shape.begin() + 2, input_shape.end());
  cell_->build(step_shape);
  adopt(*cell_);  // the cell's weights (and their regularizers) are the layer's
  if (flags_.stateful) {
    state[0] = detail::stateful_batch_size(*this, input_shape);
    for (std::int64_t d : state)
      if (d < 0)
        throw std::invalid_argument(
            "Layer " + name() +
            " is stateful: the rows and columns of its inputs must be known, "
            "got input shape " +
            shape_to_string(input_shape));
    const bool first = geometry().data_format == "channels_first";
    std::size_t k = 0;
    for (std::int64_t size : protocol_->state_size()) {
      state[first ? 1 : 3] = size;
      states_.push_back(
          K::variable(Tensor(state, K::floatx()), name() + "/state_" + std::to_string(k++)));
    }
  }
}

void ConvRNN2D::build_list(const std::vector<Shape>& input_shapes) {
  build(input_shapes.front());  // the rest are initial states, checked by call_list
}

std::vector<KerasTensor> ConvRNN2D::operator()(const KerasTensor& inputs,
                                               const std::vector<KerasTensor>& initial_state) & {
  std::vector<KerasTensor> all{inputs};
  all.insert(all.end(), initial_state.begin(), initial_state.end());
  return apply(all);
}

SymbolicTensor ConvRNN2D::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor ConvRNN2D::call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) {
  return run(inputs, mask, {}).front();
}

std::vector<SymbolicTensor> ConvRNN2D::call_list(const std::vector<SymbolicTensor>& inputs,
                                                 const std::vector<SymbolicTensor>& masks) {
  // [x, initial states...] (Keras's _standardize_args).
  std::vector<SymbolicTensor> initial_state(inputs.begin() + 1, inputs.end());
  if (!initial_state.empty()) {
    const std::vector<std::int64_t> sizes = protocol_->state_size();
    if (initial_state.size() != sizes.size())
      throw std::invalid_argument("Layer has " + std::to_string(sizes.size()) +
                                  " states but was passed " + std::to_string(initial_state.size()) +
                                  " initial states.");
    Shape expected = step_output_shape(inputs.front().shape());
    const std::size_t channel_axis = geometry().data_format == "channels_first" ? 1 : 3;
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      expected[channel_axis] = sizes[k];
      const Shape& s = initial_state[k].shape();
      bool fits = s.size() == expected.size();
      for (std::size_t d = 1; fits && d < s.size(); ++d)
        fits = s[d] < 0 || expected[d] < 0 || s[d] == expected[d];
      if (!fits)
        throw std::invalid_argument(
            "An `initial_state` was passed that is not compatible with `cell.state_size` (layer " +
            name() + "): initial state " + std::to_string(k) + " has shape " + shape_to_string(s) +
            ", expected " + shape_to_string(expected));
    }
  }
  return run(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front(), initial_state);
}

std::vector<SymbolicTensor> ConvRNN2D::run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                           const std::vector<SymbolicTensor>& initial_state) {
  const Shape& shape = inputs.shape();
  if (shape.size() != 5)
    incompatible_input(shape, "expected ndim=5, found ndim=" + std::to_string(shape.size()));
  const bool first = geometry().data_format == "channels_first";
  auto* lstm = dynamic_cast<ConvLSTM2DCell*>(cell_.get());
  const std::size_t channel_axis = first ? 2 : 4;
  if (lstm && shape[channel_axis] != lstm->kernel().shape()[2])
    incompatible_input(shape, "expected " + std::to_string(lstm->kernel().shape()[2]) +
                                  " channels on axis " + std::to_string(channel_axis));
  if (flags_.stateful && shape[0] >= 0 && shape[0] != states_[0].shape()[0])
    incompatible_input(
        shape, "a stateful layer built for batch size " + std::to_string(states_[0].shape()[0]));
  SymbolicTensor step_mask;
  if (mask.defined()) {
    step_mask = K::cast(mask, inputs.dtype());
    // A mask with more axes than (batch, time) (Masking on 5D inputs): a step counts when any
    // of its entries does.
    while (step_mask.ndim() > 2) step_mask = K::max(step_mask, {-1});
  }
  const std::size_t states = state_count();
  const std::size_t wanted = (flags_.return_state || flags_.stateful) ? 1 + states : 1;
  std::vector<SymbolicTensor> results;
  protocol_->start_sequence();
  if (lstm) {
    results = lstm->sequence(inputs, step_mask, initial_state.empty() ? states_ : initial_state,
                             !initial_state.empty(), flags_.go_backwards, flags_.return_sequences,
                             wanted, name());
  } else {
    std::vector<SymbolicTensor> initial = initial_state.empty() ? states_ : initial_state;
    if (initial.empty()) {
      // Keras's get_initial_state: zeros shaped like one step's output, one per state size.
      SymbolicTensor corner = inputs;  // x[:, :1, :1, :1, :1]
      for (int axis = 1; axis < 5; ++axis) corner = K::slice(corner, axis, 0, 1);
      SymbolicTensor batch_zeros = K::reshape(corner, {-1, 1, 1, 1}) * 0.0;
      Shape state = step_output_shape(shape);
      state[0] = 1;
      for (std::int64_t size : protocol_->state_size()) {
        state[first ? 1 : 3] = size;
        initial.push_back(batch_zeros + K::zeros(state, inputs.dtype()));
      }
    }
    results = unrolled(inputs, step_mask, std::move(initial));
  }
  if (flags_.stateful)
    for (std::size_t k = 0; k < states; ++k) add_update(states_[k], results[1 + k], true);
  if (activity_regularizer_) add_loss(activity_regularizer_(results[0]));
  if (!flags_.return_state) results.resize(1);
  return results;
}

std::vector<SymbolicTensor> ConvRNN2D::unrolled(const SymbolicTensor& inputs,
                                                const SymbolicTensor& step_mask,
                                                std::vector<SymbolicTensor> states) {
  const Shape& shape = inputs.shape();
  const std::int64_t steps = shape[1];
  if (steps < 0)
    throw std::invalid_argument(
        "Layer " + name() +
        ": a cell other than ConvLSTM2DCell runs step by step, over a known "
        "number of time steps; got input shape " +
        shape_to_string(shape) + " (cell " + cell_->name() + ")");
  const Shape step_shape{-1, shape[2], shape[3], shape[4]};
  SymbolicTensor output;
  std::vector<SymbolicTensor> outputs;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = flags_.go_backwards ? steps - 1 - k : k;
    CellStep next = protocol_->step(K::reshape(K::slice(inputs, 1, t, t + 1), step_shape), states);
    if (next.states.size() != states.size())
      throw std::invalid_argument("The cell " + cell_->name() + " of layer " + name() +
                                  " returned " + std::to_string(next.states.size()) +
                                  " states; its state_size has " + std::to_string(states.size()));
    if (step_mask.defined()) {
      // Keras's K.rnn: a masked step keeps the previous output (zeros at first) and states.
      SymbolicTensor m = K::reshape(K::slice(step_mask, 1, t, t + 1), {-1, 1, 1, 1});
      SymbolicTensor previous = output.defined() ? output : next.output * 0.0;
      next.output = m * next.output + (1.0 - m) * previous;
      for (std::size_t s = 0; s < states.size(); ++s)
        next.states[s] = m * next.states[s] + (1.0 - m) * states[s];
    }
    output = next.output;
    states = std::move(next.states);
    if (flags_.return_sequences) outputs.push_back(K::expand_dims(output, 1));
  }
  std::vector<SymbolicTensor> results{flags_.return_sequences ? K::concatenate(outputs, 1)
                                                              : output};
  results.insert(results.end(), states.begin(), states.end());
  return results;
}

nlohmann::json ConvRNN2D::get_config() const {
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), flags_);
  config["cell"] = serialize(*cell_);
  return config;
}

std::shared_ptr<Layer> ConvRNN2D::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "ConvRNN2D");
  LayerPtr cell = deserialize(r.require("cell"));
  ConvRNN2DOptions o = detail::options_from_config<ConvRNN2DOptions>(r);
  return r.done(std::make_shared<ConvRNN2D>(cell, o));
}

}  // namespace keras::layers
