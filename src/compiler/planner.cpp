// Makes a compiled function's plan for concrete input shapes: concrete shapes, elementwise fusion
// groups, a schedule, liveness-based buffer offsets in one arena, the kernels' scratch and a flat
// list of steps (executor.cpp runs it).
#include <algorithm>
#include <climits>
#include <cstring>
#include <functional>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <unordered_map>

#include "compiler/compiler.h"
#include "keras/backend/backend.h"
#include "ops/elementwise.h"
#include "ops/op_def.h"
#include "ops/shape.h"

namespace keras::backend::detail {

namespace {

constexpr int kForever = INT_MAX;

struct Value {
  Shape shape;
  std::int64_t numel = 0;
  int step = -1;      // producing step; -1 for leaves and aliases of leaves
  int group = -1;     // fusion group, if any
  int alias_of = -1;  // reshape or prefix slice: shares the buffer of this value
  int last_use = -1;
  bool materialized = true;
  bool in_arena = false;
  int input_index = -1;  // placeholder: which function input
  std::size_t offset = 0;
  void* data = nullptr;
};

struct Group {
  int step;
  std::int64_t n;
  DType dtype;
  std::vector<int> members;
};

std::size_t align64(std::size_t bytes) {
  return (bytes + 63) / 64 * 64;
}

Tensor view_of(void* data, const Shape& shape, DType dtype, const std::shared_ptr<Storage>& owner) {
  switch (dtype) {
    case DType::float32:
      return Tensor::from_blob(static_cast<float*>(data), shape, owner);
    case DType::float64:
      return Tensor::from_blob(static_cast<double*>(data), shape, owner);
    case DType::int32:
      return Tensor::from_blob(static_cast<std::int32_t*>(data), shape, owner);
    case DType::int64:
      return Tensor::from_blob(static_cast<std::int64_t*>(data), shape, owner);
  }
  return {};
}

// Calls f on every buffer pointer of the plan's steps (a void* or const void* by reference),
// always in the same order: how a borrowing plan's pointers into its arena are found and moved.
template <typename F>
void for_each_buffer_pointer(Plan& plan, F&& f) {
  for (Step& step : plan.steps) {
    for (kernels::Buffer& b : step.call.inputs) f(b.data);
    f(step.call.output.data);
    if (step.fused) {
      for (auto& operand : step.fused->inputs) f(operand.data);
      for (auto& output : step.fused->outputs) f(output.data);
      for (auto& instr : step.fused->code) f(instr.direct);
    }
    for (Step::Written& w : step.checked) f(w.data);
  }
  for (Plan::Copy& c : plan.stage_copies) f(c.from);
  for (Plan::Copy& c : plan.update_copies) f(c.from);
}

// Asynchronous ops (collectives, ops::OpDef::finish) start as soon as their inputs allow: the
// node's tier is the rank of the first of them it feeds, the collectives ranked by the work they
// need (the elements their computed ancestors write: in a backward pass, the last layers'
// gradient bucket first), and the scheduler runs lower tiers first. Nodes that feed none get the
// last tier; without collectives, all tier 0.
std::vector<int> collective_tiers(const std::vector<NodePtr>& order,
                                  const std::vector<std::vector<int>>& consumers,
                                  const std::vector<std::int64_t>& elements,
                                  const std::function<int(const NodePtr&)>& id) {
  const std::size_t count = order.size();
  std::vector<std::pair<std::int64_t, int>> by_work;  // (work needed, collective)
  for (std::size_t a = 0; a < count; ++a) {
    if (order[a]->inputs.empty() || !ops::op_def(order[a]->op).finish.fn) continue;
    std::vector<bool> seen(count, false);
    std::vector<int> stack = {static_cast<int>(a)};
    std::int64_t needed = 0;
    while (!stack.empty()) {
      const auto i = static_cast<std::size_t>(stack.back());
      stack.pop_back();
      if (seen[i]) continue;
      seen[i] = true;
      if (!order[i]->inputs.empty()) needed += elements[i];
      for (const auto& input : order[i]->inputs) stack.push_back(id(input));
    }
    by_work.emplace_back(needed, static_cast<int>(a));
  }
  std::sort(by_work.begin(), by_work.end());
  std::vector<int> tier(count, static_cast<int>(by_work.size()));
  if (by_work.empty()) return std::vector<int>(count, 0);
  for (std::size_t r = 0; r < by_work.size(); ++r)
    tier[static_cast<std::size_t>(by_work[r].second)] = static_cast<int>(r);
  for (std::size_t i = count; i-- > 0;)  // consumers come later in the topological order
    for (int c : consumers[i]) tier[i] = std::min(tier[i], tier[static_cast<std::size_t>(c)]);
  return tier;
}

// One plan in the making: the phases of make_plan, in order, over the graph's nodes (by position
// in graph.order) and their values.
class Planner {
 public:
  Planner(const Rewritten& graph, const kernels::Backend& backend, const kernels::Device* device,
          bool check_numerics, const std::vector<Shape>& input_shapes, bool borrow_memory)
      : graph(graph),
        backend(backend),
        check_numerics(check_numerics),
        input_shapes(input_shapes),
        borrow_memory(borrow_memory && !device),
        plan(std::make_unique<Plan>()),
        order(graph.order),
        count(static_cast<int>(order.size())),
        values(static_cast<std::size_t>(count)),
        device(device) {
    for (int i = 0; i < count; ++i) index[order[static_cast<std::size_t>(i)].get()] = i;
  }

  std::unique_ptr<Plan> make() {
    infer_shapes();
    group_elementwise();
    schedule();
    find_lifetimes();
    write_updates_in_place();
    place_buffers();
    make_steps();
    place_scratch();
    make_outputs();
    if (borrow_memory) give_back_arena();
    return std::move(plan);
  }

 private:
  int id(const NodePtr& n) const { return index.at(n.get()); }
  Value& val(int i) { return values[static_cast<std::size_t>(i)]; }
  int root(int i) {
    while (val(i).alias_of >= 0) i = val(i).alias_of;
    return i;
  }
  // The fusion cluster of node i (union-find).
  int find(int i) {
    while (parent[static_cast<std::size_t>(i)] != i)
      i = parent[static_cast<std::size_t>(i)] =
          parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(i)])];
    return i;
  }

  void infer_shapes() {
    // 1. Concrete shapes.
    for (std::size_t k = 0; k < graph.inputs.size(); ++k) {
      const Node& p = *graph.inputs[k];
      const Shape& actual = input_shapes[k];
      bool fits = actual.size() == p.shape.size();
      for (std::size_t d = 0; fits && d < actual.size(); ++d)
        fits = p.shape[d] < 0 || p.shape[d] == actual[d];
      if (!fits)
        throw std::invalid_argument("K::function: input " + std::to_string(k) + " ('" + p.name +
                                    "') expects shape " + shape_to_string(p.shape) +
                                    ", got an array of shape " + shape_to_string(actual));
      plan->input_shapes.push_back(actual);
      if (index.count(&p)) val(index.at(&p)).input_index = static_cast<int>(k);
    }
    for (int i = 0; i < count; ++i) {
      const Node& n = *order[static_cast<std::size_t>(i)];
      Value& v = val(i);
      if (n.op == OpKind::kPlaceholder) {
        v.shape = input_shapes[static_cast<std::size_t>(v.input_index)];
      } else if (n.op == OpKind::kVariable || n.op == OpKind::kConstant) {
        v.shape = n.value.shape();
      } else {
        std::vector<const Shape*> shapes;
        for (auto& input : n.inputs) shapes.push_back(&val(id(input)).shape);
        v.shape = infer_shape(n.op, shapes, n.attrs);
      }
      v.numel = shape_numel(v.shape);
    }
  }

  void group_elementwise() {
    // 2. Steps. Elementwise float ops over the same number of elements merge into fusion groups
    // (union-find over producer -> consumer edges, refusing merges that would make a cycle);
    // reshapes and prefix slices alias their input; everything else is one kernel step. Groups and
    // kernels are then ordered topologically, earliest original position first.
    const bool fuse = backend.fuses_elementwise();
    // A slice [0, end) along the outermost non-unit axis of a computed value is the first part of
    // its buffer: it aliases it instead of copying (e.g. the first T steps of a recurrent
    // gradient).
    auto prefix_slice = [&](const Node& n, int i) {
      if (n.op != OpKind::kSlice || n.inputs[0]->inputs.empty()) return false;
      const auto& slice = n.attrs_as<ops::SliceAttrs>();
      if (slice.begin != 0) return false;
      const Shape& in = val(id(n.inputs[0])).shape;
      const auto axis = static_cast<std::size_t>(
          slice.axis < 0 ? slice.axis + static_cast<int>(in.size()) : slice.axis);
      for (std::size_t d = 0; d < axis; ++d)
        if (in[d] != 1) return false;
      return val(i).numel > 0;
    };
    consumers.assign(static_cast<std::size_t>(count), {});
    fusible.assign(static_cast<std::size_t>(count), false);
    for (int i = 0; i < count; ++i) {
      const Node& n = *order[static_cast<std::size_t>(i)];
      for (auto& input : n.inputs) consumers[static_cast<std::size_t>(id(input))].push_back(i);
      if (n.op == OpKind::kReshape || prefix_slice(n, i)) val(i).alias_of = id(n.inputs[0]);
      bool f = fuse && is_elementwise(n.op) && is_floating(n.dtype) && val(i).numel > 0;
      for (auto& input : n.inputs) {
        const Value& in = val(id(input));
        f = f && input->dtype == n.dtype && (in.numel == 1 || in.shape == val(i).shape);
      }
      fusible[static_cast<std::size_t>(i)] = f;
    }
    parent.resize(static_cast<std::size_t>(count));
    std::iota(parent.begin(), parent.end(), 0);
    members.resize(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) members[static_cast<std::size_t>(i)] = {i};
    // True when cluster b is reachable from cluster a through some third cluster.
    auto indirect_path = [&](int a, int b) {
      std::vector<bool> seen(static_cast<std::size_t>(count), false);
      std::vector<int> stack;
      for (int m : members[static_cast<std::size_t>(a)])
        for (int c : consumers[static_cast<std::size_t>(m)]) {
          int k = find(c);
          if (k != a && k != b && !seen[static_cast<std::size_t>(c)]) {
            seen[static_cast<std::size_t>(c)] = true;
            stack.push_back(c);
          }
        }
      while (!stack.empty()) {
        int x = stack.back();
        stack.pop_back();
        if (find(x) == b) return true;
        for (int c : consumers[static_cast<std::size_t>(x)])
          if (!seen[static_cast<std::size_t>(c)]) {
            seen[static_cast<std::size_t>(c)] = true;
            stack.push_back(c);
          }
      }
      return false;
    };
    for (int i = 0; i < count; ++i) {
      if (!fusible[static_cast<std::size_t>(i)]) continue;
      for (auto& input : order[static_cast<std::size_t>(i)]->inputs) {
        int j = id(input);
        if (!fusible[static_cast<std::size_t>(j)] || val(j).numel != val(i).numel) continue;
        int a = find(j), b = find(i);
        if (a == b || indirect_path(a, b) || indirect_path(b, a)) continue;
        parent[static_cast<std::size_t>(a)] = b;
        auto& into = members[static_cast<std::size_t>(b)];
        into.insert(into.end(), members[static_cast<std::size_t>(a)].begin(),
                    members[static_cast<std::size_t>(a)].end());
        members[static_cast<std::size_t>(a)].clear();
      }
    }
  }

  void schedule() {
    // Kahn's algorithm over clusters of computed nodes, by tier (collective_tiers), then earliest
    // original position.
    std::vector<std::int64_t> elements;
    for (int i = 0; i < count; ++i) elements.push_back(val(i).alias_of >= 0 ? 0 : val(i).numel);
    const std::vector<int> tier =
        collective_tiers(order, consumers, elements, [this](const NodePtr& n) { return id(n); });
    std::vector<int> pending(static_cast<std::size_t>(count), 0);
    std::vector<std::int64_t> first(static_cast<std::size_t>(count),
                                    std::int64_t{count} * (count + 1));
    for (int i = 0; i < count; ++i) {
      if (order[static_cast<std::size_t>(i)]->inputs.empty()) continue;
      int k = find(i);
      first[static_cast<std::size_t>(k)] =
          std::min(first[static_cast<std::size_t>(k)],
                   std::int64_t{tier[static_cast<std::size_t>(i)]} * count + i);
      for (auto& input : order[static_cast<std::size_t>(i)]->inputs) {
        int j = id(input);
        if (!order[static_cast<std::size_t>(j)]->inputs.empty() && find(j) != k)
          ++pending[static_cast<std::size_t>(k)];
      }
    }
    std::priority_queue<std::pair<std::int64_t, int>, std::vector<std::pair<std::int64_t, int>>,
                        std::greater<>>
        ready;
    for (int i = 0; i < count; ++i)
      if (find(i) == i && !order[static_cast<std::size_t>(i)]->inputs.empty() &&
          pending[static_cast<std::size_t>(i)] == 0)
        ready.emplace(first[static_cast<std::size_t>(i)], i);
    // kernel step -> node, or -1 - group index, or count + node: an asynchronous op's finish,
    // placed just before the first step that reads its output
    std::vector<int> started;  // asynchronous ops not finished yet
    while (!ready.empty()) {
      int k = ready.top().second;
      ready.pop();
      auto& group_members = members[static_cast<std::size_t>(k)];
      std::sort(group_members.begin(), group_members.end());  // original order is topological
      if (val(k).alias_of < 0)
        for (int m : group_members)
          for (auto& input : order[static_cast<std::size_t>(m)]->inputs) {
            auto at = std::find(started.begin(), started.end(), root(id(input)));
            if (at == started.end()) continue;
            step_node.push_back(count + *at);
            started.erase(at);
          }
      int step = static_cast<int>(step_node.size());
      if (val(k).alias_of >= 0) {
        val(k).step = std::max(0, step - 1);  // no work: shares its input's buffer
      } else if (fusible[static_cast<std::size_t>(k)]) {
        groups.push_back(
            {step, val(k).numel, order[static_cast<std::size_t>(k)]->dtype, group_members});
        step_node.push_back(-static_cast<int>(groups.size()));
        for (int m : group_members) {
          val(m).group = static_cast<int>(groups.size()) - 1;
          val(m).step = step;
        }
      } else {
        val(k).step = step;
        step_node.push_back(k);
        if (ops::op_def(order[static_cast<std::size_t>(k)]->op).finish.fn) started.push_back(k);
      }
      for (int m : group_members)
        for (int c : consumers[static_cast<std::size_t>(m)]) {
          int kc = find(c);
          if (kc != k && --pending[static_cast<std::size_t>(kc)] == 0)
            ready.emplace(first[static_cast<std::size_t>(kc)], kc);
        }
    }
    for (int k : started) step_node.push_back(count + k);  // read only after the run
  }

  void find_lifetimes() {
    // 3. Which values need a buffer, and how long they live.
    for (int i = 0; i < count; ++i) {
      Value& v = val(i);
      if (v.group >= 0) v.materialized = false;
    }
    auto use = [&](int producer, int step) {
      int r = root(producer);
      val(r).last_use = std::max(val(r).last_use, step);
    };
    for (int i = 0; i < count; ++i) {
      const Node& n = *order[static_cast<std::size_t>(i)];
      const Value& v = val(i);
      for (auto& input : n.inputs) {
        int j = id(input);
        if (v.alias_of >= 0 || val(j).group != v.group || v.group < 0) val(j).materialized = true;
        if (v.alias_of < 0) use(j, v.step);
      }
    }
    std::vector<int> roots;
    for (auto& o : graph.outputs) roots.push_back(id(o));
    for (auto& [var, value] : graph.updates) roots.push_back(id(value));
    for (int r : roots) {
      val(r).materialized = true;
      use(r, kForever);
    }
    // Aliases keep their root materialised.
    for (int i = 0; i < count; ++i)
      if (val(i).alias_of >= 0) val(root(i)).materialized = true;
  }

  void write_updates_in_place() {
    // 4. Updates computed by a fusion group that runs after every reader of the variable write
    // straight into the variable (chunks read before they write); others are copied at the end.
    std::vector<int> last_read(static_cast<std::size_t>(count), -1);
    for (int i = 0; i < count; ++i)
      for (auto& input : order[static_cast<std::size_t>(i)]->inputs) {
        int j = root(id(input));
        last_read[static_cast<std::size_t>(j)] =
            std::max(last_read[static_cast<std::size_t>(j)], val(i).step);
      }
    // A variable that is another update's value is read after the run: never overwrite it early.
    for (auto& [var, value] : graph.updates) {
      int r = root(id(value));
      if (order[static_cast<std::size_t>(r)]->op == OpKind::kVariable)
        last_read[static_cast<std::size_t>(r)] = kForever;
    }
    std::vector<bool> output_value(static_cast<std::size_t>(count), false);
    for (auto& o : graph.outputs) output_value[static_cast<std::size_t>(root(id(o)))] = true;
    in_place.assign(graph.updates.size(), false);
    std::unordered_map<const Node*, bool> claimed;
    for (std::size_t u = 0; u < graph.updates.size(); ++u) {
      auto& [var, value] = graph.updates[u];
      if (var->dtype != value->dtype)
        throw std::invalid_argument("K::function: the update of variable '" + var->name +
                                    "' has dtype " + dtype_name(value->dtype) + ", the variable " +
                                    dtype_name(var->dtype));
      int vi = id(value);
      Value& v = val(vi);
      int var_reads = index.count(var.get()) ? last_read[static_cast<std::size_t>(id(var))] : -1;
      // Device plans copy every update into its variable's device copy: none is written in place.
      if (!device && v.group >= 0 && v.alias_of < 0 &&
          !output_value[static_cast<std::size_t>(vi)] && var_reads <= v.step &&
          !claimed[var.get()] && last_read[static_cast<std::size_t>(vi)] <= v.step) {
        in_place[u] = true;
        claimed[var.get()] = true;
        v.data = var->value.raw_data();
      }
    }
  }

  void place_buffers() {
    // 5. Arena offsets: first fit among the buffers still alive.
    struct Live {
      std::size_t offset, size;
      int last_use;
    };
    std::vector<Live> live;
    std::vector<int> by_step;
    for (int i = 0; i < count; ++i) {
      Value& v = val(i);
      if (order[static_cast<std::size_t>(i)]->inputs.empty() || v.alias_of >= 0 ||
          !v.materialized || v.data)
        continue;
      v.in_arena = true;
      by_step.push_back(i);
    }
    std::stable_sort(by_step.begin(), by_step.end(),
                     [&](int a, int b) { return val(a).step < val(b).step; });
    for (int i : by_step) {
      Value& v = val(i);
      std::size_t size = align64(static_cast<std::size_t>(v.numel) *
                                 dtype_size(order[static_cast<std::size_t>(i)]->dtype));
      std::erase_if(live, [&](const Live& l) { return l.last_use < v.step; });
      std::sort(live.begin(), live.end(),
                [](const Live& a, const Live& b) { return a.offset < b.offset; });
      std::size_t offset = 0;
      for (const Live& l : live) {
        if (offset + size <= l.offset) break;
        offset = std::max(offset, l.offset + l.size);
      }
      v.offset = offset;
      live.push_back({offset, size, std::max(v.last_use, v.step)});
      arena = std::max(arena, offset + size);
    }
    plan->arena_bytes = arena;
    // A device backend: the leaves get slots after the arena, in one allocation: the inputs
    // (copied in each run), then the constants (copied once, below); the variables are their
    // device copies (device_values.h).
    leaves_end = arena;
    if (device) {
      plan->device = std::make_unique<Plan::OnDevice>();
      Plan::OnDevice& d = *plan->device;
      d.values_owner = &device_values(*device);
      d.leaves = arena;
      leaves_end += align64(sizeof(std::uint64_t));  // the run counter (d.counter), first
      for (OpKind kind : {OpKind::kPlaceholder, OpKind::kConstant}) {
        if (kind == OpKind::kConstant) d.upload_bytes = leaves_end - arena;
        for (int i = 0; i < count; ++i) {
          const Node& n = *order[static_cast<std::size_t>(i)];
          if (n.op != kind || (kind == OpKind::kPlaceholder && val(i).input_index < 0)) continue;
          const std::size_t bytes = static_cast<std::size_t>(val(i).numel) * dtype_size(n.dtype);
          const std::size_t offset = leaves_end - arena;
          leaf_slots.emplace_back(i, leaves_end);
          if (kind == OpKind::kPlaceholder) d.inputs.emplace_back(val(i).input_index, offset);
          leaves_end += align64(bytes);
        }
      }
      d.memory = device->allocate(leaves_end);
      base = static_cast<char*>(d.memory.get());
      for (auto [i, at] : leaf_slots) val(i).data = base + at;
      for (int i = 0; i < count; ++i) {
        const Node& n = *order[static_cast<std::size_t>(i)];
        if (n.op == OpKind::kVariable) val(i).data = device_value(n.value).data();
      }
    } else if (borrow_memory) {
      planning_arena.reset(std::aligned_alloc(64, align64(std::max<std::size_t>(arena, 1))));
      if (!planning_arena) throw std::bad_alloc();
      base = static_cast<char*>(planning_arena.get());
    } else {
      plan->arena = std::make_shared<Storage>(arena);
      base = static_cast<char*>(plan->arena->data());
    }
    for (int i = 0; i < count; ++i) {
      Value& v = val(i);
      const Node& n = *order[static_cast<std::size_t>(i)];
      if (v.in_arena)
        v.data = base + v.offset;
      else if (!device && (n.op == OpKind::kVariable || n.op == OpKind::kConstant))
        v.data = n.value.raw_data();
    }
    for (int i = 0; i < count; ++i)
      if (val(i).alias_of >= 0) {
        val(i).data = val(root(i)).data;
        val(i).input_index = val(root(i)).input_index;
      }
  }

  void make_steps() {
    // 6. Steps.
    plan->input_bindings.resize(graph.inputs.size());
    plan->fused_input_bindings.resize(graph.inputs.size());
    auto buffer_of = [&](int i) {
      kernels::Buffer b;
      b.data = val(i).data;
      b.shape = val(i).shape;
      b.dtype = order[static_cast<std::size_t>(i)]->dtype;
      b.numel = val(i).numel;
      return b;
    };
    for (int s = 0; s < static_cast<int>(step_node.size()); ++s) {
      Step step;
      if (step_node[static_cast<std::size_t>(s)] >= 0) {
        const bool finish = step_node[static_cast<std::size_t>(s)] >= count;
        int i = step_node[static_cast<std::size_t>(s)] - (finish ? count : 0);
        const Node& n = *order[static_cast<std::size_t>(i)];
        step.name = op_name(n.op) + std::string(finish ? ".finish" : "");
        const kernels::Backend::Kernel kernel = backend.kernel(n.op);
        const ops::KernelRef& finisher = ops::op_def(n.op).finish;
        step.fn = finish ? finisher.fn : kernel.fn;
        step.kernel = finish ? finisher.name : kernel.name;
        step.fallback = !finish && kernel.fallback;
        step.call.op = n.op;
        step.call.attrs = &n.attrs;
        if (device) {
          step.call.device_counter = reinterpret_cast<const std::uint64_t*>(
              base + plan->device->leaves + plan->device->counter);
          // The finish is host code (ops::OpDef::finish), on every backend.
          if (finish) step.call.not_capturable = "finishes an asynchronous op on the host";
        }
        for (std::size_t k = 0; k < n.inputs.size(); ++k) {
          int j = id(n.inputs[k]);
          step.call.inputs.push_back(buffer_of(j));
          if (val(j).input_index >= 0)
            plan->input_bindings[static_cast<std::size_t>(val(j).input_index)].emplace_back(s, k);
        }
        step.call.output = buffer_of(i);
        if (!finish && kernel.prepare) step.call.scratch_bytes = kernel.prepare(step.call);
        if (check_numerics && is_floating(n.dtype) && (finish || !finisher.fn))
          step.checked.push_back({n.name, val(i).data, n.dtype, val(i).shape});
      } else {
        Group& g = groups[static_cast<std::size_t>(-1 - step_node[static_cast<std::size_t>(s)])];
        auto program = std::make_unique<kernels::FusedProgram>();
        program->dtype = g.dtype;
        program->n = g.n;
        std::unordered_map<int, int> reg;  // value -> register
        std::vector<int> external;
        for (int m : g.members)
          for (auto& input : order[static_cast<std::size_t>(m)]->inputs) {
            int j = id(input);
            if (val(j).group == val(m).group) continue;  // computed inside the group
            if (std::find(external.begin(), external.end(), j) == external.end())
              external.push_back(j);
          }
        for (int j : external) {
          reg[j] = static_cast<int>(program->inputs.size());
          program->inputs.push_back({val(j).data, val(j).numel == 1 && g.n != 1});
          if (val(j).input_index >= 0)
            plan->fused_input_bindings[static_cast<std::size_t>(val(j).input_index)].emplace_back(
                s, program->inputs.size() - 1);
        }
        step.name = "Fused[";
        for (int m : g.members) {
          const Node& n = *order[static_cast<std::size_t>(m)];
          kernels::FusedProgram::Instruction instr;
          instr.op = n.op;
          instr.a = reg.at(id(n.inputs[0]));
          if (n.inputs.size() > 1) instr.b = reg.at(id(n.inputs[1]));
          const ops::UnaryAttrs params = ops::unary_params(n.attrs);
          instr.alpha = params.alpha;
          instr.beta = params.beta;
          reg[m] = static_cast<int>(program->inputs.size() + program->code.size());
          program->code.push_back(instr);
          if (val(m).materialized) {
            program->outputs.push_back({reg[m], val(m).data});
            if (check_numerics)
              step.checked.push_back({n.name, val(m).data, n.dtype, val(m).shape});
          }
          step.name += std::string(program->code.size() > 1 ? "+" : "") + op_name(n.op);
        }
        step.name += "]";
        step.kernel = backend.fused_kernel_name();
        // Outputs are written in place of scratch unless they overwrite an input (an in-place
        // update) that a later instruction of the chunk still reads.
        const int n_inputs = static_cast<int>(program->inputs.size());
        for (const auto& out : program->outputs) {
          int k_out = out.reg - n_inputs;
          bool safe = true;
          for (int r = 0; r < n_inputs && safe; ++r) {
            if (program->inputs[static_cast<std::size_t>(r)].data != out.data) continue;
            for (int k = k_out; k < static_cast<int>(program->code.size()) && safe; ++k) {
              const auto& instr = program->code[static_cast<std::size_t>(k)];
              safe = instr.a != r && instr.b != r;
            }
          }
          if (safe) program->code[static_cast<std::size_t>(k_out)].direct = out.data;
        }
        backend.prepare_fused(*program);
        step.fused = std::move(program);
      }
      plan->steps.push_back(std::move(step));
    }
  }

  // A borrowing plan: its pointers into the arena as offsets, to be lent a region (lend_memory);
  // until then they are null.
  void give_back_arena() {
    auto borrowed = std::make_unique<Plan::Borrowed>();
    std::size_t ordinal = 0;
    auto in_arena = [&](const void* p) {
      return p && static_cast<const char*>(p) >= base && static_cast<const char*>(p) < base + arena;
    };
    for_each_buffer_pointer(*plan, [&](auto& p) {
      if (in_arena(p)) {
        borrowed->pointers.emplace_back(ordinal, static_cast<const char*>(p) - base);
        p = nullptr;
      }
      ++ordinal;
    });
    for (std::size_t i = 0; i < plan->results.size(); ++i) {
      const void* data = plan->results[i].defined() ? plan->results[i].raw_data() : nullptr;
      if (in_arena(data)) borrowed->results.emplace_back(i, static_cast<const char*>(data) - base);
    }
    plan->borrowed = std::move(borrowed);
    planning_arena.reset();
    base = nullptr;
  }

  void place_scratch() {
    for (const Step& step : plan->steps)
      plan->scratch_bytes = std::max(plan->scratch_bytes, step.call.scratch_bytes);
  }

  void make_outputs() {
    // 7. Update copies and output views (device plans: downloads into host tensors).
    std::size_t staged = leaves_end - arena;
    auto download = [&](const Value& v, void* to, std::size_t bytes) {
      if (bytes == 0) return;
      plan->device->downloads.push_back({v.data, staged, bytes, to});
      staged += align64(bytes);
    };
    for (std::size_t u = 0; u < graph.updates.size(); ++u) {
      if (in_place[u]) continue;
      auto& [var, value] = graph.updates[u];
      if (var.get() == value.get()) continue;
      const Value& v = val(id(value));
      if (v.input_index >= 0)
        throw std::invalid_argument("K::function: variable '" + var->name +
                                    "' cannot be updated to an input");
      std::size_t bytes = var->value.nbytes();
      // The variable's value where this backend keeps it: its device copy on a device.
      auto target_of = [&](const NodePtr& variable) {
        return device ? device_value(variable->value).data() : variable->value.raw_data();
      };
      const void* from = v.data;
      bool from_target = false;
      for (auto& [other, other_value] : graph.updates)
        from_target = from_target || target_of(other) == from;
      if (from_target) {
        void* staging = nullptr;
        if (device) {
          plan->device->staging.push_back(device->allocate(bytes));
          staging = plan->device->staging.back().get();
        } else {
          plan->staging.push_back(std::make_shared<Storage>(bytes));
          staging = plan->staging.back()->data();
        }
        plan->stage_copies.push_back({staging, from, bytes});
        from = staging;
      }
      plan->update_copies.push_back({target_of(var), from, bytes});
      if (device) plan->device->updated.push_back(&device_value(var->value));
    }
    for (auto& o : graph.outputs) {
      int i = id(o);
      const Value& v = val(i);
      plan->output_from_input.push_back(v.input_index);
      plan->output_shapes.push_back(v.shape);
      if (v.input_index >= 0)
        plan->results.emplace_back();
      else if (o->op == OpKind::kVariable || o->op == OpKind::kConstant) {
        plan->results.push_back(o->value);
        if (device && o->op == OpKind::kVariable)
          plan->device->outputs.push_back(&device_value(o->value));
      } else if (device) {
        plan->results.emplace_back(v.shape, o->dtype);
        download(v, plan->results.back().raw_data(), plan->results.back().nbytes());
      } else
        plan->results.push_back(view_of(v.data, v.shape, o->dtype, plan->arena));
    }
    if (device) {  // the pinned staging buffer; the constants go to the device once, now
      Plan::OnDevice& d = *plan->device;
      d.pinned = device->allocate_pinned(staged);
      char* pinned = static_cast<char*>(d.pinned.get());
      for (auto [i, at] : leaf_slots) {
        const Node& n = *order[static_cast<std::size_t>(i)];
        if (n.op == OpKind::kConstant && n.value.nbytes())
          std::memcpy(pinned + (at - arena), n.value.raw_data(), n.value.nbytes());
      }
      if (leaves_end > arena + d.upload_bytes)
        device->copy_to_device(base + arena + d.upload_bytes, pinned + d.upload_bytes,
                               leaves_end - arena - d.upload_bytes);
      device->synchronize();
    }
  }

  const Rewritten& graph;
  const kernels::Backend& backend;
  const bool check_numerics;
  const std::vector<Shape>& input_shapes;
  const bool borrow_memory;
  // A borrowing plan is planned in an arena it then gives back (never touched: no pages).
  std::unique_ptr<void, decltype(&std::free)> planning_arena{nullptr, &std::free};
  std::unique_ptr<Plan> plan;
  const std::vector<NodePtr>& order;
  const int count;
  std::unordered_map<const Node*, int> index;
  std::vector<Value> values;
  // Fusion: consumers of each node, which are fusible, the union-find clusters and their members.
  std::vector<std::vector<int>> consumers;
  std::vector<bool> fusible;
  std::vector<int> parent;
  std::vector<std::vector<int>> members;
  std::vector<Group> groups;
  // kernel step -> node, or -1 - group index, or count + node: an asynchronous op's finish,
  // placed just before the first step that reads its output
  std::vector<int> step_node;
  std::vector<bool> in_place;  // per update: written straight into its variable
  // The arena, and for a device backend the leaves after it in the same allocation.
  const kernels::Device* device;
  std::size_t arena = 0, leaves_end = 0;
  char* base = nullptr;
  std::vector<std::pair<int, std::size_t>> leaf_slots;

  // A device plan's copy of a variable's value (held in plan->device->values, once each).
  DeviceValues::Value& device_value(const Tensor& host) {
    Plan::OnDevice& d = *plan->device;
    for (const auto& value : d.values)
      if (value->host().raw_data() == host.raw_data()) return *value;
    d.values.push_back(d.values_owner->of(host));
    return *d.values.back();
  }
};

}  // namespace

std::size_t borrowed_bytes(const Plan& plan) {
  return align64(plan.arena_bytes) + plan.scratch_bytes;
}

void lend_memory(Plan& plan, char* memory) {
  Plan::Borrowed& borrowed = *plan.borrowed;
  if (borrowed.memory == memory) return;
  std::size_t ordinal = 0, next = 0;
  for_each_buffer_pointer(plan, [&](auto& p) {
    if (next < borrowed.pointers.size() && borrowed.pointers[next].first == ordinal)
      p = memory + borrowed.pointers[next++].second;
    ++ordinal;
  });
  char* scratch = memory + align64(plan.arena_bytes);
  for (Step& step : plan.steps)
    if (step.call.scratch_bytes > 0) step.call.scratch = scratch;
  for (auto [i, offset] : borrowed.results)
    plan.results[i] =
        view_of(memory + offset, plan.output_shapes[i], plan.results[i].dtype(), nullptr);
  borrowed.memory = memory;
}

std::unique_ptr<Plan> make_plan(const Rewritten& graph, const kernels::Backend& backend,
                                const kernels::Device* device, bool check_numerics,
                                const std::vector<Shape>& input_shapes, bool borrow_memory) {
  return Planner(graph, backend, device, check_numerics, input_shapes, borrow_memory).make();
}

}  // namespace keras::backend::detail
