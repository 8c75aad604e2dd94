// One declaration of a layer's arguments. Each layer's options struct lists its Keras 2
// arguments once, in Keras's order, in a static `arguments(schema)` function:
//
//   template <typename Schema>
//   static void arguments(Schema& s) {
//     s.arg("units", &DenseOptions::units, {.required = true, .keras1 = {{"output_dim"}}});
//     s.arg("kernel_initializer", &DenseOptions::kernel_initializer,
//           {.kind = ArgKind::initializer, .keras1 = {{"init"}}});
//   }
//
// Each `Schema` is a visitor that gives the declaration one use: reading a Keras 1 or 2 config
// (a strict from_config: src/layers/schema_config.h), writing get_config (same file), taking
// Python keyword arguments and giving the Python class its signature
// (python/src/layer_schema.h). The C++ member's type says how a value converts; `ArgInfo` says
// the rest: whether it is required, an initializer name, a tuple of `rank` ints, and its Keras 1
// spellings (Keras 2.2.4's legacy/interfaces.py tables). The keywords every layer takes (name,
// trainable, input_shape, batch_input_shape, input_dim, input_length, dtype, batch_size,
// weights) are the shared base schema, not repeated per layer.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace keras::layers::schema {

// A Keras 1 spelling of an argument. `values` maps Keras 1 values to Keras 2 ones
// (dim_ordering 'th' -> 'channels_first'); a value mapped to null means the Keras 2 default.
struct Keras1Name {
  std::string name;
  std::vector<std::pair<std::string, nlohmann::json>> values{};
};

// How an argument's value is spelled beyond its C++ type.
enum class ArgKind {
  plain,
  initializer,  // a std::string holding an initializer name; configs hold {"class_name", ...}
  data_format,  // 'channels_last' / 'channels_first'; Keras 1's dim_ordering values map to it
};

struct ArgInfo {
  bool required = false;  // no default: Python's signature shows it without one
  ArgKind kind = ArgKind::plain;
  std::vector<Keras1Name> keras1{};
  // For std::vector<std::int64_t> members: a single int stands for `rank` copies (Keras's
  // normalize_tuple); 0 is any length, kLayerRank the layer's spatial rank (1 for *1D, ...).
  int rank = 0;
  // The value per axis an empty tuple stands for (pool_size 2, strides 1): Python shows it.
  std::int64_t fill = 0;
};

// ArgInfo::rank of the tuples of layers with one options struct for several ranks (pooling).
inline constexpr int kLayerRank = -1;

// A Keras 1 argument Keras 2 dropped: taken (and ignored) only at the value that means what
// Keras 2 does, as Keras 2.2.4's preprocessors do (BatchNormalization's mode=0); schemas
// declare it with s.keras1_dropped(DroppedKeras1Arg{...}).
struct DroppedKeras1Arg {
  std::string name;
  nlohmann::json accepted;  // null: any value (dropped with Python's warning `why`)
  std::string why;          // the error for other values
};

// Keras 2.2.4's conversion of dim_ordering to data_format.
inline Keras1Name dim_ordering() {
  return {"dim_ordering",
          {{"tf", "channels_last"}, {"th", "channels_first"}, {"default", nullptr}}};
}

}  // namespace keras::layers::schema
