// Keras's shape and array functions composed of the primitive ops (tile, repeat, stack, reverse,
// slicing, padding, resizing), so each has its gradient through theirs.
#include <algorithm>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>

#include "backend/reshape_like.h"
#include "backend/traced.h"
#include "keras/backend/backend.h"
#include "ops/shape.h"

namespace keras::backend {

namespace {

constexpr std::int64_t kToTheEnd = std::numeric_limits<std::int64_t>::max();

// x[begin:] along `axis`, whose size may be known only at run time (the Slice op resolves it).
SymbolicTensor slice_to_end(const SymbolicTensor& x, int axis, std::int64_t begin) {
  return make_node(OpKind::kSlice, {x},
                   ops::SliceAttrs{.axis = axis, .begin = begin, .to_end = true});
}

int positive_axis(const char* what, int axis, int rank) {
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw std::invalid_argument(std::string("K::") + what + ": axis " + std::to_string(axis) +
                                " is out of range for a tensor of rank " + std::to_string(rank));
  return a;
}

std::int64_t known_dim(const char* what, const SymbolicTensor& x, int axis) {
  const std::int64_t dim = x.shape()[static_cast<std::size_t>(axis)];
  if (dim < 0)
    throw std::invalid_argument(std::string("K::") + what + " needs a known size along axis " +
                                std::to_string(axis) + " of " + shape_to_string(x.shape()));
  return dim;
}

// The entries `indices` of x along `axis` (Gather on the axis moved to the front).
SymbolicTensor take_along(const SymbolicTensor& x, int axis, const std::vector<std::int64_t>& idx) {
  SymbolicTensor indices = constant(Tensor::from_vector(idx));
  if (axis == 0) return gather(x, indices);
  std::vector<int> perm{axis};
  for (int d = 0; d < x.ndim(); ++d)
    if (d != axis) perm.push_back(d);
  std::vector<int> inverse(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i)
    inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
  return permute_dimensions(gather(permute_dimensions(x, perm), indices), inverse);
}

// The channels_last spatial axes of a rank-`rank` tensor in `data_format`.
std::vector<int> spatial_axes(int rank, const std::string& data_format) {
  std::vector<int> axes;
  const bool first = normalize_data_format(data_format) == "channels_first";
  for (int d = first ? 2 : 1; d < (first ? rank : rank - 1); ++d) axes.push_back(d);
  return axes;
}

SymbolicTensor pad_axes(const SymbolicTensor& x, const std::vector<int>& axes,
                        const std::vector<Padding>& padding, const char* what) {
  if (axes.size() != padding.size())
    throw std::invalid_argument(std::string("K::") + what + " needs " +
                                std::to_string(axes.size()) + " (before, after) pairs, got " +
                                std::to_string(padding.size()));
  Ints begin(static_cast<std::size_t>(x.ndim()), 0), end(begin);
  for (std::size_t i = 0; i < axes.size(); ++i) {
    begin[static_cast<std::size_t>(axes[i])] = padding[i].first;
    end[static_cast<std::size_t>(axes[i])] = padding[i].second;
  }
  return pad(x, begin, end);
}

// TensorFlow 1's resize_bilinear along one axis (align_corners=False): output i samples the
// input at i * in / out, linearly between its two neighbours (the last one repeated).
SymbolicTensor bilinear_along(const SymbolicTensor& x, int axis, std::int64_t factor) {
  const std::int64_t in = known_dim("resize_images", x, axis), out = in * factor;
  Tensor weights = Tensor::zeros({out, in}, x.dtype());
  for (std::int64_t i = 0; i < out; ++i) {
    const double source =
        static_cast<double>(i) * static_cast<double>(in) / static_cast<double>(out);
    const auto low = static_cast<std::int64_t>(source);
    const std::int64_t high = std::min(low + 1, in - 1);
    const double t = source - static_cast<double>(low);
    Tensor row = weights[i];
    auto set = [&](std::int64_t j, double w) {
      if (x.dtype() == DType::float64)
        row.at<double>(j) += w;
      else
        row.at<float>(j) += static_cast<float>(w);
    };
    set(low, 1.0 - t);
    set(high, t);
  }
  // Move `axis` last, multiply by the (in, out) matrix, move it back.
  std::vector<int> perm;
  for (int d = 0; d < x.ndim(); ++d)
    if (d != axis) perm.push_back(d);
  perm.push_back(axis);
  std::vector<int> inverse(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i)
    inverse[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
  SymbolicTensor moved = permute_dimensions(x, perm);
  Shape moved_shape = moved.shape();
  Shape flat{-1, in};
  SymbolicTensor product = dot(reshape(moved, flat), transpose(constant(weights)));
  moved_shape.back() = out;
  int unknown = 0;
  for (auto& d : moved_shape)
    if (d < 0 && unknown++ == 0) d = -1;
  if (unknown > 1)
    throw std::invalid_argument("K::resize_images: only one dimension may be unknown, got " +
                                shape_to_string(x.shape()));
  return permute_dimensions(reshape(product, moved_shape), inverse);
}

}  // namespace

SymbolicTensor tile(const SymbolicTensor& x, std::vector<std::int64_t> n) {
  if (static_cast<int>(n.size()) != x.ndim())
    throw std::invalid_argument("K::tile: n has " + std::to_string(n.size()) +
                                " entries, the tensor " + shape_to_string(x.shape()) +
                                " has rank " + std::to_string(x.ndim()));
  SymbolicTensor y = x;
  for (int d = 0; d < x.ndim(); ++d) {
    const std::int64_t copies = n[static_cast<std::size_t>(d)];
    if (copies < 1)
      throw std::invalid_argument("K::tile: n must be >= 1, got " + std::to_string(copies));
    if (copies > 1)
      y = concatenate(std::vector<SymbolicTensor>(static_cast<std::size_t>(copies), y), d);
  }
  return y;
}

SymbolicTensor repeat_elements(const SymbolicTensor& x, std::int64_t rep, int axis) {
  const int a = positive_axis("repeat_elements", axis, x.ndim());
  if (rep < 1)
    throw std::invalid_argument("K::repeat_elements: rep must be >= 1, got " + std::to_string(rep));
  if (rep == 1) return x;
  // (..., n, 1, ...) copied rep times along the new axis, then merged into (..., n * rep, ...).
  SymbolicTensor copies = concatenate(
      std::vector<SymbolicTensor>(static_cast<std::size_t>(rep), expand_dims(x, a + 1)), a + 1);
  Shape target = x.shape();
  const std::int64_t dim = target[static_cast<std::size_t>(a)];
  target[static_cast<std::size_t>(a)] = dim < 0 ? -1 : dim * rep;
  int unknown = 0;
  for (auto d : target) unknown += d < 0;
  if (unknown <= 1) return reshape(copies, target);
  // Several unknown sizes: the other axes' sizes read from x when the function runs.
  std::vector<int> like_axes(target.size());
  for (std::size_t i = 0; i < target.size(); ++i)
    like_axes[i] = i == static_cast<std::size_t>(a) ? -1 : static_cast<int>(i);
  target[static_cast<std::size_t>(a)] = -1;
  return reshape_like(copies, target, x, like_axes);
}

SymbolicTensor repeat(const SymbolicTensor& x, std::int64_t n) {
  if (x.ndim() != 2)
    throw std::invalid_argument("K::repeat needs a 2D tensor (batch, dim), got " +
                                shape_to_string(x.shape()));
  if (n < 1) throw std::invalid_argument("K::repeat: n must be >= 1, got " + std::to_string(n));
  return concatenate(std::vector<SymbolicTensor>(static_cast<std::size_t>(n), expand_dims(x, 1)),
                     1);
}

SymbolicTensor stack(const std::vector<SymbolicTensor>& tensors, int axis) {
  if (tensors.empty()) throw std::invalid_argument("K::stack needs at least one tensor");
  const int rank = tensors[0].ndim() + 1;
  const int a = positive_axis("stack", axis, rank);
  std::vector<SymbolicTensor> expanded;
  for (const auto& t : tensors) {
    if (t.ndim() + 1 != rank)
      throw std::invalid_argument("K::stack needs tensors of one rank, got " +
                                  shape_to_string(tensors[0].shape()) + " and " +
                                  shape_to_string(t.shape()));
    expanded.push_back(expand_dims(t, a));
  }
  return expanded.size() == 1 ? expanded[0] : concatenate(expanded, a);
}

std::vector<SymbolicTensor> unstack(const SymbolicTensor& x, int axis) {
  const int a = positive_axis("unstack", axis, x.ndim());
  const std::int64_t n = known_dim("unstack", x, a);
  std::vector<SymbolicTensor> parts;
  for (std::int64_t i = 0; i < n; ++i) parts.push_back(squeeze(slice(x, a, i, i + 1), a));
  return parts;
}

SymbolicTensor reverse(const SymbolicTensor& x, Axes axes) {
  SymbolicTensor y = x;
  for (int axis : axes) {
    const int a = positive_axis("reverse", axis, x.ndim());
    std::vector<std::int64_t> idx(static_cast<std::size_t>(known_dim("reverse", x, a)));
    std::iota(idx.rbegin(), idx.rend(), 0);
    y = take_along(y, a, idx);
  }
  return y;
}

SymbolicTensor slice(const SymbolicTensor& x, std::vector<std::int64_t> start,
                     std::vector<std::int64_t> size) {
  if (static_cast<int>(start.size()) != x.ndim() || static_cast<int>(size.size()) != x.ndim())
    throw std::invalid_argument("K::slice: start and size need one entry per axis of " +
                                shape_to_string(x.shape()));
  SymbolicTensor y = x;
  for (int d = 0; d < x.ndim(); ++d) {
    const std::int64_t dim = x.shape()[static_cast<std::size_t>(d)];
    const std::int64_t b = start[static_cast<std::size_t>(d)],
                       s = size[static_cast<std::size_t>(d)];
    if (b == 0 && (s == -1 || s == dim)) continue;
    y = s == -1 ? slice_to_end(y, d, b) : slice(y, d, b, b + s);
  }
  return y;
}

namespace {

// numpy's slice(start, stop, step).indices(dim) and the slice's length, for bounds as written
// (negative: from the end; kToTheEnd: omitted).
struct ResolvedSlice {
  std::int64_t begin, end, count;
};
ResolvedSlice resolve_slice(std::int64_t dim, std::int64_t start, std::int64_t stop,
                            std::int64_t step) {
  const std::int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? dim : dim - 1;
  auto clamp = [&](std::int64_t bound, std::int64_t omitted) {
    if (bound == kToTheEnd) return omitted;
    return bound < 0 ? std::max(bound + dim, lower) : std::min(bound, upper);
  };
  const std::int64_t b = clamp(start, step > 0 ? lower : upper);
  const std::int64_t e = clamp(stop, step > 0 ? upper : lower);
  const std::int64_t span = step > 0 ? e - b : b - e, stride = step > 0 ? step : -step;
  return {b, e, span > 0 ? (span + stride - 1) / stride : 0};
}

// x[start:stop:step] along an axis whose size is known only at run time, with a step other than
// 1: which entries it takes depends on the size, so the slice is traced for each concrete size
// (K::traced: built and planned once per size; its gradient another traced graph).
SymbolicTensor strided_slice_of_unknown_size(const SymbolicTensor& x, int axis, std::int64_t start,
                                             std::int64_t stop, std::int64_t step) {
  const auto a = static_cast<std::size_t>(axis);
  auto graph = std::make_shared<TracedGraph>();
  graph->name = "strided_slice (axis " + std::to_string(axis) + " of unknown size, step " +
                std::to_string(step) + ")";
  graph->build = [a, start, stop, step](const std::vector<SymbolicTensor>& in) {
    const SymbolicTensor& t = in.front();
    const ResolvedSlice r = resolve_slice(t.shape()[a], start, stop, step);
    std::vector<std::int64_t> begin(t.shape().size(), 0), end(t.shape().size(), kToTheEnd),
        steps(t.shape().size(), 1);
    begin[a] = r.begin;
    end[a] = r.end;
    steps[a] = step;
    return strided_slice(t, begin, end, steps);
  };
  graph->output_shape = [a, start, stop, step](const std::vector<Shape>& shapes) {
    Shape s = shapes.front();
    if (s[a] >= 0) s[a] = resolve_slice(s[a], start, stop, step).count;
    return s;
  };
  return traced(std::move(graph), {x});
}

}  // namespace

SymbolicTensor strided_slice(const SymbolicTensor& x, std::vector<std::int64_t> begin,
                             std::vector<std::int64_t> end, std::vector<std::int64_t> step) {
  const int rank = x.ndim();
  if (static_cast<int>(begin.size()) != rank || static_cast<int>(end.size()) != rank ||
      static_cast<int>(step.size()) != rank)
    throw std::invalid_argument(
        "K::strided_slice: begin, end and step need one entry per axis of " +
        shape_to_string(x.shape()));
  SymbolicTensor y = x;
  for (int d = 0; d < rank; ++d) {
    const auto i = static_cast<std::size_t>(d);
    const std::int64_t dim = x.shape()[i];
    const std::int64_t b = begin[i], e = end[i], st = step[i];
    if (st == 0) throw std::invalid_argument("K::strided_slice: step cannot be zero");
    if (st == 1 && b == 0 && ((dim >= 0 && e >= dim) || e == kToTheEnd)) continue;
    if (dim < 0) {
      // An axis of unknown size: bounds as written (counted from its start, from its end when
      // negative, kToTheEnd when omitted), resolved when the size is known: by the Slice op for
      // step 1, by a slice traced per size for other steps.
      if (st != 1)
        y = strided_slice_of_unknown_size(y, d, b, e, st);
      else if (e == kToTheEnd)
        y = slice_to_end(y, d, b == kToTheEnd ? 0 : b);
      else
        y = slice(y, d, b == kToTheEnd ? 0 : b, e);
      continue;
    }
    if (st == 1) {
      const std::int64_t stop = std::min(e, dim);
      if (b < 0 || b > stop)
        throw std::invalid_argument("K::strided_slice: [" + std::to_string(b) + ", " +
                                    std::to_string(e) + ") is empty or out of range for axis " +
                                    std::to_string(d) + " of " + shape_to_string(x.shape()));
      y = slice(y, d, b, stop);
      continue;
    }
    std::vector<std::int64_t> idx;
    for (std::int64_t k = b; st > 0 ? k < std::min(e, dim) : k > e; k += st)
      if (k >= 0 && k < dim) idx.push_back(k);
    if (idx.empty())
      throw std::invalid_argument("K::strided_slice: the slice of axis " + std::to_string(d) +
                                  " of " + shape_to_string(x.shape()) + " is empty");
    y = take_along(y, d, idx);
  }
  return y;
}

SymbolicTensor temporal_padding(const SymbolicTensor& x, Padding padding) {
  if (x.ndim() != 3)
    throw std::invalid_argument("K::temporal_padding needs (batch, time, features), got " +
                                shape_to_string(x.shape()));
  return pad_axes(x, {1}, {padding}, "temporal_padding");
}

SymbolicTensor spatial_2d_padding(const SymbolicTensor& x, std::vector<Padding> padding,
                                  const std::string& data_format) {
  if (x.ndim() != 4)
    throw std::invalid_argument("K::spatial_2d_padding needs a 4D tensor, got " +
                                shape_to_string(x.shape()));
  return pad_axes(x, spatial_axes(4, data_format), padding, "spatial_2d_padding");
}

SymbolicTensor spatial_3d_padding(const SymbolicTensor& x, std::vector<Padding> padding,
                                  const std::string& data_format) {
  if (x.ndim() != 5)
    throw std::invalid_argument("K::spatial_3d_padding needs a 5D tensor, got " +
                                shape_to_string(x.shape()));
  return pad_axes(x, spatial_axes(5, data_format), padding, "spatial_3d_padding");
}

SymbolicTensor resize_images(const SymbolicTensor& x, std::int64_t height_factor,
                             std::int64_t width_factor, const std::string& data_format,
                             const std::string& interpolation) {
  if (x.ndim() != 4)
    throw std::invalid_argument("K::resize_images needs a 4D tensor, got " +
                                shape_to_string(x.shape()));
  if (interpolation != "nearest" && interpolation != "bilinear")
    throw std::invalid_argument(
        "K::resize_images: interpolation should be one of \"nearest\" or "
        "\"bilinear\", got \"" +
        interpolation + "\"");
  const std::vector<int> axes = spatial_axes(4, data_format);
  const std::int64_t factors[] = {height_factor, width_factor};
  SymbolicTensor y = x;
  for (std::size_t i = 0; i < 2; ++i) {
    if (factors[i] < 1)
      throw std::invalid_argument("K::resize_images: factors must be >= 1, got " +
                                  std::to_string(factors[i]));
    y = interpolation == "nearest" ? repeat_elements(y, factors[i], axes[i])
                                   : bilinear_along(y, axes[i], factors[i]);
  }
  return y;
}

SymbolicTensor resize_volumes(const SymbolicTensor& x, std::int64_t depth_factor,
                              std::int64_t height_factor, std::int64_t width_factor,
                              const std::string& data_format) {
  if (x.ndim() != 5)
    throw std::invalid_argument("K::resize_volumes needs a 5D tensor, got " +
                                shape_to_string(x.shape()));
  const std::vector<int> axes = spatial_axes(5, data_format);
  return repeat_elements(
      repeat_elements(repeat_elements(x, depth_factor, axes[0]), height_factor, axes[1]),
      width_factor, axes[2]);
}

}  // namespace keras::backend
