// The cuda recurrent kernels' steps (kernels/cuda/recurrent.cu), over the layouts of
// kernels/recurrent.h, in the reference kernels' arithmetic order: per time step one product of
// h_{t-1} (times the dropout mask) with U into a gate buffer, then one elementwise pass for the
// cell (GRU without reset_after: two products and two passes, as r * h_{t-1} enters the second);
// backwards, per step a pass for the cell's gradient, the products with U^T and a pass carrying
// d h_{t-1} on; the recurrent kernel's gradient is one product over all steps.
//
// The steps run over a policy:
//   ops.gemm(ta, tb, m, n, k, a, lda, b, ldb, c, ldc): row-major C = op(A) op(B);
//   ops.each(n, f): f(i) for every i in [0, n), in any order (the passes write disjoint elements);
//   ops.zero(p, n).
// The device policy launches kernels on the stream; tests/kernels/recurrent_steps_test.cpp runs
// them with host loops against the reference kernels. Nothing here reads or writes the operands
// on the host, so the device's steps can be captured into a CUDA graph.
#pragma once

#include <cstdint>

#include "kernels/recurrent_cell.h"

namespace keras::kernels::rnn {

// The buffers the steps need besides their operands (each op takes its own), laid out by
// ScratchLayout; `zeros` must hold zeros.
template <typename T>
struct StepBuffers {
  T *zeros = nullptr, *hp = nullptr, *gates = nullptr, *rh = nullptr;  // Recurrent
  T *dh = nullptr, *dh_next = nullptr, *dc_next = nullptr, *tmp = nullptr, *tmp2 = nullptr;
  T *hs = nullptr, *rhs = nullptr;  // RecurrentGradWeights (rhs: GRU without reset_after)
  StepBuffers(ScratchLayout& s, const View<T>& v, OpKind op) {
    const std::int64_t n = v.B * v.u;
    zeros = s.take<T>(n);
    if (op == OpKind::kRecurrent) {
      hp = s.take<T>(n);
      gates = s.take<T>(v.B * v.G);
      rh = s.take<T>(n);
    } else if (op == OpKind::kRecurrentGrad) {
      dh = s.take<T>(n);
      dh_next = s.take<T>(n);
      dc_next = s.take<T>(n);
      tmp = s.take<T>(n);
      tmp2 = s.take<T>(n);
    } else {
      hs = s.take<T>((v.Tn + 1) * n);
      if (v.cell == 1 && !v.reset_after) rhs = s.take<T>((v.Tn + 1) * n);
    }
  }
};

namespace step {

// Every pass runs over the (batch, unit) elements k = b * u + j of one step s.
template <typename T>
struct Element {
  View<T> v;
  std::int64_t s;
  KERAS_HOST_DEVICE std::int64_t b(std::int64_t k) const { return k / v.u; }
  KERAS_HOST_DEVICE std::int64_t j(std::int64_t k) const { return k % v.u; }
  KERAS_HOST_DEVICE std::int64_t t() const { return v.time(s); }
  // Row b of xproj at this step's time, of y at this step.
  KERAS_HOST_DEVICE const T* x_row(std::int64_t b) const { return v.x + (t() * v.B + b) * v.G; }
  KERAS_HOST_DEVICE std::int64_t y_row(std::int64_t b) const { return (s * v.B + b) * v.S; }
};

// hp = h_{s-1} * D, the product's left operand when the dropout mask applies.
template <typename T>
struct DropPrevious : Element<T> {
  const T* y;
  T* hp;
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const auto b = this->b(k), j = this->j(k);
    hp[k] = this->v.dropped(this->v.h_prev(y, this->s, b, j), b, j);
  }
};

// The cells' forward passes: gates holds h_{s-1} U (rows of G); y's row of step s is written.
template <typename T>
struct Forward : Element<T> {
  T* y;
  const T* gates;
  // Column c of row b's gates before its activation: h_{s-1} U plus xproj.
  KERAS_HOST_DEVICE T preactivation(std::int64_t b, std::int64_t c) const {
    return gates[b * this->v.G + c] + this->x_row(b)[c];
  }
  KERAS_HOST_DEVICE T* row(std::int64_t b) const { return y + this->y_row(b); }
};

template <typename T>
struct LstmForward : Forward<T> {
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k), u = v.u;
    T* row = this->row(b);
    const T i = activate(v.rec_act, this->preactivation(b, j));
    const T f = activate(v.rec_act, this->preactivation(b, u + j));
    const T g = activate(v.act, this->preactivation(b, 2 * u + j));
    const T o = activate(v.rec_act, this->preactivation(b, 3 * u + j));
    row[2 * u + j] = i;
    row[3 * u + j] = f;
    row[4 * u + j] = g;
    row[5 * u + j] = o;
    const T cp = v.c_prev(this->y, this->s, b, j);
    if (v.kept(b, this->t())) {
      const T c = f * cp + i * g;
      row[u + j] = c;
      row[j] = activate(v.act, c) * o;
    } else {
      row[u + j] = cp;
      row[j] = v.h_prev(this->y, this->s, b, j);
    }
  }
};

// GRU without reset_after, before the second product: z, r, and rh = r * (h_{s-1} * D).
template <typename T>
struct GruGates : Forward<T> {
  T* rh;
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k), u = v.u;
    T* row = this->row(b);
    row[u + j] = activate(v.rec_act, this->preactivation(b, j));
    const T r = activate(v.rec_act, this->preactivation(b, u + j));
    row[2 * u + j] = r;
    rh[k] = r * v.dropped(v.h_prev(this->y, this->s, b, j), b, j);
  }
};

// GRU: hh and h (reset_after: z, r and a = h_{s-1} U_h + rb too; without: the gates' h block is
// (r * h_{s-1}) U_h and z is in y already).
template <typename T>
struct GruForward : Forward<T> {
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k), u = v.u;
    T* row = this->row(b);
    T z, hh;
    if (v.reset_after) {
      z = activate(v.rec_act, this->preactivation(b, j));
      const T r = activate(v.rec_act, this->preactivation(b, u + j));
      const T a = this->gates[b * v.G + 2 * u + j] + (v.rb ? v.rb[j] : T(0));
      row[u + j] = z;
      row[2 * u + j] = r;
      row[4 * u + j] = a;
      hh = activate(v.act, r * a + this->x_row(b)[2 * u + j]);
    } else {
      z = row[u + j];
      hh = activate(v.act, this->preactivation(b, 2 * u + j));
    }
    row[3 * u + j] = hh;
    const T hprev = v.h_prev(this->y, this->s, b, j);
    row[j] = v.kept(b, this->t()) ? z * v.dropped(hprev, b, j) + (T(1) - z) * hh : hprev;
  }
};

template <typename T>
struct SimpleForward : Forward<T> {
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k);
    this->row(b)[j] = v.kept(b, this->t()) ? activate(v.act, this->preactivation(b, j))
                                           : v.h_prev(this->y, this->s, b, j);
  }
};

// The backward passes: dh = dy's h column + the d h carried from step s+1; r: R's row block of
// this step's time (rows of GR).
template <typename T>
struct Backward : Element<T> {
  const T* y;
  const T* dy;
  T* r;
  T *dh, *dh_next, *dc_next;
  KERAS_HOST_DEVICE T* r_row(std::int64_t b) const {
    return r + (this->t() * this->v.B + b) * this->v.GR;
  }
  KERAS_HOST_DEVICE T take_dh(std::int64_t k) const {
    const T d = dy[this->y_row(this->b(k)) + this->j(k)] + dh_next[k];
    dh[k] = d;
    return d;
  }
};

template <typename T>
struct LstmBackward : Backward<T> {
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k), u = v.u;
    const T dhj = this->take_dh(k);
    const T* row = this->y + this->y_row(b);
    const T dyc = this->dy[this->y_row(b) + u + j];
    T* dz = this->r_row(b);
    if (!v.kept(b, this->t())) {
      this->dc_next[k] += dyc;
      dz[j] = dz[u + j] = dz[2 * u + j] = dz[3 * u + j] = T(0);
      return;
    }
    const T tc = activate(v.act, row[u + j]);
    const T i = row[2 * u + j], f = row[3 * u + j], g = row[4 * u + j], o = row[5 * u + j];
    const T cp = v.c_prev(this->y, this->s, b, j);
    const T dcj = dyc + this->dc_next[k] + dhj * o * derivative(v.act, tc);
    dz[3 * u + j] = dhj * tc * derivative(v.rec_act, o);
    dz[j] = dcj * g * derivative(v.rec_act, i);
    dz[u + j] = dcj * cp * derivative(v.rec_act, f);
    dz[2 * u + j] = dcj * i * derivative(v.act, g);
    this->dc_next[k] = dcj * f;
  }
};

// GRU, the pass before the products: dz and d hh (reset_after: dr and da = dhh * r too).
template <typename T>
struct GruBackward : Backward<T> {
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k), u = v.u;
    const T dh_all = this->take_dh(k);
    const T dhj = v.kept(b, this->t()) ? dh_all : T(0);
    const T* row = this->y + this->y_row(b);
    const T z = row[u + j], hh = row[3 * u + j];
    const T hp = v.dropped(v.h_prev(this->y, this->s, b, j), b, j);
    T* dz = this->r_row(b);
    dz[j] = dhj * (hp - hh) * derivative(v.rec_act, z);
    const T dhh = dhj * (T(1) - z) * derivative(v.act, hh);
    dz[2 * u + j] = dhh;
    if (v.reset_after) {
      const T r = row[2 * u + j], a = row[4 * u + j];
      dz[u + j] = dhh * a * derivative(v.rec_act, r);
      dz[3 * u + j] = dhh * r;
    }
  }
};

// GRU without reset_after, after tmp = d hh U_h^T = d(r * hp): dr, then tmp = d hp through rh
// plus through z.
template <typename T>
struct GruResetGrad : Backward<T> {
  T* tmp;
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k), u = v.u;
    const T* row = this->y + this->y_row(b);
    const T r = row[2 * u + j];
    const T hp = v.dropped(v.h_prev(this->y, this->s, b, j), b, j);
    this->r_row(b)[u + j] = tmp[k] * hp * derivative(v.rec_act, r);
    tmp[k] = tmp[k] * r + (v.kept(b, this->t()) ? this->dh[k] * row[u + j] : T(0));
  }
};

template <typename T>
struct SimpleBackward : Backward<T> {
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k);
    const T d = this->take_dh(k);
    this->r_row(b)[j] =
        v.kept(b, this->t()) ? d * derivative(v.act, this->y[this->y_row(b) + j]) : T(0);
  }
};

// d h_{s-1}: through the cell (tmp [+ dh * z, GRU reset_after] [+ tmp2], times the dropout
// mask), or carried over a masked step.
template <typename T>
struct CarryBack : Backward<T> {
  const T *tmp, *tmp2;
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const View<T>& v = this->v;
    const auto b = this->b(k), j = this->j(k);
    if (!v.kept(b, this->t())) {
      this->dh_next[k] = this->dh[k];
      return;
    }
    T through = tmp[k];
    if (v.cell == 1 && v.reset_after) through += this->dh[k] * this->y[this->y_row(b) + v.u + j];
    if (tmp2) through += tmp2[k];
    this->dh_next[k] = v.drop ? through * v.drop[k] : through;
  }
};

// R's last row block (step T): [dh0, dc0, 0...], over the B * GR elements.
template <typename T>
struct InitialStateGrads {
  View<T> v;
  const T *dh, *dc;
  T* last;
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const std::int64_t b = k / v.GR, c = k % v.GR;
    T value = T(0);
    if (c < v.u)
      value = dh[b * v.u + c];
    else if (v.cell == 2 && c < 2 * v.u)
      value = dc[b * v.u + c - v.u];
    last[k] = value;
  }
};

// The (T+1, B, u) matrices laid out like R: hs the h_{t-1} * D that met each row, rhs r * hs
// (GRU without reset_after); time step T zero.
template <typename T>
struct GatherPrevious {
  View<T> v;
  const T* y;
  T *hs, *rhs;
  KERAS_HOST_DEVICE void operator()(std::int64_t k) const {
    const std::int64_t row = k / v.u, j = k % v.u, t = row / v.B, b = row % v.B;
    if (t == v.Tn) {
      hs[k] = T(0);
      if (rhs) rhs[k] = T(0);
      return;
    }
    const std::int64_t s = v.time(t);  // time() is its own inverse
    const T h = v.dropped(v.h_prev(y, s, b, j), b, j);
    hs[k] = h;
    if (rhs) rhs[k] = y[(s * v.B + b) * v.S + 2 * v.u + j] * h;
  }
};

}  // namespace step

// Recurrent: y (T, B, S) from the view's operands.
template <typename T, typename Ops>
void forward_steps(const View<T>& v, const StepBuffers<T>& w, T* y, Ops& ops) {
  const std::int64_t B = v.B, u = v.u, G = v.G, n = B * u;
  if (n == 0) return;
  for (std::int64_t s = 0; s < v.Tn; ++s) {
    const step::Forward<T> at{{v, s}, y, w.gates};
    // h_{s-1} (times D) as the products' left operand.
    const T* hp = s > 0 ? y + (s - 1) * B * v.S : (v.h0 ? v.h0 : w.zeros);
    std::int64_t ld = s > 0 ? v.S : u;
    if (v.drop) {
      ops.each(n, step::DropPrevious<T>{{v, s}, y, w.hp});
      hp = w.hp;
      ld = u;
    }
    if (v.cell == 1 && !v.reset_after) {  // r * h_{s-1} enters the h block's product
      ops.gemm(false, false, B, 2 * u, u, hp, ld, v.U, G, w.gates, G);
      ops.each(n, step::GruGates<T>{at, w.rh});
      ops.gemm(false, false, B, u, u, w.rh, u, v.U + 2 * u, G, w.gates + 2 * u, G);
    } else {
      ops.gemm(false, false, B, G, u, hp, ld, v.U, G, w.gates, G);
    }
    if (v.cell == 2)
      ops.each(n, step::LstmForward<T>{at});
    else if (v.cell == 1)
      ops.each(n, step::GruForward<T>{at});
    else
      ops.each(n, step::SimpleForward<T>{at});
  }
}

// RecurrentGrad: R (T+1, B, GR) from y and dy.
template <typename T, typename Ops>
void backward_steps(const View<T>& v, const StepBuffers<T>& w, const T* y, const T* dy, T* r,
                    Ops& ops) {
  const std::int64_t B = v.B, u = v.u, G = v.G, GR = v.GR, n = B * u;
  if (n == 0) return;
  ops.zero(w.dh_next, n);
  ops.zero(w.dc_next, n);
  for (std::int64_t s = v.Tn; s-- > 0;) {
    const step::Backward<T> at{{v, s}, y, dy, r, w.dh, w.dh_next, w.dc_next};
    T* rt = r + v.time(s) * B * GR;
    const T* tmp2 = nullptr;
    if (v.cell == 2) {
      ops.each(n, step::LstmBackward<T>{at});
      ops.gemm(false, true, B, u, G, rt, GR, v.U, G, w.tmp, u);
    } else if (v.cell == 1) {
      ops.each(n, step::GruBackward<T>{at});
      // d(r * hp) (without reset_after) or da, times U_h^T.
      ops.gemm(false, true, B, u, u, rt + (v.reset_after ? 3 : 2) * u, GR, v.U + 2 * u, G, w.tmp,
               u);
      if (!v.reset_after) ops.each(n, step::GruResetGrad<T>{at, w.tmp});
      ops.gemm(false, true, B, u, 2 * u, rt, GR, v.U, G, w.tmp2, u);  // [dz, dr] U_zr^T
      tmp2 = w.tmp2;
    } else {
      ops.each(n, step::SimpleBackward<T>{at});
      ops.gemm(false, true, B, u, G, rt, GR, v.U, G, w.tmp, u);
    }
    ops.each(n, step::CarryBack<T>{at, w.tmp, tmp2});
  }
  ops.each(B * GR, step::InitialStateGrads<T>{v, w.dh_next, w.dc_next, r + v.Tn * B * GR});
}

// RecurrentGradWeights: dU (u, G) from y and R, one product over the B * (T+1) rows (GRU: the
// h block against r * h_{t-1}, or with reset_after h_{t-1} against R's da columns).
template <typename T, typename Ops>
void weights_steps(const View<T>& v, const StepBuffers<T>& w, const T* y, const T* r, T* du,
                   Ops& ops) {
  const std::int64_t u = v.u, G = v.G, rows = v.B * (v.Tn + 1);
  if (u == 0) return;
  if (v.B == 0) return ops.zero(du, u * G);
  ops.each(rows * u, step::GatherPrevious<T>{v, y, w.hs, w.rhs});
  if (v.cell == 1) {
    ops.gemm(true, false, u, 2 * u, rows, w.hs, u, r, v.GR, du, G);
    if (v.reset_after)
      ops.gemm(true, false, u, u, rows, w.hs, u, r + 3 * u, v.GR, du + 2 * u, G);
    else
      ops.gemm(true, false, u, u, rows, w.rhs, u, r + 2 * u, v.GR, du + 2 * u, G);
  } else {
    ops.gemm(true, false, u, G, rows, w.hs, u, r, G, du, G);
  }
}

}  // namespace keras::kernels::rnn
