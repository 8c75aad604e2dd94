// The recurrent sequence kernels (K::recurrent): SimpleRNN, GRU and LSTM over a whole sequence,
// their input/state gradient and their recurrent-kernel gradient. One implementation, shared by
// the reference backend (plain loops) and the cpu backend (oneDNN sgemm for float32), chosen by
// the Gemm policy; the cuda backend runs the same arithmetic step by step on the device
// (kernels/recurrent_steps.h). The activations and the view of the operands: recurrent_cell.h.
//
// Layouts (B batch, T time steps, u units, G gates: 1 SimpleRNN, 3 GRU, 4 LSTM):
// Time-major, so that one step's rows are contiguous:
//   xproj (T, B, G*u)   inputs @ kernel + bias, in time order
//   U     (u, G*u)      the recurrent kernel, Keras's gate order (GRU z, r, h; LSTM i, f, c, o)
//   h0/c0 (B, u)        initial states (zeros when absent)
//   mask  (B, T)        1 keeps a time step, 0 carries the previous states over it
//   D     (B, u)        recurrent dropout mask, multiplies h_{t-1} where it enters the cell
//   rb    (u)           GRU reset_after: the recurrent bias of the h block
//   y     (T, B, S)     per processing step s: SimpleRNN [h], GRU [h, z, r, hh] (reset_after:
//                       [h, z, r, hh, a] with a = h_{t-1} U_h + rb), LSTM [h, c, i, f, g, o]
//                       (gates after their activations)
//   R     (T+1, B, GR)  RecurrentGrad: d xproj in time order (GR = G*u, then d a with
//                       reset_after: GR = 4u), then step T = [dh0, dc0, 0...]
// GRU, reset_after=false: hh = act(x_h + (r * h_{t-1}) U_h) (Keras 2.2.4's default);
// reset_after=true: hh = act(x_h + r * (h_{t-1} U_h + rb)) (PyTorch's and CuDNN's GRU).
// Step s reads time step t = s, or T-1-s with go_backwards.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <string>
#include <type_traits>
#include <vector>

#include <omp.h>

#include "kernels/kernel.h"
#include "kernels/recurrent_cell.h"
#include "ops/recurrent.h"

namespace keras::kernels::rnn {

namespace activation {
template <typename A>
concept Definition = requires {
  A::kOp;
};
}  // namespace activation

// Calls body(A{}) with the definition A of the activation `op`; false (body not called) when the
// kernels do not compute `op`. Callers resolve the activation once, outside their loops.
template <typename Body>
bool with_activation(OpKind op, Body&& body) {
  return activation::All::with(op, body);
}

inline bool fused_activation(OpKind op) {
  return with_activation(op, [](auto) {});
}

// "tanh, sigmoid, ...": the activations the kernels compute, for error messages.
inline std::string fused_activation_names() {
  return activation::All::names();
}

// The derivative of a definition, from the activation's output y: folds into the caller's loop
// (derivative(OpKind, y), kernels/recurrent_cell.h, resolves the activation per value).
template <typename T, activation::Definition A>
inline T derivative(A, T y) {
  return A::template derivative<T>(y);
}

// Calls body(act, rec_act) with the two activations' definitions for the usual pairs (so that
// derivative() folds into the caller's vectorised loop), as OpKind values otherwise.
template <typename Body>
void with_activations(OpKind act, OpKind rec_act, Body&& body) {
  using activation::HardSigmoid, activation::Sigmoid, activation::Tanh;
  if (act == OpKind::kTanh && rec_act == OpKind::kHardSigmoid) return body(Tanh{}, HardSigmoid{});
  if (act == OpKind::kTanh && rec_act == OpKind::kSigmoid) return body(Tanh{}, Sigmoid{});
  body(act, rec_act);
}

// Each kernel's scratch (planned: kernels/kernel.h's ScratchLayout), rows of the batch first so
// that the threads of over_batch_chunks each touch their own rows only.
// Projecting its own inputs (RecurrentAttrs::projects_input), a Recurrent computes them all at
// once where they take at most this many bytes, step by step (into one step's buffer) beyond: a
// large batch's projection (58.7 MB for an LSTM 128 over 28 steps at batch 1024) then never
// leaves the cache, a small one keeps one product instead of one per step.
constexpr std::int64_t kWholeProjectionBytes = std::int64_t{4} << 20;

template <typename T>
struct ForwardScratch {
  T *zeros, *hp_buf, *rh, *ring;  // ring: two steps' states, keeping the last step only
  T *x_all, *x_step;              // projects_input: all steps' projections, or one step's
  ForwardScratch(ScratchLayout& s, const View<T>& v)
      : zeros(s.take<T>(v.B * v.u)),
        hp_buf(s.take<T>(v.B * v.u)),
        rh(s.take<T>(v.B * v.u)),
        ring(v.last_only ? s.take<T>(2 * v.B * v.S) : nullptr),
        x_all(v.w_in && whole_projection(v) ? s.take<T>(v.Tn * v.B * v.G) : nullptr),
        x_step(v.w_in && !whole_projection(v) ? s.take<T>(v.B * v.G) : nullptr) {}
  static bool whole_projection(const View<T>& v) {
    return v.Tn * v.B * v.G * static_cast<std::int64_t>(sizeof(T)) <= kWholeProjectionBytes;
  }
};
template <typename T>
struct BackwardScratch {
  T *zeros, *hp_buf, *dh, *dh_next, *dc_next, *tmp, *tmp2, *act_c;
  T* ut;  // U^T, contiguous: the per-step products dz @ U^T then read both operands row by row
  BackwardScratch(ScratchLayout& s, const View<T>& v)
      : zeros(s.take<T>(v.B * v.u)),
        hp_buf(s.take<T>(v.B * v.u)),
        dh(s.take<T>(v.B * v.u)),
        dh_next(s.take<T>(v.B * v.u)),
        dc_next(s.take<T>(v.B * v.u)),
        tmp(s.take<T>(v.B * v.u)),
        tmp2(s.take<T>(v.B * v.u)),
        act_c(s.take<T>(v.B * v.u)),
        ut(s.take<T>(v.u * v.G)) {}
};
template <typename T>
struct WeightsGradScratch {
  T *zeros, *hs, *rhs;  // rhs: GRU without reset_after only
  WeightsGradScratch(ScratchLayout& s, const View<T>& v)
      : zeros(s.take<T>(v.B * v.u)),
        hs(s.take<T>(v.B * (v.Tn + 1) * v.u)),
        rhs(v.cell == 1 && !v.reset_after ? s.take<T>(v.B * (v.Tn + 1) * v.u) : nullptr) {}
};

// The prepare function of the three ops' kernels (every backend that runs this implementation):
// the scratch bytes of the step's layout.
inline std::size_t prepare(const KernelCall& call) {
  std::size_t bytes = 0;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const View<T> v(call);
    ScratchLayout s = ScratchLayout::counting();
    if (call.op == OpKind::kRecurrent)
      ForwardScratch<T>(s, v);
    else if (call.op == OpKind::kRecurrentGrad)
      BackwardScratch<T>(s, v);
    else
      WeightsGradScratch<T>(s, v);
    bytes = s.bytes();
  });
  return bytes;
}

// A strided (rows x cols) matrix.
template <typename T>
struct Mat {
  T* p;
  std::int64_t ld;
  T& operator()(std::int64_t r, std::int64_t c) const { return p[r * ld + c]; }
};

// h_{s-1} (raw, as the state) for step s: y's h column of step s-1, h0, or zeros.
template <typename T>
Mat<const T> previous(const View<T>& v, const T* y, std::int64_t s, int column, const T* init,
                      const T* zeros) {
  if (s > 0) return {v.step_states(y, s - 1) + column * v.u, v.S};
  return {init ? init : zeros, v.u};
}

// h_{s-1} * D where the recurrent dropout applies, else h_{s-1} itself.
template <typename T>
Mat<const T> dropped(const View<T>& v, Mat<const T> h, T* buffer, std::int64_t b0,
                     std::int64_t b1) {
  if (!v.drop) return h;
  for (std::int64_t b = b0; b < b1; ++b)
    for (std::int64_t j = 0; j < v.u; ++j) buffer[b * v.u + j] = h(b, j) * v.drop[b * v.u + j];
  return {buffer, v.u};
}

// z[0, n) += x[0, n), a step's projected inputs, plus the input bias where the kernel projects
// them (then x holds x_t W alone): z + (x_t W + b), as when xproj arrives with its bias added.
template <typename T>
inline void add_input(T* z, const T* x, const T* bias, std::int64_t n) {
  if (bias) {
#pragma omp simd
    for (std::int64_t k = 0; k < n; ++k) z[k] += x[k] + bias[k];
  } else {
#pragma omp simd
    for (std::int64_t k = 0; k < n; ++k) z[k] += x[k];
  }
}

// Step t's projected inputs (B rows of G, without the input bias where the kernel projects):
// xproj's rows, or the kernel's own projection, all steps' at once or rows [b0, b1) of this step.
template <typename T, typename Ops>
const T* step_inputs(const View<T>& v, const ForwardScratch<T>& scratch, Ops& ops, std::int64_t t,
                     std::int64_t b0, std::int64_t b1) {
  if (!scratch.x_step) return (scratch.x_all ? scratch.x_all : v.x) + t * v.B * v.G;
  ops.gemm(false, false, b1 - b0, v.G, v.D, v.x + (t * v.B + b0) * v.D, v.D, v.w_in, v.G, T(0),
           scratch.x_step + b0 * v.G, v.G);
  return scratch.x_step;
}

// The backend's arithmetic, as a policy:
//   ops.gemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc): C = op(A) op(B) + beta C, row-major;
//   ops.apply(op, x, n): x[0, n) = activation(x) in place;
//   with kChunked, ops.share_products(threads, body): body(ops') on one thread, where ops' shares
//   each product of at least kSharedProduct elements of B with the other threads by columns.
// Rows of the batch are independent through the whole sequence: each thread runs all the steps
// for its own chunk of rows (over_batch_chunks), with no synchronisation between steps.
template <typename T, typename Ops>
void forward_rows(const KernelCall& call, const View<T>& v, const ForwardScratch<T>& scratch,
                  Ops& ops, std::int64_t b0, std::int64_t b1) {
  const std::int64_t M = b1 - b0;
  const std::int64_t u = v.u, G = v.G, S = v.S, ldy = S, ldx = G;
  T* y = call.output.as<T>();
  const T* zeros = scratch.zeros;
  T *hp_buf = scratch.hp_buf, *rh = scratch.rh;
  for (std::int64_t s = 0; s < v.Tn; ++s) {
    const std::int64_t t = v.time(s);
    Mat<const T> hprev = previous(v, y, s, 0, v.h0, zeros);
    Mat<const T> hp = dropped(v, hprev, hp_buf, b0, b1);
    T* ys = v.step_states(y, s);
    const T* xt = step_inputs(v, scratch, ops, t, b0, b1);
    auto bias = [&](std::int64_t offset) { return v.b_in ? v.b_in + offset : nullptr; };
    if (v.cell == 2) {  // LSTM: [h, c, i, f, g, o]
      Mat<const T> cprev = previous(v, y, s, 1, v.c0, zeros);
      ops.gemm(false, false, M, G, u, hp.p + b0 * hp.ld, hp.ld, v.U, G, T(0), ys + b0 * ldy + 2 * u,
               ldy);
      for (std::int64_t b = b0; b < b1; ++b) {
        T* row = ys + b * ldy;
        T* z = row + 2 * u;
        add_input(z, xt + b * ldx, bias(0), G);
        ops.apply(v.rec_act, z, 2 * u);
        ops.apply(v.act, z + 2 * u, u);
        ops.apply(v.rec_act, z + 3 * u, u);
        const T *i = z, *f = z + u, *g = z + 2 * u, *o = z + 3 * u;
        const T* cp = &cprev(b, 0);
        T* c = row + u;
        T* h = row;
        if (v.kept(b, t)) {
#pragma omp simd
          for (std::int64_t j = 0; j < u; ++j) c[j] = f[j] * cp[j] + i[j] * g[j];
          std::copy(c, c + u, h);
          ops.apply(v.act, h, u);
#pragma omp simd
          for (std::int64_t j = 0; j < u; ++j) h[j] *= o[j];
        } else {
          std::copy(cp, cp + u, c);
          std::copy(&hprev(b, 0), &hprev(b, 0) + u, h);
        }
      }
    } else if (v.cell == 1) {  // GRU: [h, z, r, hh] (reset_after: [h, z, r, hh, a])
      ops.gemm(false, false, M, 2 * u, u, hp.p + b0 * hp.ld, hp.ld, v.U, G, T(0), ys + b0 * ldy + u,
               ldy);
      if (v.reset_after)  // a = h_{t-1} U_h, before the gates
        ops.gemm(false, false, M, u, u, hp.p + b0 * hp.ld, hp.ld, v.U + 2 * u, G, T(0),
                 ys + b0 * ldy + 4 * u, ldy);
      for (std::int64_t b = b0; b < b1; ++b) {
        T* zr = ys + b * ldy + u;
        add_input(zr, xt + b * ldx, bias(0), 2 * u);
        ops.apply(v.rec_act, zr, 2 * u);
        if (v.reset_after) {
          T* a = zr + 3 * u;
          T* hh = zr + 2 * u;
          const T* r = zr + u;
          for (std::int64_t j = 0; j < u; ++j) {
            a[j] += v.rb[j];
            hh[j] = r[j] * a[j];
          }
        } else {
          const T* hpr = &hp(b, 0);
          for (std::int64_t j = 0; j < u; ++j) rh[b * u + j] = zr[u + j] * hpr[j];
        }
      }
      if (!v.reset_after)
        ops.gemm(false, false, M, u, u, rh + b0 * u, u, v.U + 2 * u, G, T(0), ys + b0 * ldy + 3 * u,
                 ldy);
      for (std::int64_t b = b0; b < b1; ++b) {
        T* row = ys + b * ldy;
        T* hh = row + 3 * u;
        add_input(hh, xt + b * ldx + 2 * u, bias(2 * u), u);
        ops.apply(v.act, hh, u);
        const T* z = row + u;
        const T* hpr = &hp(b, 0);
        if (v.kept(b, t)) {
          for (std::int64_t j = 0; j < u; ++j) row[j] = z[j] * hpr[j] + (T(1) - z[j]) * hh[j];
        } else {
          std::copy(&hprev(b, 0), &hprev(b, 0) + u, row);
        }
      }
    } else {  // SimpleRNN: [h]
      ops.gemm(false, false, M, u, u, hp.p + b0 * hp.ld, hp.ld, v.U, G, T(0), ys + b0 * ldy, ldy);
      for (std::int64_t b = b0; b < b1; ++b) {
        T* row = ys + b * ldy;
        if (v.kept(b, t)) {
          add_input(row, xt + b * ldx, bias(0), u);
          ops.apply(v.act, row, u);
        } else {
          std::copy(&hprev(b, 0), &hprev(b, 0) + u, row);
        }
      }
    }
  }
}

// RecurrentGrad's last row (step T): [dh0, dc0, 0...] for rows [b0, b1).
template <typename T>
void initial_state_grads(const View<T>& v, const T* dh0, const T* dc0, T* last, std::int64_t b0,
                         std::int64_t b1) {
  for (std::int64_t b = b0; b < b1; ++b) {
    T* row = last + b * v.GR;
    std::fill(row, row + v.GR, T(0));
    std::copy(dh0 + b * v.u, dh0 + (b + 1) * v.u, row);
    if (v.cell == 2) std::copy(dc0 + b * v.u, dc0 + (b + 1) * v.u, row + v.u);
  }
}

// RecurrentGrad: inputs (..., y, dy); output R (B, T+1, G*u).
template <typename T, typename Ops>
void backward_rows(const KernelCall& call, const View<T>& v, const BackwardScratch<T>& scratch,
                   Ops& ops, std::int64_t b0, std::int64_t b1) {
  const std::int64_t M = b1 - b0;
  const std::int64_t B = v.B, u = v.u, G = v.G, S = v.S, ldy = S, ldr = v.GR;
  const std::size_t n_in = call.inputs.size();
  const T* y = call.inputs[n_in - 2].as<T>();
  const T* dy = call.inputs[n_in - 1].as<T>();
  T* r = call.output.as<T>();
  const T *zeros = scratch.zeros, *ut = scratch.ut;
  T *hp_buf = scratch.hp_buf, *dh = scratch.dh, *dh_next = scratch.dh_next;
  T *dc_next = scratch.dc_next, *tmp = scratch.tmp, *tmp2 = scratch.tmp2, *act_c = scratch.act_c;
  std::fill(dh_next + b0 * u, dh_next + b1 * u, T(0));
  std::fill(dc_next + b0 * u, dc_next + b1 * u, T(0));
  for (std::int64_t s = v.Tn; s-- > 0;) {
    const std::int64_t t = v.time(s);
    Mat<const T> hprev = previous(v, y, s, 0, v.h0, zeros);
    Mat<const T> hp = dropped(v, hprev, hp_buf, b0, b1);
    const T* ys = y + s * B * S;
    const T* dys = dy + s * B * S;
    T* rt = r + t * B * ldr;
    for (std::int64_t b = b0; b < b1; ++b)
#pragma omp simd
      for (std::int64_t j = 0; j < u; ++j) dh[b * u + j] = dys[b * ldy + j] + dh_next[b * u + j];
    if (v.cell == 2) {
      Mat<const T> cprev = previous(v, y, s, 1, v.c0, zeros);
      for (std::int64_t b = b0; b < b1; ++b) {
        const T* row = ys + b * ldy;
        T* dz = rt + b * ldr;
        T* dcn = dc_next + b * u;
        const T* dyc = dys + b * ldy + u;
        if (!v.kept(b, t)) {
          for (std::int64_t j = 0; j < u; ++j) dcn[j] += dyc[j];
          std::fill(dz, dz + G, T(0));
          continue;
        }
        // act(c) with the backend's activation, then one vectorisable pass for the whole cell.
        T* tc = act_c + b * u;
        std::copy(row + u, row + 2 * u, tc);
        ops.apply(v.act, tc, u);
        const T *i = row + 2 * u, *f = row + 3 * u, *g = row + 4 * u, *o = row + 5 * u;
        const T* cp = &cprev(b, 0);
        const T* dhb = dh + b * u;
        with_activations(v.act, v.rec_act, [&](auto act, auto rec_act) {
        // Every pointer here is a different buffer (or a disjoint slice of one): no aliasing.
#pragma omp simd
          for (std::int64_t j = 0; j < u; ++j) {
            const T dhj = dhb[j];
            const T dcj = dyc[j] + dcn[j] + dhj * o[j] * derivative<T>(act, tc[j]);
            dz[3 * u + j] = dhj * tc[j] * derivative<T>(rec_act, o[j]);
            dz[j] = dcj * g[j] * derivative<T>(rec_act, i[j]);
            dz[u + j] = dcj * cp[j] * derivative<T>(rec_act, f[j]);
            dz[2 * u + j] = dcj * i[j] * derivative<T>(act, g[j]);
            dcn[j] = dcj * f[j];
          }
        });
      }
      ops.gemm(false, false, M, u, G, rt + b0 * ldr, ldr, ut, u, T(0), tmp + b0 * u, u);
      std::fill(tmp2 + b0 * u, tmp2 + b1 * u, T(0));
    } else if (v.cell == 1 && v.reset_after) {
      // R row: [dz, dr, dhh, da] with a = h_{t-1} U_h + rb, hh = act(x_h + r * a).
      for (std::int64_t b = b0; b < b1; ++b) {
        const T* row = ys + b * ldy;
        T* dz = rt + b * ldr;
        const bool keep = v.kept(b, t);
        with_activations(v.act, v.rec_act, [&](auto act, auto rec_act) {
          for (std::int64_t j = 0; j < u; ++j) {
            const T dhj = keep ? dh[b * u + j] : T(0);
            const T z = row[u + j], rj = row[2 * u + j], hh = row[3 * u + j], a = row[4 * u + j];
            const T dhh = dhj * (T(1) - z) * derivative(act, hh);
            dz[j] = dhj * (hp(b, j) - hh) * derivative(rec_act, z);
            dz[u + j] = dhh * a * derivative(rec_act, rj);
            dz[2 * u + j] = dhh;
            dz[3 * u + j] = dhh * rj;
          }
        });
      }
      // d h_{t-1} = dh * z + da @ U_h^T (tmp) + [dz, dr] @ U_zr^T (tmp2).
      ops.gemm(false, false, M, u, u, rt + b0 * ldr + 3 * u, ldr, ut + 2 * u * u, u, T(0),
               tmp + b0 * u, u);
      for (std::int64_t b = b0; b < b1; ++b) {
        if (!v.kept(b, t)) continue;
        const T* z = ys + b * ldy + u;
        for (std::int64_t j = 0; j < u; ++j) tmp[b * u + j] += dh[b * u + j] * z[j];
      }
      ops.gemm(false, false, M, u, 2 * u, rt + b0 * ldr, ldr, ut, u, T(0), tmp2 + b0 * u, u);
    } else if (v.cell == 1) {
      for (std::int64_t b = b0; b < b1; ++b) {
        const T* row = ys + b * ldy;
        T* dz = rt + b * ldr;
        const bool keep = v.kept(b, t);
        with_activations(v.act, v.rec_act, [&](auto act, auto rec_act) {
          for (std::int64_t j = 0; j < u; ++j) {
            T dhj = keep ? dh[b * u + j] : T(0);
            T z = row[u + j], hh = row[3 * u + j];
            dz[j] = dhj * (hp(b, j) - hh) * derivative(rec_act, z);
            dz[2 * u + j] = dhj * (T(1) - z) * derivative(act, hh);
          }
        });
      }
      // d(r * hp) = dah @ U_h^T, into tmp; then dr; then [dz, dr] @ U_zr^T into tmp2.
      ops.gemm(false, false, M, u, u, rt + b0 * ldr + 2 * u, ldr, ut + 2 * u * u, u, T(0),
               tmp + b0 * u, u);
      for (std::int64_t b = b0; b < b1; ++b) {
        const T* row = ys + b * ldy;
        T* dz = rt + b * ldr;
        const bool keep = v.kept(b, t);
        with_activations(v.act, v.rec_act, [&](auto, auto rec_act) {
          for (std::int64_t j = 0; j < u; ++j) {
            T rj = row[2 * u + j];
            dz[u + j] = tmp[b * u + j] * hp(b, j) * derivative(rec_act, rj);
            tmp[b * u + j] = tmp[b * u + j] * rj + (keep ? dh[b * u + j] * row[u + j] : T(0));
          }
        });
      }
      ops.gemm(false, false, M, u, 2 * u, rt + b0 * ldr, ldr, ut, u, T(0), tmp2 + b0 * u, u);
    } else {
      for (std::int64_t b = b0; b < b1; ++b) {
        const T* row = ys + b * ldy;
        T* dz = rt + b * ldr;
        const bool keep = v.kept(b, t);
        // The shape rule admits only the activations with_activation resolves.
        with_activation(v.act, [&](auto act) {
          for (std::int64_t j = 0; j < u; ++j)
            dz[j] = keep ? dh[b * u + j] * derivative<T>(act, row[j]) : T(0);
        });
      }
      ops.gemm(false, false, M, u, G, rt + b0 * ldr, ldr, ut, u, T(0), tmp + b0 * u, u);
      std::fill(tmp2 + b0 * u, tmp2 + b1 * u, T(0));
    }
    // dh_{s-1}: through the cell (times the dropout mask), or carried over a masked step.
    for (std::int64_t b = b0; b < b1; ++b) {
      const bool keep = v.kept(b, t);
#pragma omp simd
      for (std::int64_t j = 0; j < u; ++j) {
        const std::int64_t k = b * u + j;
        T through = tmp[k] + tmp2[k];
        if (v.drop) through *= v.drop[k];
        dh_next[k] = keep ? through : dh[k];
      }
    }
  }
  initial_state_grads(v, dh_next, dc_next, r + v.Tn * B * ldr, b0, b1);
}

// Runs body(ops, b0, b1) over chunks of the batch, one per thread. A batch too small to split by
// rows (one sample: latency) runs on one thread whose matrix products the others share by
// columns (Ops::share_products), where the recurrent kernel is big enough to be worth it
// (`shareable`); inside a parallel region, one chunk on the caller's thread. Rethrows the first
// exception after the region.
template <typename Ops, typename Body>
void over_batch_chunks(Ops& ops, std::int64_t batch, std::int64_t row_work, bool shareable,
                       Body&& body) {
  const int threads = omp_get_max_threads();
  std::int64_t chunks = std::min<std::int64_t>(threads, batch / 8);
  if (row_work * batch < 32768) chunks = 1;
  if (omp_in_parallel()) return body(ops, std::int64_t{0}, batch);
  if (chunks <= 1) {
    if (threads < 2 || !shareable) return body(ops, std::int64_t{0}, batch);
    return ops.share_products(threads, [&](auto& shared) { body(shared, std::int64_t{0}, batch); });
  }
  std::exception_ptr error;
#pragma omp parallel num_threads(static_cast <int>(chunks))
  {
    const std::int64_t c = omp_get_thread_num();
    try {
      body(ops, batch * c / chunks, batch * (c + 1) / chunks);
    } catch (...) {
#pragma omp critical
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

template <typename T, typename Ops>
void forward(const KernelCall& call, Ops&& ops) {
  View<T> v(call);
  ScratchLayout layout(call);
  const ForwardScratch<T> scratch(layout, v);
  v.ring = scratch.ring;
  if (scratch.x_all)
    ops.gemm(false, false, v.Tn * v.B, v.G, v.D, v.x, v.D, v.w_in, v.G, T(0), scratch.x_all, v.G);
  std::fill(scratch.zeros, scratch.zeros + v.B * v.u, T(0));
  if constexpr (std::decay_t<Ops>::kChunked)
    over_batch_chunks(ops, v.B, v.G * v.Tn, v.G * v.u >= std::decay_t<Ops>::kSharedProduct,
                      [&](auto& chunk_ops, std::int64_t b0, std::int64_t b1) {
                        forward_rows<T>(call, v, scratch, chunk_ops, b0, b1);
                      });
  else
    forward_rows<T>(call, v, scratch, ops, 0, v.B);
}

template <typename T, typename Ops>
void backward(const KernelCall& call, Ops&& ops) {
  const View<T> v(call);
  ScratchLayout layout(call);
  const BackwardScratch<T> scratch(layout, v);
  std::fill(scratch.zeros, scratch.zeros + v.B * v.u, T(0));
  for (std::int64_t j = 0; j < v.u; ++j)
    for (std::int64_t k = 0; k < v.G; ++k) scratch.ut[k * v.u + j] = v.U[j * v.G + k];
  if constexpr (std::decay_t<Ops>::kChunked)
    over_batch_chunks(ops, v.B, v.G * v.Tn, v.G * v.u >= std::decay_t<Ops>::kSharedProduct,
                      [&](auto& chunk_ops, std::int64_t b0, std::int64_t b1) {
                        backward_rows<T>(call, v, scratch, chunk_ops, b0, b1);
                      });
  else
    backward_rows<T>(call, v, scratch, ops, 0, v.B);
}

// RecurrentGradWeights: inputs (..., y, R); output dU (u, G*u). The h_{t-1} (times the dropout
// mask) that met each row of R are gathered into one (T+1, B, u) matrix laid out like R (step T
// zero), so dU is one product over all B * (T+1) rows; GRU's h block uses r * h_{t-1} (with
// reset_after, h_{t-1} against R's d a columns).
template <typename T, typename Ops>
void weights_grad(const KernelCall& call, Ops&& ops) {
  View<T> v(call);
  const std::int64_t B = v.B, u = v.u, G = v.G, S = v.S;
  const std::int64_t rows = B * (v.Tn + 1);
  const std::size_t n_in = call.inputs.size();
  const T* y = call.inputs[n_in - 2].as<T>();
  const T* r = call.inputs[n_in - 1].as<T>();
  T* du = call.output.as<T>();
  ScratchLayout layout(call);
  const WeightsGradScratch<T> scratch(layout, v);
  T *zeros = scratch.zeros, *hs = scratch.hs, *rhs = scratch.rhs;
  std::fill(zeros, zeros + B * u, T(0));
  const bool parallel = B * v.Tn * u >= 65536;
#pragma omp parallel for schedule(static) if (parallel)
  for (std::int64_t b = 0; b < B; ++b) {
    for (std::int64_t s = 0; s < v.Tn; ++s) {
      const std::int64_t t = v.time(s);
      Mat<const T> hprev = previous(v, y, s, 0, v.h0, zeros);
      const T* hpr = &hprev(b, 0);
      T* out = hs + (t * B + b) * u;
      for (std::int64_t j = 0; j < u; ++j) out[j] = v.drop ? hpr[j] * v.drop[b * u + j] : hpr[j];
      if (rhs) {
        const T* rr = y + (s * B + b) * S + 2 * u;
        T* rout = rhs + (t * B + b) * u;
        for (std::int64_t j = 0; j < u; ++j) rout[j] = rr[j] * out[j];
      }
    }
    std::fill(hs + (v.Tn * B + b) * u, hs + (v.Tn * B + b + 1) * u, T(0));
    if (rhs) std::fill(rhs + (v.Tn * B + b) * u, rhs + (v.Tn * B + b + 1) * u, T(0));
  }
  if (v.cell == 1 && v.reset_after) {
    ops.gemm(true, false, u, 2 * u, rows, hs, u, r, v.GR, T(0), du, G);
    ops.gemm(true, false, u, u, rows, hs, u, r + 3 * u, v.GR, T(0), du + 2 * u, G);
  } else if (v.cell == 1) {
    ops.gemm(true, false, u, 2 * u, rows, hs, u, r, G, T(0), du, G);
    ops.gemm(true, false, u, u, rows, rhs, u, r + 2 * u, G, T(0), du + 2 * u, G);
  } else {
    ops.gemm(true, false, u, G, rows, hs, u, r, G, T(0), du, G);
  }
}

// Plain loops (double accumulation) and the library's activations: the reference backend.
struct ReferenceOps {
  static constexpr bool kChunked = false;  // one pass over the whole batch: the oracle
  template <typename T>
  void apply(OpKind op, T* x, std::int64_t n) const {
    with_activation(op, [&](auto a) {
      for (std::int64_t k = 0; k < n; ++k) x[k] = a.template forward<T>(x[k]);
    });
  }
  template <typename T>
  void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
            std::int64_t lda, const T* b, std::int64_t ldb, T beta, T* c, std::int64_t ldc) const {
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (std::int64_t p = 0; p < k; ++p)
          acc += static_cast<double>(ta ? a[p * lda + i] : a[i * lda + p]) *
                 static_cast<double>(tb ? b[j * ldb + p] : b[p * ldb + j]);
        T& out = c[i * ldc + j];
        out = static_cast<T>(acc + (beta != T(0) ? static_cast<double>(beta * out) : 0.0));
      }
  }
};

}  // namespace keras::kernels::rnn
