// Model (one class: Sequential is a Model), its compile / fit / evaluate / predict and generator
// methods, and callbacks. fit/evaluate/predict run with the GIL released; Python
// callbacks take it back, and every batch checks for Ctrl-C (KeyboardInterrupt ends fit).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/callbacks.h"
#include "keras/engine/feed.h"
#include "keras/engine/training.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/metrics/stateful.h"
#include "keras/models.h"
#include "keras/optimizers.h"
#include "layer_args.h"
#include "training_args.h"

namespace keras::python {

namespace {

using callbacks::Callback;
using callbacks::Logs;

py::dict logs_to_dict(const Logs& logs) {
  py::dict out;
  for (const auto& [key, value] : logs) {
    if (key == "batch" || key == "size")
      out[py::str(key)] = static_cast<std::int64_t>(value);
    else
      out[py::str(key)] = value;
  }
  return out;
}

Logs dict_to_logs(py::handle obj) {
  Logs logs;
  if (obj.is_none()) return logs;
  for (auto item : obj.cast<py::dict>()) {
    py::object value = py::reinterpret_borrow<py::object>(item.second);
    PyObject* number = PyNumber_Float(value.ptr());
    if (!number) {
      PyErr_Clear();  // not a number: Python-only entries stay on the Python side
      continue;
    }
    logs[py::str(item.first).cast<std::string>()] = PyFloat_AsDouble(number);
    Py_DECREF(number);
  }
  return logs;
}

// Python subclasses of keras_cpp.callbacks.Callback: each hook the subclass defines is called
// with (epoch or batch, logs dict); what it writes into logs goes back to the C++ logs.
class PyCallback : public Callback {
 public:
  void on_train_begin(Logs& logs) override { dispatch("on_train_begin", nullptr, logs); }
  void on_train_end(Logs& logs) override { dispatch("on_train_end", nullptr, logs); }
  void on_epoch_begin(int epoch, Logs& logs) override { dispatch("on_epoch_begin", &epoch, logs); }
  void on_epoch_end(int epoch, Logs& logs) override { dispatch("on_epoch_end", &epoch, logs); }
  void on_batch_begin(int batch, Logs& logs) override { dispatch("on_batch_begin", &batch, logs); }
  void on_batch_end(int batch, Logs& logs) override { dispatch("on_batch_end", &batch, logs); }

 private:
  void dispatch(const char* name, const int* index, Logs& logs) {
    py::gil_scoped_acquire gil;
    py::function override = py::get_override(static_cast<const Callback*>(this), name);
    if (!override) return;
    py::dict dict = logs_to_dict(logs);
    if (index)
      override(*index, dict);
    else
      override(dict);
    for (const auto& [key, value] : dict_to_logs(dict)) logs[key] = value;
  }
};

void set_callback_model(py::object self, py::object model) {
  Callback& c = self.cast<Callback&>();
  py::dict attributes = self.attr("__dict__");
  if (py::isinstance<Model>(model)) {
    c.set_model(model.cast<Model*>());
    if (attributes.contains("_python_model"))
      PyDict_DelItemString(attributes.ptr(), "_python_model");
    return;
  }
  c.set_model(nullptr);
  attributes["_python_model"] = model;
}

// Added to every fit from Python: lets Ctrl-C (and other signal handlers) run between batches.
// A raised KeyboardInterrupt leaves fit through the C++ stack as error_already_set.

}  // namespace

OptimizerArg to_optimizer(py::handle obj) {
  if (py::isinstance<py::str>(obj)) return OptimizerArg(obj.cast<std::string>());
  return OptimizerArg(obj.cast<std::shared_ptr<optimizers::Optimizer>>());
}

LossArg to_loss(py::handle obj) {
  if (py::isinstance<py::str>(obj)) return LossArg(obj.cast<std::string>());
  if (!PyCallable_Check(obj.ptr()))
    throw py::type_error("loss must be a name or a function of (y_true, y_pred)");
  std::string name =
      py::hasattr(obj, "__name__") ? obj.attr("__name__").cast<std::string>() : "custom_loss";
  if (is_builtin_function(obj)) return LossArg(name);
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  return LossArg(
      [fn](const SymbolicTensor& t, const SymbolicTensor& p) { return call_symbolic(fn, t, p); },
      name);
}

MetricArg to_metric(py::handle obj) {
  if (py::isinstance<py::str>(obj)) return MetricArg(obj.cast<std::string>());
  if (!PyCallable_Check(obj.ptr()))
    throw py::type_error("a metric must be a name or a function of (y_true, y_pred)");
  // Keras names a metric by its `name` (a metric layer's), else its function's __name__.
  std::string name = py::hasattr(obj, "name") && py::isinstance<py::str>(obj.attr("name"))
                         ? obj.attr("name").cast<std::string>()
                     : py::hasattr(obj, "__name__") ? obj.attr("__name__").cast<std::string>()
                                                    : "custom_metric";
  if (is_builtin_function(obj)) return MetricArg(name);
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  // Keras's stateful metrics: a metric Layer with `stateful = True` and reset_states().
  const bool stateful = py::isinstance<Layer>(obj) && obj.attr("stateful").cast<bool>();
  return MetricArg(name, [fn, stateful](const SymbolicTensor& t, const SymbolicTensor& p) {
    if (!stateful) return call_symbolic(fn, t, p);
    py::gil_scoped_acquire gil;
    const Layer& layer = fn->cast<const Layer&>();
    const std::size_t before = layer.tagged_updates().size();
    SymbolicTensor value = call_symbolic(fn, t, p);
    // The updates this call added advance the metric's state.
    std::vector<backend::Update> updates;
    const auto all = layer.tagged_updates();
    for (std::size_t i = before; i < all.size(); ++i) updates.push_back(all[i].first);
    metrics::mark_stateful(
        [fn] {
          py::gil_scoped_acquire gil;
          fn->attr("reset_states")();
        },
        std::move(updates));
    return value;
  });
}

void set_fit_scalars(FitOptions& o, py::handle batch_size, py::handle epochs, py::handle verbose,
                     py::handle validation_split, py::handle shuffle, py::handle initial_epoch) {
  o.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size");
  o.epochs = cast_arg<int>(epochs, "epochs");
  o.verbose = to_verbose(verbose);
  o.validation_split = cast_arg<double>(validation_split, "validation_split");
  // True, False or 'batch'
  o.shuffle = py::isinstance<py::str>(shuffle) ? ShuffleMode(shuffle.cast<std::string>())
                                               : ShuffleMode(cast_arg<bool>(shuffle, "shuffle"));
  o.initial_epoch = cast_arg<int>(initial_epoch, "initial_epoch");
}

ClassWeight to_class_weight(py::handle obj) {
  ClassWeight weights;
  if (obj.is_none()) return weights;
  for (auto item : obj.cast<py::dict>())
    weights[item.first.cast<std::int64_t>()] = item.second.cast<double>();
  return weights;
}

namespace {

enum class ArrayKind { input, target, weight };

// One array for the tensor `like`: inputs and weights in its dtype (a 1-D input is a column for
// a 2-D model input, as Keras's standardize_input_data); targets too when floating (integer
// class ids stay integers for the sparse losses).
Tensor array_for(py::handle a, const SymbolicTensor& like, ArrayKind kind) {
  if (kind != ArrayKind::target) {
    Tensor t = to_tensor(a, like.dtype());
    if (kind == ArrayKind::input && t.ndim() == 1 && like.ndim() == 2)
      return t.reshape({t.shape()[0], 1});
    return t;
  }
  Tensor t = to_tensor(a);
  if (is_floating(t.dtype()) && t.dtype() != like.dtype()) return to_tensor(a, like.dtype());
  return t;
}

// Keras's x / y / sample_weight of a model: one array, a list in the order of the inputs
// (outputs), or a dict by input (output) name.
Arrays to_arrays(py::handle obj, const std::vector<SymbolicTensor>& tensors,
                 const std::vector<std::string>& names, ArrayKind kind, const char* what) {
  if (py::isinstance<py::dict>(obj)) {
    std::map<std::string, Tensor> by_name;
    for (auto item : obj.cast<py::dict>()) {
      auto name = item.first.cast<std::string>();
      std::size_t i = 0;
      while (i < names.size() && names[i] != name) ++i;
      if (i == names.size())
        throw py::value_error("No such " + std::string(what) + " in the model: " + name +
                              "; the model's are " + py::str(py::cast(names)).cast<std::string>());
      by_name[name] = array_for(item.second, tensors[i], kind);
    }
    return Arrays(std::move(by_name));
  }
  // A list of arrays, one per input (output); for a model of one, a nested Python list of
  // numbers is that one array.
  bool arrays_list = py::isinstance<py::list>(obj) || py::isinstance<py::tuple>(obj);
  if (arrays_list && tensors.size() == 1)
    for (py::handle item : obj) arrays_list = arrays_list && py::hasattr(item, "shape");
  if (arrays_list) {
    std::vector<Tensor> list;
    std::size_t i = 0;
    for (py::handle item : obj) {
      list.push_back(i < tensors.size() ? array_for(item, tensors[i], kind) : to_tensor(item));
      ++i;
    }
    return Arrays(std::move(list));
  }
  return Arrays(array_for(obj, tensors.at(0), kind));
}

// x=None: no arrays, for a model that reads all its inputs from tensors (keras/engine/feed.h).
Arrays model_x(Model& m, py::handle x) {
  std::vector<SymbolicTensor> fed = fed_inputs(m);
  if (x.is_none() && fed.empty()) return Arrays(std::vector<Tensor>{});
  return to_arrays(x, fed, fed_input_names(m), ArrayKind::input, "input");
}
// y=None: no targets, as for a model whose outputs have no loss (its loss is all add_loss).
Arrays model_y(Model& m, py::handle y) {
  if (y.is_none()) return Arrays(std::vector<Tensor>{});
  return to_arrays(y, graph_tensors(m.outputs()), m.output_names(), ArrayKind::target, "output");
}
// sample_weight: one array (for every output), a list, or a dict by output name; floats in the
// outputs' dtype. None: no arrays.
Arrays model_weights(Model& m, py::handle w) {
  if (w.is_none()) return {};
  return to_arrays(w, graph_tensors(m.outputs()), m.output_names(), ArrayKind::weight, "output");
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

// compile's target_tensors as Keras 2.2.4 takes them: a tensor, a list of tensors or a dict
// by output name (None in either: that output's target is fed as usual).
TargetTensorsSpec to_target_tensors(py::handle obj) {
  auto tensor_or_none = [](py::handle item) {
    return item.is_none() ? SymbolicTensor() : item.cast<SymbolicTensor>();
  };
  if (obj.is_none()) return {};
  if (py::isinstance<SymbolicTensor>(obj)) return TargetTensorsSpec(obj.cast<SymbolicTensor>());
  if (py::isinstance<py::list>(obj)) {
    std::vector<SymbolicTensor> list;
    for (py::handle item : obj) list.push_back(tensor_or_none(item));
    return TargetTensorsSpec(std::move(list));
  }
  if (py::isinstance<py::dict>(obj)) {
    std::map<std::string, SymbolicTensor> by_name;
    for (auto item : obj.cast<py::dict>())
      by_name[py::str(item.first).cast<std::string>()] = tensor_or_none(item.second);
    return TargetTensorsSpec(std::move(by_name));
  }
  throw py::type_error(
      "Expected `target_tensors` to be a tensor, a list of tensors, or dict of tensors, but "
      "got: " +
      py::repr(obj).cast<std::string>());
}

// The user's callbacks, then the one that lets Ctrl-C stop a fit from Python.
std::vector<callbacks::CallbackPtr> to_callbacks(py::handle list) {
  std::vector<callbacks::CallbackPtr> out;
  if (!list.is_none())
    for (py::handle c : py::iter(list)) out.push_back(c.cast<callbacks::CallbackPtr>());
  out.push_back(std::make_shared<SignalCheck>());
  return out;
}

// A generator's item, a Sequence's batch: (x, y) or (x, y, sample_weight) as a tuple or list
// (with_targets), x alone or in a tuple (predict_generator); each part as Keras takes x / y /
// sample_weight.
Batch to_batch(Model& m, py::handle item, bool with_targets) {
  Batch batch;
  const bool parted =
      py::isinstance<py::tuple>(item) || (with_targets && py::isinstance<py::list>(item));
  // Keras wants (x, None) for a model that takes no y; x alone is a mistake then too.
  if (!parted && with_targets)
    throw std::invalid_argument(
        "Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. Found: " +
        py::repr(py::type::of(item)).cast<std::string>());
  if (!parted) {
    batch.x = model_x(m, item);
    return batch;
  }
  py::sequence parts = item.cast<py::sequence>();
  if (parts.size() < 1 || parts.size() > 3)
    throw std::invalid_argument("A generator must yield (x, y) or (x, y, sample_weight) tuples");
  batch.x = model_x(m, parts[0]);
  if (parts.size() > 1) batch.y = model_y(m, parts[1]);
  if (parts.size() > 2) batch.sample_weight = model_weights(m, parts[2]);
  return batch;
}

// A Python generator (or iterator) as the engine's Generator. The engine calls it from its
// producer thread, which takes the GIL for each batch.
Generator to_generator(Model& model, py::object iterable, bool with_targets) {
  auto iterator = hold(py::iter(iterable));
  Model* m = &model;
  return [iterator, m, with_targets]() -> Batch {
    py::gil_scoped_acquire gil;
    PyObject* next = PyIter_Next(iterator->ptr());
    if (!next) {
      if (PyErr_Occurred()) throw py::error_already_set();
      return {};
    }
    return to_batch(*m, py::reinterpret_steal<py::object>(next), with_targets);
  };
}

// A keras.utils.Sequence as the engine's Sequence (read with the GIL taken).
class PySequence : public Sequence {
 public:
  PySequence(Model& model, py::object sequence, bool with_targets)
      : model_(model), sequence_(hold(sequence)), with_targets_(with_targets) {}
  std::int64_t size() const override {
    py::gil_scoped_acquire gil;
    return static_cast<std::int64_t>(py::len(*sequence_));
  }
  Batch get(std::int64_t index) override {
    py::gil_scoped_acquire gil;
    return to_batch(model_, (*sequence_)[py::int_(index)], with_targets_);
  }
  void on_epoch_end() override {
    py::gil_scoped_acquire gil;
    sequence_->attr("on_epoch_end")();
  }

 private:
  Model& model_;
  std::shared_ptr<py::object> sequence_;
  bool with_targets_;
};

bool is_sequence(py::handle obj) {
  return py::isinstance(obj, py::module_::import("keras_cpp.utils.data_utils").attr("Sequence"));
}

SequencePtr to_sequence(Model& model, py::handle obj, bool with_targets) {
  return std::make_shared<PySequence>(model, py::reinterpret_borrow<py::object>(obj), with_targets);
}

// fit_generator's validation_data: arrays as a tuple, a Sequence or a generator.
GeneratorValidationData to_generator_validation(Model& m, py::object data) {
  GeneratorValidationData v;
  if (data.is_none()) return v;
  if (py::isinstance<py::tuple>(data) || py::isinstance<py::list>(data)) {
    auto parts = data.cast<py::sequence>();
    if (parts.size() != 2 && parts.size() != 3)
      throw py::value_error(
          "`validation_data` should be a tuple `(val_x, val_y, val_sample_weight)` or "
          "`(val_x, val_y)`.");
    v.x = model_x(m, parts[0]);
    v.y = model_y(m, parts[1]);
    if (parts.size() > 2) v.sample_weight = model_weights(m, parts[2]);
  } else if (is_sequence(data)) {
    v.sequence = to_sequence(m, data, true);
  } else {
    v.generator = to_generator(m, data, true);
  }
  return v;
}

Sequential& as_sequential(Model& m, const char* what) {
  auto* sequential = dynamic_cast<Sequential*>(&m);
  if (!sequential)
    throw py::type_error(std::string(what) + " is a method of Sequential models; " + m.name() +
                         " is a functional Model");
  return *sequential;
}

std::shared_ptr<callbacks::History> shared_history(callbacks::History history) {
  return std::make_shared<callbacks::History>(std::move(history));
}

void bind_callback_base(py::module_& cb) {
  py::class_<Callback, PyCallback, std::shared_ptr<Callback>>(
      cb, "Callback", py::dynamic_attr(), "Subclass it and define on_epoch_end, ...")
      .def(py::init<>())
      // Any object may be a callback's model, as in Keras (tests set stand-ins): a keras_cpp
      // model reaches the engine, anything else is kept on the Python side.
      .def_property(
          "model",
          [](py::object self) -> py::object {
            const Callback& c = self.cast<const Callback&>();
            if (c.model()) return py::cast(c.model(), py::return_value_policy::reference);
            py::dict attributes = self.attr("__dict__");
            if (attributes.contains("_python_model")) return attributes["_python_model"];
            return py::none();
          },
          [](py::object self, py::object model) { set_callback_model(self, model); })
      .def_property(
          "params",
          [](const Callback& c) {
            const auto& p = c.params();
            py::dict d;
            d["batch_size"] = p.batch_size;
            d["epochs"] = p.epochs;
            d["samples"] = p.samples;
            d["verbose"] = p.verbose;
            d["do_validation"] = p.do_validation;
            d["metrics"] = p.metrics;
            return d;
          },
          [](Callback& c, py::dict d) {
            callbacks::Params p;
            if (d.contains("batch_size")) p.batch_size = d["batch_size"].cast<std::int64_t>();
            if (d.contains("epochs")) p.epochs = d["epochs"].cast<int>();
            if (d.contains("samples")) p.samples = d["samples"].cast<std::int64_t>();
            if (d.contains("verbose")) p.verbose = d["verbose"].cast<int>();
            if (d.contains("do_validation")) p.do_validation = d["do_validation"].cast<bool>();
            if (d.contains("metrics")) p.metrics = d["metrics"].cast<std::vector<std::string>>();
            c.set_params(p);
          })
      .def(
          "set_model", [](py::object self, py::object model) { set_callback_model(self, model); },
          py::arg("model"))
      .def(
          "set_params", [](Callback& c, py::dict d) { py::cast(&c).attr("params") = d; },
          py::arg("params"))
#define KERAS_PY_HOOK(NAME)              \
  .def(                                  \
      #NAME,                             \
      [](Callback& c, py::object logs) { \
        Logs l = dict_to_logs(logs);     \
        c.Callback::NAME(l);             \
      },                                 \
      py::arg("logs") = py::none())
#define KERAS_PY_INDEXED_HOOK(NAME, INDEX)      \
  .def(                                         \
      #NAME,                                    \
      [](Callback& c, int i, py::object logs) { \
        Logs l = dict_to_logs(logs);            \
        c.Callback::NAME(i, l);                 \
      },                                        \
      py::arg(INDEX), py::arg("logs") = py::none())
          KERAS_PY_HOOK(on_train_begin) KERAS_PY_HOOK(on_train_end)
              KERAS_PY_INDEXED_HOOK(on_epoch_begin, "epoch")
                  KERAS_PY_INDEXED_HOOK(on_epoch_end, "epoch")
                      KERAS_PY_INDEXED_HOOK(on_batch_begin, "batch")
                          KERAS_PY_INDEXED_HOOK(on_batch_end, "batch");
#undef KERAS_PY_HOOK
#undef KERAS_PY_INDEXED_HOOK

  py::class_<callbacks::History, Callback, std::shared_ptr<callbacks::History>>(
      cb, "History", py::dynamic_attr(), "What fit returns: .history (a dict of lists) and .epoch.")
      .def(py::init<>())
      .def_property_readonly("history",
                             [](const callbacks::History& h) {
                               py::dict d;
                               for (const auto& [key, values] : h.history)
                                 d[py::str(key)] = py::cast(values);
                               return d;
                             })
      .def_property_readonly("epoch", [](const callbacks::History& h) { return py::cast(h.epoch); })
      .def(
          "on_train_begin",
          [](callbacks::History& h, py::object logs) {
            Logs l = dict_to_logs(logs);
            h.on_train_begin(l);
          },
          py::arg("logs") = py::none())
      .def(
          "on_epoch_end",
          [](callbacks::History& h, int epoch, py::object logs) {
            Logs l = dict_to_logs(logs);
            h.on_epoch_end(epoch, l);
          },
          py::arg("epoch"), py::arg("logs") = py::none());

  py::class_<callbacks::ProgbarLogger, Callback, std::shared_ptr<callbacks::ProgbarLogger>>(
      cb, "ProgbarLogger")
      .def(py::init<>());
}

using ModelClass = py::class_<Model, Layer, std::shared_ptr<Model>>;

// compile, fit, evaluate, predict and the *_on_batch methods.
void def_array_methods(ModelClass& model_class) {
  model_class
      .def(
          "_fit",
          [](Model& m, py::object x, py::object y, py::object batch_size, py::object epochs,
             py::object verbose, py::object callback_list, py::object validation_split,
             py::object validation_data, py::object shuffle, py::object initial_epoch,
             py::object class_weight, py::object sample_weight) {
            FitOptions o;
            set_fit_scalars(o, batch_size, epochs, verbose, validation_split, shuffle,
                            initial_epoch);
            o.class_weight = to_class_weight(class_weight);
            if (!sample_weight.is_none()) o.sample_weight = model_weights(m, sample_weight);
            o.callbacks = to_callbacks(callback_list);
            Arrays xa = model_x(m, x), ya = model_y(m, y);
            if (!validation_data.is_none()) {
              auto parts = validation_data.cast<py::tuple>();
              if (parts.size() != 2 && parts.size() != 3)
                throw py::value_error(
                    "When passing validation_data, it must contain 2 (x_val, y_val) or 3 "
                    "(x_val, y_val, val_sample_weights) items, however it contains " +
                    std::to_string(parts.size()) + " items");
              o.validation_data = std::make_pair(model_x(m, parts[0]), model_y(m, parts[1]));
              if (parts.size() == 3 && !py::object(parts[2]).is_none())
                o.validation_sample_weight = model_weights(m, parts[2]);
            }
            py::gil_scoped_release release;
            return shared_history(m.fit(xa, ya, o));
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("epochs"), py::arg("verbose"),
          py::arg("callbacks"), py::arg("validation_split"), py::arg("validation_data"),
          py::arg("shuffle"), py::arg("initial_epoch"), py::arg("class_weight") = py::none(),
          py::arg("sample_weight") = py::none())
      .def(
          "_evaluate",
          [](Model& m, py::object x, py::object y, py::object batch_size, py::object verbose,
             py::object sample_weight) {
            Arrays xa = model_x(m, x), ya = model_y(m, y);
            EvaluateOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                              .verbose = to_verbose(verbose)};
            if (!sample_weight.is_none()) o.sample_weight = model_weights(m, sample_weight);
            py::gil_scoped_release release;
            return m.evaluate(xa, ya, o);
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("verbose"),
          py::arg("sample_weight") = py::none())
      .def(
          "_predict",
          [](Model& m, py::object x, py::object batch_size, py::object verbose) {
            Arrays xa = model_x(m, x);
            PredictOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                             .verbose = to_verbose(verbose)};
            py::gil_scoped_release release;
            return m.predict(xa, o);
          },
          py::arg("x"), py::arg("batch_size"), py::arg("verbose"))
      .def(
          "_predict_classes",
          [](Model& m, py::object x, py::object batch_size, py::object verbose, bool proba) {
            Tensor xt = model_x(m, x).front();
            PredictOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                             .verbose = to_verbose(verbose)};
            py::gil_scoped_release release;
            return proba ? m.predict_proba(xt, o) : m.predict_classes(xt, o);
          },
          py::arg("x"), py::arg("batch_size"), py::arg("verbose"), py::arg("proba"))
      .def(
          "_train_on_batch",
          [](Model& m, py::object x, py::object y, py::object sample_weight,
             py::object class_weight) {
            Arrays xa = model_x(m, x), ya = model_y(m, y), sw = model_weights(m, sample_weight);
            ClassWeight cw = to_class_weight(class_weight);
            py::gil_scoped_release release;
            return m.train_on_batch(xa, ya, sw, cw);
          },
          py::arg("x"), py::arg("y"), py::arg("sample_weight") = py::none(),
          py::arg("class_weight") = py::none())
      .def(
          "_test_on_batch",
          [](Model& m, py::object x, py::object y, py::object sample_weight) {
            Arrays xa = model_x(m, x), ya = model_y(m, y), sw = model_weights(m, sample_weight);
            py::gil_scoped_release release;
            return m.test_on_batch(xa, ya, sw);
          },
          py::arg("x"), py::arg("y"), py::arg("sample_weight") = py::none())
      .def(
          "_predict_on_batch",
          [](Model& m, py::object x) {
            Arrays xa = model_x(m, x);
            py::gil_scoped_release release;
            return m.predict_on_batch(xa);
          },
          py::arg("x"));
}

// fit_generator, evaluate_generator and predict_generator: a Python generator or a
// keras.utils.Sequence.
void def_generator_methods(ModelClass& model_class) {
  model_class
      .def(
          "_fit_generator",
          [](Model& m, py::object generator, std::int64_t steps_per_epoch,
             std::int64_t samples_per_epoch, int epochs, int verbose, py::object callback_list,
             py::object validation_data, std::int64_t validation_steps, std::int64_t nb_val_samples,
             py::object class_weight, int max_queue_size, int workers, bool shuffle,
             int initial_epoch) {
            FitGeneratorOptions o{.steps_per_epoch = steps_per_epoch,
                                  .samples_per_epoch = samples_per_epoch,
                                  .epochs = epochs,
                                  .verbose = verbose,
                                  .callbacks = to_callbacks(callback_list),
                                  .validation_data = to_generator_validation(m, validation_data),
                                  .validation_steps = validation_steps,
                                  .nb_val_samples = nb_val_samples,
                                  .class_weight = to_class_weight(class_weight),
                                  .max_queue_size = max_queue_size,
                                  .workers = workers,
                                  .shuffle = shuffle,
                                  .initial_epoch = initial_epoch};
            if (is_sequence(generator)) {
              SequencePtr sequence = to_sequence(m, generator, true);
              py::gil_scoped_release release;
              return shared_history(m.fit_generator(sequence, o));
            }
            Generator g = to_generator(m, generator, true);
            py::gil_scoped_release release;
            return shared_history(m.fit_generator(g, o));
          },
          py::arg("generator"), py::arg("steps_per_epoch"), py::arg("samples_per_epoch"),
          py::arg("epochs"), py::arg("verbose"), py::arg("callbacks"), py::arg("validation_data"),
          py::arg("validation_steps"), py::arg("nb_val_samples"), py::arg("class_weight"),
          py::arg("max_queue_size"), py::arg("workers"), py::arg("shuffle"),
          py::arg("initial_epoch"))
      .def(
          "_evaluate_generator",
          [](Model& m, py::object generator, std::int64_t steps, std::int64_t val_samples,
             int max_queue_size, int workers, int verbose) {
            EvaluateGeneratorOptions o{.steps = steps,
                                       .val_samples = val_samples,
                                       .max_queue_size = max_queue_size,
                                       .workers = workers,
                                       .verbose = verbose};
            if (is_sequence(generator)) {
              SequencePtr sequence = to_sequence(m, generator, true);
              py::gil_scoped_release release;
              return m.evaluate_generator(sequence, o);
            }
            Generator g = to_generator(m, generator, true);
            py::gil_scoped_release release;
            return m.evaluate_generator(g, o);
          },
          py::arg("generator"), py::arg("steps"), py::arg("val_samples"), py::arg("max_queue_size"),
          py::arg("workers"), py::arg("verbose"))
      .def(
          "_predict_generator",
          [](Model& m, py::object generator, std::int64_t steps, std::int64_t val_samples,
             int max_queue_size, int workers, int verbose) {
            PredictGeneratorOptions o{.steps = steps,
                                      .val_samples = val_samples,
                                      .max_queue_size = max_queue_size,
                                      .workers = workers,
                                      .verbose = verbose};
            if (is_sequence(generator)) {
              SequencePtr sequence = to_sequence(m, generator, false);
              py::gil_scoped_release release;
              return m.predict_generator_outputs(sequence, o);
            }
            Generator g = to_generator(m, generator, false);
            py::gil_scoped_release release;
            return m.predict_generator_outputs(g, o);
          },
          py::arg("generator"), py::arg("steps"), py::arg("val_samples"), py::arg("max_queue_size"),
          py::arg("workers"), py::arg("verbose"));
}

}  // namespace

void bind_training(py::module_& root) {
  py::module_ cb = root.def_submodule("callbacks");
  bind_callback_base(cb);
  py::module_ models = root.def_submodule("models");

  // One Model class: Sequential (below) is a Model; every method takes one array, a list or a
  // dict by name for x, y and sample_weight, and runs with the GIL released.
  ModelClass model_class(models, "Model", "The engine's model.");
  model_class
      .def_property_readonly("name", &Model::name)
      // A nested model (a Sequential from a config too, whose C++ class has no Python class
      // of its own) as a Model, which keras_cpp.models wraps as Sequential or Model.
      .def_property_readonly("_layers",
                             [](const Model& m) {
                               py::list layers;
                               for (const auto& layer : m.layers()) {
                                 auto model = std::dynamic_pointer_cast<Model>(layer);
                                 layers.append(model ? py::cast(model) : py::cast(layer));
                               }
                               return layers;
                             })
      .def(
          "_get_layer", [](const Model& m, const std::string& name) { return m.get_layer(name); },
          py::arg("name"))
      .def(
          "_compile",
          [](Model& m, py::object optimizer, py::object loss, py::object metrics,
             py::object loss_weights, py::object sample_weight_mode, py::object weighted_metrics,
             py::object target_tensors) {
            CompileOptions o{.optimizer = to_optimizer(optimizer),
                             .loss = to_loss_spec(loss),
                             .metrics = to_metrics_spec(metrics),
                             .loss_weights = to_loss_weights(loss_weights),
                             .weighted_metrics = to_metrics_spec(weighted_metrics),
                             .target_tensors = to_target_tensors(target_tensors)};
            if (py::isinstance<py::list>(sample_weight_mode)) {  // one per output
              for (py::handle mode : sample_weight_mode)
                o.sample_weight_modes.push_back(mode.is_none() ? "" : mode.cast<std::string>());
            } else if (!sample_weight_mode.is_none()) {
              o.sample_weight_mode = sample_weight_mode.cast<std::string>();
            }
            m.compile(o);
          },
          py::arg("optimizer"), py::arg("loss"), py::arg("metrics") = py::none(),
          py::arg("loss_weights") = py::none(), py::arg("sample_weight_mode") = py::none(),
          py::arg("weighted_metrics") = py::none(), py::arg("target_tensors") = py::none())
      .def_property_readonly("compiled", &Model::compiled)
      .def_property_readonly("metrics_names", &Model::metrics_names)
      .def_property_readonly("weights", [](const Model& m) { return to_list(m.weights()); })
      .def_property_readonly("trainable_weights",
                             [](const Model& m) { return to_list(m.trainable_weights()); })
      .def("get_weights", &Model::get_weights)
      .def("set_weights", &Model::set_weights, py::arg("weights"))
      .def("count_params", &Model::count_params)
      // Keras's private _make_train_function, which scripts call to build the training step
      // (and the optimizer's weights) right after compile.
      .def("_make_train_function", &Model::make_train_function)
      .def_property_readonly("optimizer", &Model::optimizer)
      .def_property_readonly("input", &Model::input)
      .def_property_readonly("output", &Model::output)
      .def_property_readonly("input_shape",
                             [](const Model& m) { return shape_to_tuple(m.input_shape()); })
      .def_property_readonly("output_shape",
                             [](const Model& m) { return shape_to_tuple(m.output_shape()); })
      .def_readwrite("stop_training", &Model::stop_training);
  def_array_methods(model_class);
  def_generator_methods(model_class);

  // Sequential is a Model: the C++ Sequential under the same Python class (keras_cpp.models
  // subclasses it), made by _new_sequential and taken by Model(_model=...).
  models.def(
      "_new_sequential",
      [](py::object name) -> std::shared_ptr<Model> {
        return std::make_shared<Sequential>(name.is_none() ? "" : name.cast<std::string>());
      },
      py::arg("name") = py::none());
  model_class
      .def_property_readonly(
          "_is_sequential",
          [](const Model& m) { return dynamic_cast<const Sequential*>(&m) != nullptr; })
      .def(
          "_add",
          [](Model& m, py::object layer) {
            as_sequential(m, "add").add(layer.cast<std::shared_ptr<Layer>>());
            keep_python_layer(layer);  // the model now uses it
          },
          py::arg("layer"))
      .def("_pop", [](Model& m) { as_sequential(m, "pop").pop(); });
}

}  // namespace keras::python
