// Keras 2.2.4's cells: SimpleRNNCell, GRUCell, LSTMCell (over RecurrentCellSpec, the weights and
// equations SimpleRNN, GRU and LSTM use) and StackedRNNCells.
#include <algorithm>
#include <stdexcept>

#include "keras/layers/recurrent.h"
#include "keras/layers/serialization.h"
#include "layers/recurrent/cell_losses.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace K = backend;

namespace {

template <K::RnnCell Kind>
detail::RecurrentCellSpec spec_of(const CellOptions<Kind>& o) {
  return {.kind = Kind,
          .units = o.units,
          .activation = o.activation,
          .recurrent_activation = o.recurrent_activation,
          .use_bias = o.use_bias,
          .kernel_initializer = o.kernel_initializer,
          .recurrent_initializer = o.recurrent_initializer,
          .bias_initializer = o.bias_initializer,
          .unit_forget_bias = o.unit_forget_bias,
          .kernel_regularizer = o.kernel_regularizer,
          .recurrent_regularizer = o.recurrent_regularizer,
          .bias_regularizer = o.bias_regularizer,
          .kernel_constraint = o.kernel_constraint,
          .recurrent_constraint = o.recurrent_constraint,
          .bias_constraint = o.bias_constraint,
          .dropout = o.dropout,
          .recurrent_dropout = o.recurrent_dropout,
          .reset_after = Kind == K::RnnCell::kGRU && o.reset_after};
}

[[noreturn]] void not_a_layer_call(const Layer& cell) {
  throw std::invalid_argument("Layer " + cell.name() + " (" + cell.class_name() +
                              ") is a cell: it runs one time step inside a recurrent layer, "
                              "RNN(cell)(x), not on a tensor of its own");
}

// The step inputs' last dimension, or Keras's error.
std::int64_t step_input_dim(const Layer& cell, const Shape& input_shape) {
  if (input_shape.size() != 2 || input_shape[1] < 0)
    throw std::invalid_argument("Layer " + cell.name() + " (" + cell.class_name() +
                                "): a step's inputs must be (batch, input_dim) with a known "
                                "input_dim, got " +
                                shape_to_string(input_shape));
  return input_shape[1];
}

}  // namespace

template <>
std::string SimpleRNNCell::keras_class_name() {
  return "SimpleRNNCell";
}
template <>
std::string GRUCell::keras_class_name() {
  return "GRUCell";
}
template <>
std::string LSTMCell::keras_class_name() {
  return "LSTMCell";
}

template <K::RnnCell Kind>
BuiltinCell<Kind>::BuiltinCell(CellOptions<Kind> o)
    : Layer(keras_class_name(), layer_arguments(o)),
      options_(std::move(o)),
      spec_(spec_of(options_)) {
  spec_.validate(class_name());
  if (options_.implementation != 1 && options_.implementation != 2)
    throw std::invalid_argument(class_name() + ": implementation must be 1 or 2, got " +
                                std::to_string(options_.implementation));
}

template <K::RnnCell Kind>
BuiltinCell<Kind>::BuiltinCell(std::int64_t units, CellOptions<Kind> options)
    : BuiltinCell([&] {
        options.units = units;
        return options;
      }()) {}

template <K::RnnCell Kind>
std::string BuiltinCell<Kind>::class_name() const {
  return keras_class_name();
}

template <K::RnnCell Kind>
void BuiltinCell<Kind>::build(const Shape& input_shape) {
  spec_.build(*this, step_input_dim(*this, input_shape));
}

template <K::RnnCell Kind>
SymbolicTensor BuiltinCell<Kind>::call(const SymbolicTensor&) {
  not_a_layer_call(*this);
}

template <K::RnnCell Kind>
nlohmann::json BuiltinCell<Kind>::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

template <K::RnnCell Kind>
std::shared_ptr<Layer> BuiltinCell<Kind>::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<BuiltinCell<Kind>, CellOptions<Kind>>(config,
                                                                         keras_class_name());
}

template <K::RnnCell Kind>
std::vector<std::int64_t> BuiltinCell<Kind>::state_size() const {
  return std::vector<std::int64_t>(static_cast<std::size_t>(spec_.state_count()), spec_.units);
}

template <K::RnnCell Kind>
CellStep BuiltinCell<Kind>::step(const SymbolicTensor& inputs,
                                 const std::vector<SymbolicTensor>& states) {
  if (!spec_.kernel.defined())
    throw std::logic_error("Layer " + name() + ": step before the cell was built");
  // One dropout mask per sequence (drawn at its first step), as Keras's cells keep theirs.
  if (spec_.dropout > 0 && !input_mask_.defined()) {
    SymbolicTensor ones = K::ones_like(inputs);
    input_mask_ = K::in_train_phase(K::dropout(ones, spec_.dropout), ones);
  }
  if (spec_.recurrent_dropout > 0 && !recurrent_mask_.defined()) {
    SymbolicTensor ones = K::ones_like(states.at(0));
    recurrent_mask_ = K::in_train_phase(K::dropout(ones, spec_.recurrent_dropout), ones);
  }
  return spec_.step(inputs, states, input_mask_, recurrent_mask_);
}

// ---- StackedRNNCells ---------------------------------------------------------------------------

CellStep RNNCell::step_with_constants(const SymbolicTensor& inputs,
                                      const std::vector<SymbolicTensor>& states,
                                      const std::vector<SymbolicTensor>& constants) {
  if (!constants.empty()) throw std::invalid_argument("RNN cell does not support constants");
  return step(inputs, states);
}

RNNCell& as_cell(Layer& layer) {
  if (auto* cell = dynamic_cast<RNNCell*>(&layer)) return *cell;
  throw std::invalid_argument(
      "`cell` should be an RNN cell (SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells, or a "
      "layer with a `state_size` attribute and call(inputs, states)); the RNN was passed "
      "layer " +
      layer.name() + " (" + layer.class_name() + ")");
}

std::vector<SymbolicTensor> StackedRNNCells::trainable_weights() const {
  std::vector<SymbolicTensor> out;
  if (!trainable()) return out;
  for (const LayerPtr& cell : cells_) {
    std::vector<SymbolicTensor> own = cell->trainable_weights();
    out.insert(out.end(), own.begin(), own.end());
  }
  return out;
}

std::vector<SymbolicTensor> StackedRNNCells::non_trainable_weights() const {
  if (!trainable()) return weights();
  std::vector<SymbolicTensor> out;
  for (const LayerPtr& cell : cells_) {
    std::vector<SymbolicTensor> own = cell->non_trainable_weights();
    out.insert(out.end(), own.begin(), own.end());
  }
  return out;
}

std::vector<SymbolicTensor> StackedRNNCells::losses() const {
  std::vector<SymbolicTensor> cells;
  for (const LayerPtr& cell : cells_) {
    std::vector<SymbolicTensor> own = cell->losses();
    cells.insert(cells.end(), own.begin(), own.end());
  }
  return detail::cells_then_own(std::move(cells), Layer::losses());
}

StackedRNNCells::StackedRNNCells(std::vector<LayerPtr> cells, StackedRNNCellsOptions o)
    : Layer("StackedRNNCells", layer_arguments(o)),
      cells_(std::move(cells)),
      reverse_state_order_(o.reverse_state_order) {
  if (cells_.empty()) throw std::invalid_argument("StackedRNNCells needs at least one cell");
  for (const auto& cell : cells_) {
    if (!cell) throw std::invalid_argument("StackedRNNCells: a cell is null");
    as_cell(*cell).state_size();  // Keras's checks of each cell, now
  }
}

void StackedRNNCells::build(const Shape& input_shape) {
  build_list({input_shape});
}

void StackedRNNCells::build_list(const std::vector<Shape>& input_shapes) {
  const Shape& input_shape = input_shapes.front();
  Shape shape = input_shape;
  for (const auto& cell : cells_) {
    if (input_shapes.size() > 1 && as_cell(*cell).takes_constants()) {
      std::vector<Shape> with_constants{shape};
      with_constants.insert(with_constants.end(), input_shapes.begin() + 1, input_shapes.end());
      cell->build_list(with_constants);
    } else {
      cell->build(shape);
    }
    adopt(*cell);  // the cells' weights are the stack's, in the cells' order
    shape = {input_shape[0], as_cell(*cell).output_size()};
  }
}

SymbolicTensor StackedRNNCells::call(const SymbolicTensor&) {
  not_a_layer_call(*this);
}

nlohmann::json StackedRNNCells::get_config() const {
  nlohmann::json config = Layer::get_config();
  nlohmann::json cells = nlohmann::json::array();
  for (const auto& cell : cells_) cells.push_back(serialize(*cell));
  config["cells"] = cells;
  if (reverse_state_order_) config["reverse_state_order"] = true;
  return config;
}

std::vector<LayerPtr> StackedRNNCells::cells_in_state_order() const {
  if (!reverse_state_order_) return cells_;
  return {cells_.rbegin(), cells_.rend()};
}

std::shared_ptr<Layer> StackedRNNCells::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "StackedRNNCells");
  const nlohmann::json& entries = r.require("cells");
  if (!entries.is_array()) r.fail("cells", "must be a list of {class_name, config} entries");
  std::vector<LayerPtr> cells;
  for (const auto& entry : entries) cells.push_back(deserialize(entry));
  StackedRNNCellsOptions o;
  r.common(o);
  o.reverse_state_order = r.boolean("reverse_state_order", false);
  return r.done(std::make_shared<StackedRNNCells>(std::move(cells), o));
}

std::vector<std::int64_t> StackedRNNCells::state_size() const {
  std::vector<std::int64_t> sizes;
  for (const auto& cell : cells_in_state_order()) {
    std::vector<std::int64_t> s = as_cell(*cell).state_size();
    sizes.insert(sizes.end(), s.begin(), s.end());
  }
  return sizes;
}

std::int64_t StackedRNNCells::output_size() const {
  return as_cell(*cells_.back()).output_size();
}

CellStep StackedRNNCells::step(const SymbolicTensor& inputs,
                               const std::vector<SymbolicTensor>& states) {
  return step_with_constants(inputs, states, {});
}

bool StackedRNNCells::takes_constants() const {
  for (const auto& cell : cells_)
    if (as_cell(*cell).takes_constants()) return true;
  return false;
}

CellStep StackedRNNCells::step_with_constants(const SymbolicTensor& inputs,
                                              const std::vector<SymbolicTensor>& states,
                                              const std::vector<SymbolicTensor>& constants) {
  // Each cell's slice of `states`, which lie in cells_in_state_order()'s order.
  std::vector<std::vector<SymbolicTensor>> own_states;
  std::size_t next = 0;
  for (const auto& cell : cells_in_state_order()) {
    const std::size_t n = as_cell(*cell).state_size().size();
    if (next + n > states.size())
      throw std::invalid_argument("StackedRNNCells " + name() + ": got " +
                                  std::to_string(states.size()) + " states, its cells take " +
                                  std::to_string(state_size().size()));
    own_states.emplace_back(states.begin() + static_cast<std::ptrdiff_t>(next),
                            states.begin() + static_cast<std::ptrdiff_t>(next + n));
    next += n;
  }
  if (reverse_state_order_) std::reverse(own_states.begin(), own_states.end());
  CellStep out{inputs, {}};
  std::vector<std::vector<SymbolicTensor>> new_states;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    RNNCell& c = as_cell(*cells_[i]);
    CellStep s = c.takes_constants() ? c.step_with_constants(out.output, own_states[i], constants)
                                     : c.step(out.output, own_states[i]);
    out.output = s.output;
    new_states.push_back(std::move(s.states));
  }
  if (reverse_state_order_) std::reverse(new_states.begin(), new_states.end());
  for (auto& cell_states : new_states)
    out.states.insert(out.states.end(), cell_states.begin(), cell_states.end());
  return out;
}

void StackedRNNCells::start_sequence() {
  for (const auto& cell : cells_) as_cell(*cell).start_sequence();
}

template class BuiltinCell<K::RnnCell::kSimpleRNN>;
template class BuiltinCell<K::RnnCell::kGRU>;
template class BuiltinCell<K::RnnCell::kLSTM>;

}  // namespace keras::layers
