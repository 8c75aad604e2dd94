// One definition per op: its name, shape and dtype rules, gradient rule and kernels per backend.
// Each op family (elementwise.cpp, reduce.cpp, ...) defines its ops in one file of this folder and
// adds them to the table through its register_*_ops function; op_table.cpp calls those functions
// once, in one explicit list, the first time the table is used.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <typeinfo>
#include <vector>

#include "keras/backend/graph.h"
#include "kernels/kernel.h"

// The families' definitions name only the fields they use (C++20 designated initializers, the
// rest keep their defaults); GCC before 14 warns about the omitted ones (GCC bug 96868).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace keras::ops {

using backend::Node;
using backend::OpAttrs;
using backend::OpKind;
using backend::SymbolicTensor;

// One entry per input of the node; an undefined tensor means no gradient for that input.
using Grads = std::vector<SymbolicTensor>;

// Shape inference, at graph-building time (-1 for unknown dimensions) and at plan time (concrete).
using ShapeRule = Shape (*)(OpKind op, const std::vector<const Shape*>& inputs,
                            const OpAttrs& attrs);
using DTypeRule = DType (*)(OpKind op, const std::vector<DType>& inputs, const OpAttrs& attrs);
// The input gradients of `node`, whose output is y, given the output's gradient g.
using GradientRule = Grads (*)(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g);

// A kernel, the name KERAS_LOG_KERNELS prints for it and its plan-time preparation (state and
// scratch, kernels/kernel.h).
struct KernelRef {
  kernels::KernelFn fn = nullptr;
  const char* name = nullptr;
  kernels::PrepareFn prepare = nullptr;
};
#define KERAS_KERNEL(function) \
  ::keras::ops::KernelRef {    \
    &function, #function       \
  }
#define KERAS_PREPARED_KERNEL(function, prepare) \
  ::keras::ops::KernelRef {                      \
    &function, #function, &prepare               \
  }

// The cpu kernels that call oneDNN (src/kernels/cpu/{linalg,conv,normalization,recurrent}.cpp)
// exist only in builds with it (-DKERAS_WITH_DNNL); without, the cpu backend runs the reference
// kernel of those ops.
#if defined(KERAS_HAVE_DNNL)
#define KERAS_DNNL_KERNEL(function) KERAS_KERNEL(function)
#define KERAS_PREPARED_DNNL_KERNEL(function, prepare) KERAS_PREPARED_KERNEL(function, prepare)
#else
#define KERAS_DNNL_KERNEL(function) \
  ::keras::ops::KernelRef {}
#define KERAS_PREPARED_DNNL_KERNEL(function, prepare) \
  ::keras::ops::KernelRef {}
#endif

// The cuda kernels exist only in builds with CUDA (src/kernels/cuda/, -DKERAS_WITH_CUDA).
#if defined(KERAS_HAVE_CUDA)
#define KERAS_CUDA_KERNEL(function) KERAS_KERNEL(function)
#define KERAS_PREPARED_CUDA_KERNEL(function, prepare) KERAS_PREPARED_KERNEL(function, prepare)
#else
#define KERAS_CUDA_KERNEL(function) \
  ::keras::ops::KernelRef {}
#define KERAS_PREPARED_CUDA_KERNEL(function, prepare) \
  ::keras::ops::KernelRef {}
#endif

// The attribute struct an op takes (declared by its family in src/ops/<family>.h): its type, its
// name for error messages and its default value (what make_node gives a node built without one).
struct AttrsType {
  const std::type_info* type = nullptr;  // nullptr: the op takes no attributes
  const char* name = nullptr;
  OpAttrs (*make_default)() = nullptr;
};
template <typename T>
AttrsType attrs_of() {
  return {&typeid(T), T::kName, [] { return OpAttrs(T{}); }};
}

struct OpDef {
  OpKind op = OpKind::kCount;
  const char* name = nullptr;  // "MatMul": error messages, step names
  bool elementwise = false;    // unary or binary elementwise: fusible into elementwise groups
  AttrsType attrs;             // its attribute struct; none by default
  ShapeRule shape = nullptr;
  DTypeRule dtype = nullptr;        // nullptr: same_dtype
  GradientRule gradient = nullptr;  // nullptr: K::gradients throws "not differentiable"
  KernelRef reference;              // every op but the leaves
  KernelRef cpu;                    // nullptr: the cpu backend runs the reference kernel
  KernelRef cuda;  // nullptr: the cuda backend runs the reference kernel on host copies
  // An asynchronous op (a collective), on every backend: its kernel starts the work and this
  // completes it; the executor runs it just before the first step that reads the output.
  KernelRef finish;
};

class OpTable {
 public:
  // Throws std::logic_error when the op is defined twice or the definition is incomplete.
  void add(const OpDef& def);
  const OpDef& operator[](OpKind op) const { return defs_[static_cast<std::size_t>(op)]; }
  const OpDef* begin() const { return defs_.data(); }
  const OpDef* end() const { return defs_.data() + defs_.size(); }
  // The OpKinds nobody defined, by number ("" when complete).
  std::string missing() const;

 private:
  std::array<OpDef, static_cast<std::size_t>(OpKind::kCount)> defs_{};
};

// The table, built on first use (thread-safe) from every family's register function; throws
// std::logic_error naming the OpKinds that have no definition.
const OpTable& op_table();
inline const OpDef& op_def(OpKind op) {
  return op_table()[op];
}

// The families (one file each in src/ops/), in the order op_table.cpp calls them.
void register_leaf_ops(OpTable& table);
void register_elementwise_ops(OpTable& table);
void register_reduce_ops(OpTable& table);
void register_linalg_ops(OpTable& table);
void register_shape_ops(OpTable& table);
void register_indexing_ops(OpTable& table);
void register_nn_ops(OpTable& table);
void register_random_ops(OpTable& table);
void register_conv_ops(OpTable& table);
void register_pool_ops(OpTable& table);
void register_normalization_ops(OpTable& table);
void register_recurrent_ops(OpTable& table);
void register_traced_ops(OpTable& table);
void register_ctc_ops(OpTable& table);
void register_distributed_ops(OpTable& table);

// ---- helpers shared by the families' rules (op_def.cpp) ----------------------------------------

// Throws std::invalid_argument("K::<op name>: <message>").
[[noreturn]] void fail(OpKind op, const std::string& message);
void expect_inputs(OpKind op, const std::vector<const Shape*>& inputs, std::size_t n);
int normalize_axis(OpKind op, int axis, int rank);
// Numpy broadcasting, with -1 (unknown) dimensions taking the other operand's.
Shape broadcast_shapes(OpKind op, const Shape& a, const Shape& b);
// Both known and different.
inline bool dims_conflict(std::int64_t a, std::int64_t b) {
  return a >= 0 && b >= 0 && a != b;
}
// Whether a (batch, spatial..., channels) shape has a spatial size known only at run time.
inline bool has_unknown_spatial_size(const Shape& shape) {
  for (std::size_t d = 1; d + 1 < shape.size(); ++d)
    if (shape[d] < 0) return true;
  return false;
}

// Convolution and pooling (channels_last, 1 to 3 spatial dimensions): the geometry of a window
// sliding over the input x; `window` is the conv's dilation or the pooling's window.
struct WindowSpec {
  const std::vector<std::int64_t>& strides;
  const std::vector<std::int64_t>& window;
  const std::vector<std::int64_t>& pad_begin;
  const std::vector<std::int64_t>& pad_end;
  const std::vector<std::int64_t>* dilation;  // nullptr: pooling (no dilation)
};
// Checks the spec against the input x; the output of a window of size k sliding over x, with
// `channels` channels.
void check_window_attrs(OpKind op, const WindowSpec& spec, const Shape& x);
Shape window_output(OpKind op, const Shape& x, const std::vector<std::int64_t>& k,
                    const WindowSpec& spec, std::int64_t channels);

Shape same_shape(OpKind op, const std::vector<const Shape*>& inputs, const OpAttrs& attrs);
// The first input's dtype; elementwise operands must agree.
DType same_dtype(OpKind op, const std::vector<DType>& inputs, const OpAttrs& attrs);
// Every input the same floating-point dtype.
DType same_float_dtype(OpKind op, const std::vector<DType>& inputs, const OpAttrs& attrs);

// Piecewise-constant or random ops: no gradient flows through them (TF's None).
Grads no_gradient(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g);
inline SymbolicTensor input(const Node& node, std::size_t i) {
  return SymbolicTensor(node.inputs[i]);
}
// Sums `g` back to the shape `x` had before numpy broadcasting.
SymbolicTensor unbroadcast(const SymbolicTensor& g, const SymbolicTensor& x);
// g, the gradient of a reduction of x over `axes`, broadcast back to x's shape.
SymbolicTensor broadcast_like(const SymbolicTensor& g, const SymbolicTensor& x,
                              const std::vector<int>& axes, bool keepdims);

}  // namespace keras::ops
