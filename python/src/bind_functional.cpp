// The functional API: Input(), Model(inputs, outputs) and its fit/evaluate/predict on lists and
// dicts of numpy arrays, compile with loss / metrics / loss_weights lists or dicts; the merge
// layers (Add, ..., Concatenate, Dot) and Keras 1's merge(mode=...).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/callbacks.h"
#include "keras/engine/topology.h"
#include "keras/engine/training.h"
#include "keras/layers/merge.h"
#include "layer_args.h"
#include "option_kwargs.h"
#include "training_args.h"

namespace keras::python {
namespace {

using namespace keras::layers;
using ModelClass = py::class_<Model, Layer, std::shared_ptr<Model>>;

std::vector<SymbolicTensor> to_tensor_list(py::handle obj) {
  if (py::isinstance<SymbolicTensor>(obj)) return {obj.cast<SymbolicTensor>()};
  std::vector<SymbolicTensor> out;
  for (py::handle item : obj) out.push_back(item.cast<SymbolicTensor>());
  return out;
}

// One array for the tensor `like`: inputs in its dtype; targets too when floating (integer
// class ids stay integers for the sparse losses).
Tensor array_for(py::handle a, const SymbolicTensor& like, bool target) {
  if (!target) return to_tensor(a, like.dtype());
  Tensor t = to_tensor(a);
  if (is_floating(t.dtype()) && t.dtype() != like.dtype()) return to_tensor(a, like.dtype());
  return t;
}

// Keras's x / y of a model of several inputs / outputs: one array, a list in order, or a dict
// by input / output name.
Arrays to_arrays(py::handle obj, const std::vector<SymbolicTensor>& tensors,
                 const std::vector<std::string>& names, bool target, const char* what = nullptr) {
  if (py::isinstance<py::dict>(obj)) {
    std::map<std::string, Tensor> by_name;
    for (auto item : obj.cast<py::dict>()) {
      auto name = item.first.cast<std::string>();
      std::size_t i = 0;
      while (i < names.size() && names[i] != name) ++i;
      if (i == names.size())
        throw py::value_error("No such " +
                              std::string(what     ? what
                                          : target ? "output"
                                                   : "input") +
                              " in the model: " + name);
      by_name[name] = array_for(item.second, tensors[i], target);
    }
    return Arrays(std::move(by_name));
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    std::vector<Tensor> list;
    std::size_t i = 0;
    for (py::handle item : obj) {
      list.push_back(i < tensors.size() ? array_for(item, tensors[i], target) : to_tensor(item));
      ++i;
    }
    return Arrays(std::move(list));
  }
  return Arrays(array_for(obj, tensors.at(0), target));
}

Arrays model_x(Model& m, py::handle x) {
  return to_arrays(x, m.inputs(), m.input_names(), false);
}
Arrays model_y(Model& m, py::handle y) {
  return to_arrays(y, m.outputs(), m.output_names(), true);
}
// sample_weight: one array (for every output), a list, or a dict by output name; floats in the
// outputs' dtype.
std::optional<Arrays> model_weights(Model& m, py::handle w) {
  if (w.is_none()) return std::nullopt;
  return to_arrays(w, m.outputs(), m.output_names(), false, "output");
}

LossSpec to_loss_spec(py::handle obj) {
  if (py::isinstance<py::dict>(obj)) {
    std::map<std::string, LossArg> by_name;
    for (auto item : obj.cast<py::dict>())
      by_name[item.first.cast<std::string>()] = to_loss(item.second);
    return LossSpec(std::move(by_name));
  }
  if (py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj)) {
    std::vector<LossArg> list;
    for (py::handle item : obj) list.push_back(to_loss(item));
    return LossSpec(std::move(list));
  }
  return LossSpec(to_loss(obj));
}

std::vector<MetricArg> to_metric_list(py::handle obj) {
  std::vector<MetricArg> list;
  if (py::isinstance<py::str>(obj) || PyCallable_Check(obj.ptr())) {
    list.push_back(to_metric(obj));
    return list;
  }
  for (py::handle item : obj) list.push_back(to_metric(item));
  return list;
}

MetricsSpec to_metrics_spec(py::handle obj) {
  if (obj.is_none()) return {};
  if (py::isinstance<py::dict>(obj)) {
    std::map<std::string, std::vector<MetricArg>> by_name;
    for (auto item : obj.cast<py::dict>())
      by_name[item.first.cast<std::string>()] = to_metric_list(item.second);
    return MetricsSpec(std::move(by_name));
  }
  return MetricsSpec(to_metric_list(obj));
}

LossWeightsSpec to_loss_weights(py::handle obj) {
  if (obj.is_none()) return {};
  if (py::isinstance<py::dict>(obj))
    return LossWeightsSpec(obj.cast<std::map<std::string, double>>());
  return LossWeightsSpec(obj.cast<std::vector<double>>());
}

MergeLayerOptions merge_options(py::dict& kwargs) {
  MergeLayerOptions o;
  take(kwargs, "name", o.name);
  take(kwargs, "trainable", o.trainable);
  reject_unknown_kwargs(kwargs);
  return o;
}

template <typename L>
void bind_elementwise(py::module_& m, const char* name, const char* function_name) {
  py::class_<L, ElementwiseMerge, std::shared_ptr<L>>(m, name).def(
      py::init([](py::kwargs kwargs) { return std::make_shared<L>(merge_options(kwargs)); }));
  m.def(
      function_name,
      [](py::object inputs, py::kwargs kwargs) {
        return (*std::make_shared<L>(merge_options(kwargs)))(to_tensor_list(inputs));
      },
      py::arg("inputs"));
}

// Keras 1's merge arguments: mode a name or a Python function of the list of tensors (traced
// once), output_shape a tuple or a Python function of the list of input shapes.
MergeOptions to_merge_options(py::object mode, int concat_axis, py::object dot_axes,
                              py::object output_shape, py::object name) {
  MergeOptions o;
  if (py::isinstance<py::str>(mode)) {
    o.mode = MergeMode(mode.cast<std::string>());
  } else {
    auto fn = hold(mode);
    o.mode = MergeMode([fn](const std::vector<SymbolicTensor>& inputs) {
      py::gil_scoped_acquire gil;
      py::list list;
      for (const auto& x : inputs) list.append(py::cast(x));
      return (*fn)(list).cast<SymbolicTensor>();
    });
  }
  o.concat_axis = concat_axis;
  if (!dot_axes.is_none())
    o.dot_axes = py::isinstance<py::int_>(dot_axes) ? std::vector<int>{dot_axes.cast<int>()}
                                                    : dot_axes.cast<std::vector<int>>();
  if (PyCallable_Check(output_shape.ptr())) {
    auto fn = hold(output_shape);
    o.output_shape = OutputShapeArg([fn](const std::vector<Shape>& shapes) {
      py::gil_scoped_acquire gil;
      py::list list;
      for (const auto& shape : shapes) list.append(shape_to_tuple(shape));
      return to_shape((*fn)(list));
    });
  } else if (!output_shape.is_none()) {
    o.output_shape = OutputShapeArg(to_shape(output_shape));
  }
  if (!name.is_none()) o.name = name.cast<std::string>();
  return o;
}

// A Merge branch: a layer, or a model (Sequential or functional), as the engine's layer.
LayerPtr to_branch(py::handle obj) {
  if (py::isinstance<Layer>(obj)) return obj.cast<LayerPtr>();
  return std::static_pointer_cast<Layer>(obj.cast<std::shared_ptr<Model>>());
}

}  // namespace

void bind_functional(py::module_& root) {
  py::module_ layers = root.attr("layers").cast<py::module_>();
  py::module_ models = root.attr("models").cast<py::module_>();

  layers.def(
      "Input",
      [](py::object shape, py::object batch_shape, py::object name, py::object dtype, bool sparse,
         py::object tensor) {
        if (!tensor.is_none()) return tensor.cast<SymbolicTensor>();
        InputOptions o;
        if (!shape.is_none()) o.shape = to_input_shape(shape, "shape");
        if (!batch_shape.is_none()) o.batch_shape = to_input_shape(batch_shape, "batch_shape");
        if (!name.is_none()) o.name = name.cast<std::string>();
        if (!dtype.is_none()) o.dtype = py::str(dtype).cast<std::string>();
        o.sparse = sparse;
        return Input(o);
      },
      py::arg("shape") = py::none(), py::arg("batch_shape") = py::none(),
      py::arg("name") = py::none(), py::arg("dtype") = py::none(), py::arg("sparse") = false,
      py::arg("tensor") = py::none(),
      "Input(shape=None, batch_shape=None, name=None, dtype=None, sparse=False, tensor=None)");

  LayerClass<InputLayer>(layers, "InputLayer",
                         "InputLayer(input_shape=None, batch_size=None, batch_input_shape=None, "
                         "dtype=None, sparse=False, name=None): the layer behind Input(); its "
                         "output is the input tensor (Keras 1: input_dtype)")
      .def(py::init([](py::object input_shape, py::object batch_size, py::object batch_input_shape,
                       py::object dtype, py::object input_tensor, bool sparse, py::object name,
                       py::object input_dtype) {
             if (!input_tensor.is_none())
               throw py::value_error("InputLayer: input_tensor is not supported by keras_cpp");
             InputLayer::Options o;
             if (!batch_input_shape.is_none()) {
               o.batch_input_shape = to_input_shape(batch_input_shape, "batch_input_shape");
             } else if (!input_shape.is_none()) {
               Shape shape = to_input_shape(input_shape, "input_shape");
               if (!batch_size.is_none()) {
                 shape.insert(shape.begin(), cast_arg<std::int64_t>(batch_size, "batch_size"));
                 o.batch_input_shape = shape;
               } else {
                 o.input_shape = shape;
               }
             }
             if (!name.is_none()) o.name = name.cast<std::string>();
             if (!input_dtype.is_none()) dtype = input_dtype;
             if (!dtype.is_none()) o.dtype = py::str(dtype).cast<std::string>();
             o.sparse = sparse;
             // keras_cpp/layers/__init__.py's __init__ then keeps the output: _make_input().
             return std::make_shared<InputLayer>(o);
           }),
           py::arg("input_shape") = py::none(), py::arg("batch_size") = py::none(),
           py::arg("batch_input_shape") = py::none(), py::arg("dtype") = py::none(),
           py::arg("input_tensor") = py::none(), py::arg("sparse") = false,
           py::arg("name") = py::none(), py::kw_only(), py::arg("input_dtype") = py::none())
      .def("_make_input", &InputLayer::make_input);

  auto model = py::reinterpret_borrow<ModelClass>(models.attr("Model"));
  model
      .def(py::init([](py::object inputs, py::object outputs, std::string name) {
             return std::make_shared<Model>(to_tensor_list(inputs), to_tensor_list(outputs),
                                            std::move(name));
           }),
           py::arg("inputs"), py::arg("outputs"), py::arg("name") = "")
      .def_property_readonly("inputs", [](const Model& m) { return m.inputs(); })
      .def_property_readonly("outputs", [](const Model& m) { return m.outputs(); })
      .def_property_readonly("input_names", &Model::input_names)
      .def_property_readonly("output_names", &Model::output_names)
      .def(
          "summary",
          [](const Model& m, py::object line_length, py::object positions, py::object print_fn) {
            // Keras's default print_fn is Python's print (so sys.stdout redirections see it).
            py::object fn =
                print_fn.is_none() ? py::module_::import("builtins").attr("print") : print_fn;
            std::function<void(const std::string&)> print = [fn](const std::string& line) {
              fn(line);
            };
            m.summary(
                line_length.is_none() ? 0 : line_length.cast<int>(),
                positions.is_none() ? std::vector<double>{} : positions.cast<std::vector<double>>(),
                print);
          },
          py::arg("line_length") = py::none(), py::arg("positions") = py::none(),
          py::arg("print_fn") = py::none())
      .def(
          "_compile_multi",
          [](Model& m, py::object optimizer, py::object loss, py::object metrics,
             py::object loss_weights, py::object sample_weight_mode) {
            CompileOptions o{.optimizer = to_optimizer(optimizer),
                             .loss = to_loss_spec(loss),
                             .metrics = to_metrics_spec(metrics),
                             .loss_weights = to_loss_weights(loss_weights)};
            if (!sample_weight_mode.is_none())
              o.sample_weight_mode = sample_weight_mode.cast<std::string>();
            m.compile(o);
          },
          py::arg("optimizer"), py::arg("loss"), py::arg("metrics") = py::none(),
          py::arg("loss_weights") = py::none(), py::arg("sample_weight_mode") = py::none())
      .def(
          "_fit_arrays",
          [](Model& m, py::object x, py::object y, py::object batch_size, py::object epochs,
             py::object verbose, py::object callback_list, py::object validation_split,
             py::object validation_data, py::object shuffle, py::object initial_epoch,
             py::object class_weight, py::object sample_weight) {
            FitOptions o;
            set_fit_scalars(o, batch_size, epochs, verbose, validation_split, shuffle,
                            initial_epoch);
            o.class_weight = to_class_weight(class_weight);
            o.sample_weight = model_weights(m, sample_weight);
            if (!callback_list.is_none())
              for (py::handle c : py::iter(callback_list))
                o.callbacks.push_back(c.cast<callbacks::CallbackPtr>());
            o.callbacks.push_back(std::make_shared<SignalCheck>());
            Arrays xa = model_x(m, x), ya = model_y(m, y);
            if (!validation_data.is_none()) {
              auto pair = validation_data.cast<py::tuple>();
              if (pair.size() != 2 && pair.size() != 3)
                throw py::value_error(
                    "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                    "val_sample_weights)");
              o.validation_data = std::make_pair(model_x(m, pair[0]), model_y(m, pair[1]));
              if (pair.size() == 3) o.validation_sample_weight = model_weights(m, pair[2]);
            }
            std::shared_ptr<callbacks::History> history;
            {
              py::gil_scoped_release release;
              history = std::make_shared<callbacks::History>(m.fit(xa, ya, o));
            }
            return history;
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("epochs"), py::arg("verbose"),
          py::arg("callbacks"), py::arg("validation_split"), py::arg("validation_data"),
          py::arg("shuffle"), py::arg("initial_epoch"), py::arg("class_weight") = py::none(),
          py::arg("sample_weight") = py::none())
      .def(
          "_evaluate_arrays",
          [](Model& m, py::object x, py::object y, py::object batch_size, py::object verbose,
             py::object sample_weight) {
            Arrays xa = model_x(m, x), ya = model_y(m, y);
            EvaluateOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                              .verbose = cast_arg<int>(verbose, "verbose")};
            o.sample_weight = model_weights(m, sample_weight);
            py::gil_scoped_release release;
            return m.evaluate(xa, ya, o);
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("verbose"),
          py::arg("sample_weight") = py::none())
      .def(
          "_train_on_batch_arrays",
          [](Model& m, py::object x, py::object y, py::object sample_weight,
             py::object class_weight) {
            Arrays xa = model_x(m, x), ya = model_y(m, y);
            Arrays sw = model_weights(m, sample_weight).value_or(Arrays{});
            ClassWeight cw = to_class_weight(class_weight);
            py::gil_scoped_release release;
            return m.train_on_batch(xa, ya, sw, cw);
          },
          py::arg("x"), py::arg("y"), py::arg("sample_weight") = py::none(),
          py::arg("class_weight") = py::none())
      .def(
          "_test_on_batch_arrays",
          [](Model& m, py::object x, py::object y, py::object sample_weight) {
            Arrays xa = model_x(m, x), ya = model_y(m, y);
            Arrays sw = model_weights(m, sample_weight).value_or(Arrays{});
            py::gil_scoped_release release;
            return m.test_on_batch(xa, ya, sw);
          },
          py::arg("x"), py::arg("y"), py::arg("sample_weight") = py::none())
      .def(
          "_predict_on_batch_arrays",
          [](Model& m, py::object x) {
            Arrays xa = model_x(m, x);
            py::gil_scoped_release release;
            return m.predict_on_batch(xa);
          },
          py::arg("x"))
      .def(
          "_predict_arrays",
          [](Model& m, py::object x, py::object batch_size, py::object verbose) {
            Arrays xa = model_x(m, x);
            PredictOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                             .verbose = cast_arg<int>(verbose, "verbose")};
            py::gil_scoped_release release;
            return m.predict(xa, o);
          },
          py::arg("x"), py::arg("batch_size"), py::arg("verbose"));

  LayerClass<ElementwiseMerge>(layers, "_Merge");
  bind_elementwise<Add>(layers, "Add", "add");
  bind_elementwise<Subtract>(layers, "Subtract", "subtract");
  bind_elementwise<Multiply>(layers, "Multiply", "multiply");
  bind_elementwise<Average>(layers, "Average", "average");
  bind_elementwise<Maximum>(layers, "Maximum", "maximum");
  bind_elementwise<Minimum>(layers, "Minimum", "minimum");
  auto concatenate_options = [](int axis, py::dict& kwargs) {
    ConcatenateOptions o{.axis = axis};
    take(kwargs, "name", o.name);
    take(kwargs, "trainable", o.trainable);
    reject_unknown_kwargs(kwargs);
    return o;
  };
  LayerClass<Concatenate>(layers, "Concatenate")
      .def(py::init([concatenate_options](int axis, py::kwargs kwargs) {
             return std::make_shared<Concatenate>(concatenate_options(axis, kwargs));
           }),
           py::arg("axis") = -1);
  layers.def(
      "concatenate",
      [concatenate_options](py::object inputs, int axis, py::kwargs kwargs) {
        return Concatenate(concatenate_options(axis, kwargs))(to_tensor_list(inputs));
      },
      py::arg("inputs"), py::arg("axis") = -1);
  auto dot_options = [](py::object axes, bool normalize, py::dict& kwargs) {
    DotOptions o;
    o.axes = py::isinstance<py::int_>(axes) ? std::vector<int>{axes.cast<int>()}
                                            : axes.cast<std::vector<int>>();
    o.normalize = normalize;
    take(kwargs, "name", o.name);
    take(kwargs, "trainable", o.trainable);
    reject_unknown_kwargs(kwargs);
    return o;
  };
  LayerClass<Dot>(layers, "Dot")
      .def(py::init([dot_options](py::object axes, bool normalize, py::kwargs kwargs) {
             return std::make_shared<Dot>(dot_options(axes, normalize, kwargs));
           }),
           py::arg("axes"), py::arg("normalize") = false);
  layers.def(
      "dot",
      [dot_options](py::object inputs, py::object axes, bool normalize, py::kwargs kwargs) {
        return Dot(dot_options(axes, normalize, kwargs))(to_tensor_list(inputs));
      },
      py::arg("inputs"), py::arg("axes"), py::arg("normalize") = false);

  layers.def(
      "_merge",
      [](py::object inputs, py::object mode, int concat_axis, py::object dot_axes,
         py::object output_shape, py::object name) {
        return merge(to_tensor_list(inputs),
                     to_merge_options(mode, concat_axis, dot_axes, output_shape, name));
      },
      py::arg("inputs"), py::arg("mode") = "sum", py::arg("concat_axis") = -1,
      py::arg("dot_axes") = py::none(), py::arg("output_shape") = py::none(),
      py::arg("name") = py::none());
  LayerClass<Merge>(layers, "_Merge1")
      .def(py::init([](py::object branches, py::object mode, int concat_axis, py::object dot_axes,
                       py::object output_shape, py::object name) {
             MergeOptions o = to_merge_options(mode, concat_axis, dot_axes, output_shape, name);
             if (branches.is_none()) return std::make_shared<Merge>(std::move(o));
             std::vector<LayerPtr> list;
             for (py::handle b : branches) list.push_back(to_branch(b));
             return std::make_shared<Merge>(std::move(list), std::move(o));
           }),
           py::arg("layers") = py::none(), py::arg("mode") = "sum", py::arg("concat_axis") = -1,
           py::arg("dot_axes") = py::none(), py::arg("output_shape") = py::none(),
           py::arg("name") = py::none());
}

}  // namespace keras::python
