// Reference kernels that move data: reshape, transpose, concatenate, slice, gather, one_hot, and
// print (a copy that also writes the value to stderr).
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>

#include "kernels/axis_split.h"
#include "kernels/reference/indexing.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/indexing.h"
#include "ops/shape.h"

namespace keras::kernels::reference {

namespace {
std::size_t element_size(const Buffer& b) {
  return dtype_size(b.dtype);
}

}  // namespace

void reshape(const KernelCall& call) {
  if (call.output.data != call.inputs[0].data)
    std::memcpy(call.output.data, call.inputs[0].data,
                call.output.numel * element_size(call.output));
}

void transpose(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const auto& perm = call.attrs_as<ops::TransposeAttrs>().axes;
  std::size_t rank = x.shape.size();
  const Strides in_strides = contiguous_strides(x.shape);
  Strides strides[1] = {};
  for (std::size_t d = 0; d < rank; ++d)
    strides[0][d] = in_strides[static_cast<std::size_t>(positive_axis(perm[d], rank))];
  if (call.output.numel == 0) return;
  // Trailing axes that stay in place are one contiguous block in both layouts: copied whole
  // (e.g. (batch, time, features) -> (time, batch, features) copies rows of features).
  std::size_t kept = 0;
  while (kept < rank &&
         static_cast<std::size_t>(positive_axis(perm[rank - 1 - kept], rank)) == rank - 1 - kept)
    ++kept;
  std::int64_t block = 1;
  for (std::size_t d = rank - kept; d < rank; ++d) block *= x.shape[d];
  const Shape outer(call.output.shape.begin(),
                    call.output.shape.end() - static_cast<std::ptrdiff_t>(kept));
  const std::size_t size = element_size(x), block_bytes = static_cast<std::size_t>(block) * size;
  const char* in = static_cast<const char*>(x.data);
  char* out = static_cast<char*>(call.output.data);
  Odometer<1> it(outer, strides);
  const std::int64_t blocks = call.output.numel / block;
  if (block_bytes == 4) {  // single floats: a constant-size copy the compiler inlines
    for (std::int64_t i = 0; i < blocks; ++i, it.next())
      std::memcpy(out + static_cast<std::size_t>(i) * 4, in + it.offset[0] * 4, 4);
    return;
  }
  for (std::int64_t i = 0; i < blocks; ++i, it.next())
    std::memcpy(out + static_cast<std::size_t>(i) * block_bytes, in + it.offset[0] * size,
                block_bytes);
}

void concatenate(const KernelCall& call) {
  const Shape& out_shape = call.output.shape;
  int axis = positive_axis(call.attrs_as<ops::ConcatenateAttrs>().axis, out_shape.size());
  std::int64_t outer, inner;
  split_at(out_shape, axis, outer, inner);
  std::size_t size = element_size(call.output);
  std::int64_t out_row = out_shape[static_cast<std::size_t>(axis)] * inner;
  char* out = static_cast<char*>(call.output.data);
  std::int64_t offset = 0;
  for (const Buffer& in : call.inputs) {
    std::int64_t row = in.shape[static_cast<std::size_t>(axis)] * inner;
    for (std::int64_t o = 0; o < outer; ++o)
      std::memcpy(out + (o * out_row + offset) * size,
                  static_cast<const char*>(in.data) + o * row * size,
                  static_cast<std::size_t>(row) * size);
    offset += row;
  }
}

void slice(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  int axis = positive_axis(call.attrs_as<ops::SliceAttrs>().axis, x.shape.size());
  std::int64_t outer, inner;
  split_at(x.shape, axis, outer, inner);
  std::size_t size = element_size(x);
  const std::int64_t dim = x.shape[static_cast<std::size_t>(axis)];
  const auto& slice = call.attrs_as<ops::SliceAttrs>();
  const auto [begin, end] = ops::slice_bounds(slice, dim);
  std::int64_t in_row = dim * inner;
  std::int64_t out_row = (end - begin) * inner;
  for (std::int64_t o = 0; o < outer; ++o)
    std::memcpy(static_cast<char*>(call.output.data) + o * out_row * size,
                static_cast<const char*>(x.data) + (o * in_row + begin * inner) * size,
                static_cast<std::size_t>(out_row) * size);
}

void slice_grad(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  const SliceRows r =
      slice_rows(out.shape, g.shape, call.attrs_as<ops::SliceAttrs>(), element_size(out));
  std::memset(out.data, 0, static_cast<std::size_t>(out.numel) * element_size(out));
  for (std::int64_t o = 0; o < r.outer; ++o)
    std::memcpy(static_cast<char*>(out.data) + o * r.row + r.head,
                static_cast<const char*>(g.data) + o * r.body, static_cast<std::size_t>(r.body));
}

namespace {
template <typename Body>
void for_each_index(const Buffer& indices, std::int64_t rows, Body&& body) {
  for (std::int64_t i = 0; i < indices.numel; ++i) {
    std::int64_t row = indices.dtype == DType::int32 ? indices.as<std::int32_t>()[i]
                                                     : indices.as<std::int64_t>()[i];
    if (row < 0 || row >= rows)
      throw std::out_of_range("K::gather: index " + std::to_string(row) + " is out of range [0, " +
                              std::to_string(rows) + ")");
    body(i, row);
  }
}
}  // namespace

void gather(const KernelCall& call) {
  const Buffer& ref = call.inputs[0];
  std::int64_t rows = ref.shape[0];
  std::size_t row_bytes = static_cast<std::size_t>(rows ? ref.numel / rows : 0) * element_size(ref);
  for_each_index(call.inputs[1], rows, [&](std::int64_t i, std::int64_t row) {
    std::memcpy(static_cast<char*>(call.output.data) + i * row_bytes,
                static_cast<const char*>(ref.data) + row * row_bytes, row_bytes);
  });
}

void gather_grad(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  std::int64_t rows = out.shape[0];
  std::int64_t width = rows ? out.numel / rows : 0;
  dispatch_float(call.op, out.dtype, [&]<typename T>() {
    T* y = out.as<T>();
    std::fill(y, y + out.numel, T(0));
    for_each_index(call.inputs[1], rows, [&](std::int64_t i, std::int64_t row) {
      for (std::int64_t j = 0; j < width; ++j) y[row * width + j] += g.as<T>()[i * width + j];
    });
  });
}

void one_hot(const KernelCall& call) {
  std::int64_t n = call.attrs_as<ops::OneHotAttrs>().count;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* y = call.output.as<T>();
    std::fill(y, y + call.output.numel, T(0));
    for_each_index(call.inputs[0], n, [&](std::int64_t i, std::int64_t c) { y[i * n + c] = T(1); });
  });
}

namespace {
// numpy's print options: past kPrintThreshold elements, an axis longer than 2 * kPrintEdge shows
// its first and last kPrintEdge entries around "...".
constexpr std::int64_t kPrintThreshold = 1000, kPrintEdge = 3;

template <typename T>
void append_value(std::string& out, T v) {
  if constexpr (std::is_floating_point_v<T>) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", static_cast<double>(v));
    out += text;
  } else {
    out += std::to_string(v);
  }
}

// The entries of `data` from `offset` on along axes [axis, rank), in nested brackets.
template <typename T>
void append_values(std::string& out, const T* data, const Shape& shape, std::size_t axis,
                   std::int64_t offset, bool summarize) {
  if (axis == shape.size()) return append_value(out, data[offset]);
  std::int64_t stride = 1;
  for (std::size_t d = axis + 1; d < shape.size(); ++d) stride *= shape[d];
  const std::int64_t n = shape[axis];
  out += '[';
  for (std::int64_t i = 0; i < n; ++i) {
    if (i > 0) out += ' ';
    if (summarize && n > 2 * kPrintEdge && i == kPrintEdge) {
      out += "... ";
      i = n - kPrintEdge;
    }
    append_values(out, data, shape, axis + 1, offset + i * stride, summarize);
  }
  out += ']';
}
}  // namespace

void print(const KernelCall& call) {
  reshape(call);  // the copy
  std::string line = call.attrs_as<ops::PrintAttrs>().message;
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename T>() {
    append_values(line, call.inputs[0].as<T>(), call.inputs[0].shape, 0, 0,
                  call.inputs[0].numel > kPrintThreshold);
  });
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines of threads do not mix
  std::fflush(stderr);
}

}  // namespace keras::kernels::reference
