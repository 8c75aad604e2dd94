// Conv1D/2D/3D, SeparableConv2D and Conv2DTranspose: Keras's _Conv with both argument spellings.
// The convolution runs channels_last; channels_first inputs are transposed around it. Bias and
// activation are applied before transposing back, so the cpu compiler fuses them into the conv.
#include <algorithm>
#include <stdexcept>

#include "keras/initializers.h"
#include "keras/layers/convolutional.h"
#include "layers/config_json.h"
#include "layers/convolutional/conv_util.h"

namespace keras::layers {

namespace {

using detail::normalize_tuple;

ConvOptions with(ConvOptions o, std::int64_t filters, Ints kernel_size) {
  o.filters = filters;
  o.kernel_size = std::move(kernel_size);
  return o;
}

Ints keras1_kernel(const ConvOptions& o, int rank) {
  if (rank == 1 && o.filter_length > 0) return {o.filter_length};
  if (rank == 2 && o.nb_row > 0 && o.nb_col > 0) return {o.nb_row, o.nb_col};
  return {};
}

Ints keras1_strides(const ConvOptions& o, int rank) {
  if (!o.strides.empty()) return o.strides;
  if (!o.subsample.empty()) return o.subsample;
  if (rank == 1 && o.subsample_length > 0) return {o.subsample_length};
  return {};
}

nlohmann::json initializer_config(const std::string& name) {
  return initializers::serialize(name);
}

// A Keras 1 config (Convolution1D/2D/3D, AtrousConvolution, Deconvolution2D) in Keras 2's keys, as
// Keras 2.2.4's legacy interfaces convert the arguments; Keras 2 keys present win.
nlohmann::json keras2_conv_config(const nlohmann::json& c) {
  nlohmann::json d = c;
  auto rename = [&](const char* keras1, const char* keras2) {
    if (d.contains(keras1) && !d.contains(keras2)) d[keras2] = d[keras1];
  };
  rename("nb_filter", "filters");
  if (!d.contains("kernel_size")) {
    if (d.contains("filter_length"))
      d["kernel_size"] = Ints{d["filter_length"].get<std::int64_t>()};
    else if (d.contains("nb_row") && d.contains("nb_col"))
      d["kernel_size"] = Ints{d["nb_row"].get<std::int64_t>(), d["nb_col"].get<std::int64_t>()};
    else if (d.contains("kernel_dim1") && d.contains("kernel_dim2") && d.contains("kernel_dim3"))
      d["kernel_size"] =
          Ints{d["kernel_dim1"].get<std::int64_t>(), d["kernel_dim2"].get<std::int64_t>(),
               d["kernel_dim3"].get<std::int64_t>()};
  }
  if (!d.contains("strides")) {
    if (d.contains("subsample"))
      d["strides"] = d["subsample"];
    else if (d.contains("subsample_length"))
      d["strides"] = Ints{d["subsample_length"].get<std::int64_t>()};
  }
  rename("border_mode", "padding");
  if (d.contains("dim_ordering") && !d.contains("data_format")) {
    const std::string ordering = d["dim_ordering"].get<std::string>();
    if (ordering == "th")
      d["data_format"] = "channels_first";
    else if (ordering == "tf")
      d["data_format"] = "channels_last";
    else if (ordering != "default")
      throw std::invalid_argument(
          "from_config: dim_ordering must be 'th', 'tf' or 'default', got '" + ordering + "'");
  }
  if (d.contains("atrous_rate") && !d.contains("dilation_rate"))
    d["dilation_rate"] = d["atrous_rate"].is_number()
                             ? nlohmann::json(Ints{d["atrous_rate"].get<std::int64_t>()})
                             : d["atrous_rate"];
  rename("bias", "use_bias");
  if (d.contains("init") && !d.contains("kernel_initializer"))
    d["kernel_initializer"] =
        d["init"].is_string() ? initializer_config(d["init"].get<std::string>()) : d["init"];
  rename("W_regularizer", "kernel_regularizer");
  rename("b_regularizer", "bias_regularizer");
  rename("W_constraint", "kernel_constraint");
  rename("b_constraint", "bias_constraint");
  return d;
}

ConvOptions options_from_config(const nlohmann::json& c) {
  ConvOptions o;
  detail::base_options_from_config(c, o);
  o.filters = c.at("filters").get<std::int64_t>();
  o.kernel_size = c.at("kernel_size").get<Ints>();
  if (c.contains("strides")) o.strides = c.at("strides").get<Ints>();
  if (c.contains("padding")) o.padding = c.at("padding").get<std::string>();
  if (c.contains("data_format") && !c.at("data_format").is_null())
    o.data_format = c.at("data_format").get<std::string>();
  if (c.contains("dilation_rate")) o.dilation_rate = c.at("dilation_rate").get<Ints>();
  if (c.contains("depth_multiplier")) o.depth_multiplier = c.at("depth_multiplier");
  if (c.contains("output_padding") && !c.at("output_padding").is_null())
    o.output_padding = c.at("output_padding").get<Ints>();
  if (c.contains("output_shape") && !c.at("output_shape").is_null()) {
    // Keras 1's Deconvolution2D: (None, rows, cols, filters) or (None, filters, rows, cols).
    const nlohmann::json& v = c.at("output_shape");
    if (!v.is_array())
      throw std::invalid_argument(
          "Deconvolution2D.from_config: 'output_shape' must be a list, got " +
          saving::detail::config_excerpt(v));
    Shape shape;
    for (const auto& d : v) shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
    o.output_shape = shape;
  }
  if (c.contains("activation")) o.activation = c.at("activation").get<std::string>();
  if (c.contains("use_bias")) o.use_bias = c.at("use_bias").get<bool>();
  if (c.contains("kernel_regularizer"))
    o.kernel_regularizer = regularizers::from_config(c.at("kernel_regularizer"));
  if (c.contains("bias_regularizer"))
    o.bias_regularizer = regularizers::from_config(c.at("bias_regularizer"));
  if (c.contains("activity_regularizer"))
    o.activity_regularizer = regularizers::from_config(c.at("activity_regularizer"));
  if (c.contains("kernel_constraint"))
    o.kernel_constraint = constraints::from_config(c.at("kernel_constraint"));
  if (c.contains("bias_constraint"))
    o.bias_constraint = constraints::from_config(c.at("bias_constraint"));
  return o;
}

template <typename L>
std::shared_ptr<Layer> conv_from_config(const nlohmann::json& config) {
  const nlohmann::json c = keras2_conv_config(config);
  auto layer = std::make_shared<L>(options_from_config(c));
  struct Access : L {
    static void set(L& l, const nlohmann::json& c) {
      for (auto [key, member] : {std::pair{"kernel_initializer", &Access::kernel_init_},
                                 std::pair{"depthwise_initializer", &Access::depthwise_init_},
                                 std::pair{"pointwise_initializer", &Access::pointwise_init_},
                                 std::pair{"bias_initializer", &Access::bias_init_}})
        if (c.contains(key)) {
          initializers::from_config(c.at(key));  // validates
          l.*member = c.at(key);
        }
    }
  };
  Access::set(*layer, c);
  return layer;
}

}  // namespace

Conv::Conv(const std::string& class_name, int rank, ConvOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      rank_(rank),
      filters_(o.filters != 0 ? o.filters : o.nb_filter),
      depth_multiplier_(o.depth_multiplier),
      activation_(o.activation),
      activation_fn_(o.activation.resolve()),
      use_bias_(o.bias.value_or(o.use_bias)),
      kernel_regularizer_(o.W_regularizer ? o.W_regularizer : o.kernel_regularizer),
      bias_regularizer_(o.b_regularizer ? o.b_regularizer : o.bias_regularizer),
      activity_regularizer_(o.activity_regularizer),
      kernel_constraint_(o.W_constraint ? o.W_constraint : o.kernel_constraint),
      bias_constraint_(o.b_constraint ? o.b_constraint : o.bias_constraint) {
  if (filters_ <= 0)
    throw std::invalid_argument(class_name +
                                " needs a positive `filters` (Keras 1: `nb_filter`), got " +
                                std::to_string(filters_));
  Ints k = o.kernel_size.empty() ? keras1_kernel(o, rank) : o.kernel_size;
  if (k.empty())
    throw std::invalid_argument(class_name + " needs a `kernel_size`" +
                                (rank == 1   ? std::string(" (Keras 1: `filter_length`)")
                                 : rank == 2 ? std::string(" (Keras 1: `nb_row`, `nb_col`)")
                                             : std::string()));
  kernel_size_ = normalize_tuple(k, rank, 1, class_name, "kernel_size");
  strides_ = normalize_tuple(keras1_strides(o, rank), rank, 1, class_name, "strides");
  dilation_rate_ = normalize_tuple(o.dilation_rate.empty() ? o.atrous_rate : o.dilation_rate, rank,
                                   1, class_name, "dilation_rate");
  padding_ = detail::normalize_padding(o.padding.empty() ? o.border_mode : o.padding, class_name,
                                       rank == 1);
  data_format_ = K::normalize_data_format(o.data_format.empty() ? o.dim_ordering : o.data_format);
  if (!o.output_padding.empty())
    output_padding_ = normalize_tuple(o.output_padding, rank, 0, class_name, "output_padding");
  if (depth_multiplier_ < 1)
    throw std::invalid_argument(class_name + ": `depth_multiplier` must be positive");
  kernel_init_ = initializer_config(o.init.empty() ? o.kernel_initializer : o.init);
  depthwise_init_ = initializer_config(o.depthwise_initializer);
  pointwise_init_ = initializer_config(o.pointwise_initializer);
  bias_init_ = initializer_config(o.bias_initializer);
}

std::int64_t Conv::channel_axis(std::size_t rank) const {
  return data_format_ == "channels_first" ? 1 : static_cast<std::int64_t>(rank) - 1;
}

void Conv::build(const Shape& input_shape) {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  std::int64_t channels = input_shape[static_cast<std::size_t>(channel_axis(input_shape.size()))];
  if (channels < 0)
    throw std::invalid_argument(name() +
                                ": the channel dimension of the inputs should be defined. Found "
                                "`None`.");
  compute_output_shape(input_shape);  // a kernel larger than the input fails here
  build_kernels(channels);
}

void Conv::build_kernels(std::int64_t in_channels) {
  Shape shape(kernel_size_.begin(), kernel_size_.end());
  shape.push_back(in_channels);
  shape.push_back(filters_);
  kernel_ = add_weight("kernel", shape, initializers::from_config(kernel_init_), true,
                       kernel_regularizer_.function(), kernel_constraint_.function());
  if (use_bias_)
    bias_ = add_weight("bias", {filters_}, initializers::from_config(bias_init_), true,
                       bias_regularizer_.function(), bias_constraint_.function());
}

SymbolicTensor Conv::convolve(const SymbolicTensor& x) {
  return K::conv(x, kernel_, strides_, padding_, dilation_rate_);
}

SymbolicTensor Conv::call(const SymbolicTensor& inputs) {
  if (inputs.ndim() != rank_ + 2)
    incompatible_input(inputs.shape(), "expected ndim=" + std::to_string(rank_ + 2) +
                                           ", found ndim=" + std::to_string(inputs.ndim()));
  const bool first = data_format_ == "channels_first";
  SymbolicTensor x = first ? K::to_channels_last(inputs) : inputs;
  SymbolicTensor y = convolve(x);
  if (use_bias_) y = K::bias_add(y, bias_, "channels_last");
  y = activation_fn_(y);
  if (first) y = K::to_channels_first(y);
  if (activity_regularizer_) add_loss(activity_regularizer_(y));
  return y;
}

Shape Conv::spatial_output(const Shape& spatial) const {
  Shape out;
  for (int i = 0; i < rank_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    out.push_back(detail::conv_output_length(spatial[u], kernel_size_[u], padding_, strides_[u],
                                             dilation_rate_[u]));
  }
  return out;
}

void Conv::check_fits(const Shape& input_shape) const {
  throw std::invalid_argument(
      name() + ": the kernel " + shape_to_string(Shape(kernel_size_.begin(), kernel_size_.end())) +
      " (dilation " + shape_to_string(Shape(dilation_rate_.begin(), dilation_rate_.end())) +
      ") is larger than the input " + shape_to_string(input_shape) + " with padding '" + padding_ +
      "': the output would be empty. Use a smaller kernel or padding='same'.");
}

Shape Conv::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const bool first = data_format_ == "channels_first";
  Shape spatial(input_shape.begin() + (first ? 2 : 1), input_shape.end() - (first ? 0 : 1));
  Shape out_spatial = spatial_output(spatial);
  for (auto d : out_spatial)
    if (d == 0 || d < -1) check_fits(input_shape);
  Shape out{input_shape[0]};
  if (first) out.push_back(filters_);
  out.insert(out.end(), out_spatial.begin(), out_spatial.end());
  if (!first) out.push_back(filters_);
  return out;
}

nlohmann::json Conv::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["filters"] = filters_;
  config["kernel_size"] = kernel_size_;
  config["strides"] = strides_;
  config["padding"] = padding_;
  config["data_format"] = data_format_;
  config["dilation_rate"] = dilation_rate_;
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = kernel_init_;
  config["bias_initializer"] = bias_init_;
  config["kernel_regularizer"] = kernel_regularizer_.get_config();
  config["bias_regularizer"] = bias_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["kernel_constraint"] = kernel_constraint_.get_config();
  config["bias_constraint"] = bias_constraint_.get_config();
  return config;
}

// ---- Conv1D / Conv2D / Conv3D ------------------------------------------------------------------

Conv1D::Conv1D(ConvOptions options) : Conv("Conv1D", 1, std::move(options)) {}
Conv1D::Conv1D(std::int64_t filters, std::int64_t kernel_size, ConvOptions options)
    : Conv1D(with(std::move(options), filters, {kernel_size})) {}
std::shared_ptr<Layer> Conv1D::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv1D>(config);
}

Conv2D::Conv2D(ConvOptions options) : Conv("Conv2D", 2, std::move(options)) {}
Conv2D::Conv2D(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv2D(with(std::move(options), filters, std::move(kernel_size))) {}
Conv2D::Conv2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
               ConvOptions options)
    : Conv2D(with(std::move(options), nb_filter, {nb_row, nb_col})) {}
std::shared_ptr<Layer> Conv2D::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv2D>(config);
}

Conv3D::Conv3D(ConvOptions options) : Conv("Conv3D", 3, std::move(options)) {}
Conv3D::Conv3D(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv3D(with(std::move(options), filters, std::move(kernel_size))) {}
std::shared_ptr<Layer> Conv3D::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv3D>(config);
}

Conv1D AtrousConvolution1D(std::int64_t nb_filter, std::int64_t filter_length,
                           ConvOptions options) {
  return Conv1D(nb_filter, filter_length, std::move(options));
}
Conv2D AtrousConvolution2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                           ConvOptions options) {
  return Conv2D(nb_filter, nb_row, nb_col, std::move(options));
}

// ---- SeparableConv2D ---------------------------------------------------------------------------

SeparableConv2D::SeparableConv2D(ConvOptions options)
    : Conv("SeparableConv2D", 2, std::move(options)) {}
SeparableConv2D::SeparableConv2D(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : SeparableConv2D(with(std::move(options), filters, std::move(kernel_size))) {}

void SeparableConv2D::build_kernels(std::int64_t in_channels) {
  kernel_ = add_weight("depthwise_kernel",
                       {kernel_size_[0], kernel_size_[1], in_channels, depth_multiplier_},
                       initializers::from_config(depthwise_init_), true);
  pointwise_kernel_ =
      add_weight("pointwise_kernel", {1, 1, in_channels * depth_multiplier_, filters_},
                 initializers::from_config(pointwise_init_), true);
  if (use_bias_)
    bias_ = add_weight("bias", {filters_}, initializers::from_config(bias_init_), true,
                       bias_regularizer_.function(), bias_constraint_.function());
}

SymbolicTensor SeparableConv2D::convolve(const SymbolicTensor& x) {
  return K::separable_conv2d(x, kernel_, pointwise_kernel_, strides_, padding_, "channels_last",
                             dilation_rate_);
}

nlohmann::json SeparableConv2D::get_config() const {
  nlohmann::json config = Conv::get_config();
  config.erase("kernel_initializer");
  config.erase("kernel_regularizer");
  config.erase("kernel_constraint");
  config["depth_multiplier"] = depth_multiplier_;
  config["depthwise_initializer"] = depthwise_init_;
  config["pointwise_initializer"] = pointwise_init_;
  config["depthwise_regularizer"] = nullptr;
  config["pointwise_regularizer"] = nullptr;
  config["depthwise_constraint"] = nullptr;
  config["pointwise_constraint"] = nullptr;
  return config;
}

std::shared_ptr<Layer> SeparableConv2D::from_config(const nlohmann::json& config) {
  return conv_from_config<SeparableConv2D>(config);
}

// ---- Conv2DTranspose ---------------------------------------------------------------------------

Conv2DTranspose::Conv2DTranspose(ConvOptions options)
    : Conv("Conv2DTranspose", 2, options), output_shape_(options.output_shape) {
  if (output_shape_) {
    const Shape& s = *output_shape_;
    if (s.size() != 4)
      throw std::invalid_argument(name() +
                                  ": output_shape must have 4 entries (batch, rows, cols, "
                                  "filters), or (batch, filters, rows, cols) for channels_first; "
                                  "got " +
                                  shape_to_string(s));
    const std::int64_t channels = data_format_ == "channels_first" ? s[1] : s[3];
    if (channels >= 0 && channels != filters_)
      throw std::invalid_argument(name() + ": output_shape " + shape_to_string(s) + " has " +
                                  std::to_string(channels) + " channels, but the layer has " +
                                  std::to_string(filters_) + " filters (nb_filter)");
  }
  for (auto d : dilation_rate_)
    if (d != 1)
      throw std::invalid_argument(name() +
                                  ": dilation_rate other than 1 is not supported by "
                                  "Conv2DTranspose");
  for (std::size_t i = 0; i < output_padding_.size(); ++i)
    if (output_padding_[i] >= strides_[i])
      throw std::invalid_argument(name() + ": stride " + std::to_string(strides_[i]) +
                                  " must be greater than output padding " +
                                  std::to_string(output_padding_[i]));
}
Conv2DTranspose::Conv2DTranspose(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv2DTranspose(with(std::move(options), filters, std::move(kernel_size))) {}
Conv2DTranspose::Conv2DTranspose(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                                 Shape output_shape, ConvOptions options)
    : Conv2DTranspose([&] {
        options.output_shape = std::move(output_shape);
        return with(std::move(options), nb_filter, {nb_row, nb_col});
      }()) {}

void Conv2DTranspose::build(const Shape& input_shape) {
  Conv::build(input_shape);  // checks output_shape against the input (spatial_output)
  if (!output_shape_) return;
  // Keras 2 has no output_shape: the same output comes from output_padding (deconv_length),
  // which get_config writes when the shape differs from the one Keras 2 infers.
  const bool first = data_format_ == "channels_first";
  Ints padding;
  bool inferred_shape = true;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::int64_t in = input_shape[(first ? 2 : 1) + i], k = kernel_size_[i], s = strides_[i],
                       out = (*output_shape_)[(first ? 2 : 1) + i];
    if (in < 0) return;
    const std::int64_t inferred =
        padding_ == "valid" ? in * s + std::max<std::int64_t>(k - s, 0) : in * s;
    inferred_shape = inferred_shape && out == inferred;
    const std::int64_t pad = padding_ == "same" ? k / 2 : 0;
    padding.push_back(out - ((in - 1) * s + k - 2 * pad));
    if (padding.back() < 0 || padding.back() >= s) return;  // not expressible in Keras 2
  }
  if (!inferred_shape) output_padding_ = padding;
}

void Conv2DTranspose::build_kernels(std::int64_t in_channels) {
  kernel_ = add_weight("kernel", {kernel_size_[0], kernel_size_[1], filters_, in_channels},
                       initializers::from_config(kernel_init_), true,
                       kernel_regularizer_.function(), kernel_constraint_.function());
  if (use_bias_)
    bias_ = add_weight("bias", {filters_}, initializers::from_config(bias_init_), true,
                       bias_regularizer_.function(), bias_constraint_.function());
}

// Keras's deconv_length, or Keras 1's output_shape.
Shape Conv2DTranspose::spatial_output(const Shape& spatial) const {
  if (output_shape_) {
    const bool first = data_format_ == "channels_first";
    Shape out{(*output_shape_)[first ? 2 : 1], (*output_shape_)[first ? 3 : 2]};
    for (std::size_t i = 0; i < 2; ++i) {
      const std::int64_t in = spatial[i], k = kernel_size_[i], s = strides_[i];
      if (out[i] < 0)
        throw std::invalid_argument(name() + ": output_shape " + shape_to_string(*output_shape_) +
                                    " must give the rows and columns");
      if (in < 0) continue;
      // The sizes a convolution with this kernel, stride and padding takes back to `in`.
      const std::int64_t low = padding_ == "valid" ? (in - 1) * s + k : (in - 1) * s + 1;
      const std::int64_t high = padding_ == "valid" ? in * s + k - 1 : in * s;
      if (out[i] < low || out[i] > high)
        throw std::invalid_argument(
            name() + ": output_shape " + shape_to_string(*output_shape_) +
            " does not fit the input: a transposed convolution of " + std::to_string(in) + " " +
            (i == 0 ? "rows" : "columns") + " with kernel size " + std::to_string(k) + ", stride " +
            std::to_string(s) + " and padding '" + padding_ + "' has " +
            (low == high ? std::to_string(low)
                         : "from " + std::to_string(low) + " to " + std::to_string(high)) +
            " " + (i == 0 ? "rows" : "columns") + ", not " + std::to_string(out[i]));
    }
    return out;
  }
  Shape out;
  for (std::size_t i = 0; i < 2; ++i) {
    std::int64_t in = spatial[i], k = kernel_size_[i], s = strides_[i];
    if (in < 0) {
      out.push_back(-1);
      continue;
    }
    if (output_padding_.empty()) {
      out.push_back(padding_ == "valid" ? in * s + std::max<std::int64_t>(k - s, 0) : in * s);
    } else {
      std::int64_t pad = padding_ == "same" ? k / 2 : 0;
      out.push_back((in - 1) * s + k - 2 * pad + output_padding_[i]);
    }
  }
  return out;
}

SymbolicTensor Conv2DTranspose::convolve(const SymbolicTensor& x) {
  Shape out = spatial_output({x.shape()[1], x.shape()[2]});
  if (out[0] < 0 || out[1] < 0)
    throw std::invalid_argument(name() + ": needs known spatial input dimensions, got " +
                                shape_to_string(x.shape()));
  return K::conv2d_transpose(x, kernel_, {x.shape()[0], out[0], out[1], filters_}, strides_,
                             padding_, "channels_last");
}

nlohmann::json Conv2DTranspose::get_config() const {
  nlohmann::json config = Conv::get_config();
  config["output_padding"] =
      output_padding_.empty() ? nlohmann::json(nullptr) : nlohmann::json(output_padding_);
  if (output_shape_) config["output_shape"] = detail::shape_json(*output_shape_);
  return config;
}

std::shared_ptr<Layer> Conv2DTranspose::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv2DTranspose>(config);
}

}  // namespace keras::layers
