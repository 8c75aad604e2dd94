// TensorFlow's event files for the TensorBoard callback: the TFRecord framing, and the summaries
// TensorFlow's ops would write (histograms with its default buckets, PNG images, a graph).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "keras/tensor/tensor.h"
#include "tfevents/event.pb.h"
#include "tfevents/graph.pb.h"
#include "tfevents/summary.pb.h"

namespace keras {
class Model;
}

namespace keras::callbacks::detail {

// CRC-32C (Castagnoli), the checksum of TFRecord files, and TensorFlow's masked form of it:
// ((crc >> 15) | (crc << 17)) + 0xa282ead8.
std::uint32_t crc32c(const void* data, std::size_t size);
std::uint32_t masked_crc32c(const void* data, std::size_t size);

// One TFRecord: uint64 length (little-endian), masked CRC of the length, the data, masked CRC of
// the data.
std::string tfrecord(const std::string& data);

// Seconds since the epoch, as TensorFlow's wall_time.
double wall_time();

// An event file: creates `log_dir` (and its parents) and events.out.tfevents.<time>.<hostname>
// in it (with ".1", ".2"... added when a writer of the same second made that name already), and
// writes the "brain.Event:2" record first.
class EventFileWriter {
 public:
  explicit EventFileWriter(const std::string& log_dir);
  ~EventFileWriter();
  EventFileWriter(const EventFileWriter&) = delete;
  EventFileWriter& operator=(const EventFileWriter&) = delete;

  // Appends an event (its wall_time set to now when 0).
  void write(tensorflow::Event event);
  void flush();
  void close();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// TensorFlow's histogram summary of `values`: its default bucket limits (+-1e-12 growing by 10%
// up to +-1e20, then +-DBL_MAX, and 0), runs of empty buckets merged. Throws on a NaN or
// infinite value, as TensorFlow's op does ("Nan in summary histogram for: <tag>").
tensorflow::HistogramProto histogram(const std::vector<double>& values, const std::string& tag);

// A grayscale PNG (8 bits, no interlace) of `pixels`, row-major.
std::string encode_png(const std::vector<std::uint8_t>& pixels, int height, int width);

// Keras 2.2.4's write_images: the weight squeezed and shaped into images as the callback does
// (a 2D kernel as one image, wider than tall; a 3D kernel as one image per filter; a bias as a
// one-pixel-wide column), each scaled to 0..255 as TensorFlow's image summary does, at most three
// (tags "<tag>/image/0", "/1", "/2"). None for weights of other ranks.
std::vector<tensorflow::Summary::Value> weight_images(const Tensor& weight, const std::string& tag,
                                                      const std::string& data_format);

// The model for TensorBoard's graph dashboard: one node per layer call (op: the layer's class
// name; a layer called several times gives "<name>_<call>" nodes), inputs from the calls that
// made its input tensors, "_output_shapes" (-1 for unknown sizes) and "dtype" attributes.
tensorflow::GraphDef model_graph(Model& model);

}  // namespace keras::callbacks::detail
