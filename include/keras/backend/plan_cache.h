// The plans of a compiled function (K::function, a model's train/test/predict function): one per
// input-shape signature (variable-length batches make one per length), kept in a bounded cache
// with least-recently-used eviction, so that a length seen before costs no new plan.
#pragma once

#include <cstddef>
#include <cstdint>

namespace keras::backend {

// How many plans each function compiled from now on keeps: 16 by default, or the environment's
// KERAS_PLAN_CACHE_SIZE. At least 1.
std::size_t plan_cache_size();
void set_plan_cache_size(std::size_t plans);

// Totals over every function of the process, for tests and the curious: plans built (a first
// run with a new shape signature, or one whose plan was evicted) and plans evicted.
struct PlanCacheStats {
  std::uint64_t builds = 0;
  std::uint64_t evictions = 0;
};
PlanCacheStats plan_cache_stats();

}  // namespace keras::backend
