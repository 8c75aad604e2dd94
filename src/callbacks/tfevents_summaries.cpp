// The summaries of the TensorBoard callback: histograms and images as TensorFlow's summary ops
// make them, and the model's graph.
#include <zlib.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <utility>

#include "callbacks/tfevents.h"
#include "keras/engine/training.h"

namespace keras::callbacks::detail {

namespace {

// TensorFlow's histogram::Histogram default limits (tensorflow/core/lib/histogram/histogram.cc).
const std::vector<double>& default_bucket_limits() {
  static const std::vector<double> limits = [] {
    std::vector<double> positive;
    for (double v = 1.0e-12; v < 1.0e20; v *= 1.1) positive.push_back(v);
    positive.push_back(DBL_MAX);
    std::vector<double> all;
    for (auto it = positive.rbegin(); it != positive.rend(); ++it) all.push_back(-*it);
    all.push_back(0.0);
    all.insert(all.end(), positive.begin(), positive.end());
    return all;
  }();
  return limits;
}

void put_be32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((value >> shift) & 0xFFu));
}

void png_chunk(std::string& out, const char* type, const std::string& data) {
  put_be32(out, static_cast<std::uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  put_be32(out, static_cast<std::uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(body.data()),
                                                 static_cast<uInt>(body.size()))));
}

// TensorFlow's NormalizeFloatImage (summary_image_op.cc) for one single-channel image: all
// values >= 0 scale to max -> 255; otherwise 0 goes to 128 and the largest magnitude to 127
// away from it; non-finite pixels take the first channel of the default bad color (255).
std::vector<std::uint8_t> normalize_image(const std::vector<double>& values) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values)
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  const float kZeroThreshold = 1e-6f;
  float scale = 0.0f, offset = 0.0f;
  if (lo < 0) {
    const float max_val =
        std::max(std::abs(static_cast<float>(lo)), std::abs(static_cast<float>(hi)));
    scale = max_val < kZeroThreshold ? 0.0f : 127.0f / max_val;
    offset = 128.0f;
  } else {
    scale = static_cast<float>(hi) < kZeroThreshold ? 0.0f : 255.0f / static_cast<float>(hi);
  }
  std::vector<std::uint8_t> pixels(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    pixels[i] = std::isfinite(values[i])
                    ? static_cast<std::uint8_t>(static_cast<float>(values[i]) * scale + offset)
                    : std::uint8_t{255};
  return pixels;
}

tensorflow::DataType data_type(DType dtype) {
  switch (dtype) {
    case DType::float32:
      return tensorflow::DT_FLOAT;
    case DType::float64:
      return tensorflow::DT_DOUBLE;
    case DType::int32:
      return tensorflow::DT_INT32;
    case DType::int64:
      return tensorflow::DT_INT64;
  }
  return tensorflow::DT_INVALID;
}

}  // namespace

tensorflow::HistogramProto histogram(const std::vector<double>& values, const std::string& tag) {
  const std::vector<double>& limits = default_bucket_limits();
  std::vector<double> counts(limits.size(), 0.0);
  double lo = DBL_MAX, hi = -DBL_MAX, sum = 0.0, sum_squares = 0.0;
  for (double v : values) {
    if (!std::isfinite(v))
      throw std::invalid_argument(std::string(std::isnan(v) ? "Nan" : "Infinity") +
                                  " in summary histogram for: " + tag);
    // The bucket whose limit is the first one greater than v (TensorFlow's upper_bound).
    counts[static_cast<std::size_t>(std::upper_bound(limits.begin(), limits.end(), v) -
                                    limits.begin())] += 1.0;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    sum += v;
    sum_squares += v * v;
  }
  tensorflow::HistogramProto proto;
  proto.set_min(lo);
  proto.set_max(hi);
  proto.set_num(static_cast<double>(values.size()));
  proto.set_sum(sum);
  proto.set_sum_squares(sum_squares);
  // TensorFlow's EncodeToProto(preserve_zero_buckets=false): a run of empty buckets becomes one,
  // with the run's last limit.
  for (std::size_t i = 0; i < counts.size();) {
    double end = limits[i], count = counts[i];
    ++i;
    if (count <= 0.0)
      while (i < counts.size() && counts[i] <= 0.0) end = limits[i++];
    proto.add_bucket_limit(end);
    proto.add_bucket(count);
  }
  return proto;
}

std::string encode_png(const std::vector<std::uint8_t>& pixels, int height, int width) {
  if (height <= 0 || width <= 0 ||
      pixels.size() != static_cast<std::size_t>(height) * static_cast<std::size_t>(width))
    throw std::invalid_argument("encode_png: " + std::to_string(pixels.size()) + " pixels for a " +
                                std::to_string(height) + "x" + std::to_string(width) + " image");
  std::string raw;  // each row starts with filter type 0 (none)
  raw.reserve(pixels.size() + static_cast<std::size_t>(height));
  for (int r = 0; r < height; ++r) {
    raw.push_back('\0');
    raw.append(reinterpret_cast<const char*>(pixels.data()) + static_cast<std::size_t>(r) * width,
               static_cast<std::size_t>(width));
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    throw std::runtime_error("encode_png: zlib could not compress the image");
  packed.resize(packed_size);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  put_be32(header, static_cast<std::uint32_t>(width));
  put_be32(header, static_cast<std::uint32_t>(height));
  header += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bits, grayscale, deflate, no interlace
  png_chunk(png, "IHDR", header);
  png_chunk(png, "IDAT", packed);
  png_chunk(png, "IEND", "");
  return png;
}

std::vector<tensorflow::Summary::Value> weight_images(const Tensor& weight, const std::string& tag,
                                                      const std::string& data_format) {
  Shape squeezed;
  for (std::int64_t d : weight.shape())
    if (d != 1) squeezed.push_back(d);
  const std::vector<double> values = weight.to_vector<double>();
  // The images as (count, height, width) and the value at (image, row, column).
  std::int64_t count = 1, height = 0, width = 0;
  std::function<double(std::int64_t, std::int64_t, std::int64_t)> at;
  if (squeezed.size() == 2) {  // a dense kernel: one image, transposed to be wider than tall
    const std::int64_t rows = squeezed[0], cols = squeezed[1];
    const bool transpose = rows > cols;
    height = transpose ? cols : rows;
    width = transpose ? rows : cols;
    at = [&values, cols, transpose](std::int64_t, std::int64_t r, std::int64_t c) {
      return transpose ? values[static_cast<std::size_t>(c * cols + r)]
                       : values[static_cast<std::size_t>(r * cols + c)];
    };
  } else if (squeezed.size() == 3) {  // a convolution kernel: one image per filter
    const Shape s = squeezed;
    if (data_format == "channels_last") {  // (a, b, filters) -> filters images of a x b
      count = s[2];
      height = s[0];
      width = s[1];
      at = [&values, s](std::int64_t i, std::int64_t r, std::int64_t c) {
        return values[static_cast<std::size_t>((r * s[1] + c) * s[2] + i)];
      };
    } else {
      count = s[0];
      height = s[1];
      width = s[2];
      at = [&values, s](std::int64_t i, std::int64_t r, std::int64_t c) {
        return values[static_cast<std::size_t>((i * s[1] + r) * s[2] + c)];
      };
    }
  } else if (squeezed.size() == 1) {  // a bias: a column
    height = squeezed[0];
    width = 1;
    at = [&values](std::int64_t, std::int64_t r, std::int64_t) {
      return values[static_cast<std::size_t>(r)];
    };
  } else {
    return {};  // Keras skips 3D convolution kernels and scalars
  }
  std::vector<tensorflow::Summary::Value> images;
  // tf.summary.image's max_outputs=3.
  for (std::int64_t i = 0; i < std::min<std::int64_t>(count, 3); ++i) {
    std::vector<double> image;
    image.reserve(static_cast<std::size_t>(height * width));
    for (std::int64_t r = 0; r < height; ++r)
      for (std::int64_t c = 0; c < width; ++c) image.push_back(at(i, r, c));
    tensorflow::Summary::Value value;
    value.set_tag(tag + "/image/" + std::to_string(i));
    auto* png = value.mutable_image();
    png->set_height(static_cast<int>(height));
    png->set_width(static_cast<int>(width));
    png->set_colorspace(1);
    png->set_encoded_image_string(
        encode_png(normalize_image(image), static_cast<int>(height), static_cast<int>(width)));
    images.push_back(std::move(value));
  }
  return images;
}

tensorflow::GraphDef model_graph(Model& model) {
  // The calls (layer, node index) between the model's inputs and outputs, inputs first.
  using Call = std::pair<const Layer*, int>;
  std::vector<Call> order;
  std::set<Call> seen;
  std::map<Call, const LayerNode*> nodes;
  std::map<const Layer*, std::vector<int>> calls_of;
  std::function<void(const KerasTensor&)> visit = [&](const KerasTensor& tensor) {
    const KerasHistory* history = tensor.keras_history();
    if (!history || !history->layer) return;
    const Call call{history->layer.get(), history->node_index};
    if (!seen.insert(call).second) return;
    const auto& layer_nodes = history->layer->inbound_nodes();
    if (call.second < 0 || call.second >= static_cast<int>(layer_nodes.size())) return;
    const LayerNode& node = layer_nodes[static_cast<std::size_t>(call.second)];
    for (const auto& input : node.input_tensors) visit(input);
    nodes[call] = &node;
    calls_of[call.first].push_back(call.second);
    order.push_back(call);
  };
  for (const auto& output : model.outputs()) visit(output);

  auto node_name = [&](const Call& call) {
    const auto& calls = calls_of[call.first];
    if (calls.size() == 1 || call.second == 0) return call.first->name();
    return call.first->name() + "_" + std::to_string(call.second);
  };
  tensorflow::GraphDef graph;
  graph.mutable_versions()->set_producer(27);
  for (const Call& call : order) {
    const LayerNode& node = *nodes[call];
    tensorflow::NodeDef* def = graph.add_node();
    def->set_name(node_name(call));
    def->set_op(call.first->class_name());
    for (const auto& input : node.input_tensors) {
      const KerasHistory* history = input.keras_history();
      if (!history || !history->layer) continue;
      std::string source = node_name({history->layer.get(), history->node_index});
      if (history->tensor_index > 0) {
        source += ':';
        source += std::to_string(history->tensor_index);
      }
      def->add_input(source);
    }
    auto& attrs = *def->mutable_attr();
    auto* shapes = attrs["_output_shapes"].mutable_list();
    for (const Shape& shape : node.output_shapes) {
      auto* proto = shapes->add_shape();
      for (std::int64_t d : shape) proto->add_dim()->set_size(d < 0 ? -1 : d);
    }
    for (const auto& weak : node.output_tensors)
      if (auto out = weak.lock()) {
        attrs["dtype"].set_type(data_type(out->dtype));
        break;
      }
  }
  return graph;
}

}  // namespace keras::callbacks::detail
