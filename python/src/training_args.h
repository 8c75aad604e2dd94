// compile()'s arguments from Python (bind_training.cpp), shared with bind_functional.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include "keras/engine/training.h"

namespace keras::python {

namespace py = pybind11;

// An optimizer by name or a keras_cpp.optimizers object.
OptimizerArg to_optimizer(py::handle obj);
// A loss by name, or a Python function of (y_true, y_pred) traced once into graph ops.
LossArg to_loss(py::handle obj);
// A metric by name, or a Python function of (y_true, y_pred) traced once into graph ops.
MetricArg to_metric(py::handle obj);

}  // namespace keras::python
