// ConvLSTM2D: Keras 2.2.4's ConvRNN2D over a ConvLSTM2DCell, unrolled over the (static) time
// steps with the backend's convolution ops. The input convolution of every step runs as one
// convolution over (batch * time) images; each step then adds the recurrent convolution of
// h_{t-1} and applies the gates. Everything runs channels_last inside; channels_first inputs,
// outputs and states are transposed at the edges.
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

LayerArguments conv_lstm_arguments(const ConvLSTM2DOptions& o) {
  LayerArguments args = layer_arguments(o);
  args.batch_size = o.batch_size;
  return args;
}

void check_rate(double rate, const char* what, const std::string& layer) {
  if (rate < 0 || rate >= 1)
    throw std::invalid_argument(layer + ": " + what + " must be in [0, 1), got " +
                                std::to_string(rate));
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

  std::vector<SymbolicTensor> operator()(const std::vector<SymbolicTensor>& in) const;
  SymbolicTensor traced(const std::shared_ptr<const ConvLSTMSequence>& self,
                        const std::vector<SymbolicTensor>& in, std::size_t output,
                        const std::string& layer) const;
};

}  // namespace detail

ConvLSTM2D::ConvLSTM2D(ConvLSTM2DOptions o)
    : Layer("ConvLSTM2D", conv_lstm_arguments(o)),
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
      activity_regularizer_(o.activity_regularizer),
      kernel_constraint_(o.kernel_constraint),
      recurrent_constraint_(o.recurrent_constraint),
      bias_constraint_(o.bias_constraint),
      return_sequences_(o.return_sequences),
      go_backwards_(o.go_backwards),
      stateful_(o.stateful),
      return_state_(o.return_state),
      dropout_(o.dropout),
      recurrent_dropout_(o.recurrent_dropout),
      seed_(o.seed) {
  supports_masking_ = true;
  if (filters_ <= 0)
    throw std::invalid_argument("ConvLSTM2D needs a positive `filters` (Keras 1: `nb_filter`), " +
                                std::string("got ") + std::to_string(filters_));
  if (o.kernel_size.empty())
    throw std::invalid_argument("ConvLSTM2D needs a `kernel_size` (Keras 1: `nb_row`, `nb_col`)");
  if (o.unroll)
    throw std::invalid_argument("Unrolling isn't possible with convolutional RNNs. (ConvLSTM2D " +
                                name() + ", unroll=true)");
  kernel_size_ = normalize_tuple(o.kernel_size, 2, 1, "ConvLSTM2D", "kernel_size");
  strides_ = normalize_tuple(o.strides, 2, 1, "ConvLSTM2D", "strides");
  dilation_rate_ = normalize_tuple(o.dilation_rate, 2, 1, "ConvLSTM2D", "dilation_rate");
  padding_ = detail::normalize_padding(o.padding, "ConvLSTM2D", false);
  data_format_ = K::normalize_data_format(o.data_format);
  activation_fn_ = activation_.resolve();
  recurrent_activation_fn_ = recurrent_activation_.resolve();
  check_rate(dropout_, "dropout", name());
  check_rate(recurrent_dropout_, "recurrent_dropout", name());
  initializers::get(kernel_initializer_);  // unknown names fail here, not at build time
  initializers::get(recurrent_initializer_);
  initializers::get(bias_initializer_);
}

ConvLSTM2D::ConvLSTM2D(std::int64_t filters, Ints kernel_size, ConvLSTM2DOptions options)
    : ConvLSTM2D(with(std::move(options), filters, std::move(kernel_size))) {}
ConvLSTM2D::ConvLSTM2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                       ConvLSTM2DOptions options)
    : ConvLSTM2D(with(std::move(options), nb_filter, {nb_row, nb_col})) {}

Shape ConvLSTM2D::spatial_output(const Shape& input_shape) const {
  const bool first = data_format_ == "channels_first";
  Shape out;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::int64_t in = input_shape[(first ? 3 : 2) + i];
    const std::int64_t o =
        detail::conv_output_length(in, kernel_size_[i], padding_, strides_[i], dilation_rate_[i]);
    if (o == 0)
      throw std::invalid_argument(
          name() + ": the kernel " +
          shape_to_string(Shape(kernel_size_.begin(), kernel_size_.end())) + " (dilation " +
          shape_to_string(Shape(dilation_rate_.begin(), dilation_rate_.end())) +
          ") is larger than the input " + shape_to_string(input_shape) + " with padding '" +
          padding_ + "': the output would be empty. Use a smaller kernel or padding='same'.");
    out.push_back(o);
  }
  return out;
}

void ConvLSTM2D::build(const Shape& input_shape) {
  if (input_shape.size() != 5)
    incompatible_input(input_shape,
                       "expected ndim=5, found ndim=" + std::to_string(input_shape.size()));
  const bool first = data_format_ == "channels_first";
  const std::int64_t channels = first ? input_shape[2] : input_shape[4];
  if (channels < 0)
    throw std::invalid_argument(name() +
                                ": the channel dimension of the inputs should be defined. Found "
                                "`None`.");
  const Shape out = spatial_output(input_shape);
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
  if (stateful_) {
    const std::int64_t batch = batch_input_shape() ? (*batch_input_shape())[0] : input_shape[0];
    if (batch < 0 || out[0] < 0 || out[1] < 0)
      throw std::invalid_argument(
          "If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
          "input tensors: pass a `batch_input_shape` (or `batch_size`) argument to the first "
          "layer of your model; the number of rows and columns must be known too (layer " +
          name() + ", input shape " + shape_to_string(input_shape) + ")");
    const Shape state = first ? Shape{batch, f, out[0], out[1]} : Shape{batch, out[0], out[1], f};
    for (const char* which : {"/state_h", "/state_c"})
      states_.push_back(K::variable(Tensor(state, K::floatx()), name() + which));
  }
}

SymbolicTensor ConvLSTM2D::call(const SymbolicTensor& inputs) {
  return call_masked(inputs, {});
}

SymbolicTensor ConvLSTM2D::call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) {
  return run(inputs, mask).front();
}

std::vector<SymbolicTensor> ConvLSTM2D::call_list(const std::vector<SymbolicTensor>& inputs,
                                                  const std::vector<SymbolicTensor>& masks) {
  if (inputs.size() != 1) return Layer::call_list(inputs, masks);  // Keras's error
  return run(inputs.front(), masks.empty() ? SymbolicTensor() : masks.front());
}

std::vector<SymbolicTensor> ConvLSTM2D::run(const SymbolicTensor& inputs,
                                            const SymbolicTensor& mask) {
  const Shape& shape = inputs.shape();
  if (shape.size() != 5)
    incompatible_input(shape, "expected ndim=5, found ndim=" + std::to_string(shape.size()));
  const bool first = data_format_ == "channels_first";
  const std::int64_t channels = first ? shape[2] : shape[4];
  if (channels != kernel_.shape()[2])
    incompatible_input(shape, "expected " + std::to_string(kernel_.shape()[2]) +
                                  " channels on axis " + std::to_string(first ? 2 : 4));
  if (stateful_ && shape[0] >= 0 && shape[0] != states_[0].shape()[0])
    incompatible_input(
        shape, "a stateful layer built for batch size " + std::to_string(states_[0].shape()[0]));
  const Shape out = spatial_output(shape);
  const std::int64_t f = filters_;
  // (batch, time, rows, cols, channels)
  SymbolicTensor x = first ? K::permute_dimensions(inputs, {0, 1, 3, 4, 2}) : inputs;
  if (x.shape()[2] < 0 || x.shape()[3] < 0)
    throw std::invalid_argument("Layer " + name() +
                                " needs known rows and columns, got input shape " +
                                shape_to_string(shape));

  auto sequence = std::make_shared<detail::ConvLSTMSequence>();
  detail::ConvLSTMSequence& seq = *sequence;
  seq.filters = f;
  seq.strides = strides_;
  seq.dilation_rate = dilation_rate_;
  seq.padding = padding_;
  seq.activation = activation_fn_;
  seq.recurrent_activation = recurrent_activation_fn_;
  seq.go_backwards = go_backwards_;
  seq.return_sequences = return_sequences_;
  std::vector<SymbolicTensor> in{x, kernel_, recurrent_kernel_};
  if (use_bias_) {
    seq.bias = true;
    in.push_back(bias_);
  }
  // (batch, 1, 1, 1) ones, from the inputs: the dropout masks' batch dimension.
  SymbolicTensor corner = x;  // x[:, :1, :1, :1, :1]
  for (int axis = 1; axis < 5; ++axis) corner = K::slice(corner, axis, 0, 1);
  SymbolicTensor batch_ones = K::reshape(corner, {-1, 1, 1, 1}) * 0.0 + 1.0;
  if (dropout_ > 0) {
    // Keras: four masks (one per gate) shaped like one step's input, shared by all the steps.
    SymbolicTensor ones = K::expand_dims(
        batch_ones * K::constant(1.0, x.dtype(), {1, x.shape()[2], x.shape()[3], x.shape()[4]}), 1);
    seq.input_dropout = true;
    for (std::int64_t g = 0; g < 4; ++g) {
      std::optional<std::uint64_t> seed;
      if (seed_) seed = *seed_ + static_cast<std::uint64_t>(g);
      in.push_back(K::in_train_phase(K::dropout(ones, dropout_, seed), ones));
    }
  }
  if (recurrent_dropout_ > 0) {
    SymbolicTensor ones = batch_ones * K::constant(1.0, x.dtype(), {1, out[0], out[1], f});
    seq.recurrent_dropout = true;
    for (std::int64_t g = 0; g < 4; ++g) {
      std::optional<std::uint64_t> seed;
      if (seed_) seed = *seed_ + 4 + static_cast<std::uint64_t>(g);
      in.push_back(K::in_train_phase(K::dropout(ones, recurrent_dropout_, seed), ones));
    }
  }
  if (mask.defined()) {
    SymbolicTensor step_mask = K::cast(mask, x.dtype());
    // A mask with more axes than (batch, time) (Masking on 5D inputs): a step counts when any
    // of its entries does.
    while (step_mask.ndim() > 2) step_mask = K::max(step_mask, {-1});
    seq.mask = true;
    in.push_back(step_mask);
  }
  if (stateful_) {
    seq.initial_state = true;
    in.push_back(first ? K::to_channels_last(states_[0]) : states_[0]);
    in.push_back(first ? K::to_channels_last(states_[1]) : states_[1]);
  }

  // [output, h, c] (channels_last): unrolled here over known time steps, else traced once per
  // length when the function runs (each output by its own node, which reruns the sequence).
  std::vector<SymbolicTensor> results;
  const std::size_t wanted = (return_state_ || stateful_) ? 3 : 1;
  if (shape[1] >= 0) {
    results = seq(in);
  } else {
    for (std::size_t k = 0; k < wanted; ++k) results.push_back(seq.traced(sequence, in, k, name()));
  }
  SymbolicTensor h = results.size() > 1 ? results[1] : SymbolicTensor();
  SymbolicTensor c = results.size() > 2 ? results[2] : SymbolicTensor();
  if (stateful_) {
    add_update(states_[0], first ? K::to_channels_first(h) : h, true);
    add_update(states_[1], first ? K::to_channels_first(c) : c, true);
  }
  SymbolicTensor output = results[0];
  if (first)
    output = return_sequences_ ? K::permute_dimensions(output, {0, 1, 4, 2, 3})
                               : K::to_channels_first(output);
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  if (!return_state_) return {output};
  return {output, first ? K::to_channels_first(h) : h, first ? K::to_channels_first(c) : c};
}

namespace detail {

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

  // The input convolution of every step at once: (batch * time, out_rows, out_cols, 4 filters).
  auto input_conv = [&](const SymbolicTensor& images, const SymbolicTensor& w) {
    return K::conv(K::reshape(images, {-1, rows, cols, channels}), w, strides, padding,
                   dilation_rate);
  };
  SymbolicTensor z;
  if (input_dropout) {
    std::vector<SymbolicTensor> gates;
    for (std::int64_t g = 0; g < 4; ++g)
      gates.push_back(input_conv(x * input_masks[static_cast<std::size_t>(g)],
                                 K::slice(kernel, 3, g * f, (g + 1) * f)));
    z = K::concatenate(gates, 3);
  } else {
    z = input_conv(x, kernel);
  }
  if (b.defined()) z = K::bias_add(z, b, "channels_last");
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
    SymbolicTensor hz;
    if (recurrent_dropout) {
      std::vector<SymbolicTensor> gates;
      for (std::int64_t g = 0; g < 4; ++g)
        gates.push_back(K::conv(h * recurrent_masks[static_cast<std::size_t>(g)],
                                K::slice(recurrent_kernel, 3, g * f, (g + 1) * f), {1, 1}, "same"));
      hz = K::concatenate(gates, 3);
    } else {
      hz = K::conv(h, recurrent_kernel, {1, 1}, "same");
    }
    SymbolicTensor a = step_input(t) + hz;
    SymbolicTensor i = recurrent_activation(K::slice(a, 3, 0, f));
    SymbolicTensor fg = recurrent_activation(K::slice(a, 3, f, 2 * f));
    SymbolicTensor cc = activation(K::slice(a, 3, 2 * f, 3 * f));
    SymbolicTensor o = recurrent_activation(K::slice(a, 3, 3 * f, 4 * f));
    SymbolicTensor c_new = fg * c + i * cc;
    SymbolicTensor h_new = o * activation(c_new);
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
  // Gradients reach the inputs and the weights, not the masks and the initial states.
  graph->differentiable.assign(in.size(), false);
  for (std::size_t i = 0; i < (bias ? 4u : 3u); ++i) graph->differentiable[i] = true;
  return K::traced(graph, in);
}

}  // namespace detail

Shape ConvLSTM2D::step_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 5)
    incompatible_input(input_shape,
                       "expected ndim=5, found ndim=" + std::to_string(input_shape.size()));
  const Shape out = spatial_output(input_shape);
  const bool first = data_format_ == "channels_first";
  Shape result{input_shape[0]};
  if (first) result.push_back(filters_);
  result.insert(result.end(), out.begin(), out.end());
  if (!first) result.push_back(filters_);
  return result;
}

Shape ConvLSTM2D::compute_output_shape(const Shape& input_shape) const {
  Shape result = step_output_shape(input_shape);
  if (return_sequences_) result.insert(result.begin() + 1, input_shape[1]);
  return result;
}

std::vector<Shape> ConvLSTM2D::compute_output_shape_list(
    const std::vector<Shape>& input_shapes) const {
  std::vector<Shape> out = Layer::compute_output_shape_list(input_shapes);
  if (return_state_) out.insert(out.end(), 2, step_output_shape(input_shapes.front()));
  return out;
}

std::vector<SymbolicTensor> ConvLSTM2D::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  std::vector<SymbolicTensor> out = Layer::compute_mask_list(inputs, masks);
  if (return_state_) out.resize(3);  // the states carry no mask
  return out;
}

SymbolicTensor ConvLSTM2D::compute_mask(const SymbolicTensor&, const SymbolicTensor& mask) const {
  return return_sequences_ ? mask : SymbolicTensor();
}

void ConvLSTM2D::reset_states() {
  if (!stateful_) throw std::logic_error("Layer " + name() + " must be stateful to reset states.");
  for (const auto& state : states_) {
    Tensor value = K::get_value(state);
    K::set_value(state, Tensor(value.shape(), value.dtype()));
  }
}

ConvLSTM2DOptions ConvLSTM2D::options() const {
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
          .activity_regularizer = activity_regularizer_,
          .kernel_constraint = kernel_constraint_,
          .recurrent_constraint = recurrent_constraint_,
          .bias_constraint = bias_constraint_,
          .return_sequences = return_sequences_,
          .go_backwards = go_backwards_,
          .stateful = stateful_,
          .dropout = dropout_,
          .recurrent_dropout = recurrent_dropout_,
          .return_state = return_state_,
          .seed = seed_};
}

nlohmann::json ConvLSTM2D::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options());
}

std::shared_ptr<Layer> ConvLSTM2D::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ConvLSTM2D, ConvLSTM2DOptions>(config, "ConvLSTM2D");
}

}  // namespace keras::layers
