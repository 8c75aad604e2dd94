// Data-parallel training on several processes (keras::distributed, MPI), Horovod-style: the
// fashion_mnist_mlp model on N processes, each computing the gradients of its shard of every
// global batch of 128. Rank 0 prints and writes a checkpoint after every epoch; a job that died
// resumes from one, with the same or another number of processes.
//
//   mpirun -np 2 ./distributed_mnist                     two processes on this machine
//   mpirun -np 4 --hostfile hosts ./distributed_mnist    four processes on the machines of `hosts`
//   mpirun -np 3 ./distributed_mnist 5 "" distributed_mnist_02.h5   resume after epoch 2
//
// Usage: distributed_mnist [epochs (default 5)] [dataset directory] [checkpoint to resume from]
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include <keras/distributed.h>
#include <keras/keras.h>

using namespace keras;
using namespace keras::layers;

int main(int argc, char** argv) {
  // The one call that makes fit data-parallel (without it: one process, as fashion_mnist_mlp).
  distributed::init();
  const bool root = distributed::rank() == 0;
  const int epochs = argc > 1 ? std::atoi(argv[1]) : 5;
  const std::string path = argc > 2 ? argv[2] : "";
  const std::string resume_from = argc > 3 ? argv[3] : "";
  if (root)
    std::printf("%d processes (this is rank %d, local rank %d)\n", distributed::size(),
                distributed::rank(), distributed::local_rank());
  utils::set_random_seed(1337);  // rank 0's weights and shuffling seed are broadcast anyway

  // Every process loads the whole data set; fit gives each its shard of every batch.
  auto [train, test] = datasets::fashion_mnist::load_data(path);
  auto [x_train, y_train] = train;
  auto [x_test, y_test] = test;
  x_train = x_train.reshape({60000, 784});
  x_test = x_test.reshape({10000, 784});
  for (Tensor* x : {&x_train, &x_test})
    for (std::int64_t i = 0; i < x->numel(); ++i) x->data<float>()[i] /= 255.0f;
  y_train = utils::to_categorical(y_train, 10);
  y_test = utils::to_categorical(y_test, 10);

  std::shared_ptr<Model> model;
  int initial_epoch = 0;
  if (!resume_from.empty()) {
    // Every process loads the checkpoint; rank 0's weights and optimizer state win.
    model = models::load_model(resume_from);
    std::smatch epoch;
    if (std::regex_search(resume_from, epoch, std::regex("_(\\d+)\\.h5$")))
      initial_epoch = std::stoi(epoch[1]);
  } else {
    auto sequential = std::make_shared<Sequential>();
    sequential->add(Dense(512, {.activation = "relu", .input_shape = Shape{784}}));
    sequential->add(Dropout(0.2));
    sequential->add(Dense(512, {.activation = "relu"}));
    sequential->add(Dropout(0.2));
    sequential->add(Dense(10, {.activation = "softmax"}));
    sequential->compile({.optimizer = optimizers::RMSprop(),
                         .loss = "categorical_crossentropy",
                         .metrics = {"accuracy"}});
    model = sequential;
  }

  // Written by rank 0 only; the epoch in the name tells a resumed job where to start.
  auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>(
      callbacks::ModelCheckpointOptions{.filepath = "distributed_mnist_{epoch:02d}.h5"});
  model->fit(x_train, y_train,
             {.batch_size = 128,  // the global batch: 128 / N rows per process
              .epochs = epochs,
              .verbose = 1,  // the progress bar of rank 0
              .callbacks = {checkpoint},
              .validation_data = std::pair{x_test, y_test},
              .initial_epoch = initial_epoch});
  // Averaged over the test samples of all processes: the same on every rank.
  std::vector<double> score = model->evaluate(x_test, y_test, {.verbose = 0});
  if (root) std::printf("Test loss: %.4f\nTest accuracy: %.4f\n", score[0], score[1]);
  return 0;
}
