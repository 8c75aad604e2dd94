// Keras's built-in callbacks from the C++ side: EarlyStopping, ReduceLROnPlateau,
// LearningRateScheduler, CSVLogger, ModelCheckpoint, TerminateOnNaN, TensorBoard.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/callbacks.h"
#include "keras/callbacks/tensorboard.h"

namespace keras::python {

namespace {
// A monitor callback's own engine hooks, _engine_on_train_begin() and
// _engine_on_epoch_end(epoch, logs) -> logs, for a call by hand: callbacks.py adds what a
// stand-in model needs (EarlyStopping stops it; ReduceLROnPlateau gives its learning rate as
// logs["lr"] and reads the lowered one back). fit calls the hooks from C++.
template <typename C>
auto engine_on_train_begin() {
  return [](C& c) {
    callbacks::Logs logs;
    c.C::on_train_begin(logs);
  };
}
template <typename C>
auto engine_on_epoch_end() {
  return [](C& c, int epoch, callbacks::Logs logs) {
    c.C::on_epoch_end(epoch, logs);
    return logs;
  };
}
}  // namespace

void bind_callbacks(py::module_& root) {
  py::module_ m = root.attr("callbacks").cast<py::module_>();
  namespace cb = keras::callbacks;
  using cb::Callback;

  py::class_<cb::EarlyStopping, Callback, std::shared_ptr<cb::EarlyStopping>>(m, "EarlyStopping")
      .def(
          py::init([](std::string monitor, double min_delta, int patience, int verbose,
                      std::string mode, std::optional<double> baseline, bool restore_best_weights) {
            return std::make_shared<cb::EarlyStopping>(cb::EarlyStoppingOptions{
                monitor, min_delta, patience, verbose, mode, baseline, restore_best_weights});
          }),
          py::arg("monitor") = "val_loss", py::arg("min_delta") = 0.0, py::arg("patience") = 0,
          py::arg("verbose") = 0, py::arg("mode") = "auto", py::arg("baseline") = py::none(),
          py::arg("restore_best_weights") = false)
      .def_property_readonly("wait", &cb::EarlyStopping::wait)
      .def_property_readonly("stopped_epoch", &cb::EarlyStopping::stopped_epoch)
      .def_property_readonly("best", &cb::EarlyStopping::best)
      .def_property_readonly("monitor",
                             [](const cb::EarlyStopping& c) { return c.options().monitor; })
      .def_property_readonly("patience",
                             [](const cb::EarlyStopping& c) { return c.options().patience; })
      .def_property_readonly(
          "restore_best_weights",
          [](const cb::EarlyStopping& c) { return c.options().restore_best_weights; })
      .def("_engine_on_train_begin", engine_on_train_begin<cb::EarlyStopping>())
      .def("_engine_on_epoch_end", engine_on_epoch_end<cb::EarlyStopping>());

  py::class_<cb::ReduceLROnPlateau, Callback, std::shared_ptr<cb::ReduceLROnPlateau>>(
      m, "ReduceLROnPlateau")
      .def(py::init([](std::string monitor, double factor, int patience, int verbose,
                       std::string mode, double min_delta, int cooldown, double min_lr,
                       std::optional<double> epsilon) {
             return std::make_shared<cb::ReduceLROnPlateau>(cb::ReduceLROnPlateauOptions{
                 monitor, factor, patience, verbose, mode, min_delta, cooldown, min_lr, epsilon});
           }),
           py::arg("monitor") = "val_loss", py::arg("factor") = 0.1, py::arg("patience") = 10,
           py::arg("verbose") = 0, py::arg("mode") = "auto", py::arg("min_delta") = 1e-4,
           py::arg("cooldown") = 0, py::arg("min_lr") = 0.0, py::arg("epsilon") = py::none())
      .def_property_readonly("wait", &cb::ReduceLROnPlateau::wait)
      .def_property_readonly("best", &cb::ReduceLROnPlateau::best)
      .def_property_readonly("cooldown_counter", &cb::ReduceLROnPlateau::cooldown_counter)
      .def_property_readonly("monitor",
                             [](const cb::ReduceLROnPlateau& c) { return c.options().monitor; })
      .def("_engine_on_train_begin", engine_on_train_begin<cb::ReduceLROnPlateau>())
      .def("_engine_on_epoch_end", engine_on_epoch_end<cb::ReduceLROnPlateau>());

  py::class_<cb::LearningRateScheduler, Callback, std::shared_ptr<cb::LearningRateScheduler>>(
      m, "LearningRateScheduler",
      "LearningRateScheduler(schedule): schedule(epoch) or schedule(epoch, lr).")
      .def(py::init([](py::function schedule, int verbose) {
             auto fn = hold(schedule);
             int arity = 1;
             try {
               py::object signature = py::module_::import("inspect").attr("signature")(schedule);
               arity = static_cast<int>(py::len(signature.attr("parameters")));
             } catch (const py::error_already_set&) {
             }
             cb::Schedule s([fn, arity](int epoch, double lr) {
               py::gil_scoped_acquire gil;
               py::object out = arity >= 2 ? (*fn)(epoch, lr) : (*fn)(epoch);
               return out.cast<double>();
             });
             return std::make_shared<cb::LearningRateScheduler>(
                 cb::LearningRateSchedulerOptions{s, verbose});
           }),
           py::arg("schedule"), py::arg("verbose") = 0);

  py::class_<cb::CSVLogger, Callback, std::shared_ptr<cb::CSVLogger>>(m, "CSVLogger")
      .def(py::init([](std::string filename, std::string separator, bool append) {
             return std::make_shared<cb::CSVLogger>(
                 cb::CSVLoggerOptions{filename, separator, append});
           }),
           py::arg("filename"), py::arg("separator") = ",", py::arg("append") = false);

  py::class_<cb::ModelCheckpoint, Callback, std::shared_ptr<cb::ModelCheckpoint>>(
      m, "ModelCheckpoint",
      "ModelCheckpoint(filepath, monitor='val_loss', verbose=0, save_best_only=False, "
      "save_weights_only=False, mode='auto', period=1): filepath may hold {epoch:02d} and "
      "{val_loss:.2f}-style fields of the epoch's logs.")
      .def(py::init([](py::object filepath, std::string monitor, int verbose, bool save_best_only,
                       bool save_weights_only, std::string mode, int period) {
             return std::make_shared<cb::ModelCheckpoint>(cb::ModelCheckpointOptions{
                 py::str(py::module_::import("os").attr("fspath")(filepath)).cast<std::string>(),
                 monitor, verbose, save_best_only, save_weights_only, mode, period});
           }),
           py::arg("filepath"), py::arg("monitor") = "val_loss", py::arg("verbose") = 0,
           py::arg("save_best_only") = false, py::arg("save_weights_only") = false,
           py::arg("mode") = "auto", py::arg("period") = 1)
      .def_property_readonly("filepath",
                             [](const cb::ModelCheckpoint& c) { return c.options().filepath; })
      .def_property_readonly("monitor",
                             [](const cb::ModelCheckpoint& c) { return c.options().monitor; })
      .def_property_readonly("best", &cb::ModelCheckpoint::best);

  // For the tests: a C++ callback recording, at every batch end, whether the thread running
  // fit holds the GIL (it must not while the engine computes).
  struct GilProbe : Callback {
    std::int64_t batches = 0, batches_holding_gil = 0;
    void on_batch_end(int, callbacks::Logs&) override {
      ++batches;
      if (PyGILState_Check()) ++batches_holding_gil;
    }
  };
  py::module_ testing = root.def_submodule("_testing", "Probes for keras_cpp's own tests.");
  py::class_<GilProbe, Callback, std::shared_ptr<GilProbe>>(testing, "GilProbe")
      .def(py::init<>())
      .def_readonly("batches", &GilProbe::batches)
      .def_readonly("batches_holding_gil", &GilProbe::batches_holding_gil);

  py::class_<cb::TerminateOnNaN, Callback, std::shared_ptr<cb::TerminateOnNaN>>(m, "TerminateOnNaN")
      .def(py::init<>());

  py::class_<cb::TensorBoard, Callback, std::shared_ptr<cb::TensorBoard>>(
      m, "TensorBoard",
      "TensorBoard(log_dir='./logs', histogram_freq=0, batch_size=32, write_graph=True, "
      "write_grads=False, write_images=False, embeddings_freq=0, embeddings_layer_names=None, "
      "embeddings_metadata=None, embeddings_data=None, update_freq='epoch'): writes TensorFlow "
      "event files for TensorBoard; the embeddings go to the projector as TSV files.")
      .def(py::init([](py::object log_dir, int histogram_freq, std::int64_t batch_size,
                       bool write_graph, bool write_grads, bool write_images, int embeddings_freq,
                       py::object embeddings_layer_names, py::object embeddings_metadata,
                       py::object embeddings_data, py::object update_freq) {
             cb::TensorBoardOptions o;
             o.log_dir =
                 py::str(py::module_::import("os").attr("fspath")(log_dir)).cast<std::string>();
             o.histogram_freq = histogram_freq;
             o.batch_size = batch_size;
             o.write_graph = write_graph;
             o.write_grads = write_grads;
             o.write_images = write_images;
             o.embeddings_freq = embeddings_freq;
             if (!embeddings_layer_names.is_none())
               o.embeddings_layer_names = embeddings_layer_names.cast<std::vector<std::string>>();
             if (py::isinstance<py::str>(embeddings_metadata))
               o.embeddings_metadata = embeddings_metadata.cast<std::string>();
             else if (!embeddings_metadata.is_none())
               o.embeddings_metadata =
                   embeddings_metadata.cast<std::map<std::string, std::string>>();
             if (!embeddings_data.is_none()) {
               if (py::isinstance<py::list>(embeddings_data) ||
                   py::isinstance<py::tuple>(embeddings_data))
                 for (auto item : embeddings_data) o.embeddings_data.push_back(to_tensor(item));
               else
                 o.embeddings_data.push_back(to_tensor(embeddings_data));
             }
             if (py::isinstance<py::str>(update_freq))
               o.update_freq = update_freq.cast<std::string>();
             else if (py::isinstance<py::int_>(update_freq) &&
                      !py::isinstance<py::bool_>(update_freq))
               o.update_freq = update_freq.cast<std::int64_t>();
             else
               throw py::value_error(
                   "TensorBoard: `update_freq` must be 'batch', 'epoch' or an integer, got " +
                   py::repr(update_freq).cast<std::string>());
             return std::make_shared<cb::TensorBoard>(std::move(o));
           }),
           py::arg("log_dir") = "./logs", py::arg("histogram_freq") = 0, py::arg("batch_size") = 32,
           py::arg("write_graph") = true, py::arg("write_grads") = false,
           py::arg("write_images") = false, py::arg("embeddings_freq") = 0,
           py::arg("embeddings_layer_names") = py::none(),
           py::arg("embeddings_metadata") = py::none(), py::arg("embeddings_data") = py::none(),
           py::arg("update_freq") = "epoch")
      .def_property_readonly("log_dir",
                             [](const cb::TensorBoard& c) { return c.options().log_dir; })
      .def_property_readonly("histogram_freq",
                             [](const cb::TensorBoard& c) { return c.options().histogram_freq; })
      .def_property_readonly("batch_size",
                             [](const cb::TensorBoard& c) { return c.options().batch_size; })
      .def_property_readonly("write_graph",
                             [](const cb::TensorBoard& c) { return c.options().write_graph; })
      .def_property_readonly("write_grads",
                             [](const cb::TensorBoard& c) { return c.options().write_grads; })
      .def_property_readonly("write_images",
                             [](const cb::TensorBoard& c) { return c.options().write_images; })
      .def_property_readonly("embeddings_freq",
                             [](const cb::TensorBoard& c) { return c.options().embeddings_freq; })
      // Keras keeps 'epoch', and turns 'batch' into 1.
      .def_property_readonly("update_freq",
                             [](const cb::TensorBoard& c) -> py::object {
                               if (c.update_samples()) return py::int_(*c.update_samples());
                               return py::str("epoch");
                             })
      .def_property_readonly("samples_seen", &cb::TensorBoard::samples_seen)
      .def_property_readonly("event_file", &cb::TensorBoard::event_file);
}

}  // namespace keras::python
