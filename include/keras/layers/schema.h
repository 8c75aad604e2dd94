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

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace keras::layers::schema {

// A Keras 1 spelling of an argument. `values` maps Keras 1 values to Keras 2 ones
// (dim_ordering 'th' -> 'channels_first'); a value mapped to null means the Keras 2 default.
// `part` >= 0: the Keras 1 argument is that element of a tuple argument (Convolution2D's nb_row
// and nb_col together are kernel_size); all the parts come together or none.
struct Keras1Name {
  std::string name;
  std::vector<std::pair<std::string, nlohmann::json>> values{};
  int part = -1;
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
  // For a family of layers of several spatial ranks: the ranks that have the argument (bit r for
  // rank r; 0: all), as ZeroPadding2D has data_format and ZeroPadding1D has not.
  unsigned ranks = 0;
  // A Keras 1 argument without a Keras 2 name that the layer still honours (Deconvolution2D's
  // output_shape): taken by keyword and from configs, written only when set, not in the signature.
  bool keras1_only = false;
  // A keyword the layer takes (Keras's **kwargs of a base class, as ConvLSTM2D's return_state;
  // a key Keras's from_config reads, as RNN's num_constants) and writes in its config unless
  // null, outside its signature.
  bool keyword_only = false;
  // None (null) is a value of its own, not the default: Bidirectional's merge_mode=None. The
  // member is a std::optional whose default is set.
  bool none_is_value = false;
};

inline constexpr unsigned kRanks2And3 = (1u << 2) | (1u << 3);

// Whether an argument exists for a layer of spatial rank `layer_rank` (0: not a family).
inline bool argument_applies(const ArgInfo& info, int layer_rank) {
  return info.ranks == 0 || layer_rank == 0 || (info.ranks & (1u << layer_rank)) != 0;
}

// Keras's padding and cropping arguments of ZeroPadding/Cropping1D-3D: (before, after) per
// spatial dimension.
using PaddingPairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

// Keras's spellings of them, for a layer of spatial rank `rank`: an int (every side), a tuple of
// `rank` ints (symmetric per dimension), a tuple of `rank` (before, after) pairs, a 1D layer's
// (before, after); Keras 1's dicts ({'left_pad', 'right_pad'}, ZeroPadding2D's {'top_pad',
// 'bottom_pad', 'left_pad', 'right_pad'}, missing keys 0) and ZeroPadding2D's 4-tuple (top,
// bottom, left, right). Anything else throws std::invalid_argument naming `what` and the forms.
PaddingPairs padding_pairs(const nlohmann::json& value, int rank, const std::string& what);
// Keras 2's get_config form: (a, b) for 1D, ((a, b), ...) otherwise.
nlohmann::json padding_pairs_json(const PaddingPairs& pairs);

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
