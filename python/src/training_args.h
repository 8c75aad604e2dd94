// compile()'s arguments from Python (bind_training.cpp), shared with bind_functional.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include "convert.h"
#include "keras/callbacks.h"
#include "keras/engine/training.h"

namespace keras::python {

namespace py = pybind11;

// An optimizer by name or a keras_cpp.optimizers object.
OptimizerArg to_optimizer(py::handle obj);
// A loss by name, or a Python function of (y_true, y_pred) traced once into graph ops.
LossArg to_loss(py::handle obj);
// A metric by name, or a Python function of (y_true, y_pred) traced once into graph ops.
MetricArg to_metric(py::handle obj);
// class_weight: None or a dict {class index: weight}.
ClassWeight to_class_weight(py::handle obj);
// fit()'s scalar arguments, each converted with a TypeError that names it.
void set_fit_scalars(FitOptions& o, py::handle batch_size, py::handle epochs, py::handle verbose,
                     py::handle validation_split, py::handle shuffle, py::handle initial_epoch);

// The callback every fit from Python ends its list with: Ctrl-C (a pending Python signal) stops
// training after the current batch with the KeyboardInterrupt.
class SignalCheck : public callbacks::Callback {
 public:
  void on_batch_end(int, callbacks::Logs&) override { check(); }
  void on_epoch_end(int, callbacks::Logs&) override { check(); }

 private:
  static void check() {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  }
};

}  // namespace keras::python
