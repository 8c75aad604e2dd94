// Static shape and dtype inference for every op. With -1 (unknown) dimensions at graph-building
// time; with concrete shapes when the executor plans buffers.
#include <algorithm>
#include <stdexcept>
#include <string>

#include "backend/conv_geometry.h"
#include "keras/backend/graph.h"

namespace keras::backend {

namespace {

[[noreturn]] void fail(OpKind op, const std::string& message) {
  throw std::invalid_argument(std::string("K::") + op_name(op) + ": " + message);
}

int normalize_axis(OpKind op, int axis, int rank) {
  int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    fail(op, "axis " + std::to_string(axis) + " is out of range for a tensor of rank " +
                 std::to_string(rank));
  return a;
}

Shape broadcast_shapes(OpKind op, const Shape& a, const Shape& b) {
  std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (da == -1)
      out[i] = db;
    else if (db == -1)
      out[i] = da;
    else
      fail(op, "shapes " + shape_to_string(a) + " and " + shape_to_string(b) +
                   " cannot be broadcast together (dimension " + std::to_string(i) + ": " +
                   std::to_string(da) + " vs " + std::to_string(db) + ")");
  }
  return out;
}

std::vector<bool> reduced_axes(OpKind op, const std::vector<int>& axes, int rank) {
  std::vector<bool> reduced(static_cast<std::size_t>(rank), axes.empty());
  for (int axis : axes) reduced[static_cast<std::size_t>(normalize_axis(op, axis, rank))] = true;
  return reduced;
}

void expect_inputs(OpKind op, const std::vector<const Shape*>& inputs, std::size_t n) {
  if (inputs.size() != n)
    fail(op, "expects " + std::to_string(n) + " inputs, got " + std::to_string(inputs.size()));
}

bool dims_conflict(std::int64_t a, std::int64_t b) {
  return a >= 0 && b >= 0 && a != b;
}

Shape resolve_reshape(OpKind op, const Shape& in, Shape target) {
  std::int64_t known = 1;
  int unknown = -1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] < 0) {
      if (unknown >= 0)
        fail(op, "can only infer one unknown dimension in " + shape_to_string(target));
      unknown = static_cast<int>(i);
    } else {
      known *= target[i];
    }
  }
  std::int64_t numel = shape_numel(in);
  if (numel < 0) return target;  // resolved at run time
  if (unknown >= 0) {
    if (known == 0 || numel % known != 0)
      fail(op, "cannot reshape a tensor of shape " + shape_to_string(in) + " into " +
                   shape_to_string(target));
    target[static_cast<std::size_t>(unknown)] = numel / known;
  } else if (known != numel) {
    fail(op, "cannot reshape a tensor of shape " + shape_to_string(in) + " (" +
                 std::to_string(numel) + " elements) into " + shape_to_string(target));
  }
  return target;
}

// convolution and pooling
void check_window_attrs(OpKind op, const Attrs& attrs, const Shape& x, bool conv) {
  if (x.size() < 3 || x.size() > 5)
    fail(op, "expects a tensor of rank 3 to 5 (batch, spatial..., channels), got " +
                 shape_to_string(x));
  const std::size_t rank = x.size() - 2;
  bool ok = attrs.strides.size() == rank && attrs.pad_begin.size() == rank &&
            attrs.pad_end.size() == rank &&
            (conv ? attrs.dilation.size() == rank : attrs.window.size() == rank);
  if (!ok)
    fail(op, "strides, padding and " + std::string(conv ? "dilation" : "window") + " need " +
                 std::to_string(rank) + " entries for the input " + shape_to_string(x));
  for (std::size_t i = 0; i < rank; ++i) {
    if (attrs.strides[i] < 1 || attrs.pad_begin[i] < 0 || attrs.pad_end[i] < 0 ||
        (conv ? attrs.dilation[i] < 1 : attrs.window[i] < 1))
      fail(op, "strides, dilation and window sizes must be positive and padding non-negative");
  }
}

Shape window_output(OpKind op, const Shape& x, const std::vector<std::int64_t>& k,
                    const Attrs& attrs, std::int64_t channels) {
  Shape out{x[0]};
  for (std::size_t i = 0; i + 2 < x.size(); ++i) {
    std::int64_t d = detail::window_output_dim(x[i + 1], k[i], attrs.strides[i],
                                               attrs.dilation.empty() ? 1 : attrs.dilation[i],
                                               attrs.pad_begin[i], attrs.pad_end[i]);
    if (d == 0)
      fail(op, "the window " + shape_to_string(Shape(k.begin(), k.end())) +
                   " does not fit the input " + shape_to_string(x) + " (padded by " +
                   shape_to_string(Shape(attrs.pad_begin.begin(), attrs.pad_begin.end())) +
                   " and " + shape_to_string(Shape(attrs.pad_end.begin(), attrs.pad_end.end())) +
                   ")");
    out.push_back(d);
  }
  out.push_back(channels);
  return out;
}

Shape conv_output(OpKind op, const Shape& x, const Shape& w, const Attrs& attrs) {
  check_window_attrs(op, attrs, x, true);
  if (w.size() != x.size())
    fail(op, "the kernel " + shape_to_string(w) + " needs rank " + std::to_string(x.size()) +
                 " for the input " + shape_to_string(x));
  const std::int64_t in_per_group = w[w.size() - 2], out = w.back();
  if (attrs.groups < 1 || out % attrs.groups != 0 ||
      dims_conflict(x.back(), in_per_group * attrs.groups))
    fail(op, "the kernel " + shape_to_string(w) + " does not fit the input " + shape_to_string(x) +
                 " with " + std::to_string(attrs.groups) +
                 " group(s): input channels must be kernel[-2] * groups, output channels a "
                 "multiple of groups");
  return window_output(op, x, std::vector<std::int64_t>(w.begin(), w.end() - 2), attrs, out);
}

// Recurrent(xproj (T, B, G*u), U (u, G*u), [h0 (B, u), [c0]], [mask (B, T)], [D (B, u)],
// [recurrent bias (u)]) -> (T, B, W*u); RecurrentGrad adds (y, dy) -> (T+1, B, G*u) (G+1 with
// reset_after); RecurrentGradWeights adds (y, R) -> U.
Shape recurrent_shape(OpKind op, const std::vector<const Shape*>& in, const Attrs& a) {
  if (a.rnn_cell < 0 || a.rnn_cell > 2) fail(op, "unknown cell " + std::to_string(a.rnn_cell));
  const std::int64_t gates = a.rnn_cell == 2 ? 4 : (a.rnn_cell == 1 ? 3 : 1);
  if (a.rnn_reset_after && a.rnn_cell != 1) fail(op, "reset_after applies to a GRU cell only");
  const std::int64_t width =
      a.rnn_cell == 2 ? 6 : (a.rnn_cell == 1 ? (a.rnn_reset_after ? 5 : 4) : 1);
  std::size_t n = 2 + (a.rnn_initial_state ? (a.rnn_cell == 2 ? 2 : 1) : 0) + a.rnn_mask +
                  a.rnn_recurrent_mask + a.rnn_reset_after;
  expect_inputs(op, in, op == OpKind::kRecurrent ? n : n + 2);
  const Shape& x = *in[0];
  const Shape& u = *in[1];
  if (x.size() != 3 || u.size() != 2 || u[0] < 0 || u[1] != gates * u[0])
    fail(op, "expects time-major inputs of shape (time, batch, " + std::to_string(gates) +
                 " * units) and a recurrent kernel of shape (units, " + std::to_string(gates) +
                 " * units), got " + shape_to_string(x) + " and " + shape_to_string(u));
  if (x[0] < 0) fail(op, "needs a known number of time steps, got " + shape_to_string(x));
  if (dims_conflict(x[2], u[1]))
    fail(op, "inputs " + shape_to_string(x) + " do not match the recurrent kernel " +
                 shape_to_string(u));
  const std::int64_t units = u[0];
  std::size_t k = 2;
  auto expect = [&](const Shape& expected, const char* what) {
    const Shape& s = *in[k++];
    bool ok = s.size() == expected.size();
    for (std::size_t d = 0; ok && d < s.size(); ++d) ok = !dims_conflict(s[d], expected[d]);
    if (!ok)
      fail(op, std::string("the ") + what + " must have shape " + shape_to_string(expected) +
                   ", got " + shape_to_string(s));
  };
  if (a.rnn_initial_state) {
    expect({x[1], units}, "initial state");
    if (a.rnn_cell == 2) expect({x[1], units}, "initial cell state");
  }
  if (a.rnn_mask) expect({x[1], x[0]}, "mask");
  if (a.rnn_recurrent_mask) expect({x[1], units}, "recurrent dropout mask");
  if (a.rnn_reset_after) expect({units}, "recurrent bias");
  if (op == OpKind::kRecurrent) return {x[0], x[1], width * units};
  // reset_after: d(h_{t-1} U_h + recurrent bias) follows d xproj.
  if (op == OpKind::kRecurrentGrad) return {x[0] + 1, x[1], (gates + a.rnn_reset_after) * units};
  return u;
}

// BatchNormStats(x) -> (2, C); BatchNorm(x, stats, gamma, beta) and BatchNormGrad(x, stats, gamma,
// dy) -> x; BatchNormGradParams(x, stats, dy) -> (2, C). C = x[attrs.axis].
Shape batch_norm_shape(OpKind op, const std::vector<const Shape*>& in, const Attrs& a) {
  expect_inputs(op, in,
                op == OpKind::kBatchNormStats ? 1 : (op == OpKind::kBatchNormGradParams ? 3 : 4));
  const Shape& x = *in[0];
  if (x.empty()) fail(op, "needs a tensor of rank >= 1");
  const std::int64_t channels =
      x[static_cast<std::size_t>(normalize_axis(op, a.axis, static_cast<int>(x.size())))];
  const Shape stats{2, channels};
  if (!(a.alpha >= 0) && op != OpKind::kBatchNormStats)
    fail(op, "epsilon must be >= 0, got " + std::to_string(a.alpha));
  auto expect = [&](std::size_t i, const Shape& expected, const char* what) {
    const Shape& s = *in[i];
    bool ok = s.size() == expected.size();
    for (std::size_t d = 0; ok && d < s.size(); ++d) ok = !dims_conflict(s[d], expected[d]);
    if (!ok)
      fail(op, std::string("the ") + what + " must have shape " + shape_to_string(expected) +
                   " for an input of shape " + shape_to_string(x) +
                   " normalized over all axes but " + std::to_string(a.axis) + ", got " +
                   shape_to_string(s));
  };
  if (op == OpKind::kBatchNormStats) return stats;
  expect(1, stats, "statistics (mean; variance)");
  if (op == OpKind::kBatchNormGradParams) {
    expect(2, x, "output gradient");
    return stats;
  }
  expect(2, {channels}, "gamma");
  expect(3, op == OpKind::kBatchNorm ? Shape{channels} : x,
         op == OpKind::kBatchNorm ? "beta" : "output gradient");
  return x;
}

}  // namespace

Shape infer_shape(OpKind op, const std::vector<const Shape*>& in, const Attrs& attrs) {
  if (is_elementwise(op) && op < OpKind::kAdd) {
    expect_inputs(op, in, 1);
    return *in[0];
  }
  if (is_elementwise(op)) {
    expect_inputs(op, in, 2);
    return broadcast_shapes(op, *in[0], *in[1]);
  }
  switch (op) {
    case OpKind::kPlaceholder:
    case OpKind::kVariable:
    case OpKind::kConstant:
      return attrs.shape;
    case OpKind::kCast:
      expect_inputs(op, in, 1);
      return *in[0];
    case OpKind::kSwitch:
      expect_inputs(op, in, 3);
      if (shape_numel(*in[0]) != 1)
        fail(op, "the condition must be a scalar, got " + shape_to_string(*in[0]));
      return broadcast_shapes(op, *in[1], *in[2]);
    case OpKind::kSum:
    case OpKind::kMean:
    case OpKind::kMax:
    case OpKind::kMin:
    case OpKind::kProd: {
      expect_inputs(op, in, 1);
      const Shape& x = *in[0];
      auto reduced = reduced_axes(op, attrs.axes, static_cast<int>(x.size()));
      Shape out;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!reduced[i])
          out.push_back(x[i]);
        else if (attrs.keepdims)
          out.push_back(1);
      }
      return out;
    }
    case OpKind::kArgMax:
    case OpKind::kArgMin: {
      expect_inputs(op, in, 1);
      Shape out = *in[0];
      int axis = normalize_axis(op, attrs.axis, static_cast<int>(out.size()));
      out.erase(out.begin() + axis);
      return out;
    }
    case OpKind::kMatMul:
    case OpKind::kFusedDense: {
      if (in.size() < 2) expect_inputs(op, in, 2);
      const Shape& x = *in[0];
      const Shape& y = *in[1];
      if (y.size() != 2 || x.empty())
        fail(op, "expects x of rank >= 1 and a 2D y, got " + shape_to_string(x) + " and " +
                     shape_to_string(y));
      if ((attrs.transpose_a) && x.size() != 2)
        fail(op, "transpose_a needs a 2D x, got " + shape_to_string(x));
      std::int64_t k_x = attrs.transpose_a ? x[0] : x.back();
      std::int64_t k_y = attrs.transpose_b ? y[1] : y[0];
      if (dims_conflict(k_x, k_y))
        fail(op, "shapes " + shape_to_string(x) + " and " + shape_to_string(y) +
                     " are not aligned: " + std::to_string(k_x) + " != " + std::to_string(k_y));
      Shape out;
      if (attrs.transpose_a)
        out = {x[1]};
      else
        out.assign(x.begin(), x.end() - 1);
      out.push_back(attrs.transpose_b ? y[0] : y[1]);
      if (op == OpKind::kFusedDense && in.size() == 3 && in[2]->size() != 1)
        fail(op, "the bias must be 1D, got " + shape_to_string(*in[2]));
      return out;
    }
    case OpKind::kBatchMatMul: {
      expect_inputs(op, in, 2);
      const Shape& x = *in[0];
      const Shape& y = *in[1];
      if (x.size() != 3 || y.size() != 3)
        fail(op,
             "expects two 3D tensors, got " + shape_to_string(x) + " and " + shape_to_string(y));
      std::int64_t k_x = attrs.transpose_a ? x[1] : x[2];
      std::int64_t k_y = attrs.transpose_b ? y[2] : y[1];
      if (dims_conflict(k_x, k_y) || dims_conflict(x[0], y[0]))
        fail(op,
             "shapes " + shape_to_string(x) + " and " + shape_to_string(y) + " are not aligned");
      return {x[0] >= 0 ? x[0] : y[0], attrs.transpose_a ? x[2] : x[1],
              attrs.transpose_b ? y[1] : y[2]};
    }
    case OpKind::kReshape:
      expect_inputs(op, in, 1);
      return resolve_reshape(op, *in[0], attrs.shape);
    case OpKind::kTranspose: {
      expect_inputs(op, in, 1);
      const Shape& x = *in[0];
      if (attrs.axes.size() != x.size())
        fail(op, "the permutation has " + std::to_string(attrs.axes.size()) +
                     " axes, the tensor has rank " + std::to_string(x.size()));
      Shape out;
      std::vector<bool> seen(x.size(), false);
      for (int a : attrs.axes) {
        int axis = normalize_axis(op, a, static_cast<int>(x.size()));
        if (seen[static_cast<std::size_t>(axis)])
          fail(op, "the permutation repeats axis " + std::to_string(a));
        seen[static_cast<std::size_t>(axis)] = true;
        out.push_back(x[static_cast<std::size_t>(axis)]);
      }
      return out;
    }
    case OpKind::kConcatenate: {
      if (in.empty()) fail(op, "needs at least one input");
      Shape out = *in[0];
      int axis = normalize_axis(op, attrs.axis, static_cast<int>(out.size()));
      for (std::size_t i = 1; i < in.size(); ++i) {
        const Shape& s = *in[i];
        if (s.size() != out.size())
          fail(op, "all inputs need the same rank, got " + shape_to_string(*in[0]) + " and " +
                       shape_to_string(s));
        for (std::size_t d = 0; d < s.size(); ++d) {
          if (static_cast<int>(d) == axis) {
            out[d] = (out[d] < 0 || s[d] < 0) ? -1 : out[d] + s[d];
          } else if (dims_conflict(out[d], s[d])) {
            fail(op, "shapes " + shape_to_string(*in[0]) + " and " + shape_to_string(s) +
                         " differ outside the concatenation axis " + std::to_string(attrs.axis));
          } else if (out[d] < 0) {
            out[d] = s[d];
          }
        }
      }
      return out;
    }
    case OpKind::kSlice: {
      expect_inputs(op, in, 1);
      Shape out = *in[0];
      int axis = normalize_axis(op, attrs.axis, static_cast<int>(out.size()));
      std::int64_t dim = out[static_cast<std::size_t>(axis)];
      if (attrs.begin < 0 || attrs.end < attrs.begin || (dim >= 0 && attrs.end > dim))
        fail(op, "range [" + std::to_string(attrs.begin) + ", " + std::to_string(attrs.end) +
                     ") is out of bounds for axis " + std::to_string(attrs.axis) + " of " +
                     shape_to_string(out));
      out[static_cast<std::size_t>(axis)] = attrs.end - attrs.begin;
      return out;
    }
    case OpKind::kSliceGrad:
    case OpKind::kBroadcastLike:
    case OpKind::kSumLike:
    case OpKind::kMeanGrad:
      expect_inputs(op, in, 2);
      return *in[1];
    case OpKind::kGather: {
      expect_inputs(op, in, 2);
      if (in[0]->empty()) fail(op, "the reference must have rank >= 1");
      Shape out = *in[1];
      out.insert(out.end(), in[0]->begin() + 1, in[0]->end());
      return out;
    }
    case OpKind::kGatherGrad:
      expect_inputs(op, in, 3);
      return *in[2];
    case OpKind::kOneHot: {
      expect_inputs(op, in, 1);
      Shape out = *in[0];
      out.push_back(attrs.count);
      return out;
    }
    case OpKind::kSoftmax:
    case OpKind::kDropoutMask:
    case OpKind::kRandomNormal:
      expect_inputs(op, in, 1);
      if (op == OpKind::kSoftmax && in[0]->empty()) fail(op, "needs a tensor of rank >= 1");
      return *in[0];
    case OpKind::kSoftmaxGrad:
      expect_inputs(op, in, 2);
      return *in[0];
    case OpKind::kCategoricalCrossentropy: {
      expect_inputs(op, in, 2);
      const Shape& target = *in[0];
      const Shape& output = *in[1];
      if (target.size() != output.size() || output.empty())
        fail(op, "target " + shape_to_string(target) + " and output " + shape_to_string(output) +
                     " must have the same shape");
      for (std::size_t d = 0; d < target.size(); ++d)
        if (dims_conflict(target[d], output[d]))
          fail(op, "target " + shape_to_string(target) + " and output " + shape_to_string(output) +
                       " must have the same shape");
      return Shape(output.begin(), output.end() - 1);
    }
    case OpKind::kCategoricalCrossentropyGrad:
      expect_inputs(op, in, 3);
      return *in[1];
    case OpKind::kSoftmaxCrossEntropyGrad:
      expect_inputs(op, in, 3);
      return *in[0];
    // convolution and pooling
    case OpKind::kConv:
      if (in.size() != 3) expect_inputs(op, in, 2);
      if (in.size() == 3 && (in[2]->size() != 1 || dims_conflict((*in[2])[0], in[1]->back())))
        fail(op, "the bias must be 1D with one entry per filter, got " + shape_to_string(*in[2]));
      return conv_output(op, *in[0], *in[1], attrs);
    case OpKind::kConvGradInput: {
      expect_inputs(op, in, 2);
      Shape x = attrs.shape;
      if (!x.empty()) x[0] = (*in[0])[0];
      Shape y = conv_output(op, x, *in[1], attrs);
      for (std::size_t d = 1; d < y.size(); ++d)
        if (y.size() != in[0]->size() || dims_conflict(y[d], (*in[0])[d]))
          fail(op, "the gradient " + shape_to_string(*in[0]) + " does not match the output " +
                       shape_to_string(y) + " of a convolution of " + shape_to_string(x));
      return x;
    }
    case OpKind::kConvGradKernel: {
      expect_inputs(op, in, 2);
      Shape y = conv_output(op, *in[0], attrs.shape, attrs);
      for (std::size_t d = 1; d < y.size(); ++d)
        if (y.size() != in[1]->size() || dims_conflict(y[d], (*in[1])[d]))
          fail(op, "the gradient " + shape_to_string(*in[1]) + " does not match the output " +
                       shape_to_string(y) + " of the convolution");
      return attrs.shape;
    }
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
      expect_inputs(op, in, 1);
      check_window_attrs(op, attrs, *in[0], false);
      return window_output(op, *in[0], attrs.window, attrs, in[0]->back());
    case OpKind::kMaxPoolGrad:
      expect_inputs(op, in, 2);
      return *in[0];
    case OpKind::kAvgPoolGrad: {
      expect_inputs(op, in, 1);
      Shape x = attrs.shape;
      if (!x.empty()) x[0] = (*in[0])[0];
      return x;
    }
    case OpKind::kPad: {
      expect_inputs(op, in, 1);
      Shape out = *in[0];
      if (attrs.pad_begin.size() != out.size() || attrs.pad_end.size() != out.size())
        fail(op, "needs padding for each of the " + std::to_string(out.size()) + " axes of " +
                     shape_to_string(out));
      for (std::size_t d = 0; d < out.size(); ++d) {
        if (attrs.pad_begin[d] < 0 || attrs.pad_end[d] < 0)
          fail(op, "padding must be non-negative");
        if (out[d] >= 0) out[d] += attrs.pad_begin[d] + attrs.pad_end[d];
      }
      return out;
    }
    // embedding, normalization and recurrent
    case OpKind::kRecurrent:
    case OpKind::kRecurrentGrad:
    case OpKind::kRecurrentGradWeights:
      return recurrent_shape(op, in, attrs);
    case OpKind::kBatchNormStats:
    case OpKind::kBatchNorm:
    case OpKind::kBatchNormGrad:
    case OpKind::kBatchNormGradParams:
      return batch_norm_shape(op, in, attrs);
    default:
      break;
  }
  fail(op, "has no shape rule");
}

DType infer_dtype(OpKind op, const std::vector<DType>& in, const Attrs& attrs) {
  switch (op) {
    case OpKind::kCast:
    case OpKind::kOneHot:
      return attrs.cast_to;
    case OpKind::kArgMax:
    case OpKind::kArgMin:
      return DType::int64;
    case OpKind::kCategoricalCrossentropy:
    case OpKind::kCategoricalCrossentropyGrad:
      return in[1];
    case OpKind::kGatherGrad:
      return in[0];
    // embedding, normalization and recurrent
    case OpKind::kRecurrent:
    case OpKind::kRecurrentGrad:
    case OpKind::kRecurrentGradWeights:
    case OpKind::kBatchNormStats:
    case OpKind::kBatchNorm:
    case OpKind::kBatchNormGrad:
    case OpKind::kBatchNormGradParams:
      for (DType d : in)
        if (d != in[0])
          fail(op, std::string("all inputs need the same dtype, got ") + dtype_name(in[0]) +
                       " and " + dtype_name(d));
      if (!is_floating(in[0])) fail(op, "needs floating-point inputs");
      return in[0];
    case OpKind::kSwitch:
      return in[1];
    case OpKind::kGather:
      if (in[1] != DType::int32 && in[1] != DType::int64)
        fail(op, std::string("indices must be int32 or int64, got ") + dtype_name(in[1]));
      return in[0];
    case OpKind::kPlaceholder:
    case OpKind::kVariable:
    case OpKind::kConstant:
      return attrs.cast_to;
    // convolution and pooling
    case OpKind::kConv:
    case OpKind::kConvGradInput:
    case OpKind::kConvGradKernel:
      if (in.size() >= 2 && in[0] != in[1])
        fail(op, std::string("both operands need the same dtype, got ") + dtype_name(in[0]) +
                     " and " + dtype_name(in[1]));
      return in[0];
    default:
      break;
  }
  if (in.empty()) fail(op, "has no inputs");
  if (is_elementwise(op) && in.size() == 2 && in[0] != in[1])
    fail(op, std::string("both operands need the same dtype, got ") + dtype_name(in[0]) + " and " +
                 dtype_name(in[1]) + " (use K::cast)");
  return in[0];
}

}  // namespace keras::backend
