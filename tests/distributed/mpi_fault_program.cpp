// Faults and restarts under keras::distributed, run by CTest in three steps:
//   mpirun -np 2 --enable-recovery mpi_fault_program fault DIR
//       Both ranks train with ModelCheckpoint (rank 0 writes DIR/checkpoint_01.h5, _02.h5); rank 1
//       kills itself (SIGKILL) as epoch 3 begins. --enable-recovery keeps mpirun from ending rank
//       0 at once, as a hung or unreachable process would: rank 0 must fail with
//       keras::distributed's error within KERAS_DISTRIBUTED_TIMEOUT, not hang. Prints "FAULT
//       DETECTED" when it does.
//   mpirun -np 1 mpi_fault_program resume DIR         a new launch, one process: load_model of the
//       last checkpoint, two more epochs; writes DIR/resumed_1.txt.
//   mpirun -np 3 mpi_fault_program resume DIR         three processes: rank 0 loads the last
//       checkpoint, the others the previous one (a stale copy): load_model's broadcast must give
//       every rank rank 0's weights and optimizer state, and the result must be the one process's.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
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

std::vector<double> flat_weights(const Model& model) {
  std::vector<double> flat;
  for (const Tensor& w : model.get_weights())
    for (float v : w.to_vector<float>()) flat.push_back(v);
  if (model.optimizer())
    for (const Tensor& w : model.optimizer()->get_weights())
      for (double v : w.astype(DType::float64).to_vector<double>()) flat.push_back(v);
  return flat;
}

// Rank 1 dies (SIGKILL, no cleanup) as epoch 3 begins; rank 0 notes the time it got there.
class KillRankOne : public callbacks::Callback {
 public:
  void on_epoch_begin(int epoch, callbacks::Logs&) override {
    if (epoch != 2) return;
    if (distributed::rank() == 1) std::raise(SIGKILL);
    reached = std::chrono::steady_clock::now();
  }
  std::chrono::steady_clock::time_point reached = std::chrono::steady_clock::now();
};

int fault(const std::string& dir) {
  auto [x, y] = blobs(1000, 7);
  utils::set_random_seed(5);
  Sequential model;
  model.add(Dense(16, {.activation = "relu", .input_dim = 8}));
  model.add(Dense(3, {.activation = "softmax"}));
  model.compile({.optimizer = optimizers::SGD({.lr = 0.1, .momentum = 0.9}),
                 .loss = "categorical_crossentropy"});
  auto checkpoint = std::make_shared<callbacks::ModelCheckpoint>(
      callbacks::ModelCheckpointOptions{.filepath = dir + "/checkpoint_{epoch:02d}.h5"});
  auto killer = std::make_shared<KillRankOne>();
  try {
    model.fit(x, y,
              {.batch_size = 100, .epochs = 5, .verbose = 0, .callbacks = {checkpoint, killer}});
  } catch (const std::runtime_error& e) {
    const double waited =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - killer->reached).count();
    const std::string message = e.what();
    // The bound: the timeout (5 s in the test) and generous slack for a loaded machine. MPI may
    // also report the lost connection itself, as a failed call.
    const bool ok = message.find("keras::distributed:") == 0 &&
                    (message.find("did not complete within") != std::string::npos ||
                     message.find("failed on rank 0") != std::string::npos) &&
                    waited < 60;
    std::printf("%s after %.1f s: %s\n", ok ? "FAULT DETECTED" : "WRONG ERROR", waited,
                message.c_str());
    std::fflush(stdout);
    return ok ? 0 : 1;
  }
  std::printf("rank %d: fit finished although rank 1 died\n", distributed::rank());
  return 1;
}

int resume(const std::string& dir) {
  const int rank = distributed::rank(), size = distributed::size();
  // A stale copy on the other ranks: load_model must replace it with rank 0's state.
  const std::string file = dir + (rank == 0 ? "/checkpoint_02.h5" : "/checkpoint_01.h5");
  saving::ModelPtr model = models::load_model(file);
  const std::vector<double> loaded = flat_weights(*model);
  check(!loaded.empty() && max_difference(loaded, from_root(loaded)) == 0,
        "the ranks' weights or optimizer states differ after load_model");
  auto [x, y] = blobs(1000, 7);
  utils::set_random_seed(11);  // the shuffling order of the resumed epochs
  auto history =
      model->fit(x, y, {.batch_size = 100, .epochs = 4, .verbose = 0, .initial_epoch = 2});
  check(history.history.at("loss").size() == 2, "the resumed fit did not run epochs 3 and 4");
  const std::vector<double> trained = flat_weights(*model);
  check(max_difference(trained, from_root(trained)) == 0, "the ranks' weights differ after fit");
  const std::string path = dir + "/resumed_" + std::to_string(size) + ".txt";
  if (rank == 0) {
    std::ofstream out(path);
    out.precision(17);
    for (double v : trained) out << v << '\n';
    if (size > 1) {
      std::ifstream in(dir + "/resumed_1.txt");
      std::vector<double> one;
      for (double v; in >> v;) one.push_back(v);
      const double difference = max_difference(trained, one);
      std::printf("%d processes vs one after resuming: largest difference %.3g\n", size,
                  difference);
      check(difference < 2e-5, "the resumed runs of 1 and " + std::to_string(size) +
                                   " processes differ by " + std::to_string(difference));
    }
  }
  double failed = failures;
  distributed::detail::allreduce_sum(&failed, 1);
  if (rank == 0) std::printf(failed == 0 ? "OK\n" : "FAILED\n");
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s fault|resume DIR\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  distributed::init();
  if (mode == "fault") {
    if (distributed::rank() == 0) {
      std::filesystem::remove_all(dir);
      std::filesystem::create_directories(dir);
    }
    double barrier = 0;
    distributed::detail::allreduce_sum(&barrier, 1);
    return fault(dir);
  }
  if (mode == "resume") return resume(dir);
  std::fprintf(stderr, "unknown mode '%s'\n", mode.c_str());
  return 2;
}
