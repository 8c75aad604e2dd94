// The graph compiler: rewrites (givens, constant switches, fusion patterns), a topological
// schedule, and per-input-shape plans with elementwise fusion groups and one arena.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/device_values.h"
#include "compiler/next_inputs.h"
#include "keras/backend/function.h"
#include "kernels/copy_stream.h"
#include "kernels/fused_elementwise.h"
#include "kernels/kernel.h"

namespace keras::backend::detail {

struct Rewritten {
  std::vector<NodePtr> inputs;
  std::vector<NodePtr> outputs;
  std::vector<std::pair<NodePtr, NodePtr>> updates;  // (variable, new value)
  std::vector<NodePtr> order;                        // topological; only what the roots need
};

// Substitutes givens, folds switches on constant conditions and, when `fuse` is set, applies the
// fusion patterns (Dense matmul + bias + activation, softmax + categorical cross-entropy grad);
// with `recurrent_inference`, a Recurrent keeps only the step its readers slice and projects its
// inputs itself where nothing else reads them (rewrite.cpp, pass 3).
Rewritten rewrite_graph(const std::vector<SymbolicTensor>& inputs,
                        const std::vector<SymbolicTensor>& outputs,
                        const std::vector<Update>& updates, const Givens& givens, bool fuse,
                        bool recurrent_inference);

// One executable step.
struct Step {
  std::string name;
  kernels::KernelFn fn = nullptr;  // a kernel step...
  const char* kernel = nullptr;    // its name, for KERAS_LOG_KERNELS
  bool fallback = false;           // the reference kernel on a backend that has none of its own
  kernels::KernelCall call;
  std::unique_ptr<kernels::FusedProgram> fused;  // ...or a fused elementwise group
  std::uint64_t runs = 0;
  double seconds = 0;  // accumulated when KERAS_PROFILE is set
  // KERAS_CHECK_NUMERICS=1: the floating values the step writes, checked after it runs.
  struct Written {
    std::string node;
    const void* data;
    DType dtype;
    Shape shape;
  };
  std::vector<Written> checked;
};

// Everything that depends on the concrete input shapes; built once per shape signature.
struct Plan {
  std::vector<Shape> input_shapes;
  std::uint64_t last_run = 0;  // the function's run counter when this plan last ran (LRU)
  std::vector<Step> steps;
  // (step index, input index) patched with each run's input pointers, per function input.
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> input_bindings;
  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> fused_input_bindings;
  struct Copy {
    void* to;
    const void* from;
    std::size_t bytes;
  };
  // Updates whose value is itself an updated variable are first staged, so that every update
  // reads the values from before the run. Device plans: device memory (OnDevice::staging).
  std::vector<Copy> stage_copies, update_copies;
  std::vector<std::shared_ptr<Storage>> staging;
  std::vector<int> output_from_input;  // >= 0: output i is function input k (reshaped)
  std::vector<Shape> output_shapes;
  std::vector<Tensor> results;
  std::shared_ptr<Storage> arena;
  std::size_t arena_bytes = 0;
  // The kernels' scratch (KernelCall::scratch): the largest step's request. The steps share one
  // host region, which the function shares between its plans (they run one at a time).
  std::size_t scratch_bytes = 0;
  // A device backend's plan (cuda): the arena, then the leaves (the run counter and the inputs,
  // copied in each run; then the constants, copied once) in one device allocation; `pinned`
  // stages the leaves in the same layout, then the downloads. The variables live in their device
  // copies (device_values.h), shared by every plan: uploaded only when the host wrote them, and
  // updated on the device by `update_copies` (and `stage_copies`, device pointers here) at the end
  // of the steps, their host copies then stale until the host reads them. After its first run, the
  // plan's steps and update copies are captured as one graph and replayed.
  struct OnDevice {
    OnDevice() = default;
    OnDevice(const OnDevice&) = delete;
    OnDevice& operator=(const OnDevice&) = delete;
    ~OnDevice();  // the graph, then the values, then the values no plan holds any more
    DeviceValues* values_owner = nullptr;
    std::shared_ptr<void> memory, pinned;
    std::size_t leaves = 0;        // where the leaves start, in both
    std::size_t counter = 0;       // the run counter (KernelCall::device_counter), in the leaves
    std::size_t upload_bytes = 0;  // the counter and inputs
    std::vector<std::pair<int, std::size_t>> inputs;  // function input -> offset
    // The device copies of the variables the plan reads or updates; those it updates; those that
    // are outputs (made current on the host after a run).
    std::vector<std::shared_ptr<DeviceValues::Value>> values;
    std::vector<DeviceValues::Value*> updated, outputs;
    std::vector<std::shared_ptr<void>> staging;  // device memory of stage_copies
    struct Download {
      const void* from;
      std::size_t staged, bytes;
      void* to;  // host: an output's tensor
    };
    std::vector<Download> downloads;
    std::uint64_t runs = 0;  // completed
    // The steps as one graph (Device::capture), made on the second run and launched from then
    // on; declared after `memory` and `values` so that it goes first. `step_by_step`: why the
    // plan runs its steps one by one instead (empty until the second run decides).
    std::shared_ptr<void> graph;
    std::string step_by_step;
    // The next run's counter and inputs, copied while this run computes (a device with a
    // CopyStream, under a RunAhead): the host fills pinned slot `slot` (two, alternating, so
    // that it never writes the one the last copy may still read), the copy stream takes it to
    // `memory`, and the next run's stream waits for that copy and moves it into the leaves with
    // one copy on the device. The leaves stay where the steps and a captured graph read them,
    // and `memory` is free for the copy after next as soon as that move is done (`moved`).
    struct Ahead {
      Ahead(const kernels::Device& device, const kernels::CopyStream& copies, std::size_t bytes);
      Ahead(const Ahead&) = delete;
      Ahead& operator=(const Ahead&) = delete;
      ~Ahead();  // waits for the copies still reading the slots
      const kernels::CopyStream& copies;
      std::shared_ptr<void> pinned[2], copied[2], memory, moved;
      int slot = 0;                               // the slot the next copy ahead fills
      int filled = 0;                             // the slot the staged inputs came from
      std::uint64_t for_run = 0;                  // the run they are for (0: none staged)
      const std::vector<Tensor>* from = nullptr;  // the vector NextInputs returned
    };
    std::unique_ptr<Ahead> ahead;  // made on the first copy ahead
  };
  std::unique_ptr<OnDevice> device;
  // A plan made to borrow its memory (CompiledFunction's borrowing mode): no arena or scratch of
  // its own; each run lends it one region, the arena (align64(arena_bytes)) then the scratch.
  // `pointers` are the buffer pointers into the arena, as (their place in the order
  // for_each_buffer_pointer visits them, offset); `results` the outputs' offsets.
  struct Borrowed {
    std::vector<std::pair<std::size_t, std::size_t>> pointers;
    std::vector<std::pair<std::size_t, std::size_t>> results;  // (output, offset)
    char* memory = nullptr;                                    // the region lent last
  };
  std::unique_ptr<Borrowed> borrowed;
};

// The bytes a borrowing plan needs lent: its arena, 64-byte aligned, then its kernels' scratch.
std::size_t borrowed_bytes(const Plan& plan);
// Points a borrowing plan's buffers, scratch and output views into `memory` (borrowed_bytes).
void lend_memory(Plan& plan, char* memory);

// The plan of `graph` for these input shapes on `backend` (planner.cpp); throws
// std::invalid_argument when an input does not fit its placeholder. `borrow_memory` (host
// backends): a plan that allocates no arena and waits for lend_memory before it runs.
// `device`: where the plan's buffers live (the backend's device, or set_device_for_tests's).
std::unique_ptr<Plan> make_plan(const Rewritten& graph, const kernels::Backend& backend,
                                const kernels::Device* device, bool check_numerics,
                                const std::vector<Shape>& input_shapes, bool borrow_memory = false);

// Tests: the functions compiled from now on run their plans on `device` with their backend's
// kernels (nullptr: the backend's own device). A device whose memory is host memory runs the
// reference kernels through the executor's device path (tests/backend/copy_ahead_test.cpp).
void set_device_for_tests(const kernels::Device* device);

// Process-wide counts of the device plans' graphs (the cuda backend's tests read them): plans
// whose steps were captured as one graph, graph launches, plans left to run step by step.
struct GraphCounts {
  std::uint64_t captured = 0, launched = 0, step_by_step = 0;
};
GraphCounts graph_counts();

// How many plans a compiled function made from now on keeps (plan_cache.cpp).
std::atomic<std::size_t>& plan_cache_capacity();

class CompiledFunction {
 public:
  // `borrows_memory`: the function's plans get no memory of their own; each run lends them a
  // region of memory_needed bytes (the Traced op runs its inner function in its step's scratch,
  // which its outer plan's other steps share). Host backends only: elsewhere it is ignored.
  CompiledFunction(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
                   std::vector<Update> updates, Givens givens, bool borrows_memory = false);
  ~CompiledFunction();
  // The returned views stay valid until the next run; callers on several threads hold lock()
  // while they read them.
  const std::vector<Tensor>& run(const std::vector<Tensor>& inputs);
  // The run count random ops draw from (a run draws from its count; counts advance per run).
  void start_runs_at(std::uint64_t runs) { runs_ = runs; }
  bool borrows_memory() const { return borrows_memory_; }
  // A borrowing function: makes its plan for these input shapes now, and says how many bytes a
  // run on them must be lent.
  std::size_t memory_needed(const std::vector<Shape>& input_shapes);
  // A borrowing function's run in `memory` (memory_needed bytes for the inputs' shapes); the
  // returned views point into it.
  const std::vector<Tensor>& run_in(const std::vector<Tensor>& inputs, void* memory);
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }
  const Plan* last_plan() const { return last_; }
  std::size_t num_steps() const;
  std::vector<std::string> step_names() const;
  // The plan cache (keras/backend/plan_cache.h): plans held now, at most capacity(); plans built
  // and evicted since construction.
  std::size_t cached_plans() const { return plans_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::uint64_t plan_builds() const { return plan_builds_; }
  std::uint64_t evictions() const { return evictions_; }

 private:
  // The shapes a plan is looked up by, without copying them: a run's inputs', or given.
  struct InputShapes {
    const std::vector<Tensor>* tensors = nullptr;
    const std::vector<Shape>* shapes = nullptr;
    std::size_t size() const { return tensors ? tensors->size() : shapes->size(); }
    const Shape& operator[](std::size_t k) const {
      return tensors ? (*tensors)[k].shape() : (*shapes)[k];
    }
  };
  Plan& plan_for(const InputShapes& input_shapes);
  void check_inputs(const std::vector<Tensor>& inputs) const;
  const std::vector<Tensor>& run_plan(Plan& plan, const std::vector<Tensor>& inputs);
  void share_scratch(Plan& plan);  // points plan's steps (and, when it grows, all) at scratch_
  void run_step(Step& step);
  void run_steps(Plan& plan);
  void copy_in(Plan& plan, const std::vector<Tensor>& inputs);  // device plans
  void copy_ahead(Plan& plan, NextInputs& source);
  bool takes_inputs_ahead(Plan& plan, const std::vector<Tensor>& inputs);
  void run_on_device(Plan& plan);
  void capture(Plan& plan);
  void copy_updates(Plan& plan);  // device plans: into the variables' device copies
  void copy_out(Plan& plan);
  // A host plan's variables made current on the host, once a device plan ran.
  void use_values_on_host(DeviceValues& values) const;

  void log_kernels(const Plan& plan) const;
  void print_profile(const Plan& plan) const;

  const kernels::Backend* backend_;
  const kernels::Device* device_;           // the backend's (or a test's); nullptr: host memory
  const kernels::CopyStream* copy_stream_;  // the device's second stream, if it has one
  // Held while a run uses the plans and their arenas; recursive so that Function::operator()
  // can keep it while it copies the results out.
  std::recursive_mutex mutex_;
  bool profile_ = false;
  bool check_numerics_ = false;
  bool log_kernels_ = false;  // KERAS_LOG_KERNELS: print the first plan's kernels
  bool profile_cpu_ = false;
  bool borrows_memory_ = false;
  // Why this function's device plans run step by step (KERAS_CUDA_GRAPHS=0, KERAS_PROFILE,
  // KERAS_CHECK_NUMERICS), nullptr when they are captured as graphs; whether a plan's outcome was
  // logged (KERAS_LOG_KERNELS, once per function).
  const char* no_graphs_ = nullptr;
  bool graph_logged_ = false;
  Rewritten graph_;
  std::vector<std::unique_ptr<Plan>> plans_;  // at most capacity_, least recently run evicted
  // The kernels' scratch of every plan: as large as the largest plan's scratch_bytes.
  std::shared_ptr<Storage> scratch_;
  Plan* last_ = nullptr;
  std::size_t capacity_;
  std::uint64_t runs_ = 0, plan_builds_ = 0, evictions_ = 0;
};

}  // namespace keras::backend::detail
