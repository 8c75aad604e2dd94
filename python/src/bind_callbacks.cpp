// Keras's built-in callbacks from the C++ side: EarlyStopping, ReduceLROnPlateau,
// LearningRateScheduler, CSVLogger, ModelCheckpoint, TerminateOnNaN.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/callbacks.h"

namespace keras::python {

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
      .def_property_readonly("best", &cb::EarlyStopping::best);

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
      .def_property_readonly("best", &cb::ReduceLROnPlateau::best);

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
}

}  // namespace keras::python
