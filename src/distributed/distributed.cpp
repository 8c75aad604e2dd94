// keras::distributed on MPI (KERAS_HAVE_MPI), or as one process without it. All collectives run
// on MPI_COMM_WORLD from the thread that runs the compiled functions (MPI_THREAD_SERIALIZED).
// Every collective is non-blocking and waited for with a deadline (KERAS_DISTRIBUTED_TIMEOUT):
// a process that died, hangs or left the training loop turns into an error on the others
// instead of a silent hang.
#include "keras/distributed.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>

#include "distributed/collectives.h"

#ifdef KERAS_HAVE_MPI
#include <mpi.h>
#endif

namespace keras::distributed {

namespace {

struct State {
  bool initialized = false;
  bool started_mpi = false;  // init called MPI_Init (not the program or mpi4py)
  int rank = 0;
  int size = 1;
  int local_rank = 0;
  double gradient_weight = 1.0;
  double timeout = 300;  // seconds; 0: wait forever
  // A collective failed or timed out: the processes are out of step, later collectives fail at
  // once and MPI is aborted at exit (MPI_Finalize would wait for the lost process).
  std::string failure;
  double collective_seconds = 0;
};

State& state() {
  static State s;
  return s;
}

#ifdef KERAS_HAVE_MPI
double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Adds the time spent in collectives (the benchmark's allreduce fraction) on return.
class CollectiveTimer {
 public:
  CollectiveTimer() : start_(std::chrono::steady_clock::now()) {}
  ~CollectiveTimer() { state().collective_seconds += seconds_since(start_); }
  CollectiveTimer(const CollectiveTimer&) = delete;
  CollectiveTimer& operator=(const CollectiveTimer&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};

[[noreturn]] void fail(const std::string& what) {
  State& s = state();
  s.failure = what;
  std::fprintf(stderr, "%s\n", what.c_str());
  throw std::runtime_error(what);
}

void check_not_failed(const char* call) {
  const State& s = state();
  if (!s.failure.empty())
    throw std::runtime_error(std::string("keras::distributed: ") + call +
                             " after an earlier collective failed (" + s.failure +
                             "); the processes are out of step: restart the job");
}

double timeout_from_environment() {
  const char* value = std::getenv("KERAS_DISTRIBUTED_TIMEOUT");
  if (!value || !*value) return 300;
  char* end = nullptr;
  const double seconds = std::strtod(value, &end);
  if (end == value || *end != '\0' || !(seconds >= 0))
    throw std::invalid_argument(
        std::string("KERAS_DISTRIBUTED_TIMEOUT must be a number of seconds >= 0 (0: no limit), "
                    "got '") +
        value + "'");
  return seconds;
}

void check_mpi(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  fail(std::string("keras::distributed: ") + call + " failed on rank " +
       std::to_string(state().rank) + ": " + std::string(text, static_cast<std::size_t>(length)));
}

// Polls `request` until it completes or the timeout passes (MPI's own waits block forever when
// a peer is gone): spinning at first, as MPI does, then sleeping so that a waiting process
// leaves the cores to the others.
void wait_for(MPI_Request& request, const char* call) {
  const State& s = state();
  const auto start = std::chrono::steady_clock::now();
  for (long polls = 0;; ++polls) {
    int done = 0;
    check_mpi(MPI_Test(&request, &done, MPI_STATUS_IGNORE), call);
    if (done) return;
    if (polls < 2000) continue;
    if (s.timeout > 0 && seconds_since(start) > s.timeout) {
      char waited[32];
      std::snprintf(waited, sizeof waited, "%g", s.timeout);
      fail(std::string("keras::distributed: ") + call + " did not complete within " + waited +
           " s on rank " + std::to_string(s.rank) + " of " + std::to_string(s.size) +
           ": another process has died, hangs, or left training early (raise "
           "KERAS_DISTRIBUTED_TIMEOUT if a step, a checkpoint or data loading on one process "
           "takes longer); resume from the last checkpoint");
    }
    std::this_thread::sleep_for(std::chrono::microseconds(polls < 20000 ? 1 : 100));
  }
}

// MPI_Finalize waits for every process: after a failure it would hang on the lost one, so the
// job is aborted instead (mpirun then ends the processes that are left).
void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (finalized) return;
  if (!state().failure.empty()) {
    std::fflush(nullptr);
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  if (state().started_mpi) MPI_Finalize();
}

template <typename T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<float>() {
  return MPI_FLOAT;
}
template <>
MPI_Datatype mpi_type<double>() {
  return MPI_DOUBLE;
}
#endif

}  // namespace

bool built_with_mpi() {
#ifdef KERAS_HAVE_MPI
  return true;
#else
  return false;
#endif
}

void init() {
  State& s = state();
  if (s.initialized) return;
#ifdef KERAS_HAVE_MPI
  s.timeout = timeout_from_environment();
  int already = 0;
  check_mpi(MPI_Initialized(&already), "MPI_Initialized");
  if (!already) {
    int provided = 0;
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided),
              "MPI_Init_thread");
    s.started_mpi = true;
  }
  std::atexit(&finalize_at_exit);
  // Errors come back as codes (thrown as exceptions) instead of aborting the job.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &s.rank), "MPI_Comm_rank");
  check_mpi(MPI_Comm_size(MPI_COMM_WORLD, &s.size), "MPI_Comm_size");
  MPI_Comm node = MPI_COMM_NULL;
  check_mpi(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, s.rank, MPI_INFO_NULL, &node),
            "MPI_Comm_split_type");
  check_mpi(MPI_Comm_rank(node, &s.local_rank), "MPI_Comm_rank");
  MPI_Comm_free(&node);
  s.initialized = true;
#else
  throw std::runtime_error(
      "keras::distributed::init: this keras.cpp was built without MPI; rebuild with "
      "-DKERAS_WITH_MPI=ON (Debian: apt-get install libopenmpi-dev openmpi-bin)");
#endif
}

bool initialized() {
  return state().initialized;
}
int rank() {
  return state().rank;
}
int size() {
  return state().size;
}
int local_rank() {
  return state().local_rank;
}

void init_from_environment() {
  const char* value = std::getenv("KERAS_DISTRIBUTED");
  if (!value || !*value) return;
  if (std::string(value) != "mpi")
    throw std::invalid_argument(std::string("KERAS_DISTRIBUTED must be 'mpi' or unset, got '") +
                                value + "'");
  init();
}

namespace detail {

void allreduce_sum([[maybe_unused]] double* values, std::size_t n) {
  if (size() == 1 || n == 0) return;
#ifdef KERAS_HAVE_MPI
  check_not_failed("MPI_Iallreduce");
  CollectiveTimer timer;
  MPI_Request request = MPI_REQUEST_NULL;
  check_mpi(MPI_Iallreduce(MPI_IN_PLACE, values, static_cast<int>(n), MPI_DOUBLE, MPI_SUM,
                           MPI_COMM_WORLD, &request),
            "MPI_Iallreduce");
  wait_for(request, "MPI_Iallreduce");
#endif
}

bool any_process(bool flag) {
  double count = flag ? 1 : 0;
  allreduce_sum(&count, 1);
  return count > 0;
}

#ifdef KERAS_HAVE_MPI
namespace {
void broadcast_bytes(void* data, std::size_t bytes) {
  check_not_failed("MPI_Ibcast");
  CollectiveTimer timer;
  // In chunks: MPI counts are ints.
  char* at = static_cast<char*>(data);
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  while (bytes > 0) {
    const std::size_t n = std::min(bytes, kChunk);
    MPI_Request request = MPI_REQUEST_NULL;
    check_mpi(MPI_Ibcast(at, static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD, &request),
              "MPI_Ibcast");
    wait_for(request, "MPI_Ibcast");
    at += n;
    bytes -= n;
  }
}
}  // namespace
#endif

void broadcast_from_root([[maybe_unused]] const Tensor& tensor) {
  if (size() == 1) return;
#ifdef KERAS_HAVE_MPI
  broadcast_bytes(tensor.raw_data(), tensor.nbytes());
#endif
}

void broadcast_string_from_root([[maybe_unused]] std::string& bytes) {
  if (size() == 1) return;
#ifdef KERAS_HAVE_MPI
  unsigned long long length = bytes.size();
  broadcast_bytes(&length, sizeof length);
  bytes.resize(static_cast<std::size_t>(length));
  broadcast_bytes(bytes.data(), bytes.size());
#endif
}

double collective_seconds() {
  return state().collective_seconds;
}

void set_gradient_weight(double rows) {
  state().gradient_weight = rows;
}
double gradient_weight() {
  return state().gradient_weight;
}

std::pair<std::int64_t, std::int64_t> shard(std::int64_t rows) {
  const std::int64_t n = size(), r = rank();
  return {rows * r / n, rows * (r + 1) / n};
}

namespace {

// One AllReduceMean step's reduction: the weighted contributions and, last, the weight (one call
// sums both), reduced in place while the backward pass goes on.
template <typename T>
struct Reduction {
  std::vector<T> buffer;
#ifdef KERAS_HAVE_MPI
  MPI_Request request = MPI_REQUEST_NULL;
#endif
};

#ifdef KERAS_HAVE_MPI
// The reductions started and not finished, by the output buffer their finish writes (the
// executor gives the finish step a copy of the start step's call, without its state).
struct InFlight {
  std::shared_ptr<void> reduction;
  MPI_Request* request;
};
std::unordered_map<const void*, InFlight>& in_flight() {
  static std::unordered_map<const void*, InFlight> reductions;
  return reductions;
}
#endif

template <typename T>
void start_all_reduce_mean(const kernels::KernelCall& call) {
  const kernels::Buffer& x = call.inputs[0];
  const T* in = x.as<T>();
  T* out = call.output.as<T>();
  const auto n = static_cast<std::size_t>(x.numel);
  if (size() == 1) {
    if (out != in) std::memcpy(out, in, n * sizeof(T));
    return;
  }
#ifdef KERAS_HAVE_MPI
  check_not_failed("MPI_Iallreduce");
  if (n + 1 > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("AllReduceMean: a bucket of " + std::to_string(n) +
                                " elements is too large for one MPI call; lower "
                                "KERAS_ALLREDUCE_BUCKET_MB");
  CollectiveTimer timer;
  if (!call.state) call.state = std::make_shared<Reduction<T>>();
  auto& reduction = *static_cast<Reduction<T>*>(call.state.get());
  reduction.buffer.resize(n + 1);
  const T weight = static_cast<T>(gradient_weight());
  for (std::size_t i = 0; i < n; ++i) reduction.buffer[i] = in[i] * weight;
  reduction.buffer[n] = weight;
  check_mpi(MPI_Iallreduce(MPI_IN_PLACE, reduction.buffer.data(), static_cast<int>(n + 1),
                           mpi_type<T>(), MPI_SUM, MPI_COMM_WORLD, &reduction.request),
            "MPI_Iallreduce");
  // MPI moves data only inside its calls: each start also advances the reductions in flight.
  for (auto& [buffer, other] : in_flight()) {
    int done = 0;
    check_mpi(MPI_Test(other.request, &done, MPI_STATUS_IGNORE), "MPI_Iallreduce");
  }
  in_flight()[out] = {call.state, &reduction.request};
#endif
}

template <typename T>
void finish_all_reduce_mean([[maybe_unused]] const kernels::KernelCall& call) {
  if (size() == 1) return;
#ifdef KERAS_HAVE_MPI
  T* out = call.output.as<T>();
  auto found = in_flight().find(out);
  if (found == in_flight().end())
    throw std::logic_error("AllReduceMean: the reduction of this step was not started");
  const std::shared_ptr<void> held = found->second.reduction;
  in_flight().erase(found);
  auto& reduction = *static_cast<Reduction<T>*>(held.get());
  CollectiveTimer timer;
  wait_for(reduction.request, "MPI_Iallreduce");
  const std::size_t n = reduction.buffer.size() - 1;
  const T total = reduction.buffer[n];
  for (std::size_t i = 0; i < n; ++i) out[i] = reduction.buffer[i] / total;
#endif
}

}  // namespace

void all_reduce_mean_kernel(const kernels::KernelCall& call) {
  switch (call.inputs[0].dtype) {
    case DType::float32:
      return start_all_reduce_mean<float>(call);
    case DType::float64:
      return start_all_reduce_mean<double>(call);
    default:
      kernels::unsupported_dtype(call.op, call.inputs[0].dtype);
  }
}

void finish_all_reduce_mean_kernel(const kernels::KernelCall& call) {
  switch (call.inputs[0].dtype) {
    case DType::float32:
      return finish_all_reduce_mean<float>(call);
    case DType::float64:
      return finish_all_reduce_mean<double>(call);
    default:
      kernels::unsupported_dtype(call.op, call.inputs[0].dtype);
  }
}

}  // namespace detail

}  // namespace keras::distributed
