// Conv2DTranspose with Keras 1's Deconvolution2D(nb_filter, nb_row, nb_col, output_shape): the
// output rows and columns output_shape gives, written back as Keras 2's output_padding where
// that says the same.
#include <algorithm>
#include <stdexcept>

#include "keras/layers/convolutional.h"
#include "layers/convolutional/conv_util.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

ConvOptions deconvolution_options(ConvOptions o, std::int64_t nb_filter, std::int64_t nb_row,
                                  std::int64_t nb_col, Shape output_shape) {
  o.filters = nb_filter;
  o.kernel_size = {nb_row, nb_col};
  o.output_shape = std::move(output_shape);
  return o;
}

}  // namespace

namespace detail {

std::int64_t keras1_deconv_length(const Conv& layer, std::int64_t in, std::int64_t k,
                                  std::int64_t s, int i) {
  const ConvOptions& c = layer.options();
  const Shape& shape = *c.output_shape;
  const bool first = c.data_format == "channels_first";
  const std::int64_t out = shape[static_cast<std::size_t>(i + (first ? 2 : 1))];
  const char* what = i == 0 ? "rows" : "columns";
  if (out < 0)
    throw std::invalid_argument(layer.name() + ": output_shape " + shape_to_string(shape) +
                                " must give the rows and columns");
  if (in < 0) return out;
  // The sizes a convolution with this kernel, stride and padding takes back to `in`.
  const std::int64_t low = c.padding == "valid" ? (in - 1) * s + k : (in - 1) * s + 1;
  const std::int64_t high = c.padding == "valid" ? in * s + k - 1 : in * s;
  if (out < low || out > high)
    throw std::invalid_argument(
        layer.name() + ": output_shape " + shape_to_string(shape) +
        " does not fit the input: a transposed convolution of " + std::to_string(in) + " " + what +
        " with kernel size " + std::to_string(k) + ", stride " + std::to_string(s) +
        " and padding '" + c.padding + "' has " +
        (low == high ? std::to_string(low)
                     : "from " + std::to_string(low) + " to " + std::to_string(high)) +
        " " + what + ", not " + std::to_string(out));
  return out;
}

}  // namespace detail

Conv2DTranspose::Conv2DTranspose(ConvOptions options)
    : Conv("Conv2DTranspose", 2, ConvKind::transpose, std::move(options)) {
  if (!options_.output_shape) return;
  Shape& s = *options_.output_shape;
  if (s.size() == 3) s.insert(s.begin(), -1);  // given without the batch axis
  if (s.size() != 4)
    throw std::invalid_argument(name() +
                                ": output_shape must have 4 entries (batch, rows, cols, "
                                "filters), or (batch, filters, rows, cols) for channels_first, "
                                "or the 3 of them after the batch axis; got " +
                                shape_to_string(s));
  const std::int64_t channels = options_.data_format == "channels_first" ? s[1] : s[3];
  if (channels >= 0 && channels != options_.filters)
    throw std::invalid_argument(name() + ": output_shape " + shape_to_string(s) + " has " +
                                std::to_string(channels) + " channels, but the layer has " +
                                std::to_string(options_.filters) + " filters (nb_filter)");
}
Conv2DTranspose::Conv2DTranspose(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv2DTranspose([&] {
        options.filters = filters;
        options.kernel_size = std::move(kernel_size);
        return std::move(options);
      }()) {}
Conv2DTranspose::Conv2DTranspose(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                                 Shape output_shape, ConvOptions options)
    : Conv2DTranspose(deconvolution_options(std::move(options), nb_filter, nb_row, nb_col,
                                            std::move(output_shape))) {}

void Conv2DTranspose::build(const Shape& input_shape) {
  Conv::build(input_shape);  // checks output_shape against the input (spatial_output)
  if (!options_.output_shape) return;
  // Keras 2 has no output_shape: the same output comes from output_padding (deconv_length),
  // which get_config writes when the shape differs from the one Keras 2 infers.
  const bool first = options_.data_format == "channels_first";
  Ints padding;
  bool inferred_shape = true;
  for (std::size_t i = 0; i < 2; ++i) {
    const std::int64_t in = input_shape[(first ? 2 : 1) + i], k = options_.kernel_size[i],
                       s = options_.strides[i], out = (*options_.output_shape)[(first ? 2 : 1) + i];
    if (in < 0) return;
    const std::int64_t inferred =
        options_.padding == "valid" ? in * s + std::max<std::int64_t>(k - s, 0) : in * s;
    inferred_shape = inferred_shape && out == inferred;
    const std::int64_t pad = options_.padding == "same" ? k / 2 : 0;
    padding.push_back(out - ((in - 1) * s + k - 2 * pad));
    if (padding.back() < 0 || padding.back() >= s) return;  // not expressible in Keras 2
  }
  if (!inferred_shape) options_.output_padding = padding;
}

std::shared_ptr<Layer> Conv2DTranspose::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Conv2DTranspose, ConvTransposeSchema<2>>(config,
                                                                            "Conv2DTranspose");
}

}  // namespace keras::layers
