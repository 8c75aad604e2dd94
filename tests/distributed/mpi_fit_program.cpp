// Data-parallel fit against one process, run by CTest in two steps:
//   mpi_fit_program reference DIR                  one process: writes DIR/reference.txt
//   mpirun -np 2 mpi_fit_program distributed DIR   two processes, compared with the reference
// Both train the same MLP (seed 1234) with global batch 128 on 1001 samples (the last batch of
// 105 rows splits 52 / 53: the gradient average is weighted by rows) until EarlyStopping stops
// them after 3 epochs, ReduceLROnPlateau halving the learning rate on the way, then fit again
// with a callback that stops training mid-epoch on the last process only. Two processes must
// give the one-process weights, epoch losses, learning rates and evaluate results to float
// tolerance, the same values on both ranks (every rank stopped when the one process did), and
// only rank 0 writes its CSVLogger file. Rank 1 starts from other weights and another shuffling
// seed: fit's broadcast from rank 0 must replace them.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "distributed/collectives.h"
#include "keras/distributed.h"
#include "keras/keras.h"
#include "mpi_program.h"

using namespace keras;
using namespace keras::layers;
using namespace keras::mpi_testing;

namespace {

// Stops training after the third batch on the last process only (each process's own decision,
// as a callback reading the clock or a local file would make it).
class LastProcessStops : public callbacks::Callback {
 public:
  void on_batch_end(int batch, callbacks::Logs&) override {
    if (batch == 2 && distributed::rank() == distributed::size() - 1) model()->stop_training = true;
  }
};

// Every weight, then the epoch losses, val_losses, learning rates, the evaluate results and the
// second fit's losses, flattened.
struct Run {
  std::vector<double> weights, history;
};

// The CSVLogger writes `log`, the TensorBoard callback the folder `log` + "_tb".
Run train(const std::string& log, std::uint64_t seed) {
  utils::set_random_seed(seed);
  Sequential model;
  model.add(Dense(16, {.activation = "relu", .input_dim = 8}));
  model.add(Dense(3, {.activation = "softmax"}));
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1, .momentum = 0.9}),
                 .loss = "categorical_crossentropy",
                 .metrics = {"accuracy"}});
  auto [x, y] = blobs(1001, 7);
  auto [x_val, y_val] = blobs(101, 8);
  auto logger =
      std::make_shared<callbacks::CSVLogger>(callbacks::CSVLoggerOptions{.filename = log});
  auto board = std::make_shared<callbacks::TensorBoard>(
      callbacks::TensorBoardOptions{.log_dir = log + "_tb"});
  // No epoch improves val_loss by 1: EarlyStopping stops after epoch 3 of 6; the loss does not
  // fall by 1 either: ReduceLROnPlateau halves the rate after epochs 2 and 3. Both decide on the
  // epoch logs, which hold the metrics reduced over the processes.
  auto stopping = std::make_shared<callbacks::EarlyStopping>(
      callbacks::EarlyStoppingOptions{.monitor = "val_loss", .min_delta = 1, .patience = 2});
  auto plateau = std::make_shared<callbacks::ReduceLROnPlateau>(callbacks::ReduceLROnPlateauOptions{
      .monitor = "loss", .factor = 0.5, .patience = 1, .min_delta = 1});
  auto history = model.fit(x, y,
                           {.batch_size = 128,
                            .epochs = 6,
                            .verbose = 1,
                            .callbacks = {logger, board, stopping, plateau},
                            .validation_data = std::pair<Arrays, Arrays>{x_val, y_val}});
  check(history.history.at("loss").size() == 3,
        "EarlyStopping ran " + std::to_string(history.history.at("loss").size()) +
            " epochs, expected 3");
  Run run;
  for (const char* key : {"loss", "acc", "val_loss", "val_acc", "lr"})
    for (double v : history.history.at(key)) run.history.push_back(v);
  for (double v : model.evaluate(x_val, y_val, {.batch_size = 50, .verbose = 0}))
    run.history.push_back(v);
  auto stopped = model.fit(x, y,
                           {.batch_size = 128,
                            .epochs = 2,
                            .verbose = 0,
                            .callbacks = {std::make_shared<LastProcessStops>()}});
  check(stopped.history.at("loss").size() == 1, "the second fit did not stop in its first epoch");
  for (double v : stopped.history.at("loss")) run.history.push_back(v);
  for (const Tensor& w : model.get_weights())
    for (float v : w.to_vector<float>()) run.weights.push_back(v);
  return run;
}

void write(const std::string& path, const Run& run) {
  std::ofstream out(path);
  out.precision(17);
  out << run.weights.size() << ' ' << run.history.size() << '\n';
  for (double v : run.weights) out << v << '\n';
  for (double v : run.history) out << v << '\n';
}

Run read(const std::string& path) {
  std::ifstream in(path);
  std::size_t weights = 0, history = 0;
  in >> weights >> history;
  Run run{std::vector<double>(weights), std::vector<double>(history)};
  for (double& v : run.weights) in >> v;
  for (double& v : run.history) in >> v;
  if (!in) throw std::runtime_error("cannot read " + path);
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s reference|distributed DIR\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  if (mode == "reference") {
    std::filesystem::create_directories(dir);
    write(dir + "/reference.txt", train(dir + "/reference_log.csv", 1234));
    return 0;
  }
  distributed::init();
  const int rank = distributed::rank();
  check(distributed::size() == 2,
        "expected 2 processes, got " + std::to_string(distributed::size()));
  check(distributed::local_rank() == rank, "one machine: local_rank() == rank()");
  if (rank == 0) {
    for (const char* name :
         {"/log_rank0.csv", "/log_rank1.csv", "/log_rank0.csv_tb", "/log_rank1.csv_tb"})
      std::filesystem::remove_all(dir + name);
  }
  double barrier = 0;
  distributed::detail::allreduce_sum(&barrier, 1);
  const Run run = train(dir + "/log_rank" + std::to_string(rank) + ".csv",
                        1234 + 99 * static_cast<std::uint64_t>(rank));
  check(max_difference(run.weights, from_root(run.weights)) == 0,
        "the ranks' weights differ after fit");
  check(max_difference(run.history, from_root(run.history)) == 0,
        "the ranks' reduced losses and metrics differ");
  distributed::detail::allreduce_sum(&barrier, 1);
  if (rank == 0) {
    const Run reference = read(dir + "/reference.txt");
    const double weights = max_difference(run.weights, reference.weights);
    const double history = max_difference(run.history, reference.history);
    std::printf("largest difference to one process: weights %.3g, losses and metrics %.3g\n",
                weights, history);
    check(weights < 2e-5, "weights differ from one process's by " + std::to_string(weights));
    check(history < 2e-5, "losses differ from one process's by " + std::to_string(history));
    check(reference.history[0] > reference.history[2], "the loss did not decrease");
    check(std::abs(reference.history[13] - 0.1) < 1e-6 &&
              std::abs(reference.history[14] - 0.05) < 1e-6,
          "ReduceLROnPlateau did not halve the learning rate after epoch 2");
    check(std::filesystem::exists(dir + "/log_rank0.csv"), "rank 0 wrote no CSVLogger file");
    check(!std::filesystem::exists(dir + "/log_rank1.csv"), "rank 1 wrote its CSVLogger file");
    check(std::filesystem::exists(dir + "/log_rank0.csv_tb"), "rank 0 wrote no TensorBoard files");
    check(!std::filesystem::exists(dir + "/log_rank1.csv_tb"), "rank 1 wrote TensorBoard files");
  }
  double failed = failures;
  distributed::detail::allreduce_sum(&failed, 1);
  if (rank == 0) std::printf(failed == 0 ? "OK\n" : "FAILED\n");
  return failed == 0 ? 0 : 1;
}
