// The GEMM floor of a model's training step and inference on this machine: the time oneDNN needs
// for the step's matrix products alone, as samples/s. A model's throughput over this floor is the
// fraction of the machine's GEMM speed it reaches (benchmarks/README.md). Each product takes the
// faster of oneDNN's sgemm, its matmul primitive and a split by rows (see product_time). The
// models are those of benchmarks/models/:
//   mlp   a Dense stack (--layers): per layer the forward product, the kernel's gradient and,
//         but for the first layer, the input's gradient;
//   lstm  LSTM 128 over 28 steps of 28 features, Dense 10: the input projection, one h.U product
//         per step, one dz.U^T per step backwards, the recurrent and input kernels' gradients
//         over all steps, the Dense layer's three;
//   cnn   Conv2D 32 3x3, Conv2D 64 3x3 (valid), Dense 128, Dense 10, each convolution as the
//         product of its im2col matrix (the kernels' gradients as well, the second one's input
//         gradient): what a GEMM-based convolution costs (Winograd kernels need fewer flops and
//         can run faster than this floor).
//
// latency_floor_us: one sample's forward products in the model's order (latency_floor_us below).
//
// Usage: keras_gemm_floor [--model mlp|lstm|cnn] [--layers 784,512,512,10] [--batch 128]
//                         [--infer-batch 1024] [--threads 1,2]
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

// The faster of oneDNN's own threading of the product and of each thread running a one-thread
// sgemm on its share of the rows at once (as keras.cpp's recurrent kernel splits its batch).
double product_time(const Product& p, const dnnl::engine& engine, dnnl::stream& stream) {
  std::vector<float> a(static_cast<std::size_t>(p.m * p.k), 0.01f);
  std::vector<float> b(static_cast<std::size_t>(p.k * p.n), 0.02f);
  std::vector<float> c(static_cast<std::size_t>(p.m * p.n));
  const int repeats = std::clamp(static_cast<int>(2e9 / (2.0 * p.m * p.n * p.k)), 5, 200);
  const std::int64_t lda = p.ta ? p.m : p.k, ldb = p.tb ? p.k : p.n;
  const double sgemm = best_time(
      [&] {
        dnnl_sgemm(p.ta ? 'T' : 'N', p.tb ? 'T' : 'N', p.m, p.n, p.k, 1.0f, a.data(), lda, b.data(),
                   ldb, 0.0f, c.data(), p.n);
      },
      repeats);
  const int threads = omp_get_max_threads();
  double split = 1e30;
  if (threads > 1 && p.m >= 8 * threads)
    split = best_time(
        [&] {
#pragma omp parallel num_threads(threads)
          {
            const std::int64_t t = omp_get_thread_num();
            const std::int64_t m0 = p.m * t / threads, m1 = p.m * (t + 1) / threads;
            dnnl_sgemm(p.ta ? 'T' : 'N', p.tb ? 'T' : 'N', m1 - m0, p.n, p.k, 1.0f,
                       a.data() + (p.ta ? m0 : m0 * p.k), lda, b.data(), ldb, 0.0f,
                       c.data() + m0 * p.n, p.n);
          }
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
  return std::min({sgemm, split, primitive});
}

// A product and how many times a step runs it.
struct Repeated {
  Product product;
  int times = 1;
};

// The matrix products of one training step (training) or one inference pass at `batch`.
std::vector<Repeated> model_products(const std::string& model,
                                     const std::vector<std::int64_t>& layers, std::int64_t batch,
                                     bool training) {
  std::vector<Repeated> out;
  // A Dense layer of `in` -> `out` units: forward; kernel and (not first) input gradients.
  auto dense = [&](std::int64_t in, std::int64_t units, bool first) {
    out.push_back({{batch, units, in, false, false}});
    if (!training) return;
    out.push_back({{in, units, batch, true, false}});
    if (!first) out.push_back({{batch, in, units, false, true}});
  };
  if (model == "mlp") {
    for (std::size_t l = 0; l + 1 < layers.size(); ++l) dense(layers[l], layers[l + 1], l == 0);
  } else if (model == "lstm") {
    const std::int64_t steps = 28, features = 28, units = 128, gates = 4 * units;
    out.push_back({{batch * steps, gates, features, false, false}});  // input projection
    out.push_back({{batch, gates, units, false, false}, static_cast<int>(steps)});
    if (training) {
      out.push_back({{batch, units, gates, false, false}, static_cast<int>(steps)});  // dz.U^T
      out.push_back({{units, gates, batch * (steps + 1), true, false}});  // recurrent kernel
      out.push_back({{features, gates, batch * steps, true, false}});     // input kernel
    }
    dense(units, 10, false);
  } else {  // cnn: 28x28x1 -> 26x26x32 -> 24x24x64 -> pool 12x12x64 -> 128 -> 10
    const std::int64_t rows1 = batch * 26 * 26, rows2 = batch * 24 * 24;
    out.push_back({{rows1, 32, 9, false, false}});
    out.push_back({{rows2, 64, 9 * 32, false, false}});
    if (training) {
      out.push_back({{9, 32, rows1, true, false}});
      out.push_back({{9 * 32, 64, rows2, true, false}});
      out.push_back({{rows2, 9 * 32, 64, false, true}});  // the second's input gradient
    }
    dense(12 * 12 * 64, 128, false);
    dense(128, 10, false);
  }
  return out;
}

double products_time(const std::vector<Repeated>& products, const dnnl::engine& engine,
                     dnnl::stream& stream, double* flop) {
  double time = 0;
  for (const Repeated& r : products) {
    time += r.times * product_time(r.product, engine, stream);
    *flop += 2.0 * r.times * static_cast<double>(r.product.m * r.product.n * r.product.k);
  }
  return time;
}

// Batch-1 latency's floor: one sample's products run in the model's order, as a prediction runs
// them, so a layer's weights are read from wherever the other layers left them (the MLP's 2.7 MB
// do not fit a core's L2: each layer streams from L3), each with oneDNN's sgemm. The median of
// many passes, in microseconds.
double latency_floor_us(const std::vector<Repeated>& products) {
  struct Buffers {
    std::vector<float> a, b, c;
  };
  std::vector<Buffers> buffers;
  for (const Repeated& r : products) {
    const Product& p = r.product;
    buffers.push_back({std::vector<float>(static_cast<std::size_t>(p.m * p.k), 0.01f),
                       std::vector<float>(static_cast<std::size_t>(p.k * p.n), 0.02f),
                       std::vector<float>(static_cast<std::size_t>(p.m * p.n))});
  }
  auto pass = [&] {
    for (std::size_t i = 0; i < products.size(); ++i) {
      const Product& p = products[i].product;
      Buffers& x = buffers[i];
      for (int t = 0; t < products[i].times; ++t)
        dnnl_sgemm(p.ta ? 'T' : 'N', p.tb ? 'T' : 'N', p.m, p.n, p.k, 1.0f, x.a.data(),
                   p.ta ? p.m : p.k, x.b.data(), p.tb ? p.k : p.n, 0.0f, x.c.data(), p.n);
    }
  };
  for (int i = 0; i < 100; ++i) pass();
  std::vector<double> times(2000);
  for (double& t : times) {
    const double start = seconds_now();
    pass();
    t = (seconds_now() - start) * 1e6;
  }
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(times.size() / 2),
                   times.end());
  return times[times.size() / 2];
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
  std::string model = "mlp";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--layers")
      layers = parse_list(value);
    else if (flag == "--model")
      model = value;
    else if (flag == "--batch")
      batch = std::stoll(value);
    else if (flag == "--infer-batch")
      infer_batch = std::stoll(value);
    else if (flag == "--threads")
      threads = parse_list(value);
    else {
      std::fprintf(stderr,
                   "unknown flag %s (--model, --layers, --batch, --infer-batch, --threads)\n",
                   flag.c_str());
      return 2;
    }
  }
  if (model != "mlp" && model != "lstm" && model != "cnn") {
    std::fprintf(stderr, "--model must be mlp, lstm or cnn, not %s\n", model.c_str());
    return 2;
  }
  if (layers.size() < 2) {
    std::fprintf(stderr, "--layers needs the input width and at least one layer's units\n");
    return 2;
  }
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  for (std::int64_t t : threads) {
    omp_set_num_threads(static_cast<int>(t));
    double flop = 0, infer_flop = 0;
    const double train =
        products_time(model_products(model, layers, batch, true), engine, stream, &flop);
    const double infer = products_time(model_products(model, layers, infer_batch, false), engine,
                                       stream, &infer_flop);
    const double latency = latency_floor_us(model_products(model, layers, 1, false));
    std::printf(
        "{\"model\": \"%s\", \"threads\": %lld, \"train_floor_samples_per_s\": %.1f, "
        "\"infer_floor_samples_per_s\": %.1f, \"train_gflop_per_s\": %.1f, "
        "\"latency_floor_us\": %.1f}\n",
        model.c_str(), static_cast<long long>(t), static_cast<double>(batch) / train,
        static_cast<double>(infer_batch) / infer, flop / train * 1e-9, latency);
    std::fflush(stdout);
  }
}
