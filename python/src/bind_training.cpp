// Model, Sequential and callbacks. fit/evaluate/predict run with the GIL released; Python
// callbacks take it back, and every batch checks for Ctrl-C (KeyboardInterrupt ends fit).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"
#include "keras/losses.h"
#include "keras/metrics.h"
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
  std::string name =
      py::hasattr(obj, "__name__") ? obj.attr("__name__").cast<std::string>() : "custom_metric";
  if (is_builtin_function(obj)) return MetricArg(name);
  auto fn = hold(py::reinterpret_borrow<py::object>(obj));
  return MetricArg(name, [fn](const SymbolicTensor& t, const SymbolicTensor& p) {
    return call_symbolic(fn, t, p);
  });
}

void set_fit_scalars(FitOptions& o, py::handle batch_size, py::handle epochs, py::handle verbose,
                     py::handle validation_split, py::handle shuffle, py::handle initial_epoch) {
  o.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size");
  o.epochs = cast_arg<int>(epochs, "epochs");
  o.verbose = cast_arg<int>(verbose, "verbose");
  o.validation_split = cast_arg<double>(validation_split, "validation_split");
  o.shuffle = cast_arg<bool>(shuffle, "shuffle");
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

// Model inputs in the model's dtype (numpy does the cast, zero-copy when it already fits).
Tensor model_input(Model& model, py::handle x) {
  return to_tensor(x, model.input().dtype());
}

// Targets: floats in the model's dtype, integers as they are (sparse losses want class ids).
Tensor model_target(Model& model, py::handle y) {
  Tensor t = to_tensor(y);
  if (is_floating(t.dtype()) && t.dtype() != model.output().dtype())
    return to_tensor(y, model.output().dtype());
  return t;
}

Tensor optional_weights(Model& model, py::handle obj) {
  if (obj.is_none()) return Tensor();
  return to_tensor(obj, model.output().dtype());
}

// A Python generator (or iterator) of (x, y) / (x, y, sample_weight) tuples, or of x alone for
// predict_generator, as the engine's Generator. The engine calls it from its producer thread,
// which takes the GIL for each batch.
Generator to_generator(Model& model, py::object iterable) {
  auto iterator = hold(py::iter(iterable));
  Model* m = &model;
  return [iterator, m]() -> Batch {
    py::gil_scoped_acquire gil;
    PyObject* next = PyIter_Next(iterator->ptr());
    if (!next) {
      if (PyErr_Occurred()) throw py::error_already_set();
      return {};
    }
    py::object item = py::reinterpret_steal<py::object>(next);
    Batch batch;
    if (!py::isinstance<py::tuple>(item) && !py::isinstance<py::list>(item)) {
      batch.x = model_input(*m, item);
      return batch;
    }
    py::sequence parts = item.cast<py::sequence>();
    if (parts.size() < 1 || parts.size() > 3)
      throw py::value_error("A generator must yield (x, y) or (x, y, sample_weight) tuples");
    batch.x = model_input(*m, parts[0]);
    if (parts.size() > 1) batch.y = model_target(*m, parts[1]);
    if (parts.size() > 2 && !py::object(parts[2]).is_none())
      batch.sample_weight = optional_weights(*m, parts[2]);
    return batch;
  };
}

py::list to_list(const std::vector<SymbolicTensor>& tensors) {
  py::list out;
  for (const auto& t : tensors) out.append(py::cast(t));
  return out;
}

}  // namespace

void bind_training(py::module_& root) {
  py::module_ cb = root.def_submodule("callbacks");

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

  py::module_ models = root.def_submodule("models");

  py::class_<Model, Layer, std::shared_ptr<Model>>(
      models, "Model", "The engine's model: use keras_cpp.models.Sequential.")
      .def_property_readonly("name", &Model::name)
      .def_property_readonly("_layers", [](const Model& m) { return m.layers(); })
      .def(
          "_get_layer", [](const Model& m, const std::string& name) { return m.get_layer(name); },
          py::arg("name"))
      .def(
          "_compile",
          [](Model& m, py::object optimizer, py::object loss, py::object metrics,
             py::object sample_weight_mode) {
            CompileOptions o{.optimizer = to_optimizer(optimizer), .loss = to_loss(loss)};
            if (!metrics.is_none())
              for (py::handle item : py::iter(metrics)) o.metrics.list.push_back(to_metric(item));
            if (!sample_weight_mode.is_none())
              o.sample_weight_mode = sample_weight_mode.cast<std::string>();
            m.compile(o);
          },
          py::arg("optimizer"), py::arg("loss"), py::arg("metrics") = py::none(),
          py::arg("sample_weight_mode") = py::none())
      .def_property_readonly("compiled", &Model::compiled)
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
            if (!sample_weight.is_none()) o.sample_weight = optional_weights(m, sample_weight);
            if (!callback_list.is_none())
              for (py::handle c : py::iter(callback_list))
                o.callbacks.push_back(c.cast<callbacks::CallbackPtr>());
            o.callbacks.push_back(std::make_shared<SignalCheck>());
            Tensor xt = model_input(m, x), yt = model_target(m, y);
            if (!validation_data.is_none()) {
              auto pair = validation_data.cast<py::tuple>();
              if (pair.size() < 2)
                throw py::value_error("validation_data must be a tuple (x_val, y_val)");
              o.validation_data = std::make_pair(model_input(m, pair[0]), model_target(m, pair[1]));
              if (pair.size() > 2 && !py::object(pair[2]).is_none())
                o.validation_sample_weight = optional_weights(m, pair[2]);
            }
            std::shared_ptr<callbacks::History> history;
            {
              py::gil_scoped_release release;
              history = std::make_shared<callbacks::History>(m.fit(xt, yt, o));
            }
            return history;
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("epochs"), py::arg("verbose"),
          py::arg("callbacks"), py::arg("validation_split"), py::arg("validation_data"),
          py::arg("shuffle"), py::arg("initial_epoch"), py::arg("class_weight") = py::none(),
          py::arg("sample_weight") = py::none())
      .def(
          "_evaluate",
          [](Model& m, py::object x, py::object y, py::object batch_size, py::object verbose,
             py::object sample_weight) {
            Tensor xt = model_input(m, x), yt = model_target(m, y);
            EvaluateOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                              .verbose = cast_arg<int>(verbose, "verbose")};
            if (!sample_weight.is_none()) o.sample_weight = optional_weights(m, sample_weight);
            py::gil_scoped_release release;
            return m.evaluate(xt, yt, o);
          },
          py::arg("x"), py::arg("y"), py::arg("batch_size"), py::arg("verbose"),
          py::arg("sample_weight") = py::none())
      .def(
          "_predict",
          [](Model& m, py::object x, py::object batch_size, py::object verbose,
             const std::string& what) {
            Tensor xt = model_input(m, x);
            PredictOptions o{.batch_size = cast_arg<std::int64_t>(batch_size, "batch_size"),
                             .verbose = cast_arg<int>(verbose, "verbose")};
            py::gil_scoped_release release;
            if (what == "classes") return m.predict_classes(xt, o);
            if (what == "proba") return m.predict_proba(xt, o);
            return m.predict(xt, o);
          },
          py::arg("x"), py::arg("batch_size"), py::arg("verbose"), py::arg("what") = "predict")
      .def(
          "_train_on_batch",
          [](Model& m, py::object x, py::object y, py::object sample_weight,
             py::object class_weight) {
            Tensor xt = model_input(m, x), yt = model_target(m, y),
                   sw = optional_weights(m, sample_weight);
            ClassWeight cw = to_class_weight(class_weight);
            py::gil_scoped_release release;
            return m.train_on_batch(xt, yt, sw, cw);
          },
          py::arg("x"), py::arg("y"), py::arg("sample_weight") = py::none(),
          py::arg("class_weight") = py::none())
      .def(
          "_test_on_batch",
          [](Model& m, py::object x, py::object y, py::object sample_weight) {
            Tensor xt = model_input(m, x), yt = model_target(m, y),
                   sw = optional_weights(m, sample_weight);
            py::gil_scoped_release release;
            return m.test_on_batch(xt, yt, sw);
          },
          py::arg("x"), py::arg("y"), py::arg("sample_weight") = py::none())
      .def(
          "_fit_generator",
          [](Model& m, py::object generator, std::int64_t steps_per_epoch,
             std::int64_t samples_per_epoch, int epochs, int verbose, py::object callback_list,
             py::object validation_data, std::int64_t validation_steps, std::int64_t nb_val_samples,
             py::object class_weight, int max_queue_size, int workers, int initial_epoch) {
            FitGeneratorOptions o;
            o.steps_per_epoch = steps_per_epoch;
            o.samples_per_epoch = samples_per_epoch;
            o.epochs = epochs;
            o.verbose = verbose;
            if (!callback_list.is_none())
              for (py::handle c : py::iter(callback_list))
                o.callbacks.push_back(c.cast<callbacks::CallbackPtr>());
            o.callbacks.push_back(std::make_shared<SignalCheck>());
            if (py::isinstance<py::tuple>(validation_data) ||
                py::isinstance<py::list>(validation_data)) {
              auto parts = validation_data.cast<py::sequence>();
              GeneratorValidationData v;
              v.x = model_input(m, parts[0]);
              v.y = model_target(m, parts[1]);
              if (parts.size() > 2 && !py::object(parts[2]).is_none())
                v.sample_weight = optional_weights(m, parts[2]);
              o.validation_data = v;
            } else if (!validation_data.is_none()) {
              GeneratorValidationData v;
              v.generator = to_generator(m, validation_data);
              o.validation_data = v;
            }
            o.validation_steps = validation_steps;
            o.nb_val_samples = nb_val_samples;
            o.class_weight = to_class_weight(class_weight);
            o.max_queue_size = max_queue_size;
            o.workers = workers;
            o.initial_epoch = initial_epoch;
            Generator g = to_generator(m, generator);
            std::shared_ptr<callbacks::History> history;
            {
              py::gil_scoped_release release;
              history = std::make_shared<callbacks::History>(m.fit_generator(g, o));
            }
            return history;
          },
          py::arg("generator"), py::arg("steps_per_epoch"), py::arg("samples_per_epoch"),
          py::arg("epochs"), py::arg("verbose"), py::arg("callbacks"), py::arg("validation_data"),
          py::arg("validation_steps"), py::arg("nb_val_samples"), py::arg("class_weight"),
          py::arg("max_queue_size"), py::arg("workers"), py::arg("initial_epoch"))
      .def(
          "_evaluate_generator",
          [](Model& m, py::object generator, std::int64_t steps, std::int64_t val_samples,
             int max_queue_size, int workers, int verbose) {
            EvaluateGeneratorOptions o{.steps = steps,
                                       .val_samples = val_samples,
                                       .max_queue_size = max_queue_size,
                                       .workers = workers,
                                       .verbose = verbose};
            Generator g = to_generator(m, generator);
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
            Generator g = to_generator(m, generator);
            py::gil_scoped_release release;
            return m.predict_generator(g, o);
          },
          py::arg("generator"), py::arg("steps"), py::arg("val_samples"), py::arg("max_queue_size"),
          py::arg("workers"), py::arg("verbose"))
      .def(
          "_predict_on_batch",
          [](Model& m, py::object x) {
            Tensor xt = model_input(m, x);
            py::gil_scoped_release release;
            return m.predict_on_batch(xt);
          },
          py::arg("x"))
      .def_property_readonly("metrics_names", &Model::metrics_names)
      .def_property_readonly("weights", [](const Model& m) { return to_list(m.weights()); })
      .def_property_readonly("trainable_weights",
                             [](const Model& m) { return to_list(m.trainable_weights()); })
      .def("get_weights", &Model::get_weights)
      .def("set_weights", &Model::set_weights, py::arg("weights"))
      .def("count_params", &Model::count_params)
      .def_property_readonly("optimizer", &Model::optimizer)
      .def_property_readonly("input", &Model::input)
      .def_property_readonly("output", &Model::output)
      .def_property_readonly("input_shape",
                             [](const Model& m) { return shape_to_tuple(m.input_shape()); })
      .def_property_readonly("output_shape",
                             [](const Model& m) { return shape_to_tuple(m.output_shape()); })
      .def_readwrite("stop_training", &Model::stop_training);

  py::class_<Sequential, Model, std::shared_ptr<Sequential>>(models, "Sequential")
      .def(py::init([](py::object name) {
             return std::make_shared<Sequential>(name.is_none() ? "" : name.cast<std::string>());
           }),
           py::arg("name") = py::none())
      .def(
          "_add",
          [](Sequential& s, py::object layer) {
            s.add(layer.cast<std::shared_ptr<Layer>>());
            keep_python_layer(layer);  // the model now uses it
          },
          py::arg("layer"))
      .def("_pop", &Sequential::pop);
}

}  // namespace keras::python
