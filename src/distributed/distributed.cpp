// keras::distributed on MPI (KERAS_HAVE_MPI), or as one process without it. All collectives run
// on MPI_COMM_WORLD from the thread that runs the compiled functions (MPI_THREAD_SERIALIZED).
#include "keras/distributed.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "distributed/collectives.h"

#ifdef KERAS_HAVE_MPI
#include <mpi.h>
#endif

namespace keras::distributed {

namespace {

struct State {
  bool initialized = false;
  int rank = 0;
  int size = 1;
  int local_rank = 0;
  double gradient_weight = 1.0;
};

State& state() {
  static State s;
  return s;
}

#ifdef KERAS_HAVE_MPI
void check_mpi(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("keras::distributed: ") + call +
                           " failed: " + std::string(text, static_cast<std::size_t>(length)));
}

void finalize_at_exit() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
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
  int already = 0;
  check_mpi(MPI_Initialized(&already), "MPI_Initialized");
  if (!already) {
    int provided = 0;
    check_mpi(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided),
              "MPI_Init_thread");
    std::atexit(&finalize_at_exit);
  }
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

void allreduce_sum(double* values, std::size_t n) {
  if (size() == 1 || n == 0) return;
#ifdef KERAS_HAVE_MPI
  check_mpi(
      MPI_Allreduce(MPI_IN_PLACE, values, static_cast<int>(n), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD),
      "MPI_Allreduce");
#endif
}

void broadcast_from_root(const Tensor& tensor) {
  if (size() == 1) return;
#ifdef KERAS_HAVE_MPI
  // In chunks: MPI counts are ints.
  char* data = static_cast<char*>(tensor.raw_data());
  std::size_t left = tensor.nbytes();
  constexpr std::size_t kChunk = std::size_t{1} << 30;
  while (left > 0) {
    const std::size_t n = std::min(left, kChunk);
    check_mpi(MPI_Bcast(data, static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
    data += n;
    left -= n;
  }
#endif
}

void broadcast_string_from_root(std::string& bytes) {
  if (size() == 1) return;
#ifdef KERAS_HAVE_MPI
  unsigned long long length = bytes.size();
  check_mpi(MPI_Bcast(&length, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD), "MPI_Bcast");
  bytes.resize(static_cast<std::size_t>(length));
  check_mpi(MPI_Bcast(bytes.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD),
            "MPI_Bcast");
#endif
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

template <typename T>
void all_reduce_mean(const kernels::KernelCall& call) {
  const kernels::Buffer& x = call.inputs[0];
  const T* in = x.as<T>();
  T* out = call.output.as<T>();
  const auto n = static_cast<std::size_t>(x.numel);
  if (size() == 1) {
    if (out != in) std::memcpy(out, in, n * sizeof(T));
    return;
  }
#ifdef KERAS_HAVE_MPI
  // The weighted contributions and, last, the weight: one call sums both.
  if (!call.state) call.state = std::make_shared<std::vector<T>>(n + 1);
  std::vector<T>& buffer = *static_cast<std::vector<T>*>(call.state.get());
  const T weight = static_cast<T>(gradient_weight());
  for (std::size_t i = 0; i < n; ++i) buffer[i] = in[i] * weight;
  buffer[n] = weight;
  if (n + 1 > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::invalid_argument("AllReduceMean: a bucket of " + std::to_string(n) +
                                " elements is too large for one MPI call; lower "
                                "KERAS_ALLREDUCE_BUCKET_MB");
  check_mpi(MPI_Allreduce(MPI_IN_PLACE, buffer.data(), static_cast<int>(n + 1), mpi_type<T>(),
                          MPI_SUM, MPI_COMM_WORLD),
            "MPI_Allreduce");
  const T total = buffer[n];
  for (std::size_t i = 0; i < n; ++i) out[i] = buffer[i] / total;
#endif
}

}  // namespace

void all_reduce_mean_kernel(const kernels::KernelCall& call) {
  switch (call.inputs[0].dtype) {
    case DType::float32:
      return all_reduce_mean<float>(call);
    case DType::float64:
      return all_reduce_mean<double>(call);
    default:
      kernels::unsupported_dtype(call.op, call.inputs[0].dtype);
  }
}

}  // namespace detail

}  // namespace keras::distributed
