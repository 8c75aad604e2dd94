#include "keras/layers/merge.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>
#include <utility>

#include "keras/engine/topology.h"
#include "keras/engine/training.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string text = "[";
  for (std::size_t i = 0; i < shapes.size(); ++i)
    text += (i ? ", " : "") + shape_to_string(shapes[i]);
  return text + "]";
}

void need_list(const std::string& layer, std::size_t n, std::size_t exact) {
  if (exact && n != exact)
    throw std::invalid_argument("A merge layer (" + layer + ") should be called on a list of " +
                                std::to_string(exact) + " inputs. Got " + std::to_string(n) +
                                " inputs.");
  if (n < 2)
    throw std::invalid_argument("A merge layer (" + layer +
                                ") should be called on a list of at least 2 inputs. Got " +
                                std::to_string(n) + " inputs.");
}

// One axis of two broadcast shapes (unknown dimensions broadcast too).
std::int64_t broadcast_dim(const std::string& layer, const Shape& a, const Shape& b, std::int64_t x,
                           std::int64_t y) {
  if (x == y || y == 1) return x;
  if (x == 1) return y;
  if (x < 0 || y < 0) return std::max(x, y) < 0 ? -1 : std::max(x, y);
  throw std::invalid_argument("Layer " + layer +
                              ": operands could not be broadcast together with shapes " +
                              shape_to_string(a) + " " + shape_to_string(b));
}

// Keras 2.2.4's _Merge: numpy broadcasting of the axes after the batch axis, aligned on the last
// ones; an input of lower rank gets axes of 1 after its batch axis (call_list expands it there).
Shape broadcast_shapes(const std::string& layer, const Shape& a, const Shape& b) {
  if (a.size() < b.size()) return broadcast_shapes(layer, b, a);
  if (b.empty()) return a;
  const std::size_t offset = a.size() - b.size();
  Shape out = a;
  out[0] = broadcast_dim(layer, a, b, a[0], b[0]);
  for (std::size_t i = 1; i < b.size(); ++i)
    out[i + offset] = broadcast_dim(layer, a, b, a[i + offset], b[i]);
  return out;
}

// Keras's merge of masks: a position counts if every mask that is given keeps it.
SymbolicTensor and_masks(const std::vector<SymbolicTensor>& masks) {
  SymbolicTensor out;
  for (const auto& m : masks)
    if (m.defined()) out = out.defined() ? K::minimum(out, m) : m;
  return out;
}

// Concatenate's mask (Keras 2.2.4): missing masks are all ones, time masks get a feature axis,
// the concatenation is reduced with "all" over the last axis.
SymbolicTensor concat_mask(const std::vector<SymbolicTensor>& inputs,
                           const std::vector<SymbolicTensor>& masks, int axis) {
  bool any = std::any_of(masks.begin(), masks.end(), [](const auto& m) { return m.defined(); });
  if (!any) return {};
  DType dtype = DType::float32;
  for (const auto& m : masks)
    if (m.defined()) dtype = m.dtype();
  std::vector<SymbolicTensor> parts;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    SymbolicTensor m = i < masks.size() ? masks[i] : SymbolicTensor();
    if (!m.defined())
      parts.push_back(K::ones_like(inputs[i], dtype));
    else if (m.ndim() < inputs[i].ndim())
      parts.push_back(K::cast(K::expand_dims(m, -1), dtype));
    else
      parts.push_back(K::cast(m, dtype));
  }
  return K::min(K::concatenate(parts, axis), {-1});
}

SymbolicTensor l2_normalize(const SymbolicTensor& x, int axis) {
  SymbolicTensor norm = K::sum(K::square(x), {axis}, true);
  return x / K::sqrt(K::maximum(norm, K::constant(K::epsilon(), x.dtype())));
}

// Keras's batch_dot output shape: both shapes without their reduced axis (and the second
// without its batch axis); a lone batch axis gets a feature axis of 1.
Shape batch_dot_shape(const Shape& a, const Shape& b, int ax, int ay) {
  Shape out;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (static_cast<int>(i) != ax) out.push_back(a[i]);
  for (std::size_t i = 1; i < b.size(); ++i)
    if (static_cast<int>(i) != ay) out.push_back(b[i]);
  if (out.size() == 1) out.push_back(1);
  return out;
}

// Checks and runs a batch dot over axes (ax, ay) of two 2D or 3D tensors.
SymbolicTensor checked_batch_dot(const std::string& layer, const SymbolicTensor& x,
                                 const SymbolicTensor& y, int ax, int ay) {
  if (x.ndim() != y.ndim() || (x.ndim() != 2 && x.ndim() != 3))
    throw std::invalid_argument("Layer " + layer + ": dot needs two 2D or two 3D inputs, got " +
                                shape_to_string(x.shape()) + " and " + shape_to_string(y.shape()));
  if (x.ndim() == 2) {
    if (ax != 1 || ay != 1)
      throw std::invalid_argument("Layer " + layer + ": 2D inputs are reduced over axis 1");
    return K::batch_dot(x, y);
  }
  return K::batch_dot(x, y, std::pair<int, int>{ax, ay});
}

std::pair<int, int> check_dot_axes(const std::string& layer, const std::vector<Shape>& shapes,
                                   const std::vector<int>& axes) {
  need_list(layer, shapes.size(), 2);
  if (axes.empty() || axes.size() > 2)
    throw std::invalid_argument("Layer " + layer + ": `axes` should be one axis or a pair");
  int ax = axes.front(), ay = axes.back();
  const int n0 = static_cast<int>(shapes[0].size()), n1 = static_cast<int>(shapes[1].size());
  if (ax < 0) ax += n0;
  if (ay < 0) ay += n1;
  if (ax < 1 || ax >= n0 || ay < 1 || ay >= n1)
    throw std::invalid_argument("Layer " + layer + ": invalid dot axes for shapes " +
                                shapes_text(shapes) + " (the batch axis 0 cannot be reduced)");
  std::int64_t d0 = shapes[0][static_cast<std::size_t>(ax)],
               d1 = shapes[1][static_cast<std::size_t>(ay)];
  if (d0 >= 0 && d1 >= 0 && d0 != d1)
    throw std::invalid_argument("Dimension incompatibility in layer " + layer + ": " +
                                std::to_string(d0) + " != " + std::to_string(d1) +
                                ". Layer shapes: " + shapes_text(shapes) +
                                ", chosen axes: " + std::to_string(ax) + ", " + std::to_string(ay));
  return {ax, ay};
}

std::vector<Shape> shapes_of(const std::vector<SymbolicTensor>& xs) {
  std::vector<Shape> shapes;
  for (const auto& x : xs) shapes.push_back(x.shape());
  return shapes;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Elementwise merges

ElementwiseMerge::ElementwiseMerge(const std::string& class_name, const MergeLayerOptions& o)
    : Layer(class_name, layer_arguments(o)) {
  supports_masking_ = true;
}

SymbolicTensor ElementwiseMerge::call(const SymbolicTensor&) {
  throw std::invalid_argument("A merge layer (" + name() +
                              ") should be called on a list of inputs.");
}

void ElementwiseMerge::build_list(const std::vector<Shape>& shapes) {
  compute_output_shape_list(shapes);
}

std::vector<Shape> ElementwiseMerge::compute_output_shape_list(
    const std::vector<Shape>& shapes) const {
  need_list(name(), shapes.size(), exact_inputs());
  Shape out = shapes.front();
  for (std::size_t i = 1; i < shapes.size(); ++i) out = broadcast_shapes(name(), out, shapes[i]);
  return {out};
}

std::vector<SymbolicTensor> ElementwiseMerge::call_list(const std::vector<SymbolicTensor>& inputs,
                                                        const std::vector<SymbolicTensor>&) {
  compute_output_shape_list(shapes_of(inputs));
  int rank = 0;
  for (const auto& x : inputs) rank = std::max(rank, x.ndim());
  std::vector<SymbolicTensor> aligned;
  for (SymbolicTensor x : inputs) {
    while (x.ndim() < rank) x = K::expand_dims(x, 1);
    aligned.push_back(x);
  }
  return {merge_function(aligned)};
}

std::vector<SymbolicTensor> ElementwiseMerge::compute_mask_list(
    const std::vector<SymbolicTensor>&, const std::vector<SymbolicTensor>& masks) const {
  return {and_masks(masks)};
}

SymbolicTensor Add::merge_function(const std::vector<SymbolicTensor>& xs) const {
  SymbolicTensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = out + xs[i];
  return out;
}
SymbolicTensor Subtract::merge_function(const std::vector<SymbolicTensor>& xs) const {
  return xs[0] - xs[1];
}
SymbolicTensor Multiply::merge_function(const std::vector<SymbolicTensor>& xs) const {
  SymbolicTensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = out * xs[i];
  return out;
}
SymbolicTensor Average::merge_function(const std::vector<SymbolicTensor>& xs) const {
  SymbolicTensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = out + xs[i];
  return out / static_cast<double>(xs.size());
}
SymbolicTensor Maximum::merge_function(const std::vector<SymbolicTensor>& xs) const {
  SymbolicTensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = K::maximum(out, xs[i]);
  return out;
}
SymbolicTensor Minimum::merge_function(const std::vector<SymbolicTensor>& xs) const {
  SymbolicTensor out = xs[0];
  for (std::size_t i = 1; i < xs.size(); ++i) out = K::minimum(out, xs[i]);
  return out;
}

std::shared_ptr<Layer> Add::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Add, MergeLayerOptions>(c, "Add");
}
std::shared_ptr<Layer> Subtract::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Subtract, MergeLayerOptions>(c, "Subtract");
}
std::shared_ptr<Layer> Multiply::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Multiply, MergeLayerOptions>(c, "Multiply");
}
std::shared_ptr<Layer> Average::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Average, MergeLayerOptions>(c, "Average");
}
std::shared_ptr<Layer> Maximum::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Maximum, MergeLayerOptions>(c, "Maximum");
}
std::shared_ptr<Layer> Minimum::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Minimum, MergeLayerOptions>(c, "Minimum");
}

// ---------------------------------------------------------------------------------------------
// Concatenate

Concatenate::Concatenate(ConcatenateOptions o)
    : Layer("Concatenate", layer_arguments(o)), options_(std::move(o)) {
  supports_masking_ = true;
}

Concatenate::Concatenate(int axis, ConcatenateOptions o)
    : Concatenate([&] {
        o.axis = axis;
        return o;
      }()) {}

SymbolicTensor Concatenate::call(const SymbolicTensor&) {
  throw std::invalid_argument("A `Concatenate` layer (" + name() +
                              ") should be called on a list of inputs.");
}

void Concatenate::build_list(const std::vector<Shape>& shapes) {
  compute_output_shape_list(shapes);
}

std::vector<Shape> Concatenate::compute_output_shape_list(const std::vector<Shape>& shapes) const {
  need_list(name(), shapes.size(), 0);
  const int rank = static_cast<int>(shapes.front().size());
  int axis = options_.axis < 0 ? options_.axis + rank : options_.axis;
  bool ok = axis >= 0 && axis < rank;
  Shape out = shapes.front();
  for (std::size_t i = 1; ok && i < shapes.size(); ++i) {
    ok = static_cast<int>(shapes[i].size()) == rank;
    for (int d = 0; ok && d < rank; ++d) {
      std::int64_t a = out[static_cast<std::size_t>(d)], b = shapes[i][static_cast<std::size_t>(d)];
      if (d == axis)
        out[static_cast<std::size_t>(d)] = a < 0 || b < 0 ? -1 : a + b;
      else if (a >= 0 && b >= 0 && a != b)
        ok = false;
      else if (a < 0)
        out[static_cast<std::size_t>(d)] = b;
    }
  }
  if (!ok)
    throw std::invalid_argument(
        "A `Concatenate` layer (" + name() +
        ") requires inputs with matching shapes except for the concat axis. Got inputs shapes: " +
        shapes_text(shapes) + " (axis " + std::to_string(options_.axis) + ")");
  return {out};
}

std::vector<SymbolicTensor> Concatenate::call_list(const std::vector<SymbolicTensor>& inputs,
                                                   const std::vector<SymbolicTensor>&) {
  compute_output_shape_list(shapes_of(inputs));
  return {K::concatenate(inputs, options_.axis)};
}

std::vector<SymbolicTensor> Concatenate::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  return {concat_mask(inputs, masks, options_.axis)};
}

nlohmann::json Concatenate::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

std::shared_ptr<Layer> Concatenate::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Concatenate, ConcatenateOptions>(c, "Concatenate");
}

// ---------------------------------------------------------------------------------------------
// Dot

Dot::Dot(DotOptions o) : Layer("Dot", layer_arguments(o)), options_(std::move(o)) {
  if (options_.axes.empty() || options_.axes.size() > 2)
    throw std::invalid_argument("Dot: `axes` should be one axis or a pair of axes");
}

Dot::Dot(int axes, DotOptions o)
    : Dot([&] {
        o.axes = {axes};
        return o;
      }()) {}

SymbolicTensor Dot::call(const SymbolicTensor&) {
  throw std::invalid_argument("A `Dot` layer (" + name() +
                              ") should be called on a list of 2 inputs.");
}

std::pair<int, int> Dot::axes_for(const std::vector<Shape>& shapes) const {
  return check_dot_axes(name(), shapes, options_.axes);
}

void Dot::build_list(const std::vector<Shape>& shapes) {
  axes_for(shapes);
}

std::vector<Shape> Dot::compute_output_shape_list(const std::vector<Shape>& shapes) const {
  auto [ax, ay] = axes_for(shapes);
  return {batch_dot_shape(shapes[0], shapes[1], ax, ay)};
}

std::vector<SymbolicTensor> Dot::call_list(const std::vector<SymbolicTensor>& inputs,
                                           const std::vector<SymbolicTensor>&) {
  auto [ax, ay] = axes_for(shapes_of(inputs));
  SymbolicTensor x = inputs[0], y = inputs[1];
  if (options_.normalize) {
    x = l2_normalize(x, ax);
    y = l2_normalize(y, ay);
  }
  return {checked_batch_dot(name(), x, y, ax, ay)};
}

std::vector<SymbolicTensor> Dot::compute_mask_list(const std::vector<SymbolicTensor>&,
                                                   const std::vector<SymbolicTensor>&) const {
  return {SymbolicTensor()};  // Keras: Dot drops masks
}

namespace {
// Keras writes a pair of axes as a list and one axis for both inputs as an int.
nlohmann::json axes_json(const std::vector<int>& axes) {
  return axes.size() == 1 ? nlohmann::json(axes[0]) : nlohmann::json(axes);
}
}  // namespace

nlohmann::json Dot::get_config() const {
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), options_);
  config["axes"] = axes_json(options_.axes);
  return config;
}

std::shared_ptr<Layer> Dot::from_config(const nlohmann::json& c) {
  return detail::layer_from_config<Dot, DotOptions>(c, "Dot");
}

// ---------------------------------------------------------------------------------------------
// Functional forms

KerasTensor add(const std::vector<KerasTensor>& xs, MergeLayerOptions o) {
  return Add(o)(xs);
}
KerasTensor subtract(const std::vector<KerasTensor>& xs, MergeLayerOptions o) {
  return Subtract(o)(xs);
}
KerasTensor multiply(const std::vector<KerasTensor>& xs, MergeLayerOptions o) {
  return Multiply(o)(xs);
}
KerasTensor average(const std::vector<KerasTensor>& xs, MergeLayerOptions o) {
  return Average(o)(xs);
}
KerasTensor maximum(const std::vector<KerasTensor>& xs, MergeLayerOptions o) {
  return Maximum(o)(xs);
}
KerasTensor minimum(const std::vector<KerasTensor>& xs, MergeLayerOptions o) {
  return Minimum(o)(xs);
}
KerasTensor concatenate(const std::vector<KerasTensor>& xs, int axis, ConcatenateOptions o) {
  return Concatenate(axis, o)(xs);
}
KerasTensor dot(const std::vector<KerasTensor>& xs, std::vector<int> axes, bool normalize,
                DotOptions o) {
  o.axes = std::move(axes);
  o.normalize = normalize;
  return Dot(o)(xs);
}

// ---------------------------------------------------------------------------------------------
// Keras 1's Merge

namespace {
const std::set<std::string>& merge_modes() {
  static const std::set<std::string> modes{"sum", "mul", "concat", "ave", "cos", "dot", "max"};
  return modes;
}
}  // namespace

Merge::Merge(MergeOptions o) : Layer("Merge", layer_arguments(o)), options_(std::move(o)) {
  supports_masking_ = true;
  if (!options_.mode.function && !merge_modes().count(options_.mode.name))
    throw std::invalid_argument("Invalid merge mode: " + options_.mode.name +
                                " (expected sum, mul, concat, ave, cos, dot, max or a function)");
  if ((options_.mode.name == "dot" || options_.mode.name == "cos") &&
      (options_.dot_axes.empty() || options_.dot_axes.size() > 2))
    throw std::invalid_argument("Merge " + name() + ": `dot_axes` should be one axis or a pair");
}

Merge::Merge(std::vector<LayerPtr> layers, MergeOptions o) : Merge(std::move(o)) {
  if (layers.size() < 2)
    throw std::invalid_argument(
        "A Merge should only be applied to a list of layers with at least 2 "
        "elements. Found: " +
        std::to_string(layers.size()));
  auto index_list = [&](const std::vector<int>& indices, const char* what) {
    if (!indices.empty() && indices.size() != layers.size())
      throw std::invalid_argument(
          "Merge " + name() + ": `" + what + "` should have one entry per " + "layer merged (" +
          std::to_string(layers.size()) + "), got " + std::to_string(indices.size()));
  };
  index_list(options_.node_indices, "node_indices");
  index_list(options_.tensor_indices, "tensor_indices");
  std::vector<KerasTensor> tensors;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const LayerPtr& layer = layers[i];
    if (!layer) throw std::invalid_argument("Merge " + name() + ": a branch is null");
    const int tensor = options_.tensor_indices.empty() ? 0 : options_.tensor_indices[i];
    if (auto* model = dynamic_cast<Model*>(layer.get())) {  // a model branch: its output
      if (tensor < 0 || static_cast<std::size_t>(tensor) >= model->outputs().size())
        throw std::invalid_argument("Merge " + name() + ": tensor index " + std::to_string(tensor) +
                                    " is not an output of " + model->name());
      tensors.push_back(model->outputs()[static_cast<std::size_t>(tensor)]);
      continue;
    }
    const int nodes = static_cast<int>(layer->inbound_nodes().size());
    if (nodes == 0)
      throw std::invalid_argument("Merge " + name() + ": layer " + layer->name() +
                                  " has no output yet (give its first layer an input shape)");
    // Keras 1 takes node 0 unless told; its branches have one call, which is the latest here.
    const int node = options_.node_indices.empty() ? nodes - 1 : options_.node_indices[i];
    if (node < 0 || node >= nodes)
      throw std::invalid_argument("Merge " + name() + ": layer " + layer->name() + " has " +
                                  std::to_string(nodes) + " calls, no node index " +
                                  std::to_string(node));
    std::vector<KerasTensor> outputs = layer->get_outputs_at(node);
    if (tensor < 0 || static_cast<std::size_t>(tensor) >= outputs.size())
      throw std::invalid_argument("Merge " + name() + ": layer " + layer->name() + " has " +
                                  std::to_string(outputs.size()) + " outputs, no tensor index " +
                                  std::to_string(tensor));
    tensors.push_back(outputs[static_cast<std::size_t>(tensor)]);
  }
  layers_ = std::move(layers);
  branch_tensors_ = std::move(tensors);
}

LayerPtr Merge::move_to_shared() && {
  auto shared = std::make_shared<Merge>(std::move(*this));
  if (!shared->branch_tensors_.empty())
    shared->branches_output_ = shared->apply(std::exchange(shared->branch_tensors_, {})).front();
  return shared;
}

SymbolicTensor Merge::call(const SymbolicTensor&) {
  throw std::invalid_argument("A Merge layer (" + name() +
                              ") should be called on a list of inputs.");
}

std::pair<int, int> Merge::dot_axes(const std::vector<Shape>& shapes) const {
  return check_dot_axes(name(), shapes, options_.dot_axes);
}

void Merge::build_list(const std::vector<Shape>& shapes) {
  if (shapes.size() < 2)
    throw std::invalid_argument("A Merge (" + name() +
                                ") should be called on a list of at least 2 "
                                "inputs. Got " +
                                std::to_string(shapes.size()) + " inputs.");
  if (!options_.mode.function) compute_output_shape_list(shapes);
}

std::vector<Shape> Merge::compute_output_shape_list(const std::vector<Shape>& shapes) const {
  const std::string& mode = options_.mode.name;
  if (options_.mode.function) {
    if (options_.output_shape.function) return {options_.output_shape.function(shapes)};
    if (options_.output_shape.shape) {
      Shape out{shapes.front().front()};
      out.insert(out.end(), options_.output_shape.shape->begin(),
                 options_.output_shape.shape->end());
      return {out};
    }
    throw std::invalid_argument("Merge " + name() +
                                ": a custom mode needs an `output_shape` to compute shapes");
  }
  if (mode == "sum" || mode == "mul" || mode == "ave" || mode == "max") {
    for (std::size_t i = 1; i < shapes.size(); ++i)
      if (shapes[i] != shapes[0])
        throw std::invalid_argument("Only layers of same output shape can be merged using " + mode +
                                    " mode. Layer shapes: " + shapes_text(shapes) + " (layer " +
                                    name() + ")");
    return {shapes[0]};
  }
  if (mode == "concat") {
    ConcatenateOptions o;
    o.axis = options_.concat_axis;
    const int rank = static_cast<int>(shapes[0].size());
    int axis = o.axis < 0 ? o.axis + rank : o.axis;
    Shape out = shapes[0];
    for (std::size_t i = 1; i < shapes.size(); ++i) {
      bool ok = shapes[i].size() == shapes[0].size() && axis >= 0 && axis < rank;
      for (int d = 0; ok && d < rank; ++d)
        if (d != axis &&
            shapes[i][static_cast<std::size_t>(d)] != shapes[0][static_cast<std::size_t>(d)])
          ok = false;
      if (!ok)
        throw std::invalid_argument(
            "\"concat\" mode can only merge layers with matching output "
            "shapes except for the concat axis. Layer shapes: " +
            shapes_text(shapes) + " (layer " + name() + ", concat_axis " +
            std::to_string(options_.concat_axis) + ")");
      std::int64_t& total = out[static_cast<std::size_t>(axis)];
      std::int64_t add = shapes[i][static_cast<std::size_t>(axis)];
      total = total < 0 || add < 0 ? -1 : total + add;
    }
    return {out};
  }
  // dot and cos
  if (shapes.size() != 2)
    throw std::invalid_argument("Merge " + name() + ": \"" + mode +
                                "\" mode needs exactly 2 inputs");
  auto [ax, ay] = dot_axes(shapes);
  if (mode == "cos") return {Shape{shapes[0][0], 1}};
  return {batch_dot_shape(shapes[0], shapes[1], ax, ay)};
}

std::vector<SymbolicTensor> Merge::call_list(const std::vector<SymbolicTensor>& inputs,
                                             const std::vector<SymbolicTensor>&) {
  if (options_.mode.function) {
    SymbolicTensor out = options_.mode.function(inputs);
    if (options_.output_shape.shape || options_.output_shape.function) {
      Shape want = compute_output_shape_list(shapes_of(inputs)).front();
      bool fits = want.size() == out.shape().size();
      for (std::size_t d = 0; fits && d < want.size(); ++d)
        fits = want[d] < 0 || out.shape()[d] < 0 || want[d] == out.shape()[d];
      if (!fits)
        throw std::invalid_argument("Merge " + name() + ": the custom mode gave shape " +
                                    shape_to_string(out.shape()) + " but output_shape says " +
                                    shape_to_string(want));
    }
    return {out};
  }
  compute_output_shape_list(shapes_of(inputs));
  const std::string& mode = options_.mode.name;
  if (mode == "sum" || mode == "ave") {
    SymbolicTensor out = inputs[0];
    for (std::size_t i = 1; i < inputs.size(); ++i) out = out + inputs[i];
    if (mode == "ave") out = out / static_cast<double>(inputs.size());
    return {out};
  }
  if (mode == "mul") {
    SymbolicTensor out = inputs[0];
    for (std::size_t i = 1; i < inputs.size(); ++i) out = out * inputs[i];
    return {out};
  }
  if (mode == "max") {
    SymbolicTensor out = inputs[0];
    for (std::size_t i = 1; i < inputs.size(); ++i) out = K::maximum(out, inputs[i]);
    return {out};
  }
  if (mode == "concat") return {K::concatenate(inputs, options_.concat_axis)};
  auto [ax, ay] = dot_axes(shapes_of(inputs));
  const SymbolicTensor &l1 = inputs[0], &l2 = inputs[1];
  if (mode == "dot") return {checked_batch_dot(name(), l1, l2, ax, ay)};
  // cos: <l1, l2> / max(sqrt(<l1, l1> <l2, l2>), epsilon)
  SymbolicTensor denominator = K::sqrt(checked_batch_dot(name(), l1, l1, ax, ax) *
                                       checked_batch_dot(name(), l2, l2, ay, ay));
  denominator = K::maximum(denominator, K::constant(K::epsilon(), denominator.dtype()));
  SymbolicTensor out = checked_batch_dot(name(), l1, l2, ax, ay) / denominator;
  if (out.ndim() != 2) out = K::reshape(out, {-1, 1});
  return {out};
}

std::vector<SymbolicTensor> Merge::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  if (options_.mode.function) {  // Keras 1: output_mask, when any input has a mask
    bool any = std::any_of(masks.begin(), masks.end(), [](const auto& m) { return m.defined(); });
    if (!any || !options_.output_mask.function) return {SymbolicTensor()};
    return {options_.output_mask.function(masks)};
  }
  if (options_.mode.name == "concat") return {concat_mask(inputs, masks, options_.concat_axis)};
  if (options_.mode.name == "dot" || options_.mode.name == "cos") return {SymbolicTensor()};
  return {and_masks(masks)};
}

// Keras 1.2.2's Merge.get_config: its keys only (no trainable: its __init__ takes none), the
// kind of each function argument beside it; node and tensor indices are not written.
nlohmann::json Merge::get_config() const {
  nlohmann::json config = detail::config_with_arguments(nlohmann::json{{"name", name()}}, options_);
  config.erase("node_indices");
  config.erase("tensor_indices");
  config["dot_axes"] = axes_json(options_.dot_axes);
  config["mode_type"] = options_.mode.function ? "lambda" : "raw";
  config["output_shape_type"] = options_.output_shape.function ? "lambda" : "raw";
  config["output_mask_type"] = options_.output_mask.function ? "lambda" : "raw";
  return config;
}

std::vector<SymbolicTensor> Merge::weights() const {
  std::vector<SymbolicTensor> out = Layer::weights();
  for (const auto& l : layers_)
    for (auto& w : l->weights()) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Merge::trainable_weights() const {
  std::vector<SymbolicTensor> out;
  if (!trainable()) return out;
  for (const auto& l : layers_)
    for (auto& w : l->trainable_weights()) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Merge::non_trainable_weights() const {
  if (!trainable()) return weights();
  std::vector<SymbolicTensor> out;
  for (const auto& l : layers_)
    for (auto& w : l->non_trainable_weights()) out.push_back(w);
  return out;
}

std::vector<Tensor> Merge::get_weights() const {
  std::vector<Tensor> out;
  for (const auto& l : layers_)
    for (auto& w : l->get_weights()) out.push_back(w);
  return out;
}

void Merge::set_weights(const std::vector<Tensor>& weights) {
  std::size_t expected = this->weights().size();
  if (weights.size() != expected)
    throw std::invalid_argument("You called `set_weights(weights)` on layer \"" + name() +
                                "\" with a weight list of length " +
                                std::to_string(weights.size()) + ", but the layer was expecting " +
                                std::to_string(expected) + " weights.");
  std::size_t i = 0;
  for (const auto& l : layers_) {
    std::size_t n = l->weights().size();
    l->set_weights(std::vector<Tensor>(weights.begin() + static_cast<std::ptrdiff_t>(i),
                                       weights.begin() + static_cast<std::ptrdiff_t>(i + n)));
    i += n;
  }
}

std::int64_t Merge::count_params() const {
  std::int64_t total = 0;
  for (const auto& l : layers_) total += l->count_params();
  return total;
}

std::vector<std::pair<SymbolicTensor, WeightConstraint>> Merge::constraints() const {
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> out;
  for (const auto& l : layers_)
    for (auto& c : l->constraints()) out.push_back(c);
  return out;
}

std::vector<SymbolicTensor> Merge::losses() const {
  std::vector<SymbolicTensor> out = Layer::losses();
  for (const auto& l : layers_)
    for (auto& loss : l->losses()) out.push_back(loss);
  return out;
}

// Keras 1.2.2's Merge.from_config: named modes only (a function's code cannot be run here); a
// Keras 1 Sequential's first Merge carries its branches' configs under "layers".
std::shared_ptr<Layer> Merge::from_config(const nlohmann::json& config) {
  detail::ConfigReader check(config, "Merge");  // a JSON object, or a clear error
  nlohmann::json c = config;
  for (const char* key : {"mode_type", "output_shape_type", "output_mask_type"}) {
    auto it = c.find(key);
    if (it == c.end()) continue;
    if (!it->is_null() && *it != "raw")
      throw std::invalid_argument("Merge " + c.value("name", std::string()) + ".from_config: `" +
                                  std::string(key, std::strlen(key) - 5) + "` is a Python " +
                                  it->dump() + ", which keras.cpp cannot rebuild from a config");
    c.erase(it);
  }
  std::vector<LayerPtr> branches;
  if (auto it = c.find("layers"); it != c.end()) {
    if (!it->is_null()) {
      if (!it->is_array())
        throw std::invalid_argument("Merge.from_config: `layers` must be a list of layer configs");
      for (const auto& entry : *it) branches.push_back(layers::deserialize(entry));
    }
    c.erase(it);
  }
  return detail::layer_from_config_with<MergeOptions>(c, "Merge", [&](MergeOptions o) -> LayerPtr {
    if (branches.empty()) return std::make_shared<Merge>(std::move(o));
    return Merge(branches, std::move(o)).into_shared();  // merges the branches
  });
}

nlohmann::json MergeMode::config_value() const {
  return function ? "lambda" : name;
}
MergeMode MergeMode::from_config_value(const nlohmann::json& value) {
  if (!value.is_string())
    throw std::invalid_argument("must be a mode name (sum, mul, concat, ave, cos, dot, max), got " +
                                value.dump());
  return MergeMode(value.get<std::string>());
}

nlohmann::json OutputShapeArg::config_value() const {
  return shape ? detail::shape_json(*shape) : nlohmann::json(nullptr);
}
OutputShapeArg OutputShapeArg::from_config_value(const nlohmann::json& value) {
  if (!value.is_array())
    throw std::invalid_argument("must be a shape (a list of dimensions), got " + value.dump());
  Shape shape;
  for (const auto& d : value) {
    if (!d.is_null() && !d.is_number_integer())
      throw std::invalid_argument("must be a shape (a list of dimensions), got " + value.dump());
    shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
  }
  return OutputShapeArg(shape);
}

nlohmann::json OutputMaskArg::config_value() const {
  return nullptr;
}
OutputMaskArg OutputMaskArg::from_config_value(const nlohmann::json& value) {
  throw std::invalid_argument("is a Python function's code (" + value.dump() +
                              "), which keras.cpp cannot rebuild from a config");
}

KerasTensor merge(const std::vector<KerasTensor>& inputs, MergeOptions options) {
  return Merge(std::move(options))(inputs);
}

}  // namespace keras::layers
