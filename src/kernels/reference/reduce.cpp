// Reference reductions and their inverses (broadcasting a reduced tensor back). Outer loops walk
// the kept dimensions, inner loops the reduced ones, accumulating in double.
#include <limits>

#include "kernels/reference/indexing.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/reduce.h"

namespace keras::kernels::reference {

void reduce(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  check_rank(x.shape);
  bool flags[kMaxRank] = {};
  for (std::size_t d = 0; d < x.shape.size(); ++d)
    flags[d] = is_reduced(call.attrs_as<ops::ReduceAttrs>().axes, d, x.shape.size());
  dispatch_all(call.op, x.dtype, [&]<typename T>() {
    const T* in = x.as<T>();
    T* out = call.output.as<T>();
    const Strides strides[1] = {contiguous_strides(x.shape)};
    Odometer<1> outer(x.shape, strides);
    outer.restrict_to([&](std::size_t d) { return !flags[d]; });
    std::int64_t n_in = 1;
    for (std::size_t d = 0; d < x.shape.size(); ++d)
      if (flags[d]) n_in *= x.shape[d];
    for (std::int64_t o = 0; o < call.output.numel; ++o, outer.next()) {
      Odometer<1> inner(x.shape, strides);
      inner.restrict_to([&](std::size_t d) { return flags[d]; });
      double acc = call.op == OpKind::kMax    ? -std::numeric_limits<double>::infinity()
                   : call.op == OpKind::kMin  ? std::numeric_limits<double>::infinity()
                   : call.op == OpKind::kProd ? 1.0
                                              : 0.0;
      for (std::int64_t i = 0; i < n_in; ++i, inner.next()) {
        double v = static_cast<double>(in[outer.offset[0] + inner.offset[0]]);
        switch (call.op) {
          case OpKind::kMax:
            acc = v > acc ? v : acc;
            break;
          case OpKind::kMin:
            acc = v < acc ? v : acc;
            break;
          case OpKind::kProd:
            acc *= v;
            break;
          default:
            acc += v;
            break;
        }
      }
      out[o] = static_cast<T>(call.op == OpKind::kMean ? acc / static_cast<double>(n_in) : acc);
    }
  });
}

void arg_reduce(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  int rank = static_cast<int>(x.shape.size());
  const int given = call.attrs_as<ops::AxisAttrs>().axis;
  int axis = given < 0 ? given + rank : given;
  std::int64_t outer = 1, n = x.shape[static_cast<std::size_t>(axis)], inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.shape[static_cast<std::size_t>(d)];
  for (int d = axis + 1; d < rank; ++d) inner *= x.shape[static_cast<std::size_t>(d)];
  bool is_max = call.op == OpKind::kArgMax;
  dispatch_all(call.op, x.dtype, [&]<typename T>() {
    const T* in = x.as<T>();
    std::int64_t* out = call.output.as<std::int64_t>();
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t i = 0; i < inner; ++i) {
        const T* row = in + o * n * inner + i;
        std::int64_t best = 0;
        for (std::int64_t k = 1; k < n; ++k) {
          T v = row[k * inner], b = row[best * inner];
          if (is_max ? v > b : v < b) best = k;
        }
        out[o * inner + i] = best;
      }
  });
}

void scan(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const int rank = static_cast<int>(x.shape.size());
  const int given = call.attrs_as<ops::AxisAttrs>().axis;
  const int axis = given < 0 ? given + rank : given;
  std::int64_t outer = 1, n = x.shape[static_cast<std::size_t>(axis)], inner = 1;
  for (int d = 0; d < axis; ++d) outer *= x.shape[static_cast<std::size_t>(d)];
  for (int d = axis + 1; d < rank; ++d) inner *= x.shape[static_cast<std::size_t>(d)];
  const bool product = call.op == OpKind::kCumprod;
  dispatch_all(call.op, x.dtype, [&]<typename T>() {
    const T* in = x.as<T>();
    T* out = call.output.as<T>();
    for (std::int64_t o = 0; o < outer; ++o)
      for (std::int64_t i = 0; i < inner; ++i) {
        const std::int64_t base = o * n * inner + i;
        T acc = product ? T(1) : T(0);
        for (std::int64_t k = 0; k < n; ++k) {
          const T v = in[base + k * inner];
          acc = product ? static_cast<T>(acc * v) : static_cast<T>(acc + v);
          out[base + k * inner] = acc;
        }
      }
  });
}

void broadcast_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  if (call.attrs_as<ops::BroadcastLikeAttrs>().numpy_broadcast) return broadcast_copy(g, out);
  check_rank(out.shape);
  // g holds the reduction of `out`'s shape over `axes`: its strides skip the reduced axes.
  Strides strides[1] = {};
  std::int64_t running = 1;
  for (std::size_t d = out.shape.size(); d-- > 0;) {
    bool reduced = is_reduced(call.attrs_as<ops::BroadcastLikeAttrs>().axes, d, out.shape.size());
    strides[0][d] = reduced ? 0 : running;
    if (!reduced) running *= out.shape[d];
  }
  dispatch_float(call.op, out.dtype, [&]<typename T>() {
    const T* in = g.as<T>();
    T* y = out.as<T>();
    T scale = call.op == OpKind::kMeanGrad
                  ? static_cast<T>(static_cast<double>(g.numel) / static_cast<double>(out.numel))
                  : T(1);
    Odometer<1> it(out.shape, strides);
    for (std::int64_t i = 0; i < out.numel; ++i, it.next()) y[i] = in[it.offset[0]] * scale;
  });
}

void sum_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  check_rank(g.shape);
  // Dimensions of g that numpy broadcasting added to `out`'s shape are summed.
  std::size_t lead = g.shape.size() - out.shape.size();
  bool summed[kMaxRank] = {};
  for (std::size_t d = 0; d < g.shape.size(); ++d)
    summed[d] = d < lead || (out.shape[d - lead] == 1 && g.shape[d] != 1);
  dispatch_float(call.op, out.dtype, [&]<typename T>() {
    const T* in = g.as<T>();
    T* y = out.as<T>();
    const Strides strides[1] = {contiguous_strides(g.shape)};
    Odometer<1> outer(g.shape, strides);
    outer.restrict_to([&](std::size_t d) { return !summed[d]; });
    std::int64_t n_in = 1;
    for (std::size_t d = 0; d < g.shape.size(); ++d)
      if (summed[d]) n_in *= g.shape[d];
    for (std::int64_t o = 0; o < out.numel; ++o, outer.next()) {
      Odometer<1> inner(g.shape, strides);
      inner.restrict_to([&](std::size_t d) { return summed[d]; });
      double acc = 0;
      for (std::int64_t i = 0; i < n_in; ++i, inner.next())
        acc += static_cast<double>(in[outer.offset[0] + inner.offset[0]]);
      y[o] = static_cast<T>(acc);
    }
  });
}

}  // namespace keras::kernels::reference
