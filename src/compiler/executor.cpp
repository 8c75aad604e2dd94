// Runs a compiled function's plans (made by planner.cpp once per input-shape signature, kept by
// plan_cache.cpp): copies in and out, the steps in order (device plans: as one captured graph
// from their second run), and KERAS_PROFILE, KERAS_CHECK_NUMERICS and KERAS_LOG_KERNELS. Running
// a plan allocates nothing.
#include <omp.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <utility>

#include "compiler/compiler.h"
#include "keras/backend/backend.h"
#include "ops/op_def.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace keras::backend::detail {

namespace {

// The backend's per-thread setup (cpu: denormal floats flushed to zero, FTZ | DAZ in MXCSR; the
// OpenMP team fitted to the free cores) while a run computes, then the caller's thread gets its
// own MXCSR and team size back: the user's numpy keeps its subnormals. The OpenMP workers keep
// the MXCSR setting.
class PrepareThreadDuringRun {
 public:
  explicit PrepareThreadDuringRun(const kernels::Backend& backend)
      : threads_(omp_get_max_threads()) {
#if defined(__SSE__)
    saved_ = _mm_getcsr();
#endif
    backend.prepare_thread();
  }
  ~PrepareThreadDuringRun() {
#if defined(__SSE__)
    _mm_setcsr(saved_);
#endif
    if (omp_get_max_threads() != threads_) omp_set_num_threads(threads_);
  }
  PrepareThreadDuringRun(const PrepareThreadDuringRun&) = delete;
  PrepareThreadDuringRun& operator=(const PrepareThreadDuringRun&) = delete;

 private:
  unsigned saved_ = 0;
  int threads_;
};

// KERAS_CHECK_NUMERICS=1: the first NaN or infinity a step wrote, as an error naming the step.
template <typename T>
void check_finite(const Step& step, const Step::Written& w, std::size_t index, std::size_t steps) {
  const T* p = static_cast<const T*>(w.data);
  const std::int64_t n = shape_numel(w.shape);
  for (std::int64_t i = 0; i < n; ++i) {
    if (std::isfinite(p[i])) continue;
    throw std::runtime_error(std::string("KERAS_CHECK_NUMERICS: op ") + step.name + " (node '" +
                             w.node + "') produced " + (std::isnan(p[i]) ? "NaN" : "Inf") +
                             " at flat index " + std::to_string(i) + " of its output of shape " +
                             shape_to_string(w.shape) + " (step " + std::to_string(index + 1) +
                             " of " + std::to_string(steps) + ")");
  }
}

void check_numerics(const Step& step, std::size_t index, std::size_t steps,
                    const kernels::Device* device) {
  std::vector<char> host;
  for (auto w : step.checked) {
    if (device) {  // a host copy of the device buffer
      host.resize(static_cast<std::size_t>(shape_numel(w.shape)) * dtype_size(w.dtype));
      device->copy_to_host(host.data(), w.data, host.size());
      device->synchronize();
      w.data = host.data();
    }
    if (w.dtype == DType::float32) check_finite<float>(step, w, index, steps);
    if (w.dtype == DType::float64) check_finite<double>(step, w, index, steps);
  }
}

std::atomic<std::uint64_t> graphs_captured{0}, graphs_launched{0}, plans_step_by_step{0},
    inputs_ahead{0};

std::unique_lock<std::recursive_mutex> lock_device(const kernels::Device* device) {
  return device ? std::unique_lock(device_runs()) : std::unique_lock<std::recursive_mutex>();
}

std::atomic<const kernels::Device*> test_device{nullptr};

// The RunAhead of this thread, taken by its next device run.
thread_local NextInputs* next_inputs = nullptr;

const kernels::CopyStream* copy_stream_of(const kernels::Device* device) {
  return dynamic_cast<const kernels::CopyStream*>(device);
}

}  // namespace

GraphCounts graph_counts() {
  return {graphs_captured.load(), graphs_launched.load(), plans_step_by_step.load()};
}

void set_device_for_tests(const kernels::Device* device) {
  test_device = device;
}

RunAhead::RunAhead(NextInputs& source) {
  next_inputs = &source;
}
RunAhead::~RunAhead() {
  next_inputs = nullptr;
}

bool runs_copy_ahead() {
  const char* overlap = std::getenv("KERAS_CUDA_OVERLAP");
  if (overlap && std::string(overlap) == "0") return false;
  if (const kernels::Device* device = test_device.load()) return copy_stream_of(device);
  try {
    return copy_stream_of(kernels::backend_named(keras::backend::backend()).device());
  } catch (const std::runtime_error&) {
    return false;  // cuda selected where it cannot start: the model's functions run elsewhere
  }
}

std::uint64_t runs_with_inputs_ahead() {
  return inputs_ahead.load();
}

CompiledFunction::CompiledFunction(std::vector<SymbolicTensor> inputs,
                                   std::vector<SymbolicTensor> outputs, std::vector<Update> updates,
                                   Givens givens, bool borrows_memory)
    : backend_(&kernels::backend_named(keras::backend::backend())),
      device_(test_device.load() ? test_device.load() : backend_->device()),
      copy_stream_(copy_stream_of(device_)),
      borrows_memory_(borrows_memory && !device_),
      graph_(rewrite_graph(inputs, outputs, updates, givens, backend_->fuses(),
                           backend_->trims_recurrent_inference())),
      capacity_(plan_cache_capacity().load()) {
  const char* profile = std::getenv("KERAS_PROFILE");
  profile_ = profile && *profile && std::string(profile) != "0";
  profile_cpu_ = profile_ && std::string(profile) == "cpu";
  const char* check = std::getenv("KERAS_CHECK_NUMERICS");
  check_numerics_ = check && *check && std::string(check) != "0";
  const char* log = std::getenv("KERAS_LOG_KERNELS");
  log_kernels_ = log && *log && std::string(log) != "0";
  const char* graphs = std::getenv("KERAS_CUDA_GRAPHS");
  if (graphs && std::string(graphs) == "0")
    no_graphs_ = "KERAS_CUDA_GRAPHS=0";
  else if (profile_)
    no_graphs_ = "KERAS_PROFILE times each step";
  else if (check_numerics_)
    no_graphs_ = "KERAS_CHECK_NUMERICS checks each step's output";
}

void CompiledFunction::check_inputs(const std::vector<Tensor>& inputs) const {
  if (inputs.size() != graph_.inputs.size())
    throw std::invalid_argument("K::function expects " + std::to_string(graph_.inputs.size()) +
                                " input arrays, got " + std::to_string(inputs.size()));
  for (std::size_t k = 0; k < inputs.size(); ++k)
    if (inputs[k].dtype() != graph_.inputs[k]->dtype)
      throw std::invalid_argument("K::function: input " + std::to_string(k) + " ('" +
                                  graph_.inputs[k]->name + "') expects " +
                                  dtype_name(graph_.inputs[k]->dtype) + ", got " +
                                  dtype_name(inputs[k].dtype()));
}

const std::vector<Tensor>& CompiledFunction::run(const std::vector<Tensor>& inputs) {
  if (borrows_memory_)
    throw std::logic_error("a compiled function that borrows its memory runs through run_in");
  check_inputs(inputs);
  std::lock_guard lock(mutex_);
  auto device_lock = lock_device(device_);
  ++runs_;
  return run_plan(plan_for({.tensors = &inputs}), inputs);
}

std::size_t CompiledFunction::memory_needed(const std::vector<Shape>& input_shapes) {
  if (!borrows_memory_) return 0;
  std::lock_guard lock(mutex_);
  return borrowed_bytes(plan_for({.shapes = &input_shapes}));
}

const std::vector<Tensor>& CompiledFunction::run_in(const std::vector<Tensor>& inputs,
                                                    void* memory) {
  if (!borrows_memory_) return run(inputs);
  check_inputs(inputs);
  std::lock_guard lock(mutex_);
  ++runs_;
  Plan& plan = plan_for({.tensors = &inputs});
  lend_memory(plan, static_cast<char*>(memory));
  return run_plan(plan, inputs);
}

const std::vector<Tensor>& CompiledFunction::run_plan(Plan& plan,
                                                      const std::vector<Tensor>& inputs) {
  PrepareThreadDuringRun prepared(*backend_);
  if (plan.device) {
    NextInputs* source = std::exchange(next_inputs, nullptr);  // not for the runs inside this one
    copy_in(plan, inputs);
    run_on_device(plan);
    if (source) copy_ahead(plan, *source);  // while the device runs the steps
    copy_out(plan);
  } else {
    if (DeviceValues* values = device_values_made()) use_values_on_host(*values);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      void* data = inputs[k].raw_data();
      for (auto [s, i] : plan.input_bindings[k]) plan.steps[s].call.inputs[i].data = data;
      for (auto [s, i] : plan.fused_input_bindings[k]) plan.steps[s].fused->inputs[i].data = data;
    }
    run_steps(plan);
    for (const auto& c : plan.stage_copies) std::memcpy(c.to, c.from, c.bytes);
    for (const auto& c : plan.update_copies) std::memcpy(c.to, c.from, c.bytes);
  }
  for (std::size_t i = 0; i < plan.output_from_input.size(); ++i) {
    int k = plan.output_from_input[i];
    if (k < 0) continue;
    const Tensor& input = inputs[static_cast<std::size_t>(k)];
    plan.results[i] =
        input.shape() == plan.output_shapes[i] ? input : input.reshape(plan.output_shapes[i]);
  }
  return plan.results;
}

namespace {

// Seconds on the steady clock, or of the calling thread's CPU time (KERAS_PROFILE=cpu: one-thread
// runs on a machine other processes keep busy, where wall time counts their time slices too).
double profile_clock(bool cpu) {
  if (cpu) {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

void CompiledFunction::use_values_on_host(DeviceValues& values) const {
  for (const auto& n : graph_.order)
    if (n->op == OpKind::kVariable) values.before_host_use(n->value, HostUse::kRead);
  for (const auto& [variable, value] : graph_.updates)
    values.before_host_use(variable->value, HostUse::kWrite);
}

namespace {

// A device plan's run counter and inputs, laid out as its leaves, in pinned memory.
void stage_leaves(const Plan::OnDevice& d, char* pinned, std::uint64_t counter,
                  const std::vector<Tensor>& inputs) {
  std::memcpy(pinned + d.counter, &counter, sizeof(counter));
  for (auto [k, offset] : d.inputs) {
    const Tensor& t = inputs[static_cast<std::size_t>(k)];
    if (t.nbytes()) std::memcpy(pinned + offset, t.raw_data(), t.nbytes());
  }
}

}  // namespace

// Device plans: the variables the host wrote since their last upload, then the run counter and
// the inputs into their slots: through the pinned buffer, one copy on the stream ahead of the
// kernels, which run with no wait between; or, when the last run copied them ahead, one copy on
// the device after that copy.
void CompiledFunction::copy_in(Plan& plan, const std::vector<Tensor>& inputs) {
  const Plan::OnDevice& d = *plan.device;
  for (const auto& value : d.values) d.values_owner->to_device(*value);
  if (takes_inputs_ahead(plan, inputs)) return;
  char* pinned = static_cast<char*>(d.pinned.get());
  stage_leaves(d, pinned, runs_ - 1, inputs);  // the counter as run_steps gives the kernels
  if (d.upload_bytes)
    device_->copy_to_device(static_cast<char*>(d.memory.get()) + d.leaves, pinned, d.upload_bytes);
}

// The inputs the last run copied ahead, when they are this run's (the next run of the function,
// on the vector NextInputs returned): the stream waits for their copy, then moves them into the
// leaves, where the steps and a captured graph read them.
bool CompiledFunction::takes_inputs_ahead(Plan& plan, const std::vector<Tensor>& inputs) {
  const Plan::OnDevice& d = *plan.device;
  if (!d.ahead || d.ahead->for_run != runs_ || d.ahead->from != &inputs) return false;
  Plan::OnDevice::Ahead& a = *d.ahead;
  a.for_run = 0;
  a.copies.wait_for(a.copied[a.filled].get());
  device_->copy_on_device(static_cast<char*>(d.memory.get()) + d.leaves, a.memory.get(),
                          d.upload_bytes);
  a.copies.record(a.moved.get());  // a.memory may take the copy after next
  ++inputs_ahead;
  return true;
}

// While the device runs this run's steps: the next inputs from `source`, staged and copied on the
// device's copy stream, when they fit this plan (another shape's plan copies its inputs when it
// runs). Not when an output is an input: the caller reads it after the run, and reading the next
// batch may overwrite it.
void CompiledFunction::copy_ahead(Plan& plan, NextInputs& source) {
  Plan::OnDevice& d = *plan.device;
  if (!copy_stream_ || d.upload_bytes == 0) return;
  for (int k : plan.output_from_input)
    if (k >= 0) return;
  const std::vector<Tensor>* next = source.next();
  if (!next || next->size() != plan.input_shapes.size()) return;
  for (std::size_t k = 0; k < next->size(); ++k)
    if ((*next)[k].shape() != plan.input_shapes[k] || (*next)[k].dtype() != graph_.inputs[k]->dtype)
      return;
  if (!d.ahead)
    d.ahead = std::make_unique<Plan::OnDevice::Ahead>(*device_, *copy_stream_, d.upload_bytes);
  Plan::OnDevice::Ahead& a = *d.ahead;
  a.for_run = 0;
  // The slot's last copy ahead is done: the run after it waited for it, or (none took it) it
  // was queued a run before this one.
  a.copies.wait_host(a.copied[a.slot].get());
  stage_leaves(d, static_cast<char*>(a.pinned[a.slot].get()), runs_, *next);  // the next counter
  a.copies.copy_ahead(a.memory.get(), a.pinned[a.slot].get(), d.upload_bytes, a.moved.get(),
                      a.copied[a.slot].get());
  a.filled = a.slot;
  a.slot ^= 1;
  a.for_run = runs_ + 1;
  a.from = next;
}

Plan::OnDevice::Ahead::Ahead(const kernels::Device& device, const kernels::CopyStream& copies,
                             std::size_t bytes)
    : copies(copies) {
  for (int s = 0; s < 2; ++s) {
    pinned[s] = device.allocate_pinned(bytes);
    copied[s] = copies.make_event();
  }
  memory = device.allocate(bytes);
  moved = copies.make_event();
}

Plan::OnDevice::Ahead::~Ahead() {
  try {
    for (const auto& event : copied) copies.wait_host(event.get());
  } catch (const std::exception& e) {  // no throw from a destructor
    std::fprintf(stderr, "keras: waiting for a copy ahead failed: %s\n", e.what());
  }
}

// Device plans: the steps one by one on the first run (the kernels make their state, the
// workspace grows, the host fallbacks say so), captured as one graph on the second, and that
// graph replayed from then on.
void CompiledFunction::run_on_device(Plan& plan) {
  Plan::OnDevice& d = *plan.device;
  if (d.runs == 1 && !d.graph && d.step_by_step.empty()) capture(plan);
  if (d.graph) {
    device_->launch(d.graph);
    ++graphs_launched;
  } else {
    run_steps(plan);
    copy_updates(plan);
  }
  for (DeviceValues::Value* value : d.updated) d.values_owner->written_on_device(*value);
  ++d.runs;  // after the run: a first run that threw leaves the next one to warm the plan up
}

// A plan's steps as one graph, or why not (d.step_by_step): a step that needs the host (it ran
// there, or waits for the device, copies or allocates on each run), a setting that watches each
// step, or a capture the driver refused. Any of them leaves the plan step by step, never wrong.
void CompiledFunction::capture(Plan& plan) {
  Plan::OnDevice& d = *plan.device;
  auto step_named = [&](std::size_t s) {
    return "step " + std::to_string(s + 1) + " (" + plan.steps[s].name + ") ";
  };
  auto needs_host = [&]() -> std::string {
    for (std::size_t s = 0; s < plan.steps.size(); ++s)
      if (plan.steps[s].call.not_capturable)
        return step_named(s) + plan.steps[s].call.not_capturable;
    return "";
  };
  std::string why = no_graphs_ ? no_graphs_ : needs_host();
  if (why.empty()) {
    std::size_t at = 0;
    try {
      d.graph = device_->capture([&] {
        for (at = 0; at < plan.steps.size(); ++at) run_step(plan.steps[at]);
        copy_updates(plan);
      });
      why = needs_host();  // a kernel that only now took the counter on the host
    } catch (const std::exception& e) {
      why = (at < plan.steps.size() ? step_named(at) : std::string("the capture: ")) + e.what();
    }
    if (!why.empty()) d.graph.reset();
  }
  d.step_by_step = why;
  ++(d.graph ? graphs_captured : plans_step_by_step);
  if (!log_kernels_ || graph_logged_) return;
  graph_logged_ = true;
  std::fprintf(stderr, "keras kernels: the plan for input shapes");
  for (const auto& s : plan.input_shapes) std::fprintf(stderr, " %s", shape_to_string(s).c_str());
  if (d.graph)
    std::fprintf(stderr, " runs as one CUDA graph of its %zu steps\n", plan.steps.size());
  else
    std::fprintf(stderr, " runs step by step, not as a CUDA graph: %s\n", why.c_str());
}

// Device plans: the updates' new values into the variables' device copies, all read before any
// is written (stage_copies first), as the host plans do.
void CompiledFunction::copy_updates(Plan& plan) {
  const kernels::Device& device = *device_;
  for (const auto& c : plan.stage_copies) device.copy_on_device(c.to, c.from, c.bytes);
  for (const auto& c : plan.update_copies) device.copy_on_device(c.to, c.from, c.bytes);
}

// Device plans: the outputs to the host, after the last kernel; outputs that are variables made
// current in their host tensors.
void CompiledFunction::copy_out(Plan& plan) {
  const Plan::OnDevice& d = *plan.device;
  const kernels::Device& device = *device_;
  char* pinned = static_cast<char*>(d.pinned.get());
  for (const auto& c : d.downloads) device.copy_to_host(pinned + c.staged, c.from, c.bytes);
  device.synchronize();
  for (const auto& c : d.downloads) std::memcpy(c.to, pinned + c.staged, c.bytes);
  for (DeviceValues::Value* value : d.outputs) d.values_owner->to_host(*value);
}

Plan::OnDevice::~OnDevice() {
  graph.reset();  // its kernels point into the values
  values.clear();
  if (!values_owner) return;
  try {
    values_owner->release_unused();
  } catch (const std::exception& e) {  // no throw from a destructor; the host copies stay stale
    std::fprintf(stderr, "keras: a variable's value could not be copied back from the device: %s\n",
                 e.what());
  }
}

void CompiledFunction::run_step(Step& step) {
  if (step.fused) return backend_->run_fused(*step.fused);
  // The function's run count, not the plan's: a plan made for a new shape, or remade after an
  // eviction, keeps drawing fresh random numbers.
  step.call.set_counter(runs_ - 1);
  step.fn(step.call);
}

void CompiledFunction::run_steps(Plan& plan) {
  const kernels::Device* device = plan.device ? device_ : nullptr;
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    Step& step = plan.steps[s];
    const double start = profile_ ? profile_clock(profile_cpu_) : 0.0;
    run_step(step);
    ++step.runs;
    if (profile_) {
      if (device) device->synchronize();  // the step's kernels, not their launch
      step.seconds += profile_clock(profile_cpu_) - start;
    }
    if (check_numerics_) check_numerics(step, s, plan.steps.size(), device);
  }
}

// KERAS_PROFILE=1 (or =cpu, see profile_clock) prints where a function's time went, step by step,
// for each plan when it is evicted or the function is destroyed.
CompiledFunction::~CompiledFunction() {
  if (!profile_) return;
  for (const auto& plan : plans_) print_profile(*plan);
}

// KERAS_LOG_KERNELS=1: which kernel runs each step of the function's first plan, and where a
// backend falls back to the reference kernel.
}  // namespace keras::backend::detail
