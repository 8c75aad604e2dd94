// ConvLSTM2DCell and ConvLSTM2D (Keras 2.2.4's ConvRNN2D over a ConvLSTM2DCell). The cell's
// sequence is one pure function (ConvLSTMSequence) unrolled over the (static) time steps with
// the backend's convolution ops: the input convolution of every step runs as one convolution
// over (batch * time) images; each step then adds the recurrent convolution of h_{t-1} and
// applies the gates (ConvLSTMSequence::step, also the cell's step()). Everything runs
// channels_last inside; channels_first inputs, outputs and states are transposed at the edges.
#include <algorithm>
#include <stdexcept>

#include "backend/traced.h"
#include "keras/initializers.h"
#include "keras/layers/convolutional_recurrent.h"
#include "layers/convolutional/conv_util.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

using detail::normalize_tuple;
using Ints = std::vector<std::int64_t>;

ConvLSTM2DOptions with(ConvLSTM2DOptions o, std::int64_t filters, Ints kernel_size) {
  o.filters = filters;
  o.kernel_size = std::move(kernel_size);
  return o;
}

void check_rate(double rate, const char* what, const std::string& layer) {
  if (rate < 0 || rate >= 1)
    throw std::invalid_argument(layer + ": " + what + " must be in [0, 1), got " +
                                std::to_string(rate));
}

// The cell's own layer arguments: its name and trainable flag (ConvLSTM2D's cell takes the
// layer's name; the layer keeps the shapes and initial weights).
LayerArguments cell_arguments(const ConvLSTM2DOptions& o) {
  LayerArguments args;
  args.name = o.name;
  args.trainable = o.trainable;
  return args;
}

SymbolicTensor channels_last(const SymbolicTensor& x, bool first) {
  return first ? K::to_channels_last(x) : x;
}
SymbolicTensor channels_first(const SymbolicTensor& x, bool first) {
  return first ? K::to_channels_first(x) : x;
}

}  // namespace

namespace detail {

// One ConvLSTM2D sequence as a function of its inputs, [x (batch, time, rows, cols, channels),
// kernel, recurrent_kernel, (bias), (4 input dropout masks), (4 recurrent dropout masks), (step
// mask (batch, time)), (h0, c0)], to [output, h, c] (channels_last): the steps unrolled, so the
// number of steps must be known; traced() makes the node that unrolls it per length at run time.
struct ConvLSTMSequence {
  std::int64_t filters = 0;
  std::vector<std::int64_t> strides, dilation_rate;
  std::string padding;
  activations::ActivationFunction activation, recurrent_activation;
  bool go_backwards = false, return_sequences = false;
  // Which optional inputs there are.
  bool bias = false, input_dropout = false, recurrent_dropout = false, mask = false,
       initial_state = false;
  bool state_gradients = false;  // gradients reach the initial states (a caller's tensors)

  // The input convolution (bias added) of images (n, rows, cols, channels), each gate's kernel
  // on its own masked copy of the images when there are input dropout masks.
  SymbolicTensor input_conv(const SymbolicTensor& images, const SymbolicTensor& kernel,
                            const SymbolicTensor& b,
                            const std::vector<SymbolicTensor>& input_masks) const;
  // One step: h and c from the step's input convolution z (batch, rows, cols, 4 filters) and
  // h_{t-1}, c_{t-1}.
  std::pair<SymbolicTensor, SymbolicTensor> step(
      const SymbolicTensor& z, const SymbolicTensor& h, const SymbolicTensor& c,
      const SymbolicTensor& recurrent_kernel,
      const std::vector<SymbolicTensor>& recurrent_masks) const;
  std::vector<SymbolicTensor> operator()(const std::vector<SymbolicTensor>& in) const;
  SymbolicTensor traced(const std::shared_ptr<const ConvLSTMSequence>& self,
                        const std::vector<SymbolicTensor>& in, std::size_t output,
                        const std::string& layer) const;
};

}  // namespace detail

// ---- ConvLSTM2DCell ---------------------------------------------------------------------------

ConvLSTM2DCell::ConvLSTM2DCell(ConvLSTM2DOptions o, const std::string& owner_name)
    : Layer("ConvLSTM2DCell", cell_arguments(o)),
      filters_(o.filters),
      activation_(o.activation),
      recurrent_activation_(o.recurrent_activation),
      use_bias_(o.use_bias),
      kernel_initializer_(o.kernel_initializer),
      recurrent_initializer_(o.recurrent_initializer),
      bias_initializer_(o.bias_initializer),
      unit_forget_bias_(o.unit_forget_bias),
      kernel_regularizer_(o.kernel_regularizer),
      recurrent_regularizer_(o.recurrent_regularizer),
      bias_regularizer_(o.bias_regularizer),
      kernel_constraint_(o.kernel_constraint),
      recurrent_constraint_(o.recurrent_constraint),
      bias_constraint_(o.bias_constraint),
      dropout_(o.dropout),
      recurrent_dropout_(o.recurrent_dropout),
      seed_(o.seed) {
  const std::string owner = owner_name.empty() ? std::string("ConvLSTM2DCell") : owner_name;
  if (filters_ <= 0)
    throw std::invalid_argument(owner + " needs a positive `filters` (Keras 1: `nb_filter`), " +
                                std::string("got ") + std::to_string(filters_));
  if (o.kernel_size.empty())
    throw std::invalid_argument(owner + " needs a `kernel_size` (Keras 1: `nb_row`, `nb_col`)");
  kernel_size_ = normalize_tuple(o.kernel_size, 2, 1, owner, "kernel_size");
  strides_ = normalize_tuple(o.strides, 2, 1, owner, "strides");
  dilation_rate_ = normalize_tuple(o.dilation_rate, 2, 1, owner, "dilation_rate");
  padding_ = detail::normalize_padding(o.padding, owner, false);
  data_format_ = K::normalize_data_format(o.data_format);
  activation_fn_ = activation_.resolve();
  recurrent_activation_fn_ = recurrent_activation_.resolve();
  check_rate(dropout_, "dropout", name());
  check_rate(recurrent_dropout_, "recurrent_dropout", name());
  initializers::get(kernel_initializer_);  // unknown names fail here, not at build time
  initializers::get(recurrent_initializer_);
  initializers::get(bias_initializer_);
}

ConvLSTM2DCell::ConvLSTM2DCell(std::int64_t filters, Ints kernel_size, ConvLSTM2DOptions options)
    : ConvLSTM2DCell(with(std::move(options), filters, std::move(kernel_size))) {}

ConvCellGeometry ConvLSTM2DCell::conv_geometry() const {
  return {.filters = filters_,
          .kernel_size = kernel_size_,
          .strides = strides_,
          .dilation_rate = dilation_rate_,
          .padding = padding_,
          .data_format = data_format_};
}

void ConvLSTM2DCell::build(const Shape& input_shape) {
  if (input_shape.size() != 4)
    incompatible_input(input_shape, "expected one step (batch, rows, cols, channels), found ndim=" +
                                        std::to_string(input_shape.size()));
  const std::int64_t channels = data_format_ == "channels_first" ? input_shape[1] : input_shape[3];
  if (channels < 0)
    throw std::invalid_argument(name() +
                                ": the channel dimension of the inputs should be defined. Found "
                                "`None`.");
  const std::int64_t f = filters_, kr = kernel_size_[0], kc = kernel_size_[1];
  kernel_ = add_weight("kernel", {kr, kc, channels, 4 * f}, initializers::get(kernel_initializer_),
                       true, kernel_regularizer_.function(), kernel_constraint_.function());
  recurrent_kernel_ =
      add_weight("recurrent_kernel", {kr, kc, f, 4 * f}, initializers::get(recurrent_initializer_),
                 true, recurrent_regularizer_.function(), recurrent_constraint_.function());
  if (use_bias_) {
    initializers::Initializer init = initializers::get(bias_initializer_);
    if (unit_forget_bias_) {
      // Keras: concatenate(bias_initializer(f), ones(f), bias_initializer(2f)).
      init = [base = init, f](const Shape&, DType dtype) {
        std::vector<double> values = base({f}, dtype).to_vector<double>();
        values.insert(values.end(), static_cast<std::size_t>(f), 1.0);
        std::vector<double> rest = base({2 * f}, dtype).to_vector<double>();
        values.insert(values.end(), rest.begin(), rest.end());
        return Tensor::from_vector(values).astype(dtype);
      };
    }
    bias_ = add_weight("bias", {4 * f}, init, true, bias_regularizer_.function(),
                       bias_constraint_.function());
  }
}

SymbolicTensor ConvLSTM2DCell::call(const SymbolicTensor&) {
  throw std::logic_error("ConvLSTM2DCell " + name() +
                         " is a cell: run it over a sequence with ConvRNN2D(cell), or call "
                         "step(inputs, [h, c])");
}

std::vector<SymbolicTensor> ConvLSTM2DCell::dropout_masks(const SymbolicTensor& batch_ones,
                                                          const Shape& shape, double rate,
                                                          std::uint64_t seed_offset) const {
  Shape one{1};
  one.insert(one.end(), shape.begin(), shape.end());
  SymbolicTensor ones = batch_ones * K::constant(1.0, batch_ones.dtype(), one);
  std::vector<SymbolicTensor> masks;
  for (std::uint64_t g = 0; g < 4; ++g) {
    std::optional<std::uint64_t> seed;
    if (seed_) seed = *seed_ + seed_offset + g;
    masks.push_back(K::in_train_phase(K::dropout(ones, rate, seed), ones));
  }
  return masks;
}

namespace {

// (batch, 1, 1, 1) ones from a tensor whose first axis is the batch.
SymbolicTensor batch_ones_of(const SymbolicTensor& x) {
  SymbolicTensor corner = x;
  for (int axis = 1; axis < x.ndim(); ++axis) corner = K::slice(corner, axis, 0, 1);
  return K::reshape(corner, {-1, 1, 1, 1}) * 0.0 + 1.0;
}

}  // namespace

CellStep ConvLSTM2DCell::step(const SymbolicTensor& inputs,
                              const std::vector<SymbolicTensor>& states) {
  if (states.size() != 2)
    throw std::invalid_argument("ConvLSTM2DCell " + name() + " takes the states [h, c], got " +
                                std::to_string(states.size()) + " states");
  if (!kernel_.defined()) throw std::logic_error("ConvLSTM2DCell " + name() + " is not built");
  const bool first = data_format_ == "channels_first";
  SymbolicTensor x = channels_last(inputs, first);
  SymbolicTensor h = channels_last(states[0], first), c = channels_last(states[1], first);
  // Keras draws the masks once per sequence (start_sequence forgets them).
  if (dropout_ > 0 && input_masks_.empty()) {
    const Shape& s = x.shape();
    input_masks_ = dropout_masks(batch_ones_of(x), {s[1], s[2], s[3]}, dropout_, 0);
  }
  if (recurrent_dropout_ > 0 && recurrent_masks_.empty()) {
    const Shape& s = h.shape();
    recurrent_masks_ = dropout_masks(batch_ones_of(h), {s[1], s[2], s[3]}, recurrent_dropout_, 4);
  }
  detail::ConvLSTMSequence seq{.filters = filters_,
                               .strides = strides_,
                               .dilation_rate = dilation_rate_,
                               .padding = padding_,
                               .activation = activation_fn_,
                               .recurrent_activation = recurrent_activation_fn_};
  SymbolicTensor z = seq.input_conv(x, kernel_, bias_, input_masks_);
  auto [h_new, c_new] = seq.step(z, h, c, recurrent_kernel_, recurrent_masks_);
  SymbolicTensor out = channels_first(h_new, first);
  return {out, {out, channels_first(c_new, first)}};
}

std::vector<SymbolicTensor> ConvLSTM2DCell::sequence(
    const SymbolicTensor& inputs, const SymbolicTensor& step_mask,
    const std::vector<SymbolicTensor>& initial_state, bool state_gradients, bool go_backwards,
    bool return_sequences, std::size_t wanted, const std::string& layer) {
  const bool first = data_format_ == "channels_first";
  // (batch, time, rows, cols, channels)
  SymbolicTensor x = first ? K::permute_dimensions(inputs, {0, 1, 3, 4, 2}) : inputs;
  const Shape& shape = x.shape();
  if (shape[2] < 0 || shape[3] < 0)
    throw std::invalid_argument("Layer " + layer +
                                " needs known rows and columns, got input shape " +
                                shape_to_string(inputs.shape()));
  const Shape out = conv_geometry().output_spatial(shape[2], shape[3]);

  auto sequence = std::make_shared<detail::ConvLSTMSequence>();
  detail::ConvLSTMSequence& seq = *sequence;
  seq.filters = filters_;
  seq.strides = strides_;
  seq.dilation_rate = dilation_rate_;
  seq.padding = padding_;
  seq.activation = activation_fn_;
  seq.recurrent_activation = recurrent_activation_fn_;
  seq.go_backwards = go_backwards;
  seq.return_sequences = return_sequences;
  std::vector<SymbolicTensor> in{x, kernel_, recurrent_kernel_};
  if (use_bias_) {
    seq.bias = true;
    in.push_back(bias_);
  }
  SymbolicTensor batch_ones = batch_ones_of(x);
  if (dropout_ > 0) {
    // Keras: four masks (one per gate) shaped like one step's input, shared by all the steps.
    seq.input_dropout = true;
    for (const SymbolicTensor& m :
         dropout_masks(batch_ones, {shape[2], shape[3], shape[4]}, dropout_, 0))
      in.push_back(K::expand_dims(m, 1));
  }
  if (recurrent_dropout_ > 0) {
    seq.recurrent_dropout = true;
    for (const SymbolicTensor& m :
         dropout_masks(batch_ones, {out[0], out[1], filters_}, recurrent_dropout_, 4))
      in.push_back(m);
  }
  if (step_mask.defined()) {
    seq.mask = true;
    in.push_back(step_mask);
  }
  if (!initial_state.empty()) {
    seq.initial_state = true;
    seq.state_gradients = state_gradients;
    for (const SymbolicTensor& state : initial_state) in.push_back(channels_last(state, first));
  }
  // [output, h, c] (channels_last): unrolled here over known time steps, else traced once per
  // length when the function runs (each output by its own node, which reruns the sequence).
  std::vector<SymbolicTensor> results;
  if (shape[1] >= 0) {
    results = seq(in);
    results.resize(wanted);
  } else {
    for (std::size_t k = 0; k < wanted; ++k) results.push_back(seq.traced(sequence, in, k, layer));
  }
  if (first) {
    results[0] = return_sequences ? K::permute_dimensions(results[0], {0, 1, 4, 2, 3})
                                  : K::to_channels_first(results[0]);
    for (std::size_t k = 1; k < results.size(); ++k) results[k] = K::to_channels_first(results[k]);
  }
  return results;
}

ConvLSTM2DOptions ConvLSTM2DCell::options() const {
  return {.filters = filters_,
          .kernel_size = kernel_size_,
          .strides = strides_,
          .padding = padding_,
          .data_format = data_format_,
          .dilation_rate = dilation_rate_,
          .activation = activation_,
          .recurrent_activation = recurrent_activation_,
          .use_bias = use_bias_,
          .kernel_initializer = kernel_initializer_,
          .recurrent_initializer = recurrent_initializer_,
          .bias_initializer = bias_initializer_,
          .unit_forget_bias = unit_forget_bias_,
          .kernel_regularizer = kernel_regularizer_,
          .recurrent_regularizer = recurrent_regularizer_,
          .bias_regularizer = bias_regularizer_,
          .kernel_constraint = kernel_constraint_,
          .recurrent_constraint = recurrent_constraint_,
          .bias_constraint = bias_constraint_,
          .dropout = dropout_,
          .recurrent_dropout = recurrent_dropout_,
          .seed = seed_};
}

nlohmann::json ConvLSTM2DCell::get_config() const {
  ConvLSTM2DCellArguments arguments;
  static_cast<ConvLSTM2DOptions&>(arguments) = options();
  return detail::config_with_arguments(Layer::get_config(), arguments);
}

std::shared_ptr<Layer> ConvLSTM2DCell::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ConvLSTM2DCell, ConvLSTM2DCellArguments>(config,
                                                                            "ConvLSTM2DCell");
}

// ---- the sequence -----------------------------------------------------------------------------

namespace detail {

SymbolicTensor ConvLSTMSequence::input_conv(const SymbolicTensor& images,
                                            const SymbolicTensor& kernel, const SymbolicTensor& b,
                                            const std::vector<SymbolicTensor>& input_masks) const {
  const std::int64_t f = filters;
  SymbolicTensor z;
  if (!input_masks.empty()) {
    std::vector<SymbolicTensor> gates;
    for (std::int64_t g = 0; g < 4; ++g)
      gates.push_back(K::conv(images * input_masks[static_cast<std::size_t>(g)],
                              K::slice(kernel, 3, g * f, (g + 1) * f), strides, padding,
                              dilation_rate));
    z = K::concatenate(gates, 3);
  } else {
    z = K::conv(images, kernel, strides, padding, dilation_rate);
  }
  return b.defined() ? K::bias_add(z, b, "channels_last") : z;
}

std::pair<SymbolicTensor, SymbolicTensor> ConvLSTMSequence::step(
    const SymbolicTensor& z, const SymbolicTensor& h, const SymbolicTensor& c,
    const SymbolicTensor& recurrent_kernel,
    const std::vector<SymbolicTensor>& recurrent_masks) const {
  const std::int64_t f = filters;
  SymbolicTensor hz;
  if (!recurrent_masks.empty()) {
    std::vector<SymbolicTensor> gates;
    for (std::int64_t g = 0; g < 4; ++g)
      gates.push_back(K::conv(h * recurrent_masks[static_cast<std::size_t>(g)],
                              K::slice(recurrent_kernel, 3, g * f, (g + 1) * f), {1, 1}, "same"));
    hz = K::concatenate(gates, 3);
  } else {
    hz = K::conv(h, recurrent_kernel, {1, 1}, "same");
  }
  SymbolicTensor a = z + hz;
  SymbolicTensor i = recurrent_activation(K::slice(a, 3, 0, f));
  SymbolicTensor fg = recurrent_activation(K::slice(a, 3, f, 2 * f));
  SymbolicTensor cc = activation(K::slice(a, 3, 2 * f, 3 * f));
  SymbolicTensor o = recurrent_activation(K::slice(a, 3, 3 * f, 4 * f));
  SymbolicTensor c_new = fg * c + i * cc;
  return {o * activation(c_new), c_new};
}

std::vector<SymbolicTensor> ConvLSTMSequence::operator()(
    const std::vector<SymbolicTensor>& in) const {
  std::size_t next = 0;
  const SymbolicTensor& x = in[next++];
  const SymbolicTensor& kernel = in[next++];
  const SymbolicTensor& recurrent_kernel = in[next++];
  SymbolicTensor b = bias ? in[next++] : SymbolicTensor();
  std::vector<SymbolicTensor> input_masks, recurrent_masks;
  if (input_dropout)
    for (int g = 0; g < 4; ++g) input_masks.push_back(in[next++]);
  if (recurrent_dropout)
    for (int g = 0; g < 4; ++g) recurrent_masks.push_back(in[next++]);
  SymbolicTensor step_mask = mask ? in[next++] : SymbolicTensor();
  SymbolicTensor h, c;
  if (initial_state) {
    h = in[next++];
    c = in[next++];
  }
  const std::int64_t f = filters, steps = x.shape()[1];
  const std::int64_t rows = x.shape()[2], cols = x.shape()[3], channels = x.shape()[4];

  // The input convolution of every step at once: (batch * time, out_rows, out_cols, 4 filters);
  // the masks (batch, 1, rows, cols, channels) apply to every step.
  SymbolicTensor z;
  if (input_dropout) {
    std::vector<SymbolicTensor> gates;
    for (std::int64_t g = 0; g < 4; ++g)
      gates.push_back(input_conv(
          K::reshape(x * input_masks[static_cast<std::size_t>(g)], {-1, rows, cols, channels}),
          K::slice(kernel, 3, g * f, (g + 1) * f), SymbolicTensor(), {}));
    z = K::concatenate(gates, 3);
    if (b.defined()) z = K::bias_add(z, b, "channels_last");
  } else {
    z = input_conv(K::reshape(x, {-1, rows, cols, channels}), kernel, b, {});
  }
  const std::int64_t out_rows = z.shape()[1], out_cols = z.shape()[2];
  z = K::reshape(z, {-1, steps, out_rows, out_cols, 4 * f});

  auto step_input = [&](std::int64_t t) {
    return K::reshape(K::slice(z, 1, t, t + 1), {-1, out_rows, out_cols, 4 * f});
  };
  if (!initial_state) {
    h = K::slice(step_input(0), 3, 0, f) * 0.0;  // zeros (batch, out_rows, out_cols, filters)
    c = h;
  }
  std::vector<SymbolicTensor> outputs;
  for (std::int64_t k = 0; k < steps; ++k) {
    const std::int64_t t = go_backwards ? steps - 1 - k : k;
    auto [h_new, c_new] = step(step_input(t), h, c, recurrent_kernel, recurrent_masks);
    if (step_mask.defined()) {
      SymbolicTensor m = K::reshape(K::slice(step_mask, 1, t, t + 1), {-1, 1, 1, 1});
      h_new = m * h_new + (1.0 - m) * h;
      c_new = m * c_new + (1.0 - m) * c;
    }
    h = h_new;
    c = c_new;
    if (return_sequences) outputs.push_back(K::expand_dims(h, 1));
  }
  // (batch, time, rows, cols, filters) or the last h
  return {return_sequences ? K::concatenate(outputs, 1) : h, h, c};
}

SymbolicTensor ConvLSTMSequence::traced(const std::shared_ptr<const ConvLSTMSequence>& self,
                                        const std::vector<SymbolicTensor>& in, std::size_t output,
                                        const std::string& layer) const {
  auto graph = std::make_shared<K::TracedGraph>();
  graph->name = layer + (output == 0 ? "/sequence" : (output == 1 ? "/state_h" : "/state_c"));
  graph->build = [self, output](const std::vector<SymbolicTensor>& inputs) {
    return (*self)(inputs).at(output);
  };
  graph->output_shape = [self, output](const std::vector<Shape>& shapes) {
    const Shape& x = shapes.front();
    const Shape& kernel = shapes[1];
    Shape state{x[0]};
    for (std::size_t i = 0; i < 2; ++i)
      state.push_back(layers::detail::conv_output_length(x[2 + i], kernel[i], self->padding,
                                                         self->strides[i], self->dilation_rate[i]));
    state.push_back(self->filters);
    if (output == 0 && self->return_sequences) state.insert(state.begin() + 1, x[1]);
    return state;
  };
  // Gradients reach the inputs and the weights, not the masks, nor the initial states of a
  // stateful layer (its variables).
  graph->differentiable.assign(in.size(), false);
  for (std::size_t i = 0; i < (bias ? 4u : 3u); ++i) graph->differentiable[i] = true;
  if (initial_state && state_gradients)
    graph->differentiable[in.size() - 2] = graph->differentiable[in.size() - 1] = true;
  return K::traced(graph, in);
}

}  // namespace detail

// ---- ConvLSTM2D -------------------------------------------------------------------------------

namespace {

ConvRNN2DOptions sequence_options(const ConvLSTM2DOptions& o) {
  return {.return_sequences = o.return_sequences,
          .return_state = o.return_state,
          .go_backwards = o.go_backwards,
          .stateful = o.stateful,
          .unroll = o.unroll,
          .input_shape = o.input_shape,
          .batch_input_shape = o.batch_input_shape,
          .batch_size = o.batch_size,
          .name = o.name,
          .trainable = o.trainable,
          .weights = o.weights};
}

}  // namespace

ConvLSTM2D::ConvLSTM2D(ConvLSTM2DOptions o) : ConvRNN2D("ConvLSTM2D", sequence_options(o)) {
  ConvLSTM2DOptions cell = o;
  cell.name = name();  // the cell's weights are the layer's: "conv_lst_m2d_1/kernel"
  cell.trainable = true;
  lstm_cell_ = std::make_shared<ConvLSTM2DCell>(std::move(cell), "ConvLSTM2D");
  set_cell(lstm_cell_);
  activity_regularizer_ = o.activity_regularizer;
}

ConvLSTM2D::ConvLSTM2D(std::int64_t filters, Ints kernel_size, ConvLSTM2DOptions options)
    : ConvLSTM2D(with(std::move(options), filters, std::move(kernel_size))) {}
ConvLSTM2D::ConvLSTM2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                       ConvLSTM2DOptions options)
    : ConvLSTM2D(with(std::move(options), nb_filter, {nb_row, nb_col})) {}

ConvLSTM2DOptions ConvLSTM2D::options() const {
  ConvLSTM2DOptions o = lstm_cell_->options();
  o.activity_regularizer = activity_regularizer_;
  o.return_sequences = flags_.return_sequences;
  o.go_backwards = flags_.go_backwards;
  o.stateful = flags_.stateful;
  o.return_state = flags_.return_state;
  return o;
}

nlohmann::json ConvLSTM2D::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options());
}

std::shared_ptr<Layer> ConvLSTM2D::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ConvLSTM2D, ConvLSTM2DOptions>(config, "ConvLSTM2D");
}

}  // namespace keras::layers
