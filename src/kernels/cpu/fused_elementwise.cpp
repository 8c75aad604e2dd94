// The cpu backend's elementwise engine: a fused group runs chunk by chunk, each op as one tight
// loop over the chunk (vectorised by the compiler), intermediates in per-thread scratch.
#include <omp.h>

#include <algorithm>
#include <cstring>
#include <tuple>

#include "kernels/elementwise_math.h"
#include "kernels/fused_elementwise.h"

namespace keras::kernels {

namespace {

// One op over a chunk, its operands read as x * s + o. Loops carry no dependence from one element
// to the next, and `out` may be one of the operands at the same index (an in-place update), hence
// ivdep rather than restrict.
template <typename T>
struct Affine {
  T s = 1, o = 0;
  bool identity() const { return s == T(1) && o == T(0); }
  T operator()(T x) const { return x * s + o; }
};

template <OpKind Op, typename T>
void run_op(T* out, const T* a, bool a_scalar, Affine<T> fa, const T* b, bool b_scalar,
            Affine<T> fb, std::int64_t len, double alpha, double beta) {
  if constexpr (Op < OpKind::kAdd) {
    if (fa.identity()) {
#pragma GCC ivdep
      for (std::int64_t i = 0; i < len; ++i) out[i] = unary_op<Op, T>(a[i], alpha, beta);
    } else {
#pragma GCC ivdep
      for (std::int64_t i = 0; i < len; ++i) out[i] = unary_op<Op, T>(fa(a[i]), alpha, beta);
    }
  } else if (a_scalar) {
    const T av = fa(a[0]);
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<Op, T>(av, fb(b[i]));
  } else if (b_scalar) {
    const T bv = fb(b[0]);
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<Op, T>(fa(a[i]), bv);
  } else if (fa.identity() && fb.identity()) {
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<Op, T>(a[i], b[i]);
  } else {
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<Op, T>(fa(a[i]), fb(b[i]));
  }
}

// A binary arithmetic op whose operands are u(x) * s + o, u one of the unary ops folded into
// operands (kCount: none): Adam's sqrt(v) + eps and (1 - beta_2) * g^2 are read where they are
// used instead of written to scratch and read back (4 passes over a chunk instead of 6).
template <OpKind U, typename T>
inline T operand_unary(T x) {
  if constexpr (U == OpKind::kCount)
    return x;
  else
    return unary_op<U, T>(x, 0.0, 0.0);
}

template <OpKind Op, OpKind Ua, OpKind Ub, typename T>
void run_binary_unary(T* out, const T* a, bool a_scalar, Affine<T> fa, const T* b, bool b_scalar,
                      Affine<T> fb, std::int64_t len) {
  if (a_scalar) {
    const T av = fa(a[0]);
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i)
      out[i] = binary_op<Op, T>(av, fb(operand_unary<Ub>(b[i])));
  } else if (b_scalar) {
    const T bv = fb(b[0]);
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i)
      out[i] = binary_op<Op, T>(fa(operand_unary<Ua>(a[i])), bv);
  } else {
#pragma GCC ivdep
    for (std::int64_t i = 0; i < len; ++i)
      out[i] = binary_op<Op, T>(fa(operand_unary<Ua>(a[i])), fb(operand_unary<Ub>(b[i])));
  }
}

// A set of ops: membership, and a call of f(std::integral_constant<OpKind, K>) for the member K
// equal to `op` (the last member when none is).
template <OpKind First, OpKind... Rest>
struct OpSet {
  static constexpr bool has(OpKind op) { return op == First || ((op == Rest) || ...); }
  template <typename F>
  static void with(OpKind op, F&& f) {
    if constexpr (sizeof...(Rest) == 0)
      f(std::integral_constant<OpKind, First>{});
    else if (op == First)
      f(std::integral_constant<OpKind, First>{});
    else
      OpSet<Rest...>::with(op, f);
  }
};
using FoldedUnary = OpSet<OpKind::kSqrt, OpKind::kSquare, OpKind::kCount>;  // kCount: none
using UnaryReaders = OpSet<OpKind::kAdd, OpKind::kSub, OpKind::kMul, OpKind::kDiv>;

template <typename T>
void run_instruction(const FusedProgram::Instruction& instr, T* out, const T* a, bool a_scalar,
                     Affine<T> fa, const T* b, bool b_scalar, Affine<T> fb, std::int64_t len) {
  if (instr.a_unary == OpKind::kCount && instr.b_unary == OpKind::kCount) {
    with_static_op(instr.op, [&](auto op) {
      run_op<op.value, T>(out, a, a_scalar, fa, b, b_scalar, fb, len, instr.alpha, instr.beta);
    });
    return;
  }
  UnaryReaders::with(instr.op, [&](auto op) {
    FoldedUnary::with(instr.a_unary, [&](auto ua) {
      FoldedUnary::with(instr.b_unary, [&](auto ub) {
        run_binary_unary<op.value, ua.value, ub.value, T>(out, a, a_scalar, fa, b, b_scalar, fb,
                                                          len);
      });
    });
  });
}

template <typename T>
void run_chunk(const FusedProgram& p, std::int64_t c0, std::int64_t len, T* regs) {
  const int n_inputs = static_cast<int>(p.inputs.size());
  auto operand = [&](int r, bool& scalar) -> const T* {
    if (r < n_inputs) {
      scalar = p.inputs[static_cast<std::size_t>(r)].scalar;
      const T* base = static_cast<const T*>(p.inputs[static_cast<std::size_t>(r)].data);
      return scalar ? base : base + c0;
    }
    scalar = false;
    const auto& producer = p.code[static_cast<std::size_t>(r - n_inputs)];
    if (producer.direct) return static_cast<const T*>(producer.direct) + c0;
    return regs + static_cast<std::int64_t>(producer.slot) * kFusedChunk;
  };
  auto scalar_input = [&](int r, T none) {
    return r < 0 ? none : *static_cast<const T*>(p.inputs[static_cast<std::size_t>(r)].data);
  };
  for (const auto& instr : p.code) {
    if (instr.folded) continue;
    T* out = instr.direct ? static_cast<T*>(instr.direct) + c0
                          : regs + static_cast<std::int64_t>(instr.slot) * kFusedChunk;
    bool a_scalar = false, b_scalar = false;
    const T* a = operand(instr.a, a_scalar);
    const T* b = instr.b >= 0 ? operand(instr.b, b_scalar) : nullptr;
    const Affine<T> fa{scalar_input(instr.a_scale, T(1)), scalar_input(instr.a_offset, T(0))};
    const Affine<T> fb{scalar_input(instr.b_scale, T(1)), scalar_input(instr.b_offset, T(0))};
    run_instruction<T>(instr, out, a, a_scalar, fa, b, b_scalar, fb, len);
  }
  for (const auto& o : p.outputs) {
    const auto& producer = p.code[static_cast<std::size_t>(o.reg - n_inputs)];
    if (!producer.direct)
      std::memcpy(static_cast<T*>(o.data) + c0,
                  regs + static_cast<std::int64_t>(producer.slot) * kFusedChunk,
                  static_cast<std::size_t>(len) * sizeof(T));
  }
}

template <typename T>
void run_typed(FusedProgram& p) {
  const std::int64_t chunks = (p.n + kFusedChunk - 1) / kFusedChunk;
  const std::size_t per_thread = static_cast<std::size_t>(p.slots) * kFusedChunk;
  T* scratch = reinterpret_cast<T*>(p.scratch.data());
  // Small groups (scalars, biases) are not worth waking the thread pool for.
  // The run's team may be smaller than the planned one (cpu::ThreadBudget), never larger.
  const int threads = p.n >= 16 * kFusedChunk ? std::min(p.threads, omp_get_max_threads()) : 1;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    std::int64_t c0 = c * kFusedChunk;
    std::int64_t len = std::min(kFusedChunk, p.n - c0);
    run_chunk<T>(p, c0, len, scratch + static_cast<std::size_t>(omp_get_thread_num()) * per_thread);
  }
}

// The last instruction reading instruction k's result (its operand x folded in), when every reader
// accepts it (accepts(reader, reads it as a, reads it as b)), no output needs it and x's memory is
// not overwritten (an in-place output) before that reader runs; -1 otherwise or with no reader.
template <typename Accepts>
int last_folding_reader(const FusedProgram& p, int k, int x, Accepts&& accepts) {
  const int n_inputs = static_cast<int>(p.inputs.size());
  const int n_code = static_cast<int>(p.code.size());
  const int reg = n_inputs + k;
  for (const auto& o : p.outputs)
    if (o.reg == reg) return -1;
  int last = -1;
  for (int j = k + 1; j < n_code; ++j) {
    const auto& reader = p.code[static_cast<std::size_t>(j)];
    if (reader.folded || (reader.a != reg && reader.b != reg)) continue;
    if (!accepts(reader, reader.a == reg, reader.b == reg)) return -1;
    last = j;
  }
  const void* x_memory = x < n_inputs ? p.inputs[static_cast<std::size_t>(x)].data
                                      : p.code[static_cast<std::size_t>(x - n_inputs)].direct;
  for (int j = k + 1; j < last; ++j)
    if (x_memory && p.code[static_cast<std::size_t>(j)].direct == x_memory) return -1;
  return last;
}

// Folds x * s and x + s (s a scalar input) into the instructions that read the result, as the
// scale or offset of their operand, when nothing else needs it: Adam's update is then 6 passes over
// a chunk instead of 12. Not when x's memory is overwritten (an in-place output) before the last
// reader runs. An operand is x * scale + offset, so an add folds over a folded multiply, not
// the other way round.
void fold_scalar_operands(FusedProgram& p) {
  const int n_inputs = static_cast<int>(p.inputs.size());
  const int n_code = static_cast<int>(p.code.size());
  auto is_scalar_input = [&](int r) {
    return r >= 0 && r < n_inputs && p.inputs[static_cast<std::size_t>(r)].scalar;
  };
  for (int k = 0; k < n_code; ++k) {
    auto& instr = p.code[static_cast<std::size_t>(k)];
    const bool is_mul = instr.op == OpKind::kMul;
    if ((!is_mul && instr.op != OpKind::kAdd) || instr.direct) continue;
    // x and s, with x's own scale (an add over a folded multiply keeps it)
    int x = -1, s = -1, x_scale = -1;
    if (is_scalar_input(instr.b) && !is_scalar_input(instr.a) && instr.b_scale < 0 &&
        instr.a_offset < 0 && (is_mul ? instr.a_scale < 0 : true)) {
      x = instr.a, s = instr.b, x_scale = instr.a_scale;
    } else if (is_scalar_input(instr.a) && !is_scalar_input(instr.b) && instr.a_scale < 0 &&
               instr.b_offset < 0 && (is_mul ? instr.b_scale < 0 : true)) {
      x = instr.b, s = instr.a, x_scale = instr.b_scale;
    } else {
      continue;
    }
    const int reg = n_inputs + k;
    const int last_reader = last_folding_reader(p, k, x, [](const auto& reader, bool a, bool b) {
      return (!a || (reader.a_scale < 0 && reader.a_offset < 0)) &&
             (!b || (reader.b_scale < 0 && reader.b_offset < 0));
    });
    if (last_reader < 0) continue;
    for (int j = k + 1; j <= last_reader; ++j) {
      auto& reader = p.code[static_cast<std::size_t>(j)];
      for (auto [operand, scale, offset] : {std::tie(reader.a, reader.a_scale, reader.a_offset),
                                            std::tie(reader.b, reader.b_scale, reader.b_offset)}) {
        if (operand != reg) continue;
        operand = x;
        scale = is_mul ? s : x_scale;
        offset = is_mul ? -1 : s;
      }
    }
    instr.folded = true;
  }
}

// Folds a sqrt or square of an intermediate or input into the arithmetic instructions that read
// it (as their operand's unary op, under any scale and offset folded before), when nothing else
// needs its result and its operand's memory is not overwritten before the last reader runs.
void fold_unary_operands(FusedProgram& p) {
  const int n_inputs = static_cast<int>(p.inputs.size());
  const int n_code = static_cast<int>(p.code.size());
  for (int k = 0; k < n_code; ++k) {
    auto& instr = p.code[static_cast<std::size_t>(k)];
    if (instr.op == OpKind::kCount || !FoldedUnary::has(instr.op) || instr.folded || instr.direct ||
        instr.a_scale >= 0 || instr.a_offset >= 0 || instr.a_unary != OpKind::kCount)
      continue;
    const int x = instr.a;
    if (x < n_inputs && p.inputs[static_cast<std::size_t>(x)].scalar) continue;
    const int reg = n_inputs + k;
    const int last_reader = last_folding_reader(p, k, x, [](const auto& reader, bool a, bool b) {
      return UnaryReaders::has(reader.op) && (!a || reader.a_unary == OpKind::kCount) &&
             (!b || reader.b_unary == OpKind::kCount);
    });
    if (last_reader < 0) continue;
    for (int j = k + 1; j <= last_reader; ++j) {
      auto& reader = p.code[static_cast<std::size_t>(j)];
      if (reader.folded) continue;
      if (reader.a == reg) reader.a = x, reader.a_unary = instr.op;
      if (reader.b == reg) reader.b = x, reader.b_unary = instr.op;
    }
    instr.folded = true;
  }
}

// Gives each intermediate a scratch slot, reusing a slot once its last reader has run: a chunk's
// working set then stays in L1 (one slot per instruction put Adam's 12 intermediates in L2).
void assign_slots(FusedProgram& p) {
  const int n_inputs = static_cast<int>(p.inputs.size());
  const int n_code = static_cast<int>(p.code.size());
  std::vector<int> last_use(p.code.size(), -1);
  for (int k = 0; k < n_code; ++k) {
    if (p.code[static_cast<std::size_t>(k)].folded) continue;
    for (int r : {p.code[static_cast<std::size_t>(k)].a, p.code[static_cast<std::size_t>(k)].b})
      if (r >= n_inputs) last_use[static_cast<std::size_t>(r - n_inputs)] = k;
  }
  for (const auto& o : p.outputs) last_use[static_cast<std::size_t>(o.reg - n_inputs)] = n_code;
  std::vector<int> free_slots;
  p.slots = 0;
  for (int k = 0; k < n_code; ++k) {
    auto& instr = p.code[static_cast<std::size_t>(k)];
    if (instr.folded) continue;
    if (!instr.direct) {
      if (free_slots.empty()) {
        instr.slot = p.slots++;
      } else {
        instr.slot = free_slots.back();
        free_slots.pop_back();
      }
    }
    // Released after the result took its slot, so an instruction never writes over its operands.
    for (int r : {instr.a, instr.b == instr.a ? -1 : instr.b}) {
      if (r < n_inputs) continue;
      const auto& producer = p.code[static_cast<std::size_t>(r - n_inputs)];
      if (last_use[static_cast<std::size_t>(r - n_inputs)] == k && !producer.direct)
        free_slots.push_back(producer.slot);
    }
  }
}

}  // namespace

void prepare_fused(FusedProgram& p) {
  fold_scalar_operands(p);
  fold_unary_operands(p);
  assign_slots(p);
  p.threads = omp_get_max_threads();
  p.scratch.assign(static_cast<std::size_t>(p.threads) * static_cast<std::size_t>(p.slots) *
                           kFusedChunk * dtype_size(p.dtype) +
                       64,
                   0);
}

void run_fused(FusedProgram& p) {
  if (p.dtype == DType::float64)
    run_typed<double>(p);
  else
    run_typed<float>(p);
}

}  // namespace keras::kernels
