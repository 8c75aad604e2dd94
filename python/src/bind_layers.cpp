// keras_cpp.layers: the Layer base and the layers the C++ side has, with Keras 1 and 2 keywords.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/activations.h"
#include "keras/backend/backend.h"
#include "keras/backend/learning_phase.h"
#include "keras/engine/layer.h"
#include "keras/engine/training.h"
#include "keras/initializers.h"
#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/core.h"
#include "keras/layers/merge.h"
#include "keras/layers/recurrent.h"
#include "keras/layers/wrappers.h"
#include "layer_args.h"
#include "python_layer.h"

namespace keras::python {

namespace {

// The Layer keywords a Python subclass passes to Layer.__init__(**kwargs).
struct PyLayerOptions {
  std::optional<std::int64_t> input_dim{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

}  // namespace

void keep_python_layer(py::handle layer) {
  if (auto* python_layer = dynamic_cast<PythonDefined*>(layer.cast<Layer*>()))
    python_layer->keep_python_object(layer);
}

namespace {

// Keras's layer.build(shape) called by hand marks the layer built, as its first call does
// (through the engine's protected setter, named by a class derived from Layer).
struct MarkBuilt : Layer {
  static void mark(Layer& layer) { (layer.*(&MarkBuilt::set_built))(true); }
};

// Keras's layer(x, training=True / False): the call is traced with the learning phase fixed, so
// the layer's in_train_phase picks its branch then (Dropout(0.5)(x, training=True) drops at
// inference too). None or K.learning_phase() leave the phase to run time (nullopt).
std::optional<int> phase_for_call(py::handle training) {
  if (training.is_none()) return std::nullopt;
  if (py::isinstance<SymbolicTensor>(training)) {
    if (training.cast<SymbolicTensor>() == backend::learning_phase()) return std::nullopt;
    throw py::type_error(
        "training= takes True, False, 0, 1, None or K.learning_phase(); other tensors are "
        "not supported, got " +
        py::repr(training).cast<std::string>());
  }
  if (!py::isinstance<py::bool_>(training) && !py::isinstance<py::int_>(training))
    raise_argument_type_error(training, "training", "True, False, 0, 1 or None");
  return training.cast<bool>() ? 1 : 0;
}

// Keras's layer(x, mask=m): the call reads m (one per input; None for no mask) as its inputs'
// masks in place of those the inputs carry.
void use_masks_for_call(std::vector<KerasTensor>& inputs, py::handle mask) {
  if (mask.is_none()) return;
  std::vector<SymbolicTensor> masks;
  if (py::isinstance<SymbolicTensor>(mask)) {
    masks.push_back(mask.cast<SymbolicTensor>());
  } else {
    if (!py::isinstance<py::list>(mask) && !py::isinstance<py::tuple>(mask))
      raise_argument_type_error(mask, "mask", "a tensor, a list of tensors (or None) or None");
    for (py::handle m : mask)
      masks.push_back(m.is_none() ? SymbolicTensor() : m.cast<SymbolicTensor>());
  }
  if (masks.size() != inputs.size())
    throw py::value_error("mask= gives " + std::to_string(masks.size()) + " masks for a call on " +
                          std::to_string(inputs.size()) + " input tensors");
  for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i] = inputs[i].with_mask(masks[i]);
}

// add_weight's initializer: any form a layer takes (layer_args.h); glorot_uniform by default.
initializers::Initializer to_initializer(py::handle obj) {
  return initializers::get(obj.is_none() ? std::string("glorot_uniform") : initializer_name(obj));
}

// keras.layers.Wrapper, the base of TimeDistributed and Bidirectional, subclassed in Python as
// Keras's: __init__(layer, **kwargs) through Wrapper.__init__ (keras_cpp/layers/wrappers.py),
// `self.layer`, build(input_shape=None), the wrapped layer's weights as the wrapper's, and
// get_config holding it under "layer".
void bind_wrapper(py::module_& m) {
  py::class_<layers::Wrapper, PyWrapper, Layer, std::shared_ptr<layers::Wrapper>>(
      m, "Wrapper", py::dynamic_attr(),
      "Keras's abstract wrapper: a layer around another layer (self.layer), whose weights, "
      "losses and updates are the wrapper's. Subclass it in Python as in Keras: "
      "__init__(layer, **kwargs), build(input_shape) building self.layer, call(x) using it.")
      .def(py::init([](const std::string& class_name, py::object layer, py::kwargs kwargs) {
             if (!py::isinstance<Layer>(layer))
               raise_argument_type_error(layer, "layer", "a layer (or a model)");
             keep_python_layer(layer);  // a layer written in Python lives as long as its wrapper
             PyLayerOptions o;
             std::optional<bool> trainable = take_layer_kwargs(o, kwargs);
             auto wrapper = std::make_shared<PyWrapper>(class_name, layer.cast<LayerPtr>(),
                                                        layer_arguments(o));
             if (trainable) wrapper->set_trainable(*trainable);
             return wrapper;
           }),
           py::arg("class_name"), py::arg("layer"))
      .def_property_readonly("layer", &layers::Wrapper::layer)
      // super().build() or super().build(input_shape) in a Python wrapper: the wrapper is built
      // (Keras's); TimeDistributed and Bidirectional build as the layers they are.
      .def(
          "build",
          [](layers::Wrapper& wrapper, py::object shape) {
            if (dynamic_cast<PythonDefined*>(&wrapper) || shape.is_none()) return;
            wrapper.build(to_shape(shape));
          },
          py::arg("input_shape") = py::none())
      .attr("_arguments") = [] {
    py::list arguments;  // Keras's Wrapper(layer, **kwargs)
    arguments.append(py::make_tuple("layer", py::none(), true, py::list()));
    return arguments;
  }();
}

// Keras's `layer.trainable_weights = [...]`: a list of variables, on a layer written in Python.
void assign_weights(Layer& layer, bool trainable, py::handle weights) {
  auto* python_layer = dynamic_cast<PythonDefined*>(&layer);
  const char* what = trainable ? "trainable_weights" : "non_trainable_weights";
  if (!python_layer)
    throw py::attribute_error(std::string(what) + " of layer " + layer.name() + " (" +
                              layer.class_name() + ") are its own: only layers written in " +
                              "Python assign theirs");
  std::vector<SymbolicTensor> variables;
  for (py::handle item : py::iter(weights)) {
    if (!py::isinstance<SymbolicTensor>(item) ||
        item.cast<SymbolicTensor>().node()->op != backend::OpKind::kVariable)
      throw py::type_error(std::string(what) + " of layer " + layer.name() +
                           " must be a list of variables (K.variable, an initializer's " +
                           "result, add_weight), got " + py::repr(item).cast<std::string>());
    variables.push_back(item.cast<SymbolicTensor>());
  }
  python_layer->assign_weights(trainable, std::move(variables));
}

// Keras's _Merge.compute_mask checks its lists first (the base Layer's passes any mask on).
void check_merge_mask_lists(const Layer& layer, py::handle inputs, py::handle mask) {
  using namespace layers;
  if (!dynamic_cast<const ElementwiseMerge*>(&layer) && !dynamic_cast<const Concatenate*>(&layer) &&
      !dynamic_cast<const Dot*>(&layer))
    return;
  const bool mask_list = py::isinstance<py::list>(mask) || py::isinstance<py::tuple>(mask);
  const bool inputs_list = py::isinstance<py::list>(inputs) || py::isinstance<py::tuple>(inputs);
  const std::string wrong =
      mask_list && !inputs_list ? "got a list of masks for one input; `inputs` should be a list"
      : inputs_list && !mask.is_none() && !mask_list
          ? "`mask` should be a list (one mask or None per input)"
      : mask_list && py::len(mask) != py::len(inputs)
          ? "the lists `inputs` and `mask` should have the same length, got " +
                std::to_string(py::len(inputs)) + " and " + std::to_string(py::len(mask))
          : "";
  if (!wrong.empty()) throw py::value_error("Layer " + layer.name() + ": compute_mask " + wrong);
}

// Layer.compute_mask(inputs, mask) as Keras takes it: inputs a tensor or a list, mask a tensor,
// None or a list (one per input). Masks that are not tensors (numbers, arrays: Keras's base
// compute_mask never looks inside) are passed on as they are by a layer that supports masking
// and refused with TypeError by one that does not, as Keras's base does.
py::object compute_mask_from_python(const Layer& layer, py::handle inputs, py::handle mask) {
  check_merge_mask_lists(layer, inputs, mask);
  const bool mask_list = py::isinstance<py::list>(mask) || py::isinstance<py::tuple>(mask);
  const bool inputs_list = py::isinstance<py::list>(inputs) || py::isinstance<py::tuple>(inputs);
  bool symbolic = true, any_mask = !mask.is_none();
  if (mask_list) {
    any_mask = false;
    for (auto m : mask) {
      any_mask = any_mask || !m.is_none();
      symbolic = symbolic && (m.is_none() || py::isinstance<SymbolicTensor>(m));
    }
  } else if (!mask.is_none()) {
    symbolic = py::isinstance<SymbolicTensor>(mask);
  }
  if (!symbolic) {
    if (layer.supports_masking()) return py::reinterpret_borrow<py::object>(mask);
    if (any_mask)
      throw py::type_error("Layer " + layer.name() +
                           " does not support masking, but was passed an input_mask: " +
                           py::repr(mask).cast<std::string>());
    return py::none();
  }
  std::vector<SymbolicTensor> xs;
  auto add_input = [&](py::handle x) {
    if (!py::isinstance<SymbolicTensor>(x))
      throw py::type_error("compute_mask() of layer " + layer.name() +
                           ": inputs must be a tensor or a list of tensors, got " +
                           py::repr(x).cast<std::string>());
    xs.push_back(x.cast<SymbolicTensor>());
  };
  if (inputs_list)
    for (auto x : inputs) add_input(x);
  else
    add_input(inputs);
  std::vector<SymbolicTensor> masks;
  if (mask_list)
    for (auto m : mask) masks.push_back(m.is_none() ? SymbolicTensor() : m.cast<SymbolicTensor>());
  else if (!mask.is_none())
    masks.push_back(mask.cast<SymbolicTensor>());
  // super().compute_mask(...) from a Python layer: the base's.
  const bool python_layer = dynamic_cast<const PythonDefined*>(&layer) != nullptr;
  if (xs.size() == 1) {
    const SymbolicTensor m = masks.empty() ? SymbolicTensor() : masks.front();
    return mask_or_none(python_layer ? layer.Layer::compute_mask(xs.front(), m)
                                     : layer.compute_mask(xs.front(), m));
  }
  const std::vector<SymbolicTensor> out =
      python_layer ? layer.Layer::compute_mask_list(xs, masks) : layer.compute_mask_list(xs, masks);
  std::vector<SymbolicTensor> masks_out = out;
  // A model not called on other tensors yet: the masks of its outputs on its own inputs.
  if (const auto* model = dynamic_cast<const Model*>(&layer); model && out.empty())
    for (const auto& y : model->outputs()) masks_out.push_back(y.keras_mask());
  if (masks_out.size() == 1) return mask_or_none(masks_out.front());  // one output (a merge)
  py::list result;
  for (const auto& m : masks_out) result.append(mask_or_none(m));
  return result;
}
}  // namespace

void bind_layers(py::module_& root) {
  py::module_ m = root.def_submodule("layers");

  py::class_<Layer, PyLayer, std::shared_ptr<Layer>>(
      m, "Layer", py::dynamic_attr(),
      "The base of every Keras layer. Subclass it in Python as in Keras: __init__(**kwargs) "
      "passing the Layer keywords on, build(input_shape) with add_weight, call(x) with "
      "keras_cpp.backend ops, compute_output_shape(input_shape).")
      // Python's Layer.__init__(self, **kwargs) (keras_cpp/layers/__init__.py) passes the
      // subclass's name on.
      .def(py::init([](const std::string& class_name, py::kwargs kwargs) {
             PyLayerOptions o;
             std::optional<bool> trainable = take_layer_kwargs(o, kwargs);
             auto layer = std::make_shared<PyLayer>(class_name, layer_arguments(o));
             if (trainable) layer->set_trainable(*trainable);
             return layer;
           }),
           py::arg("class_name"))
      .def(
          "add_weight",
          [](Layer& layer, const std::string& name, py::object shape, py::object dtype,
             py::object initializer, py::object regularizer, bool trainable,
             py::object constraint) {
            if (!dtype.is_none() && to_dtype(dtype) != backend::floatx())
              throw py::value_error("add_weight: weights have the dtype floatx() (" +
                                    std::string(dtype_name(backend::floatx())) + "), got " +
                                    py::str(dtype).cast<std::string>());
            SymbolicTensor weight = layer.add_weight(
                name, to_shape(shape), to_initializer(initializer), trainable,
                to_regularizer(regularizer).function(), to_constraint(constraint).function());
            set_variable_constraint(weight, constraint);  // weight.constraint, as Keras's
            return weight;
          },
          py::arg("name"), py::arg("shape"), py::arg("dtype") = py::none(),
          py::arg("initializer") = py::none(), py::arg("regularizer") = py::none(),
          py::arg("trainable") = true, py::arg("constraint") = py::none())
      // Keras 2.2.4's add_loss(losses, inputs=None) and add_update(updates, inputs=None): a
      // tensor (an update: K.update*'s (variable, new value)) or a list of them. `inputs` makes
      // them conditional on those inputs in Keras; a model here collects every loss and update
      // its layers add, which is what Keras's Model.losses / updates hold for its own inputs.
      .def(
          "add_loss",
          [](Layer& layer, py::object losses, py::object) {
            if (losses.is_none()) return;
            // Keras takes plain numbers too (a constant term of the total loss).
            auto add = [&layer](py::handle loss) {
              if (py::isinstance<SymbolicTensor>(loss))
                layer.add_loss(loss.cast<SymbolicTensor>());
              else if (py::isinstance<py::float_>(loss) || py::isinstance<py::int_>(loss))
                layer.add_loss(backend::constant(loss.cast<double>()));
              else
                throw py::type_error("add_loss takes a tensor, a number or a list of them, got " +
                                     py::repr(loss).cast<std::string>());
            };
            const bool one = py::isinstance<SymbolicTensor>(losses) ||
                             py::isinstance<py::float_>(losses) ||
                             py::isinstance<py::int_>(losses) || !py::hasattr(losses, "__iter__");
            if (one) return add(losses);
            for (py::handle loss : py::iter(losses)) add(loss);
          },
          py::arg("losses"), py::arg("inputs") = py::none())
      .def(
          "add_update",
          [](Layer& layer, py::object updates, py::object) {
            if (updates.is_none()) return;
            auto is_update = [](py::handle u) {
              return py::isinstance<py::tuple>(u) && py::len(u) == 2 &&
                     py::isinstance<SymbolicTensor>(u[py::int_(0)]) &&
                     py::isinstance<SymbolicTensor>(u[py::int_(1)]);
            };
            std::vector<py::object> items;
            if (is_update(updates))
              items.push_back(updates);
            else
              for (py::handle u : py::iter(updates))
                items.push_back(py::reinterpret_borrow<py::object>(u));
            for (const py::object& u : items) {
              if (!is_update(u))
                throw py::type_error(
                    "add_update takes updates as K.update / K.update_add / K.update_sub make "
                    "them ((variable, new value) pairs), got " +
                    py::repr(u).cast<std::string>());
              auto variable = u[py::int_(0)].cast<SymbolicTensor>();
              layer.add_update(variable, u[py::int_(1)].cast<SymbolicTensor>());
            }
          },
          py::arg("updates"), py::arg("inputs") = py::none())
      .def_property_readonly("name", &Layer::name)
      .def_property_readonly("class_name", &Layer::class_name)
      .def_property("trainable", &Layer::trainable, &Layer::set_trainable)
      // Keras 2 layers may set self.built = True at the end of build(); the engine marks a layer
      // built once build() returns, so setting it is accepted and changes nothing.
      .def_property("built", &Layer::built, [](Layer&, bool) {})
      .def(
          "build",
          [](Layer& layer, py::object shape) {
            // super().build(input_shape) from a Python layer: the base's (nothing to do).
            if (dynamic_cast<PythonDefined*>(&layer)) return;
            layer.build(to_shape(shape));
            MarkBuilt::mark(layer);  // a later call must not build (add the weights) again
          },
          py::arg("input_shape"))
      .def(
          "__call__",
          [](py::object self, py::object x, py::object initial_state, py::object training,
             py::object mask) -> py::object {
            Layer& layer = self.cast<Layer&>();
            keep_python_layer(self);
            // A tensor, or a list (merges; an RNN's [x, initial states...]).
            std::vector<KerasTensor> inputs = py::isinstance<SymbolicTensor>(x)
                                                  ? std::vector<KerasTensor>{x.cast<KerasTensor>()}
                                                  : x.cast<std::vector<KerasTensor>>();
            use_masks_for_call(inputs, mask);  // mask= is for these, not the initial states
            if (!initial_state.is_none()) {
              if (!dynamic_cast<layers::Recurrent*>(&layer) &&
                  !dynamic_cast<layers::RNN*>(&layer) &&
                  !dynamic_cast<layers::ConvRNN2D*>(&layer) &&
                  !dynamic_cast<layers::Bidirectional*>(&layer))
                throw py::type_error("call() of " + layer.class_name() +
                                     " got an unexpected keyword argument 'initial_state'");
              if (py::isinstance<SymbolicTensor>(initial_state))
                inputs.push_back(initial_state.cast<KerasTensor>());
              else
                for (const auto& state : initial_state.cast<std::vector<KerasTensor>>())
                  inputs.push_back(state);
            }
            // Keras returns a list when a layer has several outputs (return_state,
            // Bidirectional's merge_mode=None).
            // The call's keyword arguments, kept in its node (and the model's config) as Keras.
            nlohmann::json arguments = nlohmann::json::object();
            if (auto phase = phase_for_call(training)) arguments["training"] = *phase == 1;
            std::vector<KerasTensor> outputs = layer.apply(inputs, arguments);
            if (outputs.size() == 1) return py::cast(outputs.front());
            return py::cast(outputs);
          },
          py::arg("inputs"), py::arg("initial_state") = py::none(),
          py::arg("training") = py::none(), py::arg("mask") = py::none())
      // The node_index-th call's tensors and shapes (a layer shared by several inputs).
      .def("get_input_at", &Layer::get_input_at, py::arg("node_index"))
      .def("get_output_at", &Layer::get_output_at, py::arg("node_index"))
      // Every input tensor of a call (none for an InputLayer): get_source_inputs walks them.
      .def("_get_inputs_at", &Layer::get_inputs_at, py::arg("node_index"))
      .def("_get_outputs_at", &Layer::get_outputs_at, py::arg("node_index"))
      // Keras's Node objects (keras_cpp.engine.topology.Node) are made from these.
      .def_property_readonly("_node_count", [](const Layer& l) { return l.inbound_nodes().size(); })
      .def("_outbound_node_refs", &Layer::outbound_nodes)
      .def(
          "get_input_shape_at",
          [](const Layer& l, int node_index) {
            return shape_to_tuple(l.get_input_shape_at(node_index));
          },
          py::arg("node_index"))
      .def(
          "get_output_shape_at",
          [](const Layer& l, int node_index) {
            return shape_to_tuple(l.get_output_shape_at(node_index));
          },
          py::arg("node_index"))
      .def(
          "call",
          [](Layer& layer, const SymbolicTensor& x) {
            if (dynamic_cast<PythonDefined*>(&layer))  // super().call(x): the identity, as Keras's
              return x;
            return layer.call(x);
          },
          py::arg("inputs"))
      // Keras's call of a layer of several inputs or outputs (an RNN's [x, initial states...]
      // to [output, final states...]): the layer's own computation, without a node.
      .def(
          "_call_list",
          [](Layer& layer, const std::vector<SymbolicTensor>& inputs, py::object mask,
             py::object training) {
            backend::LearningPhaseScope phase(phase_for_call(training));
            std::vector<SymbolicTensor> masks(inputs.size());  // mask= is the first input's
            if (!mask.is_none() && !masks.empty()) masks[0] = mask.cast<SymbolicTensor>();
            return layer.call_list(inputs, masks);
          },
          py::arg("inputs"), py::arg("mask") = py::none(), py::arg("training") = py::none())
      .def(
          "compute_output_shape",
          [](const Layer& layer, py::object shape) -> py::object {
            const bool python_layer = dynamic_cast<const PythonDefined*>(&layer) != nullptr;
            // A list of shapes (a layer or model of several inputs): one shape per output, a
            // list when there are several, as Keras's.
            if (py::isinstance<py::list>(shape) && py::len(shape) > 0 &&
                !py::isinstance<py::int_>(shape[py::int_(0)]) && !shape[py::int_(0)].is_none()) {
              std::vector<Shape> shapes;
              for (auto one : shape) shapes.push_back(to_shape(one));
              const std::vector<Shape> out = python_layer
                                                 ? layer.Layer::compute_output_shape_list(shapes)
                                                 : layer.compute_output_shape_list(shapes);
              if (out.size() == 1) return shape_to_tuple(out.front());
              return shapes_to_list(out);
            }
            if (python_layer)  // super(): the input shape, as Keras's
              return shape_to_tuple(layer.Layer::compute_output_shape(to_shape(shape)));
            return shape_to_tuple(layer.compute_output_shape(to_shape(shape)));
          },
          py::arg("input_shape"))
      // Python layers set it in __init__ (after Layer.__init__) as in Keras.
      .def_property("supports_masking", &Layer::supports_masking,
                    [](Layer& layer, bool supports) {
                      auto* python_layer = dynamic_cast<PythonDefined*>(&layer);
                      if (!python_layer)
                        throw py::attribute_error("supports_masking of " + layer.class_name() +
                                                  " is fixed by the layer");
                      python_layer->set_supports_masking(supports);
                    })
      .def("compute_mask", &compute_mask_from_python, py::arg("inputs"),
           py::arg("mask") = py::none())
      .def("get_config",
           [](const Layer& layer) {
             // super().get_config() from a Python layer: the base's (name, trainable, ...).
             if (auto* python_layer = dynamic_cast<const PythonDefined*>(&layer))
               return from_json(python_layer->base_config());
             return from_json(layer.get_config());
           })
      // Stateful recurrent layers (and models holding them) keep their states between batches.
      .def_property("stateful", &Layer::stateful,
                    [](Layer& layer, bool stateful) {
                      auto* python_layer = dynamic_cast<PythonDefined*>(&layer);
                      if (!python_layer)
                        throw py::attribute_error(
                            "stateful of layer " + layer.name() + " (" + layer.class_name() +
                            ") is set by its constructor argument stateful=, not afterwards");
                      python_layer->set_stateful(stateful);
                    })
      .def("reset_states", &Layer::reset_states)
      .def("get_weights", &Layer::get_weights)
      .def("set_weights", &Layer::set_weights, py::arg("weights"))
      .def("count_params", &Layer::count_params)
      .def_property_readonly("weights", [](const Layer& l) { return to_list(l.weights()); })
      .def_property(
          "trainable_weights", [](const Layer& l) { return to_list(l.trainable_weights()); },
          [](Layer& l, py::handle weights) { assign_weights(l, true, weights); })
      .def_property(
          "non_trainable_weights",
          [](const Layer& l) { return to_list(l.non_trainable_weights()); },
          [](Layer& l, py::handle weights) { assign_weights(l, false, weights); })
      .def_property_readonly("losses", [](const Layer& l) { return to_list(l.losses()); })
      // Keras's layer.updates (a model's: those of the layer calls inside it), as (variable,
      // new value) pairs, the form Keras's Theano backend gives; none for a frozen layer that
      // keeps no states, as in Keras.
      .def_property_readonly("updates",
                             [](const Layer& l) {
                               py::list out;
                               if (!l.trainable() && !l.stateful()) return out;
                               for (const auto& u : l.updates())
                                 out.append(py::make_tuple(u.variable, u.new_value));
                               return out;
                             })
      .def_property_readonly("input", &Layer::input)
      .def_property_readonly("output", &Layer::output)
      .def_property_readonly("input_shape",
                             [](const Layer& l) { return shape_to_tuple(l.input_shape()); })
      .def_property_readonly("output_shape",
                             [](const Layer& l) { return shape_to_tuple(l.output_shape()); })
      .def_property_readonly("batch_input_shape",
                             [](const Layer& l) -> py::object {
                               if (!l.batch_input_shape()) return py::none();
                               return shape_to_tuple(*l.batch_input_shape());
                             })
      .def("__repr__", [](py::handle self) {
        if (!cpp_object_constructed(self)) return unconstructed_repr(self);
        const Layer& l = self.cast<const Layer&>();
        return "<keras_cpp.layers." + l.class_name() + " '" + l.name() + "'>";
      });
  bind_wrapper(m);
}

}  // namespace keras::python
