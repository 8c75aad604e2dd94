#include "keras/layers/merge.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "keras/engine/topology.h"
#include "keras/engine/training.h"

namespace keras::layers {

namespace {

LayerArguments merge_arguments(const std::string& name, bool trainable) {
  LayerArguments args;
  args.name = name;
  args.trainable = trainable;
  return args;
}

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

// numpy broadcasting of two shapes of the same rank (unknown dimensions broadcast too).
Shape broadcast_shapes(const std::string& layer, const Shape& a, const Shape& b) {
  if (a.size() != b.size())
    throw std::invalid_argument(
        "Layer " + layer + ": operands could not be broadcast together with shapes " +
        shape_to_string(a) + " " + shape_to_string(b) + " (different ranks)");
  Shape out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i] || b[i] == 1)
      out[i] = a[i];
    else if (a[i] == 1)
      out[i] = b[i];
    else if (a[i] < 0 || b[i] < 0)
      out[i] = std::max(a[i], b[i]) < 0 ? -1 : std::max(a[i], b[i]);
    else
      throw std::invalid_argument("Layer " + layer +
                                  ": operands could not be broadcast together with shapes " +
                                  shape_to_string(a) + " " + shape_to_string(b));
  }
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
    : Layer(class_name, merge_arguments(o.name, o.trainable)) {
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
  return {merge_function(inputs)};
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

namespace {
MergeLayerOptions merge_options_from(const nlohmann::json& config) {
  return {config.value("name", ""), config.value("trainable", true)};
}
}  // namespace

std::shared_ptr<Layer> Add::from_config(const nlohmann::json& c) {
  return std::make_shared<Add>(merge_options_from(c));
}
std::shared_ptr<Layer> Subtract::from_config(const nlohmann::json& c) {
  return std::make_shared<Subtract>(merge_options_from(c));
}
std::shared_ptr<Layer> Multiply::from_config(const nlohmann::json& c) {
  return std::make_shared<Multiply>(merge_options_from(c));
}
std::shared_ptr<Layer> Average::from_config(const nlohmann::json& c) {
  return std::make_shared<Average>(merge_options_from(c));
}
std::shared_ptr<Layer> Maximum::from_config(const nlohmann::json& c) {
  return std::make_shared<Maximum>(merge_options_from(c));
}
std::shared_ptr<Layer> Minimum::from_config(const nlohmann::json& c) {
  return std::make_shared<Minimum>(merge_options_from(c));
}

// ---------------------------------------------------------------------------------------------
// Concatenate

Concatenate::Concatenate(ConcatenateOptions o)
    : Layer("Concatenate", merge_arguments(o.name, o.trainable)), axis_(o.axis) {
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
  int axis = axis_ < 0 ? axis_ + rank : axis_;
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
        shapes_text(shapes) + " (axis " + std::to_string(axis_) + ")");
  return {out};
}

std::vector<SymbolicTensor> Concatenate::call_list(const std::vector<SymbolicTensor>& inputs,
                                                   const std::vector<SymbolicTensor>&) {
  compute_output_shape_list(shapes_of(inputs));
  return {K::concatenate(inputs, axis_)};
}

std::vector<SymbolicTensor> Concatenate::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  return {concat_mask(inputs, masks, axis_)};
}

nlohmann::json Concatenate::get_config() const {
  nlohmann::json config = {{"name", name()}, {"trainable", trainable()}};
  config["axis"] = axis_;
  return config;
}

std::shared_ptr<Layer> Concatenate::from_config(const nlohmann::json& c) {
  return std::make_shared<Concatenate>(
      ConcatenateOptions{c.value("axis", -1), c.value("name", ""), c.value("trainable", true)});
}

// ---------------------------------------------------------------------------------------------
// Dot

Dot::Dot(DotOptions o)
    : Layer("Dot", merge_arguments(o.name, o.trainable)), axes_(o.axes), normalize_(o.normalize) {
  if (axes_.empty() || axes_.size() > 2)
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
  return check_dot_axes(name(), shapes, axes_);
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
  if (normalize_) {
    x = l2_normalize(x, ax);
    y = l2_normalize(y, ay);
  }
  return {checked_batch_dot(name(), x, y, ax, ay)};
}

std::vector<SymbolicTensor> Dot::compute_mask_list(const std::vector<SymbolicTensor>&,
                                                   const std::vector<SymbolicTensor>&) const {
  return {SymbolicTensor()};  // Keras: Dot drops masks
}

nlohmann::json Dot::get_config() const {
  nlohmann::json config = {{"name", name()}, {"trainable", trainable()}};
  config["axes"] = axes_.size() == 1 ? nlohmann::json(axes_[0]) : nlohmann::json(axes_);
  config["normalize"] = normalize_;
  return config;
}

std::shared_ptr<Layer> Dot::from_config(const nlohmann::json& c) {
  DotOptions o;
  const auto& axes = c.at("axes");
  o.axes = axes.is_array() ? axes.get<std::vector<int>>() : std::vector<int>{axes.get<int>()};
  o.normalize = c.value("normalize", false);
  o.name = c.value("name", "");
  o.trainable = c.value("trainable", true);
  return std::make_shared<Dot>(o);
}

// ---------------------------------------------------------------------------------------------
// Functional forms

SymbolicTensor add(const std::vector<SymbolicTensor>& xs, MergeLayerOptions o) {
  return Add(o)(xs);
}
SymbolicTensor subtract(const std::vector<SymbolicTensor>& xs, MergeLayerOptions o) {
  return Subtract(o)(xs);
}
SymbolicTensor multiply(const std::vector<SymbolicTensor>& xs, MergeLayerOptions o) {
  return Multiply(o)(xs);
}
SymbolicTensor average(const std::vector<SymbolicTensor>& xs, MergeLayerOptions o) {
  return Average(o)(xs);
}
SymbolicTensor maximum(const std::vector<SymbolicTensor>& xs, MergeLayerOptions o) {
  return Maximum(o)(xs);
}
SymbolicTensor minimum(const std::vector<SymbolicTensor>& xs, MergeLayerOptions o) {
  return Minimum(o)(xs);
}
SymbolicTensor concatenate(const std::vector<SymbolicTensor>& xs, int axis, ConcatenateOptions o) {
  return Concatenate(axis, o)(xs);
}
SymbolicTensor dot(const std::vector<SymbolicTensor>& xs, std::vector<int> axes, bool normalize,
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

Merge::Merge(MergeOptions o)
    : Layer("Merge", merge_arguments(o.name, o.trainable)), options_(std::move(o)) {
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
  std::vector<SymbolicTensor> tensors;
  for (const auto& layer : layers) {
    if (!layer) throw std::invalid_argument("Merge " + name() + ": a branch is null");
    if (auto* model = dynamic_cast<Model*>(layer.get())) {  // a model branch: its output
      tensors.push_back(model->output());
      continue;
    }
    const auto& nodes = layer->inbound_nodes();
    if (nodes.empty())
      throw std::invalid_argument("Merge " + name() + ": layer " + layer->name() +
                                  " has no output yet (give its first layer an input shape)");
    tensors.push_back(layer->get_output_at(static_cast<int>(nodes.size()) - 1));
  }
  layers_ = std::move(layers);
  branches_output_ = apply(tensors).front();  // Keras 1 merges the branches' outputs at once
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
  if (options_.mode.name == "concat") return {concat_mask(inputs, masks, options_.concat_axis)};
  if (options_.mode.name == "dot" || options_.mode.name == "cos") return {SymbolicTensor()};
  return {and_masks(masks)};
}

nlohmann::json Merge::get_config() const {
  nlohmann::json config = {{"name", name()}, {"trainable", trainable()}};
  config["mode"] = options_.mode.function ? "lambda" : options_.mode.name;
  config["mode_type"] = options_.mode.function ? "lambda" : "raw";
  config["concat_axis"] = options_.concat_axis;
  config["dot_axes"] = options_.dot_axes.size() == 1 ? nlohmann::json(options_.dot_axes[0])
                                                     : nlohmann::json(options_.dot_axes);
  config["output_shape"] = nullptr;
  if (options_.output_shape.shape) {
    nlohmann::json shape = nlohmann::json::array();
    for (auto d : *options_.output_shape.shape)
      shape.push_back(d < 0 ? nlohmann::json(nullptr) : nlohmann::json(d));
    config["output_shape"] = shape;
  }
  config["output_shape_type"] = options_.output_shape.function ? "lambda" : "raw";
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

std::shared_ptr<Layer> Merge::from_config(const nlohmann::json& c) {
  if (c.value("mode_type", "raw") != "raw")
    throw std::invalid_argument("Merge " + c.value("name", std::string()) +
                                ": a merge function (mode_type \"" + c.value("mode_type", "") +
                                "\") cannot be rebuilt from a config");
  MergeOptions o;
  o.mode = c.value("mode", std::string("sum"));
  o.concat_axis = c.value("concat_axis", -1);
  if (c.contains("dot_axes") && !c["dot_axes"].is_null())
    o.dot_axes = c["dot_axes"].is_array() ? c["dot_axes"].get<std::vector<int>>()
                                          : std::vector<int>{c["dot_axes"].get<int>()};
  if (c.contains("output_shape") && c["output_shape"].is_array()) {
    Shape shape;
    for (const auto& d : c["output_shape"])
      shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
    o.output_shape = shape;
  }
  o.name = c.value("name", std::string());
  o.trainable = c.value("trainable", true);
  return std::make_shared<Merge>(o);
}

SymbolicTensor merge(const std::vector<SymbolicTensor>& inputs, MergeOptions options) {
  return Merge(std::move(options))(inputs);
}

}  // namespace keras::layers
