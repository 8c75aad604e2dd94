// Reference kernels of connectionist temporal classification (TensorFlow's ctc_loss with its
// defaults, as Keras 2.2.4's ctc_batch_cost calls it, and ctc_greedy_decoder): the blank is the
// last class; logits are (batch, time, classes) and each time step is log-softmax normalised.
// The loss is -log p(labels | logits), summed over the alignments by the forward-backward
// recursions in log space (Graves et al. 2006); its gradient with respect to the logits is
// softmax - the posterior occupancy of each class.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::reference {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

double log_add(double a, double b) {
  if (a == kNegInf) return b;
  if (b == kNegInf) return a;
  const double m = std::max(a, b);
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}

// Entry i of an integer or float buffer, as a double.
double read(const Buffer& b, std::int64_t i) {
  double v = 0;
  dispatch_all(OpKind::kCtcLoss, b.dtype,
               [&]<typename T>() { v = static_cast<double>(b.as<T>()[i]); });
  return v;
}

// One sequence of a CTC batch: its log-softmax, extended label (blanks between and around the
// labels) and forward / backward variables, each (time, 2L + 1).
struct CtcSequence {
  std::int64_t time = 0, classes = 0, blank = 0;
  std::vector<double> log_probs;  // (time, classes)
  std::vector<std::int64_t> extended;
  std::vector<double> alpha, beta;
  double log_likelihood = kNegInf;

  std::size_t at(std::int64_t t, std::size_t s) const {
    return static_cast<std::size_t>(t) * extended.size() + s;
  }
};

// Reads sequence b of the CtcLoss inputs and runs the recursions (beta only when asked).
template <typename T>
CtcSequence forward_backward(const KernelCall& call, std::int64_t b, bool with_beta) {
  const Buffer& logits = call.inputs[0];
  const Buffer& labels = call.inputs[1];
  const std::int64_t max_time = logits.shape[1], classes = logits.shape[2];
  const std::int64_t max_label = labels.shape.size() > 1 ? labels.shape[1] : 0;
  CtcSequence seq;
  seq.classes = classes;
  seq.blank = classes - 1;
  seq.time = static_cast<std::int64_t>(read(call.inputs[2], b));
  const auto label_length = static_cast<std::int64_t>(read(call.inputs[3], b));
  if (seq.time < 0 || seq.time > max_time)
    throw std::invalid_argument("K::ctc_batch_cost: input_length " + std::to_string(seq.time) +
                                " of sample " + std::to_string(b) + " is not in [0, " +
                                std::to_string(max_time) + "]");
  if (label_length < 0 || label_length > max_label)
    throw std::invalid_argument("K::ctc_batch_cost: label_length " + std::to_string(label_length) +
                                " of sample " + std::to_string(b) + " is not in [0, " +
                                std::to_string(max_label) + "]");
  seq.extended.assign(static_cast<std::size_t>(2 * label_length + 1), seq.blank);
  for (std::int64_t i = 0; i < label_length; ++i) {
    const auto label = static_cast<std::int64_t>(read(labels, b * max_label + i));
    if (label < 0 || label >= seq.blank)
      throw std::invalid_argument("K::ctc_batch_cost: label " + std::to_string(label) +
                                  " of sample " + std::to_string(b) + " is not in [0, " +
                                  std::to_string(seq.blank) + ") (the last class is the blank)");
    seq.extended[static_cast<std::size_t>(2 * i + 1)] = label;
  }
  const T* x = logits.as<T>() + b * max_time * classes;
  seq.log_probs.resize(static_cast<std::size_t>(seq.time * classes));
  for (std::int64_t t = 0; t < seq.time; ++t) {
    const T* row = x + t * classes;
    double m = kNegInf;
    for (std::int64_t k = 0; k < classes; ++k) m = std::max(m, static_cast<double>(row[k]));
    double total = 0;
    for (std::int64_t k = 0; k < classes; ++k) total += std::exp(static_cast<double>(row[k]) - m);
    const double log_total = m + std::log(total);
    for (std::int64_t k = 0; k < classes; ++k)
      seq.log_probs[static_cast<std::size_t>(t * classes + k)] =
          static_cast<double>(row[k]) - log_total;
  }
  const std::size_t states = seq.extended.size();
  auto emit = [&](std::int64_t t, std::size_t s) {
    return seq.log_probs[static_cast<std::size_t>(t * classes + seq.extended[s])];
  };
  // A state may be entered from s - 2 when it is a label different from the one two back.
  auto can_skip = [&](std::size_t s) {
    return s >= 2 && seq.extended[s] != seq.blank && seq.extended[s] != seq.extended[s - 2];
  };
  if (seq.time == 0) {
    seq.log_likelihood = label_length == 0 ? 0.0 : kNegInf;
    return seq;
  }
  seq.alpha.assign(static_cast<std::size_t>(seq.time) * states, kNegInf);
  seq.alpha[seq.at(0, 0)] = emit(0, 0);
  if (states > 1) seq.alpha[seq.at(0, 1)] = emit(0, 1);
  for (std::int64_t t = 1; t < seq.time; ++t)
    for (std::size_t s = 0; s < states; ++s) {
      double a = seq.alpha[seq.at(t - 1, s)];
      if (s >= 1) a = log_add(a, seq.alpha[seq.at(t - 1, s - 1)]);
      if (can_skip(s)) a = log_add(a, seq.alpha[seq.at(t - 1, s - 2)]);
      seq.alpha[seq.at(t, s)] = a == kNegInf ? kNegInf : a + emit(t, s);
    }
  const std::int64_t last = seq.time - 1;
  seq.log_likelihood = seq.alpha[seq.at(last, states - 1)];
  if (states > 1)
    seq.log_likelihood = log_add(seq.log_likelihood, seq.alpha[seq.at(last, states - 2)]);
  if (!with_beta) return seq;
  seq.beta.assign(static_cast<std::size_t>(seq.time) * states, kNegInf);
  seq.beta[seq.at(last, states - 1)] = emit(last, states - 1);
  if (states > 1) seq.beta[seq.at(last, states - 2)] = emit(last, states - 2);
  for (std::int64_t t = last - 1; t >= 0; --t)
    for (std::size_t s = 0; s < states; ++s) {
      double v = seq.beta[seq.at(t + 1, s)];
      if (s + 1 < states) v = log_add(v, seq.beta[seq.at(t + 1, s + 1)]);
      if (s + 2 < states && can_skip(s + 2)) v = log_add(v, seq.beta[seq.at(t + 1, s + 2)]);
      seq.beta[seq.at(t, s)] = v == kNegInf ? kNegInf : v + emit(t, s);
    }
  return seq;
}

}  // namespace

void ctc_loss(const KernelCall& call) {
  const std::int64_t batch = call.inputs[0].shape[0];
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* out = call.output.as<T>();
    for (std::int64_t b = 0; b < batch; ++b)
      out[b] = static_cast<T>(-forward_backward<T>(call, b, false).log_likelihood);
  });
}

// Inputs: CtcLoss's four, then the gradient of its (batch, 1) output.
void ctc_loss_grad(const KernelCall& call) {
  const std::int64_t batch = call.inputs[0].shape[0];
  const std::int64_t max_time = call.inputs[0].shape[1], classes = call.inputs[0].shape[2];
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* dx = call.output.as<T>();
    const T* g = call.inputs[4].as<T>();
    std::fill(dx, dx + call.output.numel, T(0));
    std::vector<double> occupancy(static_cast<std::size_t>(classes));
    for (std::int64_t b = 0; b < batch; ++b) {
      const CtcSequence seq = forward_backward<T>(call, b, true);
      // An impossible alignment has an infinite loss and, as in TensorFlow, no gradient.
      if (seq.log_likelihood == kNegInf) continue;
      const double scale = static_cast<double>(g[b]);
      for (std::int64_t t = 0; t < seq.time; ++t) {
        std::fill(occupancy.begin(), occupancy.end(), kNegInf);
        for (std::size_t s = 0; s < seq.extended.size(); ++s) {
          const std::int64_t k = seq.extended[s];
          // alpha and beta both include step t's emission: remove it once.
          const double v = seq.alpha[seq.at(t, s)] + seq.beta[seq.at(t, s)] -
                           seq.log_probs[static_cast<std::size_t>(t * classes + k)];
          occupancy[static_cast<std::size_t>(k)] =
              log_add(occupancy[static_cast<std::size_t>(k)], v);
        }
        T* row = dx + (b * max_time + t) * classes;
        for (std::int64_t k = 0; k < classes; ++k) {
          const double p = std::exp(seq.log_probs[static_cast<std::size_t>(t * classes + k)]);
          const double posterior =
              std::exp(occupancy[static_cast<std::size_t>(k)] - seq.log_likelihood);
          row[k] = static_cast<T>(scale * (p - posterior));
        }
      }
    }
  });
}

// CtcGreedyDecode(y_pred, input_length): the best class at each step of the first input_length
// steps, repeats merged, blanks removed, then -1 to the end of the row.
void ctc_greedy_decode(const KernelCall& call) {
  const Buffer& y = call.inputs[0];
  const std::int64_t batch = y.shape[0], max_time = y.shape[1], classes = y.shape[2];
  std::int64_t* out = call.output.as<std::int64_t>();
  std::fill(out, out + call.output.numel, std::int64_t{-1});
  dispatch_float(call.op, y.dtype, [&]<typename T>() {
    for (std::int64_t b = 0; b < batch; ++b) {
      const auto steps =
          std::clamp(static_cast<std::int64_t>(read(call.inputs[1], b)), std::int64_t{0}, max_time);
      std::int64_t previous = -1, written = 0;
      for (std::int64_t t = 0; t < steps; ++t) {
        const T* row = y.as<T>() + (b * max_time + t) * classes;
        const std::int64_t best = std::max_element(row, row + classes) - row;
        if (best != previous && best != classes - 1) out[b * max_time + written++] = best;
        previous = best;
      }
    }
  });
}

}  // namespace keras::kernels::reference
