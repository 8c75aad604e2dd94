// The two backends: reference (plain loops, the oracle) and cpu (oneDNN and OpenMP kernels where
// an op's definition names one, the reference kernel otherwise; graph fusion on).
#include <cstring>
#include <stdexcept>

#include "kernels/kernel.h"
#include "ops/op_def.h"

namespace keras::kernels {

namespace {

// "kernels::cpu::matmul" -> "cpu::matmul".
const char* short_name(const char* name) {
  constexpr const char kPrefix[] = "kernels::";
  return std::strncmp(name, kPrefix, sizeof(kPrefix) - 1) == 0 ? name + sizeof(kPrefix) - 1 : name;
}

}  // namespace

Backend::Kernel Backend::kernel(OpKind op) const {
  const ops::OpDef& def = ops::op_def(op);
  if (cpu_ && def.cpu.fn) return {def.cpu.fn, short_name(def.cpu.name), false};
  if (!def.reference.fn)
    throw std::logic_error(std::string("no kernel for op ") + def.name + " on the " + name_ +
                           " backend");
  return {def.reference.fn, short_name(def.reference.name), cpu_};
}

void Backend::prepare_thread() const {
  if (cpu_) cpu::flush_denormals();
}

const Backend& backend_named(const std::string& name) {
  static const Backend reference("reference", false);
  static const Backend cpu("cpu", true);
  if (name == "cpu") return cpu;
  if (name == "reference") return reference;
  throw std::invalid_argument("Unknown backend '" + name +
                              "'. Valid backends are: cpu, reference.");
}

}  // namespace keras::kernels
