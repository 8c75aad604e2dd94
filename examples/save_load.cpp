// Saving and loading as in Keras: summary, checkpoints during fit, whole-model files that resume
// training, weights-only files, architectures as JSON/YAML, Keras 3 archives and a picture.
#include <cstdio>
#include <filesystem>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;

int main() {
  auto [x, y] = [] {
    Tensor x({256, 20});
    std::vector<std::int64_t> labels(256);
    for (std::int64_t i = 0; i < 256; ++i) {
      for (std::int64_t j = 0; j < 20; ++j)
        x.data<float>()[i * 20 + j] = static_cast<float>(((i * 31 + j * 17) % 23) / 23.0 - 0.5);
      labels[static_cast<std::size_t>(i)] = (i * 7) % 3;
    }
    return std::make_pair(x, utils::to_categorical(Tensor::from_vector(labels), 3));
  }();

  Sequential model;
  model.add(Dense(32, {.activation = "relu", .input_dim = 20}));
  model.add(Dropout(0.2));
  model.add(Dense(3, {.activation = "softmax"}));
  model.compile({.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  model.summary();

  const std::string dir =
      (std::filesystem::temp_directory_path() / "keras_save_load_example").string();
  std::filesystem::create_directories(dir);
  auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>(
      dir + "/weights.{epoch:02d}-{val_loss:.2f}.h5",
      callbacks::ModelCheckpointOptions{
          .monitor = "val_loss", .verbose = 1, .save_best_only = true});
  model.fit(x, y,
            {.batch_size = 32,
             .epochs = 3,
             .verbose = 0,
             .callbacks = {checkpoint},
             .validation_split = 0.25});

  model.save(dir + "/model.h5");  // Keras 2's HDF5 layout, optimizer included
  auto restored = models::load_model(dir + "/model.h5");
  restored->fit(x, y, {.batch_size = 32, .epochs = 4, .verbose = 0, .initial_epoch = 3});
  std::printf("restored model: loss %.4f\n", restored->evaluate(x, y, {.verbose = 0})[0]);

  model.save_weights(dir + "/weights.h5");
  auto same_architecture = models::model_from_json(model.to_json());
  same_architecture->load_weights(dir + "/weights.h5");
  std::printf("YAML:\n%.200s...\n", model.to_yaml().c_str());
  model.save(dir + "/model.keras");  // Keras 3's archive
  std::printf("%s", utils::model_to_dot(model, /*show_shapes=*/true).c_str());
  return 0;
}
