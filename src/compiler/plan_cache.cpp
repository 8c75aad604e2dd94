// The plans of a compiled function: one per input-shape signature, in a bounded cache with
// least-recently-used eviction (KERAS_PLAN_CACHE_SIZE, K::set_plan_cache_size), so variable-length
// batches cost a plan the first time each shape is seen, never per batch after.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "compiler/compiler.h"
#include "keras/backend/plan_cache.h"

namespace keras::backend::detail {

namespace {

std::size_t default_plan_cache_size() {
  const char* env = std::getenv("KERAS_PLAN_CACHE_SIZE");
  if (!env || !*env) return 16;
  char* end = nullptr;
  const long long plans = std::strtoll(env, &end, 10);
  if (*end != '\0' || plans < 1)
    throw std::invalid_argument("KERAS_PLAN_CACHE_SIZE must be a positive integer, got '" +
                                std::string(env) + "'");
  return static_cast<std::size_t>(plans);
}

std::atomic<std::uint64_t> total_plan_builds{0}, total_plan_evictions{0};

}  // namespace

std::atomic<std::size_t>& plan_cache_capacity() {
  static std::atomic<std::size_t> capacity{default_plan_cache_size()};
  return capacity;
}

Plan& CompiledFunction::plan_for(const InputShapes& input_shapes) {
  auto matches = [&](const Plan& plan) {
    for (std::size_t k = 0; k < input_shapes.size(); ++k)
      if (input_shapes[k] != plan.input_shapes[k]) return false;
    return true;
  };
  if (last_ && matches(*last_)) {
    last_->last_run = runs_;
    return *last_;
  }
  for (auto& plan : plans_)
    if (matches(*plan)) {
      plan->last_run = runs_;
      return *(last_ = plan.get());
    }
  std::vector<Shape> shapes;
  for (std::size_t k = 0; k < input_shapes.size(); ++k) shapes.push_back(input_shapes[k]);
  std::unique_ptr<Plan> plan =
      make_plan(graph_, *backend_, device_, check_numerics_, shapes, borrows_memory_);
  if (!borrows_memory_) share_scratch(*plan);
  plan->last_run = runs_;
  ++plan_builds_;
  ++total_plan_builds;
  if (log_kernels_ && plan_builds_ == 1) log_kernels(*plan);
  if (plans_.size() >= capacity_) {
    // Evict the least recently run plan. Views of its results stay valid: they share its arena.
    auto oldest = std::min_element(plans_.begin(), plans_.end(), [](const auto& a, const auto& b) {
      return a->last_run < b->last_run;
    });
    if (profile_) print_profile(**oldest);
    *oldest = std::move(plan);
    ++evictions_;
    ++total_plan_evictions;
    return *(last_ = oldest->get());
  }
  plans_.push_back(std::move(plan));
  return *(last_ = plans_.back().get());
}

void CompiledFunction::share_scratch(Plan& plan) {
  auto point = [this](Plan& p) {
    for (Step& step : p.steps)
      if (step.call.scratch_bytes > 0) step.call.scratch = scratch_->data();
  };
  if (plan.scratch_bytes == 0) return;
  if (!scratch_ || scratch_->bytes() < plan.scratch_bytes) {
    scratch_ = std::make_shared<Storage>(plan.scratch_bytes);
    for (auto& cached : plans_) point(*cached);
  }
  point(plan);
}

}  // namespace keras::backend::detail

namespace keras::backend {

std::size_t plan_cache_size() {
  return detail::plan_cache_capacity().load();
}

void set_plan_cache_size(std::size_t plans) {
  if (plans < 1)
    throw std::invalid_argument("set_plan_cache_size: a function keeps at least 1 plan, got " +
                                std::to_string(plans));
  detail::plan_cache_capacity().store(plans);
}

PlanCacheStats plan_cache_stats() {
  return {detail::total_plan_builds.load(), detail::total_plan_evictions.load()};
}

}  // namespace keras::backend
