// The three backends: reference (plain loops, the oracle), cpu (oneDNN and OpenMP kernels where
// an op's definition names one, the reference kernel otherwise; graph fusion on) and cuda (CUDA,
// cuBLASLt and cuDNN kernels on device memory where an op's definition names one, the reference
// kernel on host copies otherwise; built with -DKERAS_WITH_CUDA).
#include <omp.h>

#include <cstring>
#include <stdexcept>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/fused_elementwise.h"
#include "kernels/kernel.h"
#include "ops/op_def.h"

namespace keras::kernels {

namespace {

// "kernels::cpu::matmul" -> "cpu::matmul".
const char* short_name(const char* name) {
  constexpr const char kPrefix[] = "kernels::";
  return std::strncmp(name, kPrefix, sizeof(kPrefix) - 1) == 0 ? name + sizeof(kPrefix) - 1 : name;
}

#if defined(KERAS_HAVE_CUDA)
const Backend::Kernel* cuda_kernel(const ops::OpDef& def, Backend::Kernel& out) {
  if (def.cuda.fn) {
    out = {def.cuda.fn, short_name(def.cuda.name), false, def.cuda.prepare};
    return &out;
  }
  if (!def.reference.fn) return nullptr;
  // The reference kernel's scratch is host memory (the planner's scratch region is).
  out = {&cuda::host_fallback, short_name(def.reference.name), true, def.reference.prepare};
  return &out;
}
#endif

}  // namespace

Backend::Kernel Backend::kernel(OpKind op) const {
  const ops::OpDef& def = ops::op_def(op);
#if defined(KERAS_HAVE_CUDA)
  if (kind_ == Kind::kCuda) {
    Kernel k;
    if (cuda_kernel(def, k)) return k;
  }
#endif
  if (kind_ == Kind::kCpu && def.cpu.fn)
    return {def.cpu.fn, short_name(def.cpu.name), false, def.cpu.prepare};
  if (!def.reference.fn || kind_ == Kind::kCuda)
    throw std::logic_error(std::string("no kernel for op ") + def.name + " on the " + name_ +
                           " backend");
  return {def.reference.fn, short_name(def.reference.name), kind_ != Kind::kReference,
          def.reference.prepare};
}

void Backend::prepare_fused(FusedProgram& program) const {
  if (kind_ == Kind::kCpu) kernels::prepare_fused(program);  // cuda: made on the first run
}

void Backend::run_fused(FusedProgram& program) const {
#if defined(KERAS_HAVE_CUDA)
  if (kind_ == Kind::kCuda) return cuda::run_fused(program);
#endif
  kernels::run_fused(program);
}

void Backend::prepare_thread() const {
  // cuda: the host fallbacks run the reference kernels, which keep IEEE subnormals as the GPU does.
  if (kind_ != Kind::kCpu) return;
  const int requested = omp_get_max_threads();
  const int granted = cpu::ThreadBudget::process().threads_for_run(requested);
  if (granted != requested) omp_set_num_threads(granted);  // the run's caller restores it
  cpu::flush_denormals();
}

const Backend& backend_named(const std::string& name) {
  static const Backend reference("reference", Backend::Kind::kReference);
  static const Backend cpu("cpu", Backend::Kind::kCpu);
  if (name == "cpu") return cpu;
  if (name == "reference") return reference;
  if (name == "cuda") {
#if defined(KERAS_HAVE_CUDA)
    static const Backend cuda("cuda", Backend::Kind::kCuda, &cuda::device());
    return cuda;
#else
    throw std::runtime_error(
        "The cuda backend is not available: this keras.cpp was built without CUDA "
        "(KERAS_WITH_CUDA=OFF, or AUTO without the CUDA toolkit and cuDNN 9). Rebuild with "
        "-DKERAS_WITH_CUDA=ON, or select backend 'cpu' (keras.json \"backend\", KERAS_BACKEND).");
#endif
  }
  throw std::invalid_argument("Unknown backend '" + name +
                              "'. Valid backends are: cpu, cuda, reference.");
}

}  // namespace keras::kernels
