// Elementwise kernels: the unary and binary ops (numpy broadcasting by strides), casts and the
// run-time switch. One kernel per dtype with the op chosen at run time (a uniform branch per warp),
// calling the scalar definitions the reference and cpu kernels share (kernels/elementwise_math.h):
// a few instantiations keep the CUDA compile time of CI small.
#include <algorithm>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "kernels/elementwise_math.h"
#include "kernels/fused_elementwise.h"

namespace keras::kernels::cuda {

namespace {

template <typename T>
__device__ T apply_unary(OpKind op, T x, double alpha, double beta) {
  switch (op) {
#define KERAS_CASE(name) \
  case OpKind::name:     \
    return unary_op<OpKind::name, T>(x, alpha, beta);
    KERAS_UNARY_OPS(KERAS_CASE)
#undef KERAS_CASE
    default:
      return x;
  }
}

template <typename T>
__device__ T apply_binary(OpKind op, T x, T y) {
  if constexpr (std::is_integral_v<T>) {
    if (op == OpKind::kPow)
      return static_cast<T>(::pow(static_cast<double>(x), static_cast<double>(y)));
  }
  switch (op) {
#define KERAS_CASE(name)                                                  \
  case OpKind::name:                                                      \
    if constexpr (!std::is_integral_v<T> || OpKind::name != OpKind::kPow) \
      return binary_op<OpKind::name, T>(x, y);                            \
    break;
    KERAS_BINARY_OPS(KERAS_CASE)
#undef KERAS_CASE
    default:
      break;
  }
  return x;
}

template <typename T>
__global__ void unary_kernel(OpKind op, const T* x, T* y, std::int64_t n, double alpha,
                             double beta) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = apply_unary(op, x[i], alpha, beta);
}

// How an operand of a binary op is read: like the output, one scalar, or broadcast by strides.
enum class Read { kSame, kScalar, kStrided };

template <typename T>
__device__ T load(const T* p, Read how, const Walk& walk, std::int64_t i, int k) {
  return how == Read::kSame ? p[i] : how == Read::kScalar ? p[0] : p[walk.offset(i, k)];
}

template <typename T>
__global__ void binary_kernel(OpKind op, const T* a, const T* b, T* y, std::int64_t n, Read read_a,
                              Read read_b, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = apply_binary(op, load(a, read_a, walk, i, 0), load(b, read_b, walk, i, 1));
}

template <typename From, typename To>
__global__ void cast_kernel(const From* x, To* y, std::int64_t n) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = static_cast<To>(x[i]);
}

// y[i] += bias[i % n]: a bias over the last axis.
template <typename T>
__global__ void add_bias_kernel(T* y, const T* bias, std::int64_t total, std::int64_t n) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] += bias[i % n];
}

// y = x broadcast (numpy rules) to y's shape.
template <typename T>
__global__ void broadcast_kernel(const T* x, T* y, std::int64_t n, Walk walk) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = x[walk.offset(i, 0)];
}

// y = (condition != 0 ? a : b), each broadcast to y's shape; the condition is read on the device.
template <typename C, typename T>
__global__ void switch_kernel(const C* condition, const T* a, const T* b, T* y, std::int64_t n,
                              Walk walk) {
  const bool first = *condition != C(0);
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    y[i] = first ? a[walk.offset(i, 0)] : b[walk.offset(i, 1)];
}

// A fused elementwise group as one kernel: each thread runs the group's instructions for its
// elements in registers (inputs first, then one per instruction, as in FusedProgram) and writes
// the group's outputs; its intermediates never reach memory.
constexpr int kMaxFusedRegisters = 256;

struct FusedInstruction {
  OpKind op;
  int a, b;  // b < 0: unary
  double alpha, beta;
};
struct FusedOperand {
  const void* data;
  int scalar;
};
struct FusedOutput {
  int reg;
  void* data;
};
// The program in one device allocation: instructions, then inputs, then outputs.
struct DeviceProgram {
  std::shared_ptr<void> memory;
  const FusedInstruction* code;
  const FusedOperand* inputs;
  const FusedOutput* outputs;
  int n_code, n_inputs, n_outputs;
};

template <typename T>
__global__ void fused_kernel(const FusedInstruction* code, int n_code, const FusedOperand* inputs,
                             int n_inputs, const FusedOutput* outputs, int n_outputs,
                             std::int64_t n) {
  T regs[kMaxFusedRegisters];
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    for (int k = 0; k < n_inputs; ++k)
      regs[k] = static_cast<const T*>(inputs[k].data)[inputs[k].scalar ? 0 : i];
    for (int k = 0; k < n_code; ++k) {
      const FusedInstruction in = code[k];
      regs[n_inputs + k] = in.b < 0 ? apply_unary(in.op, regs[in.a], in.alpha, in.beta)
                                    : apply_binary(in.op, regs[in.a], regs[in.b]);
    }
    for (int k = 0; k < n_outputs; ++k) static_cast<T*>(outputs[k].data)[i] = regs[outputs[k].reg];
  }
}

std::shared_ptr<DeviceProgram> upload(const FusedProgram& p) {
  const int registers = static_cast<int>(p.inputs.size() + p.code.size());
  if (registers > kMaxFusedRegisters)
    throw std::runtime_error("cuda::run_fused: a fused elementwise group of " +
                             std::to_string(registers) + " values exceeds the kernel's " +
                             std::to_string(kMaxFusedRegisters) + " registers");
  std::vector<FusedInstruction> code;
  for (const auto& in : p.code) code.push_back({in.op, in.a, in.b, in.alpha, in.beta});
  std::vector<FusedOperand> inputs;
  for (const auto& in : p.inputs) inputs.push_back({in.data, in.scalar ? 1 : 0});
  std::vector<FusedOutput> outputs;
  for (const auto& out : p.outputs) outputs.push_back({out.reg, out.data});
  const std::size_t code_bytes = code.size() * sizeof(FusedInstruction);
  const std::size_t input_bytes = inputs.size() * sizeof(FusedOperand);
  const std::size_t output_bytes = outputs.size() * sizeof(FusedOutput);
  // Each part at a 16-byte boundary (the structs' alignment is at most 8).
  const std::size_t input_at = (code_bytes + 15) / 16 * 16;
  const std::size_t output_at = input_at + (input_bytes + 15) / 16 * 16;
  const std::size_t total = output_at + output_bytes;
  auto program = std::make_shared<DeviceProgram>();
  program->memory = device().allocate(total);
  auto pinned = device().allocate_pinned(total);
  char* host = static_cast<char*>(pinned.get());
  if (code_bytes) std::memcpy(host, code.data(), code_bytes);
  if (input_bytes) std::memcpy(host + input_at, inputs.data(), input_bytes);
  if (output_bytes) std::memcpy(host + output_at, outputs.data(), output_bytes);
  device().copy_to_device(program->memory.get(), host, total);
  device().synchronize();  // before the pinned copy is freed
  char* base = static_cast<char*>(program->memory.get());
  program->code = reinterpret_cast<const FusedInstruction*>(base);
  program->inputs = reinterpret_cast<const FusedOperand*>(base + input_at);
  program->outputs = reinterpret_cast<const FusedOutput*>(base + output_at);
  program->n_code = static_cast<int>(code.size());
  program->n_inputs = static_cast<int>(inputs.size());
  program->n_outputs = static_cast<int>(outputs.size());
  return program;
}

Read how_read(const Buffer& in, const Buffer& out) {
  if (in.shape == out.shape) return Read::kSame;
  if (in.numel == 1) return Read::kScalar;
  return Read::kStrided;
}

Walk walk_of(OpKind op, const Buffer& a, const Buffer& b, const Buffer& out) {
  check_rank(op, out.shape);
  Walk walk;
  walk.rank = static_cast<int>(out.shape.size());
  for (int d = 0; d < walk.rank; ++d) walk.dims[d] = out.shape[static_cast<std::size_t>(d)];
  broadcast_strides(a.shape, out.shape, walk.strides[0]);
  broadcast_strides(b.shape, out.shape, walk.strides[1]);
  return walk;
}

}  // namespace

void unary(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const ops::UnaryAttrs params = ops::unary_params(*call.attrs);
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    unary_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.op, call.inputs[0].as<T>(), call.output.as<T>(), call.output.numel, params.alpha,
        params.beta);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void binary(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const Buffer &a = call.inputs[0], &b = call.inputs[1], &out = call.output;
  const Walk walk = walk_of(call.op, a, b, out);
  dispatch_all(call.op, a.dtype, [&]<typename T>() {
    binary_kernel<T><<<blocks_for(out.numel), kThreads, 0, stream()>>>(
        call.op, a.as<T>(), b.as<T>(), out.as<T>(), out.numel, how_read(a, out), how_read(b, out),
        walk);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void cast(const KernelCall& call) {
  if (call.output.numel == 0) return;
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename From>() {
    dispatch_all(call.op, call.output.dtype, [&]<typename To>() {
      cast_kernel<From, To><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
          call.inputs[0].as<From>(), call.output.as<To>(), call.output.numel);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void switch_(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const Buffer &a = call.inputs[1], &b = call.inputs[2], &out = call.output;
  const Walk walk = walk_of(call.op, a, b, out);
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename C>() {
    dispatch_all(call.op, out.dtype, [&]<typename T>() {
      switch_kernel<C, T><<<blocks_for(out.numel), kThreads, 0, stream()>>>(
          call.inputs[0].as<C>(), a.as<T>(), b.as<T>(), out.as<T>(), out.numel, walk);
    });
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void broadcast_copy(const Buffer& src, const Buffer& dst) {
  if (dst.numel == 0) return;
  const Walk walk = walk_of(OpKind::kBroadcastLike, src, src, dst);
  dispatch_all(OpKind::kBroadcastLike, dst.dtype, [&]<typename T>() {
    broadcast_kernel<T><<<blocks_for(dst.numel), kThreads, 0, stream()>>>(src.as<T>(), dst.as<T>(),
                                                                          dst.numel, walk);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void add_bias(const Buffer& data, const Buffer& bias) {
  if (data.numel == 0 || bias.numel == 0) return;
  dispatch_float(OpKind::kAdd, data.dtype, [&]<typename T>() {
    add_bias_kernel<T><<<blocks_for(data.numel), kThreads, 0, stream()>>>(
        data.as<T>(), bias.as<T>(), data.numel, bias.numel);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void run_fused(FusedProgram& program) {
  if (program.n == 0 || program.outputs.empty()) return;
  if (!program.device_program) program.device_program = upload(program);
  const auto& p = *static_cast<const DeviceProgram*>(program.device_program.get());
  // Few threads per block: each keeps its registers in local memory.
  constexpr int kFusedThreads = 128;
  const auto blocks = static_cast<unsigned>(
      std::min<std::int64_t>((program.n + kFusedThreads - 1) / kFusedThreads, 65535 * 32));
  dispatch_float(OpKind::kAdd, program.dtype, [&]<typename T>() {
    fused_kernel<T><<<blocks, kFusedThreads, 0, stream()>>>(p.code, p.n_code, p.inputs, p.n_inputs,
                                                            p.outputs, p.n_outputs, program.n);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void apply_activation(const ops::FusedActivation& activation, const Buffer& data) {
  if (activation.op == OpKind::kCount || data.numel == 0) return;
  dispatch_float(activation.op, data.dtype, [&]<typename T>() {
    unary_kernel<T><<<blocks_for(data.numel), kThreads, 0, stream()>>>(
        activation.op, data.as<T>(), data.as<T>(), data.numel, activation.alpha, activation.beta);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
