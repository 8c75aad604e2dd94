// A naive double-precision loop of Keras 2.2.4's SimpleRNN, GRU and LSTM equations, the oracle of
// the recurrent layer tests, and their shared helpers.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

namespace keras::testing::rnn {

using namespace keras::layers;

enum class Cell { kSimple, kGRU, kLSTM };

inline double hard_sigmoid(double x) {
  return std::min(1.0, std::max(0.0, 0.2 * x + 0.5));
}

// Initial states (batch, units) for naive_rnn; empty tensors for zeros.
struct NaiveStates {
  Tensor h{}, c{};
};

// out(b, s, j) in processing order, as Keras's return_sequences output. mask(b, t) == 0 keeps the
// previous states and output. A GRU whose bias has two rows (input, recurrent) is reset_after.
// `final_c` receives the LSTM's last cell state.
inline Tensor naive_rnn(
    Cell cell, const Tensor& x, const std::vector<Tensor>& w, bool go_backwards,
    const std::vector<int>& mask = {},
    std::function<double(double)> act = [](double v) { return std::tanh(v); },
    std::function<double(double)> rec = hard_sigmoid, const NaiveStates& init = {},
    Tensor* final_c = nullptr) {
  const std::int64_t B = x.dim(0), T = x.dim(1), D = x.dim(2), u = w[1].dim(0);
  const std::int64_t G = w[1].dim(1);
  const bool reset_after = w.size() > 2 && w[2].ndim() == 2;
  Tensor out({B, T, u});
  if (final_c) *final_c = Tensor({B, u});
  for (std::int64_t b = 0; b < B; ++b) {
    std::vector<double> h(u, 0.0), c(u, 0.0);
    for (std::int64_t j = 0; j < u; ++j) {
      if (init.h.defined()) h[j] = init.h(b, j);
      if (init.c.defined()) c[j] = init.c(b, j);
    }
    for (std::int64_t s = 0; s < T; ++s) {
      std::int64_t t = go_backwards ? T - 1 - s : s;
      if (mask.empty() || mask[static_cast<std::size_t>(b * T + t)]) {
        std::vector<double> xw(G), hu(G, 0.0);
        for (std::int64_t k = 0; k < G; ++k) {
          double acc = w.size() > 2 ? (reset_after ? w[2](0, k) : w[2](k)) : 0.0;
          for (std::int64_t d = 0; d < D; ++d) acc += x(b, t, d) * w[0](d, k);
          xw[k] = acc;
          if (reset_after) hu[k] = w[2](1, k);
          for (std::int64_t j = 0; j < u; ++j) hu[k] += h[j] * w[1](j, k);
        }
        if (cell == Cell::kSimple) {
          for (std::int64_t j = 0; j < u; ++j) h[j] = act(xw[j] + hu[j]);
        } else if (cell == Cell::kLSTM) {
          for (std::int64_t j = 0; j < u; ++j) {
            double i = rec(xw[j] + hu[j]), f = rec(xw[u + j] + hu[u + j]);
            double g = act(xw[2 * u + j] + hu[2 * u + j]), o = rec(xw[3 * u + j] + hu[3 * u + j]);
            c[j] = f * c[j] + i * g;
            h[j] = o * act(c[j]);
          }
        } else {
          std::vector<double> z(u), r(u), hh(u);
          for (std::int64_t j = 0; j < u; ++j) {
            z[j] = rec(xw[j] + hu[j]);
            r[j] = rec(xw[u + j] + hu[u + j]);
          }
          for (std::int64_t j = 0; j < u; ++j) {
            double acc = xw[2 * u + j];
            if (reset_after)
              acc += r[j] * hu[2 * u + j];
            else
              for (std::int64_t k = 0; k < u; ++k) acc += r[k] * h[k] * w[1](k, 2 * u + j);
            hh[j] = act(acc);
          }
          for (std::int64_t j = 0; j < u; ++j) h[j] = z[j] * h[j] + (1 - z[j]) * hh[j];
        }
      }
      for (std::int64_t j = 0; j < u; ++j) out.at<float>(b, s, j) = static_cast<float>(h[j]);
    }
    if (final_c)
      for (std::int64_t j = 0; j < u; ++j) final_c->at<float>(b, j) = static_cast<float>(c[j]);
  }
  return out;
}

// Sets random weights (wider than the initializers, so the gates leave their linear regions).
inline std::vector<Tensor> randomize(Layer& layer, std::uint32_t seed) {
  std::vector<Tensor> w;
  for (const Tensor& t : layer.get_weights())
    w.push_back(random_uniform(t.shape(), seed++, -0.8f, 0.8f));
  layer.set_weights(w);
  return w;
}

inline Tensor last_step(const Tensor& seq) {
  const std::int64_t B = seq.dim(0), T = seq.dim(1), u = seq.dim(2);
  Tensor out({B, u});
  for (std::int64_t b = 0; b < B; ++b)
    for (std::int64_t j = 0; j < u; ++j) out.at<float>(b, j) = seq.at<float>(b, T - 1, j);
  return out;
}

inline std::shared_ptr<Recurrent> make(Cell cell, std::int64_t units, RNNOptions o) {
  if (cell == Cell::kLSTM) return std::make_shared<LSTM>(units, o);
  if (cell == Cell::kGRU) return std::make_shared<GRU>(units, o);
  return std::make_shared<SimpleRNN>(units, o);
}

}  // namespace keras::testing::rnn
