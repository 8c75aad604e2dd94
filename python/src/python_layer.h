// A Keras layer class written in Python (a subclass of keras_cpp.layers.Layer, or of Wrapper):
// the C++ layer whose virtual functions call the Python subclass's build, call,
// compute_output_shape, compute_mask, get_config and the RNN cell protocol, and the conversions
// of tensors and masks between the two sides.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/backend/backend.h"
#include "keras/engine/layer.h"
#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/recurrent.h"
#include "keras/layers/wrappers.h"
#include "layer_args.h"

namespace keras::python {

py::object mask_or_none(const SymbolicTensor& mask);
py::list shapes_to_list(const std::vector<Shape>& shapes);
// What a Python layer's call gets: the tensor, or the list it was called on.
py::object one_or_list(const std::vector<SymbolicTensor>& tensors);
py::object masks_to_python(const std::vector<SymbolicTensor>& inputs,
                           const std::vector<SymbolicTensor>& masks);
// A tensor, or a list or tuple of tensors; with `none_allowed` (masks), None for no tensor.
std::vector<SymbolicTensor> tensors_of(py::handle out, const char* what, bool none_allowed);

// What the bindings need of a layer class written in Python, whatever its C++ base.
class PythonDefined {
 public:
  virtual ~PythonDefined() = default;
  virtual void keep_python_object(py::handle self) = 0;
  virtual void set_supports_masking(bool supports) = 0;
  // super().get_config() in the Python class: the config of the C++ class it derives from.
  virtual nlohmann::json base_config() const = 0;
  // Keras's base Layer keeps `stateful` as a plain attribute that a subclass may set in its
  // __init__ (stateful metrics do).
  virtual void set_stateful(bool stateful) = 0;
  // Keras's `self.trainable_weights = [...]` (and non_trainable_weights): Keras 1's custom
  // layers make their variables with K.variable or an initializer and assign them.
  virtual void assign_weights(bool trainable, std::vector<SymbolicTensor> weights) = 0;
};

// A Keras layer written in Python: build(input_shape), call(x) on symbolic tensors and
// compute_output_shape(input_shape) are the subclass's; call runs once per use of the layer, when
// the model is built, and becomes graph ops. A Python layer with a `state_size` is an RNN cell
// (Keras's protocol): RNN(cell) calls its call(inputs, states) once per timestep; with the
// convolution attributes (filters, kernel_size, ...) it is a ConvRNN2D cell.
// `Base`: the C++ class the Python class derives from (Layer, or Wrapper for keras.layers.Wrapper
// subclasses), whose behaviour super() calls reach; pybind11 finds the Python object (and its
// overrides) by that registered type.
template <typename Base>
class PyLayerOf : public Base,
                  public layers::RNNCell,
                  public layers::ConvRNNCell,
                  public PythonDefined {
 public:
  // The class name, then Base's own constructor arguments.
  template <typename... Args>
  explicit PyLayerOf(const std::string& class_name, Args&&... args)
      : Base(class_name, std::forward<Args>(args)...), class_name_(class_name) {}

  std::string class_name() const override { return class_name_; }

  // See keep_python_layer (layer_args.h).
  void keep_python_object(py::handle self) override {
    if (!self_) self_ = hold(py::reinterpret_borrow<py::object>(self));
  }

  void build(const Shape& input_shape) override {
    py::gil_scoped_acquire gil;
    if (py::function build = py::get_override(static_cast<const Base*>(this), "build"))
      build(shape_to_tuple(input_shape));
  }

  // A layer written in Python takes one tensor or a list (called on several tensors) and may
  // return one tensor or a list (several outputs), as Keras's.
  void build_list(const std::vector<Shape>& input_shapes) override {
    if (input_shapes.size() == 1) return build(input_shapes.front());
    py::gil_scoped_acquire gil;
    if (py::function build = py::get_override(static_cast<const Base*>(this), "build"))
      build(shapes_to_list(input_shapes));
  }

  SymbolicTensor call(const SymbolicTensor& inputs) override {
    return call_masked(inputs, SymbolicTensor());
  }

  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override {
    auto outputs = call_list({inputs}, {mask});
    if (outputs.size() != 1)
      throw std::invalid_argument("Layer " + this->name() + " (" + class_name_ + ") has " +
                                  std::to_string(outputs.size()) + " outputs");
    return outputs.front();
  }

  // Keras passes the input's mask to call(inputs, mask=...) when call takes a `mask` argument.
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override {
    py::gil_scoped_acquire gil;
    py::function call = py::get_override(static_cast<const Base*>(this), "call");
    if (!call)
      throw py::type_error("Layer " + this->name() + " (" + class_name_ +
                           "): a Python layer must define call(self, inputs)");
    py::object x = one_or_list(inputs);
    py::object has_arg = py::module_::import("keras_cpp.utils.generic_utils").attr("has_arg");
    py::object out = has_arg(call, "mask").cast<bool>()
                         ? call(x, py::arg("mask") = masks_to_python(inputs, masks))
                         : call(x);
    return tensors_of(out, "call()", false);
  }

  // The subclass's compute_mask(inputs, mask) (None for no mask; a list for several outputs),
  // or the base's: the mask passed on when supports_masking, else refused.
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override {
    auto masks = compute_mask_list({inputs}, {mask});
    return masks.empty() ? SymbolicTensor() : masks.front();
  }

  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override {
    py::gil_scoped_acquire gil;
    if (py::function compute = py::get_override(static_cast<const Base*>(this), "compute_mask"))
      return tensors_of(compute(one_or_list(inputs), masks_to_python(inputs, masks)),
                        "compute_mask()", true);
    if (inputs.size() == 1)
      return {Base::compute_mask(inputs.front(), masks.empty() ? SymbolicTensor() : masks[0])};
    return Base::compute_mask_list(inputs, masks);
  }

  void set_supports_masking(bool supports) override { this->supports_masking_ = supports; }
  nlohmann::json base_config() const override { return Base::get_config(); }
  void set_stateful(bool stateful) override { stateful_ = stateful; }
  bool stateful() const override { return stateful_ ? *stateful_ : Base::stateful(); }

  // The cell protocol: `state_size` (an int or a list of ints), `output_size` when set, and
  // call(inputs, states) returning (output, new_states).
  std::vector<std::int64_t> state_size() const override {
    py::gil_scoped_acquire gil;
    py::object self = python_self();
    if (!py::hasattr(self, "state_size"))
      throw std::invalid_argument(
          "The RNN cell should have an attribute `state_size` (tuple of integers, one integer "
          "per RNN state). Layer " +
          this->name() + " (" + class_name_ + ") has none.");
    py::object sizes = self.attr("state_size");
    if (PyIndex_Check(sizes.ptr())) return {to_int_arg(sizes, "state_size")};
    std::vector<std::int64_t> out;
    for (py::handle size : sizes) out.push_back(to_int_arg(size, "state_size"));
    if (out.empty())
      throw std::invalid_argument("RNN cell " + this->name() + ": `state_size` is empty");
    return out;
  }

  std::int64_t output_size() const override {
    py::gil_scoped_acquire gil;
    py::object size = py::getattr(python_self(), "output_size", py::none());
    return size.is_none() ? state_size().front() : to_int_arg(size, "output_size");
  }

  layers::CellStep step(const SymbolicTensor& inputs,
                        const std::vector<SymbolicTensor>& states) override {
    return step_with_constants(inputs, states, {});
  }

  // Keras's has_arg(cell.call, 'constants').
  bool takes_constants() const override {
    py::gil_scoped_acquire gil;
    py::function call = py::get_override(static_cast<const Base*>(this), "call");
    return call && py::module_::import("keras_cpp.utils.generic_utils")
                       .attr("has_arg")(call, "constants")
                       .cast<bool>();
  }

  // call(inputs, states), or call(inputs, states, constants=constants) when given some.
  layers::CellStep step_with_constants(const SymbolicTensor& inputs,
                                       const std::vector<SymbolicTensor>& states,
                                       const std::vector<SymbolicTensor>& constants) override {
    if (!constants.empty() && !takes_constants())
      return layers::RNNCell::step_with_constants(inputs, states, constants);  // Keras's error
    py::gil_scoped_acquire gil;
    py::function call = py::get_override(static_cast<const Base*>(this), "call");
    if (!call)
      throw py::type_error("RNN cell " + this->name() + " (" + class_name_ +
                           "): a Python cell must define call(self, inputs, states)");
    py::object out = constants.empty()
                         ? call(inputs, to_list(states))
                         : call(inputs, to_list(states), py::arg("constants") = to_list(constants));
    if (!(py::isinstance<py::tuple>(out) || py::isinstance<py::list>(out)) || py::len(out) != 2 ||
        !py::isinstance<SymbolicTensor>(out[py::int_(0)]))
      throw py::type_error("call() of the RNN cell " + this->name() + " (" + class_name_ +
                           ") must return (output, new_states), got " +
                           py::repr(out).cast<std::string>());
    return {out[py::int_(0)].cast<SymbolicTensor>(),
            tensors_of(out[py::int_(1)], "call()'s new_states", false)};
  }

  // Keras's ConvRNN2D reads the cell's filters, kernel_size, strides, padding, data_format and
  // dilation_rate (the two-int tuples may be one int, as the layers' arguments).
  layers::ConvCellGeometry conv_geometry() const override {
    py::gil_scoped_acquire gil;
    py::object self = python_self();
    auto attribute = [&](const char* attr) {
      if (!py::hasattr(self, attr))
        throw py::attribute_error("The convolutional RNN cell " + this->name() + " (" +
                                  class_name_ + ") has no attribute `" + attr +
                                  "`: ConvRNN2D reads filters, kernel_size, strides, padding, "
                                  "data_format and dilation_rate of its cell");
      return self.attr(attr);
    };
    auto pair = [&](const char* attr) {
      py::object value = attribute(attr);
      if (PyIndex_Check(value.ptr())) return std::vector<std::int64_t>(2, to_int_arg(value, attr));
      std::vector<std::int64_t> out;
      for (py::handle item : value) out.push_back(to_int_arg(item, attr));
      if (out.size() != 2)
        throw py::value_error("The convolutional RNN cell " + this->name() + ": `" + attr +
                              "` must be an int or 2 ints, got " +
                              py::repr(value).cast<std::string>());
      return out;
    };
    layers::ConvCellGeometry g;
    g.filters = to_int_arg(attribute("filters"), "filters");
    g.kernel_size = pair("kernel_size");
    g.strides = pair("strides");
    g.dilation_rate = pair("dilation_rate");
    g.padding = py::str(attribute("padding")).cast<std::string>();
    py::object data_format = attribute("data_format");
    g.data_format = backend::normalize_data_format(
        data_format.is_none() ? std::string() : data_format.cast<std::string>());
    return g;
  }

  Shape compute_output_shape(const Shape& input_shape) const override {
    auto shapes = compute_output_shape_list({input_shape});
    if (shapes.size() != 1)
      throw std::invalid_argument("Layer " + this->name() + " (" + class_name_ + ") has " +
                                  std::to_string(shapes.size()) + " output shapes");
    return shapes.front();
  }

  // compute_output_shape may return one shape (a tuple) or a list of shapes.
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override {
    py::gil_scoped_acquire gil;
    py::function compute = py::get_override(static_cast<const Base*>(this), "compute_output_shape");
    if (!compute) return Base::compute_output_shape_list(input_shapes);
    py::object out = compute(input_shapes.size() == 1 ? py::object(shape_to_tuple(input_shapes[0]))
                                                      : py::object(shapes_to_list(input_shapes)));
    std::vector<Shape> shapes;
    if (py::isinstance<py::list>(out) && py::len(out) > 0 &&
        !py::isinstance<py::int_>(out[py::int_(0)]) && !out[py::int_(0)].is_none()) {
      for (auto shape : out) shapes.push_back(to_shape(shape));
    } else {
      shapes.push_back(to_shape(out));
    }
    return shapes;
  }

  // The subclass's get_config (Keras's: the base config updated with the layer's arguments), so
  // that saving writes what from_config(config) needs.
  nlohmann::json get_config() const override {
    py::gil_scoped_acquire gil;
    if (py::function get_config = py::get_override(static_cast<const Base*>(this), "get_config"))
      return to_json(get_config());
    return Base::get_config();
  }

  void assign_weights(bool trainable, std::vector<SymbolicTensor> weights) override {
    (trainable ? assigned_trainable_ : assigned_non_trainable_) = std::move(weights);
  }

  // Keras's split: a frozen layer's weights are all non-trainable, trainable ones first.
  std::vector<SymbolicTensor> trainable_weights() const override {
    if (!assigned()) return Base::trainable_weights();
    return this->trainable() ? own(true) : std::vector<SymbolicTensor>{};
  }
  std::vector<SymbolicTensor> non_trainable_weights() const override {
    if (!assigned()) return Base::non_trainable_weights();
    if (this->trainable()) return own(false);
    return concatenated(own(true), own(false));
  }
  std::vector<SymbolicTensor> weights() const override {
    if (!assigned()) return Base::weights();
    return concatenated(own(true), own(false));
  }

  std::vector<Tensor> get_weights() const override {
    if (!assigned()) return Base::get_weights();
    std::vector<Tensor> out;
    for (const auto& w : weights()) out.push_back(backend::get_value(w).clone());
    return out;
  }
  void set_weights(const std::vector<Tensor>& values) override {
    if (!assigned()) return Base::set_weights(values);
    const auto own = weights();
    if (values.size() != own.size())
      throw std::invalid_argument("You called `set_weights(weights)` on layer \"" + this->name() +
                                  "\" with a weight list of length " +
                                  std::to_string(values.size()) + ", but the layer was expecting " +
                                  std::to_string(own.size()) + " weights.");
    for (std::size_t i = 0; i < own.size(); ++i)
      if (values[i].shape() != own[i].shape())
        throw std::invalid_argument("Layer weight shape " + shape_to_string(own[i].shape()) +
                                    " not compatible with provided weight shape " +
                                    shape_to_string(values[i].shape()) + " (layer " + this->name() +
                                    ", weight " + own[i].name() + ")");
    for (std::size_t i = 0; i < own.size(); ++i) backend::set_value(own[i], values[i]);
  }
  std::int64_t count_params() const override {
    if (!assigned()) return Base::count_params();
    std::int64_t total = 0;
    for (const auto& w : weights()) total += shape_numel(w.shape());
    return total;
  }

  // Besides add_weight's: Keras 1's `self.constraints = {self.W: maxnorm(2)}` (variables as
  // keys), and Keras 2's variable.constraint (K.variable(constraint=)) of weights assigned by hand.
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const override {
    auto out = Base::constraints();
    py::gil_scoped_acquire gil;
    py::object assigned = py::getattr(python_self(), "constraints", py::none());
    if (py::isinstance<py::dict>(assigned))
      for (auto item : assigned.cast<py::dict>())
        if (py::isinstance<SymbolicTensor>(item.first))
          out.emplace_back(py::cast<SymbolicTensor>(item.first),
                           to_constraint(item.second).function());
    for (const auto& w : weights()) {
      const bool constrained = std::any_of(
          out.begin(), out.end(), [&](const auto& c) { return c.first.node() == w.node(); });
      if (constraints::Constraint c = variable_constraint(w); c && !constrained)
        out.emplace_back(w, c.function());
    }
    return out;
  }

 private:
  bool assigned() const { return assigned_trainable_ || assigned_non_trainable_; }
  // Keras's _trainable_weights or _non_trainable_weights: the list assigned, else add_weight's
  // weights of that kind that no assigned list holds.
  std::vector<SymbolicTensor> own(bool trainable) const {
    const auto& assigned = trainable ? assigned_trainable_ : assigned_non_trainable_;
    if (assigned) return *assigned;
    std::vector<SymbolicTensor> out;
    for (auto& w : trainable ? Base::trainable_weights() : Base::non_trainable_weights()) {
      auto held = [&](const auto& list) {
        return list && std::any_of(list->begin(), list->end(),
                                   [&](const SymbolicTensor& a) { return a.node() == w.node(); });
      };
      if (!held(assigned_trainable_) && !held(assigned_non_trainable_)) out.push_back(w);
    }
    return out;
  }
  static std::vector<SymbolicTensor> concatenated(std::vector<SymbolicTensor> a,
                                                  const std::vector<SymbolicTensor>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  // The Python object of this layer (it exists: the layer was made in Python).
  py::object python_self() const {
    if (self_) return *self_;
    return py::cast(static_cast<const Base*>(this), py::return_value_policy::reference);
  }

  std::string class_name_;
  std::shared_ptr<py::object> self_;
  std::optional<bool> stateful_;
  std::optional<std::vector<SymbolicTensor>> assigned_trainable_, assigned_non_trainable_;
};
using PyLayer = PyLayerOf<Layer>;
using PyWrapper = PyLayerOf<layers::Wrapper>;

}  // namespace keras::python
