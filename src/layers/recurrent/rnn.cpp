// Keras 2.2.4's RNN(cell): built-in cells (alone or stacked) through the fused sequence op, other
// cells step by step.
#include <stdexcept>

#include "keras/layers/recurrent.h"
#include "keras/layers/serialization.h"
#include "layers/recurrent/cell_losses.h"
#include "layers/recurrent/stateful.h"
#include "layers/recurrent/traced_steps.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace K = backend;

namespace {

LayerArguments rnn_layer_arguments(const RNNLayerOptions& o) {
  LayerArguments args = layer_arguments(o);
  args.batch_size = o.batch_size;
  return args;
}

// Keras's RNN.get_initial_state: zeros (batch, size) for each state size, from the inputs.
std::vector<SymbolicTensor> zero_states(const SymbolicTensor& inputs,
                                        const std::vector<std::int64_t>& sizes) {
  // (batch, 1) zeros: the first feature of the first step, times 0.
  SymbolicTensor column = K::reshape(K::slice(K::slice(inputs, 1, 0, 1), -1, 0, 1), {-1, 1}) * 0.0;
  std::vector<SymbolicTensor> states;
  for (std::int64_t size : sizes)
    states.push_back(column + K::zeros({1, size}, inputs.dtype()));  // broadcast to (batch, size)
  return states;
}

}  // namespace

RNN::RNN(LayerPtr cell, RNNLayerOptions o)
    : Layer("RNN", rnn_layer_arguments(o)), cell_(std::move(cell)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  if (!cell_) throw std::invalid_argument("RNN: the cell is null");
  protocol_ = &as_cell(*cell_);
  for (std::int64_t size : protocol_->state_size())
    if (size <= 0)
      throw std::invalid_argument("RNN: the cell's state sizes must be positive, got " +
                                  std::to_string(size) + " (cell " + cell_->name() + ")");
  supports_masking_ = true;
}

RNN::RNN(std::vector<LayerPtr> cells, RNNLayerOptions options)
    : RNN(LayerPtr(std::make_shared<StackedRNNCells>(std::move(cells))), std::move(options)) {}

std::vector<KerasTensor> RNN::operator()(const KerasTensor& inputs,
                                         const std::vector<KerasTensor>& initial_state,
                                         const std::vector<KerasTensor>& constants) & {
  std::vector<KerasTensor> all{inputs};
  all.insert(all.end(), initial_state.begin(), initial_state.end());
  if (!constants.empty()) {
    set_num_constants(static_cast<int>(constants.size()));  // as Keras's __call__
    all.insert(all.end(), constants.begin(), constants.end());
  }
  return apply(all);
}

void RNN::set_num_constants(std::optional<int> n) {
  if (n && *n < 0)
    throw std::invalid_argument("RNN " + name() + ": num_constants must be >= 0, got " +
                                std::to_string(*n));
  options_.num_constants = n;
}

void RNN::build(const Shape& input_shape) {
  build_list({input_shape});
}

void RNN::build_list(const std::vector<Shape>& input_shapes) {
  // The rest are initial states (checked by call_list) and constants.
  const Shape& input_shape = input_shapes.front();
  if (input_shape.size() < 3)
    incompatible_input(input_shape,
                       "expected ndim=3, found ndim=" + std::to_string(input_shape.size()));
  // The cell sees one step: (batch, features...), and with constants, their shapes after it.
  Shape step_shape{input_shape[0]};
  step_shape.insert(step_shape.end(), input_shape.begin() + 2, input_shape.end());
  const auto constant_count = static_cast<std::size_t>(options_.num_constants.value_or(0));
  if (constant_count > 0 && !protocol_->takes_constants())
    throw std::invalid_argument("RNN cell does not support constants (layer " + name() + ", cell " +
                                cell_->name() + " (" + cell_->class_name() +
                                "): its call takes no `constants` argument)");
  if (constant_count > 0 && input_shapes.size() > constant_count) {
    std::vector<Shape> shapes{step_shape};
    shapes.insert(shapes.end(), input_shapes.end() - static_cast<std::ptrdiff_t>(constant_count),
                  input_shapes.end());
    cell_->build_list(shapes);
  } else {
    cell_->build(step_shape);
  }
  adopt(*cell_);  // the cell's weights (and their regularizers) are the layer's
  if (options_.stateful) {
    const std::int64_t batch = detail::stateful_batch_size(*this, input_shape);
    int k = 0;
    for (std::int64_t size : protocol_->state_size())
      states_.push_back(K::variable(Tensor({batch, size}, K::floatx()),
                                    name() + "/state_" + std::to_string(k++)));
  }
}

SymbolicTensor RNN::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor RNN::call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) {
  return run(inputs, mask, {}, {}).front();
}

std::vector<SymbolicTensor> RNN::call_list(const std::vector<SymbolicTensor>& inputs,
                                           const std::vector<SymbolicTensor>& masks) {
  // [x, initial states..., constants...] (Keras's _standardize_args).
  const auto constant_count = static_cast<std::size_t>(options_.num_constants.value_or(0));
  if (inputs.size() < 1 + constant_count)
    throw std::invalid_argument("Layer " + name() + " expects " + std::to_string(constant_count) +
                                " constants after its inputs, got " +
                                std::to_string(inputs.size()) + " tensors");
  const auto constants_begin = inputs.end() - static_cast<std::ptrdiff_t>(constant_count);
  std::vector<SymbolicTensor> constants(constants_begin, inputs.end());
  std::vector<SymbolicTensor> initial_state(inputs.begin() + 1, constants_begin);
  if (!initial_state.empty()) {
    const std::vector<std::int64_t> sizes = protocol_->state_size();
    if (initial_state.size() != sizes.size())
      throw std::invalid_argument("Layer has " + std::to_string(sizes.size()) +
                                  " states but was passed " + std::to_string(initial_state.size()) +
                                  " initial states.");
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      const Shape& s = initial_state[k].shape();
      if (s.size() != 2 || s[1] != sizes[k])
        throw std::invalid_argument(
            "An `initial_state` was passed that is not compatible with `cell.state_size` (layer " +
            name() + "): initial state " + std::to_string(k) + " has shape " + shape_to_string(s) +
            ", expected (batch, " + std::to_string(sizes[k]) + ")");
    }
  }
  return run(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front(), initial_state,
             constants);
}

Shape RNN::compute_output_shape(const Shape& input_shape) const {
  const std::int64_t out = protocol_->output_size();
  if (options_.return_sequences) return {input_shape[0], input_shape[1], out};
  return {input_shape[0], out};
}

std::vector<Shape> RNN::compute_output_shape_list(const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> out{compute_output_shape(input_shapes.front())};
  if (options_.return_state)
    for (std::int64_t size : protocol_->state_size()) out.push_back({input_shapes[0][0], size});
  return out;
}

SymbolicTensor RNN::compute_mask(const SymbolicTensor&, const SymbolicTensor& mask) const {
  return options_.return_sequences ? mask : SymbolicTensor();
}

std::vector<SymbolicTensor> RNN::compute_mask_list(const std::vector<SymbolicTensor>& inputs,
                                                   const std::vector<SymbolicTensor>& masks) const {
  std::vector<SymbolicTensor> out{
      compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front())};
  if (options_.return_state) out.resize(1 + protocol_->state_size().size());  // states: no mask
  return out;
}

std::vector<const detail::RecurrentCellSpec*> RNN::builtin_specs() const {
  auto spec_of = [](const Layer& cell) -> const detail::RecurrentCellSpec* {
    if (auto* c = dynamic_cast<const SimpleRNNCell*>(&cell)) return &c->spec();
    if (auto* c = dynamic_cast<const GRUCell*>(&cell)) return &c->spec();
    if (auto* c = dynamic_cast<const LSTMCell*>(&cell)) return &c->spec();
    return nullptr;
  };
  std::vector<LayerPtr> cells{cell_};
  if (auto* stack = dynamic_cast<const StackedRNNCells*>(cell_.get())) {
    if (stack->reverse_state_order()) return {};  // the fused stack keeps the cells' order
    cells = stack->cells();
  }
  std::vector<const detail::RecurrentCellSpec*> specs;
  for (const auto& cell : cells) {
    const detail::RecurrentCellSpec* spec = spec_of(*cell);
    if (!spec) return {};
    specs.push_back(spec);
  }
  return specs;
}

void RNN::unrolled(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                   const std::vector<SymbolicTensor>& constants,
                   std::vector<SymbolicTensor>& states, SymbolicTensor& sequence,
                   SymbolicTensor& last) {
  const std::int64_t steps = inputs.shape()[1];
  protocol_->start_sequence();
  auto step = [&](const SymbolicTensor& x, const std::vector<SymbolicTensor>& before) {
    CellStep next = constants.empty() ? protocol_->step(x, before)
                                      : protocol_->step_with_constants(x, before, constants);
    if (next.states.size() != before.size())
      throw std::invalid_argument("Layer " + name() + ": the cell " + cell_->name() + " returned " +
                                  std::to_string(next.states.size()) +
                                  " states, its state_size has " + std::to_string(before.size()));
    return next;
  };
  if (steps < 0) {  // known when the function runs: the step traced once, unrolled per length
    detail::TracedSequence traced =
        detail::traced_steps(inputs, mask, states, options_.go_backwards, step, name());
    sequence = traced.sequence;
    last = traced.last;
    states = traced.states;
    return;
  }
  SymbolicTensor m = mask.defined() ? K::cast(mask, inputs.dtype()) : SymbolicTensor();
  std::vector<SymbolicTensor> outputs;
  for (std::int64_t s = 0; s < steps; ++s) {
    const std::int64_t t = options_.go_backwards ? steps - 1 - s : s;
    CellStep next = step(K::squeeze(K::slice(inputs, 1, t, t + 1), 1), states);
    if (m.defined())
      detail::keep_unmasked(K::reshape(K::slice(m, 1, t, t + 1), {-1, 1}), next,
                            outputs.empty() ? SymbolicTensor() : outputs.back(), states);
    outputs.push_back(next.output);
    states = next.states;
  }
  last = outputs.back();
  sequence = K::stack(outputs, 1);
}

std::vector<SymbolicTensor> RNN::run(const SymbolicTensor& inputs, const SymbolicTensor& mask,
                                     const std::vector<SymbolicTensor>& initial_state,
                                     const std::vector<SymbolicTensor>& constants) {
  const Shape& shape = inputs.shape();
  if (!constants.empty() && !protocol_->takes_constants())
    throw std::invalid_argument("RNN cell does not support constants (layer " + name() + ", cell " +
                                cell_->name() + " (" + cell_->class_name() +
                                "): its call takes no `constants` argument)");
  if (shape.size() < 3) incompatible_input(shape, "expected ndim=3");
  if (options_.unroll && (shape[1] < 0 || shape[1] == 1))
    throw std::invalid_argument(
        "Cannot unroll a RNN if the time dimension is undefined or equal to 1. (layer " + name() +
        ", input shape " + shape_to_string(shape) +
        ") Specify the time dimension by passing an `input_shape` or `batch_input_shape` "
        "argument to your first layer, or a `shape` or `batch_shape` to your Input layer.");
  if (options_.stateful && shape[0] >= 0 && shape[0] != states_[0].shape()[0])
    incompatible_input(
        shape, "a stateful layer built for batch size " + std::to_string(states_[0].shape()[0]));
  std::vector<SymbolicTensor> states = !initial_state.empty() ? initial_state : states_;
  std::vector<SymbolicTensor> final_states;
  SymbolicTensor sequence, last;
  const std::vector<const detail::RecurrentCellSpec*> specs =
      constants.empty() ? builtin_specs() : std::vector<const detail::RecurrentCellSpec*>{};
  if (!specs.empty() && shape.size() == 3) {
    // Built-in cells: each runs the whole sequence in the fused op on the previous one's outputs
    // (in processing order, so only the first goes backwards). Equal to stepping the stack: a
    // masked step keeps every cell's states and repeats the outputs.
    SymbolicTensor x = inputs, m = mask;
    bool backwards = options_.go_backwards;
    std::size_t next = 0;
    for (const detail::RecurrentCellSpec* spec : specs) {
      std::vector<SymbolicTensor> own;
      if (!states.empty())
        own.assign(states.begin() + static_cast<std::ptrdiff_t>(next),
                   states.begin() + static_cast<std::ptrdiff_t>(next + spec->state_count()));
      next += static_cast<std::size_t>(spec->state_count());
      if (shape[2] >= 0 && x.shape()[2] != spec->kernel.shape()[0])
        incompatible_input(shape,
                           "expected axis -1 of size " + std::to_string(spec->kernel.shape()[0]));
      SymbolicTensor y = spec->sequence(x, m, own, backwards, name());
      std::vector<SymbolicTensor> cell_states = spec->last_states(y);
      final_states.insert(final_states.end(), cell_states.begin(), cell_states.end());
      last = cell_states.front();
      x = spec->outputs(y);
      if (backwards && m.defined()) m = K::reverse(m, {1});
      backwards = false;
    }
    sequence = x;
  } else {
    if (states.empty()) states = zero_states(inputs, protocol_->state_size());
    unrolled(inputs, mask, constants, states, sequence, last);
    final_states = states;
  }
  if (options_.stateful)
    for (std::size_t k = 0; k < final_states.size(); ++k)
      add_update(states_[k], final_states[k], true);
  std::vector<SymbolicTensor> outputs{options_.return_sequences ? sequence : last};
  if (options_.return_state)
    outputs.insert(outputs.end(), final_states.begin(), final_states.end());
  return outputs;
}

std::vector<SymbolicTensor> RNN::trainable_weights() const {
  if (!trainable()) return {};
  return cell_->trainable_weights();
}

std::vector<SymbolicTensor> RNN::non_trainable_weights() const {
  if (!trainable()) return weights();
  return cell_->non_trainable_weights();
}

std::vector<SymbolicTensor> RNN::losses() const {
  return detail::cells_then_own(cell_->losses(), Layer::losses());
}

void RNN::reset_states() {
  if (!options_.stateful)
    throw std::logic_error("Layer " + name() + " must be stateful to reset states.");
  for (const auto& state : states_) {
    Tensor value = K::get_value(state);
    K::set_value(state, Tensor(value.shape(), value.dtype()));
  }
}

nlohmann::json RNN::get_config() const {
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), options_);
  config["cell"] = serialize(*cell_);
  return config;
}

std::shared_ptr<Layer> RNN::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "RNN");
  LayerPtr cell = deserialize(r.require("cell"));
  RNNLayerOptions o = detail::options_from_config<RNNLayerOptions>(r);
  return r.done(std::make_shared<RNN>(cell, o));
}

}  // namespace keras::layers
