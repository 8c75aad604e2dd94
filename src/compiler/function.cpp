// The compiled function's reports (KERAS_PROFILE, KERAS_LOG_KERNELS, its steps) and the public
// K::function object, a handle on it.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "compiler/compiler.h"
#include "keras/backend/backend.h"

namespace keras::backend::detail {

void CompiledFunction::print_profile(const Plan& plan) const {
  double total = 0;
  for (const auto& step : plan.steps) total += step.seconds;
  if (plan.steps.empty() || plan.steps[0].runs == 0) return;
  std::fprintf(stderr, "keras profile: %zu steps, %llu runs, %.3f ms per run, input shapes",
               plan.steps.size(), static_cast<unsigned long long>(plan.steps[0].runs),
               total * 1e3 / static_cast<double>(plan.steps[0].runs));
  for (const auto& s : plan.input_shapes) std::fprintf(stderr, " %s", shape_to_string(s).c_str());
  std::fprintf(stderr, "\n");
  for (const auto& step : plan.steps)
    std::fprintf(stderr, "  %6.1f%% %9.1f us  %s\n", total > 0 ? 100.0 * step.seconds / total : 0.0,
                 step.seconds * 1e6 / static_cast<double>(std::max<std::uint64_t>(step.runs, 1)),
                 step.name.c_str());
}

void CompiledFunction::log_kernels(const Plan& plan) const {
  std::fprintf(stderr, "keras kernels: %zu steps on the %s backend, input shapes",
               plan.steps.size(), backend_->name());
  for (const auto& s : plan.input_shapes) std::fprintf(stderr, " %s", shape_to_string(s).c_str());
  // A borrowing plan's (a Traced step's inner function) are lent by its outer step's scratch.
  std::fprintf(stderr, "; arena %zu bytes, kernel scratch %zu bytes%s\n", plan.arena_bytes,
               plan.scratch_bytes, plan.borrowed ? " (both lent by the caller)" : "");
  for (const auto& step : plan.steps) {
    std::string notes;
    if (step.fallback) notes += std::string(" (fallback: no ") + backend_->name() + " kernel)";
    if (step.call.scratch_bytes > 0)
      notes += " (scratch " + std::to_string(step.call.scratch_bytes) + " bytes)";
    std::fprintf(stderr, "  %-28s %s%s\n", step.name.c_str(), step.kernel, notes.c_str());
  }
}

std::size_t CompiledFunction::num_steps() const {
  return last_ ? last_->steps.size() : 0;
}

std::vector<std::string> CompiledFunction::step_names() const {
  std::vector<std::string> names;
  if (last_)
    for (auto& s : last_->steps) names.push_back(s.name);
  return names;
}

}  // namespace keras::backend::detail

namespace keras::backend {

Function::Function(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
                   std::vector<Update> updates, Givens givens)
    : impl_(std::make_unique<detail::CompiledFunction>(std::move(inputs), std::move(outputs),
                                                       std::move(updates), std::move(givens))) {}
Function::~Function() = default;
Function::Function(Function&&) noexcept = default;
Function& Function::operator=(Function&&) noexcept = default;

const std::vector<Tensor>& Function::run(const std::vector<Tensor>& inputs) {
  return impl_->run(inputs);
}

std::unique_lock<std::recursive_mutex> Function::lock() {
  return impl_->lock();
}

std::vector<Tensor> Function::operator()(const std::vector<Tensor>& inputs) {
  auto lock = impl_->lock();  // no other thread's run overwrites the views before they are copied
  std::vector<Tensor> copies;
  for (const Tensor& t : impl_->run(inputs)) copies.push_back(t.clone());
  return copies;
}

std::size_t Function::num_steps() const {
  return impl_->num_steps();
}
std::vector<std::string> Function::step_names() const {
  return impl_->step_names();
}
std::size_t Function::arena_bytes() const {
  return impl_->last_plan() ? impl_->last_plan()->arena_bytes : 0;
}

}  // namespace keras::backend
