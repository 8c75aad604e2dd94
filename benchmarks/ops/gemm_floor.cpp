// The GEMM floor of a Dense stack's training step and inference on this machine: the time oneDNN
// (the faster of its sgemm and its matmul primitive, per shape) needs for the step's matrix
// products alone, as samples/s. A model's throughput over this floor is the fraction of the
// machine's GEMM speed it reaches (benchmarks/README.md).
//
// Usage: keras_gemm_floor [--layers 784,512,512,10] [--batch 128] [--infer-batch 1024]
//                         [--threads 1,2]
// Prints one JSON line per thread count.
#include <dnnl.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <dnnl.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Product {
  std::int64_t m, n, k;
  bool ta, tb;  // A is stored (k, m); B is stored (n, k)
};

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Best of `repeats` runs after one warm-up.
template <typename F>
double best_time(F run, int repeats) {
  run();
  double best = 1e30;
  for (int r = 0; r < repeats; ++r) {
    const double start = seconds_now();
    run();
    best = std::min(best, seconds_now() - start);
  }
  return best;
}

double product_time(const Product& p, const dnnl::engine& engine, dnnl::stream& stream) {
  std::vector<float> a(static_cast<std::size_t>(p.m * p.k), 0.01f);
  std::vector<float> b(static_cast<std::size_t>(p.k * p.n), 0.02f);
  std::vector<float> c(static_cast<std::size_t>(p.m * p.n));
  const int repeats = std::clamp(static_cast<int>(2e9 / (2.0 * p.m * p.n * p.k)), 5, 200);
  const double sgemm = best_time(
      [&] {
        dnnl_sgemm(p.ta ? 'T' : 'N', p.tb ? 'T' : 'N', p.m, p.n, p.k, 1.0f, a.data(),
                   p.ta ? p.m : p.k, b.data(), p.tb ? p.k : p.n, 0.0f, c.data(), p.n);
      },
      repeats);
  using dnnl::memory;
  const memory::desc a_md({p.m, p.k}, memory::data_type::f32,
                          p.ta ? memory::dims{1, p.m} : memory::dims{p.k, 1});
  const memory::desc b_md({p.k, p.n}, memory::data_type::f32,
                          p.tb ? memory::dims{1, p.k} : memory::dims{p.n, 1});
  const memory::desc c_md({p.m, p.n}, memory::data_type::f32, memory::dims{p.n, 1});
  dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md), engine);
  dnnl::matmul matmul(pd);
  memory am(a_md, engine, a.data()), bm(b_md, engine, b.data()), cm(c_md, engine, c.data());
  const double primitive = best_time(
      [&] {
        matmul.execute(stream, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
        stream.wait();
      },
      repeats);
  return std::min(sgemm, primitive);
}

std::vector<std::int64_t> parse_list(const std::string& text) {
  std::vector<std::int64_t> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoll(item));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::int64_t> layers = {784, 512, 512, 10}, threads = {1, 2};
  std::int64_t batch = 128, infer_batch = 1024;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--layers")
      layers = parse_list(value);
    else if (flag == "--batch")
      batch = std::stoll(value);
    else if (flag == "--infer-batch")
      infer_batch = std::stoll(value);
    else if (flag == "--threads")
      threads = parse_list(value);
    else {
      std::fprintf(stderr, "unknown flag %s (--layers, --batch, --infer-batch, --threads)\n",
                   flag.c_str());
      return 2;
    }
  }
  if (layers.size() < 2) {
    std::fprintf(stderr, "--layers needs the input width and at least one layer's units\n");
    return 2;
  }
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  for (std::int64_t t : threads) {
    omp_set_num_threads(static_cast<int>(t));
    double train = 0, infer = 0, flop = 0;
    for (std::size_t l = 0; l + 1 < layers.size(); ++l) {
      const std::int64_t in = layers[l], out = layers[l + 1];
      train += product_time({batch, out, in, false, false}, engine, stream);  // forward
      train += product_time({in, out, batch, true, false}, engine, stream);   // kernel gradient
      if (l > 0) train += product_time({batch, in, out, false, true}, engine, stream);  // input
      infer += product_time({infer_batch, out, in, false, false}, engine, stream);
      flop += 2.0 * static_cast<double>(in * out) * (l > 0 ? 3 : 2);
    }
    std::printf(
        "{\"threads\": %lld, \"train_floor_samples_per_s\": %.1f, "
        "\"infer_floor_samples_per_s\": %.1f, \"train_gflop_per_s\": %.1f}\n",
        static_cast<long long>(t), static_cast<double>(batch) / train,
        static_cast<double>(infer_batch) / infer, flop * static_cast<double>(batch) / train * 1e-9);
    std::fflush(stdout);
  }
}
