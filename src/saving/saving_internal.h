// Pieces of the saving module shared by its files (HDF5 models, weights, .keras archives).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/saving/saving.h"
#include "saving/atomic_file.h"
#include "saving/hdf5.h"

namespace keras::saving {

// What files say wrote them: Keras 2.2.4's layout. The backend attribute names TensorFlow
// because weights follow its conventions (channels_last, correlation kernels), which is what
// Keras's loader checks it for.
inline constexpr const char* kKerasVersion = "2.2.4";
inline constexpr const char* kBackendAttr = "tensorflow";

namespace detail {

// Counts a write step; throws when fail_save_at_step names it.
void write_step(const std::string& what);
// write_file_atomically (atomic_file.h) with the steps counted for fail_save_at_step.
void atomic_write(const std::string& filepath, bool overwrite,
                  const std::function<void(const std::string& temp_path)>& write);

void save_weights_to_group(h5::Group& group, const Model& model);
void load_weights_from_group(const h5::Group& group, Model& model);
void load_weights_from_group_by_name(const h5::Group& group, Model& model, bool skip_mismatch);
// preprocess_weights_for_loading: in saving.h (public, as Keras's keras.engine.saving).
// Keras 2.2.4's _convert_rnn_weights: weights of `cls` ("LSTM", "CuDNNLSTM", "GRU", "CuDNNGRU";
// others are returned as they are) saved from any of LSTM, CuDNNLSTM (bias of 8 * units),
// GRU(reset_after=True) or CuDNNGRU (6 * units) converted to the layout of `cls`; `config` is the
// target layer's (GRU's reset_after). Throws std::invalid_argument for a bias of another shape,
// and for GRU(reset_after=False) weights from or into the others, as Keras.
std::vector<Tensor> convert_rnn_weights(const std::string& cls, const nlohmann::json& config,
                                        std::vector<Tensor> weights, const std::string& where);
std::vector<Tensor> cast_to(const std::vector<Tensor>& values,
                            const std::vector<SymbolicTensor>& symbolic);

// Keras 3's weights layout (a .keras archive's model.weights.h5, and the .weights.h5 files of
// Keras 3's and tf.keras 2.13+'s save_weights): /layers/<snake_case name>/vars/<i>, nested for
// recurrent layers (.../cell/vars), wrappers and models (keras_archive.cpp).
void save_keras3_weights(h5::Group& root, const Model& model);
void load_keras3_weights(const h5::Group& root, Model& model);
// The compiled model's optimizer state from Keras 3's variable list (iteration, learning_rate,
// slots in Keras 3's order); one that does not fit leaves the optimizer fresh, with a warning.
void restore_keras3_optimizer(Model& model, const std::vector<Tensor>& vars,
                              const std::string& path);

nlohmann::json training_config(const Model& model);
void compile_from_training_config(Model& model, const nlohmann::json& config,
                                  const CustomObjects& custom_objects, const std::string& path);

}  // namespace detail
}  // namespace keras::saving

namespace keras::saving {
// Keras 3's .keras archives (keras_archive.cpp).
bool is_keras_archive(const std::string& filepath);
void save_keras_archive(const Model& model, const std::string& filepath, bool overwrite,
                        bool include_optimizer);
ModelPtr load_keras_archive(const std::string& filepath, const CustomObjects& custom_objects,
                            bool compile);
}  // namespace keras::saving
