// SimpleRNN / GRU / LSTM (Keras 1 and 2 arguments), CuDNNGRU / CuDNNLSTM, Keras 2.2.4's cell API
// (RNN, SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells, cells written in Python), Bidirectional
// and TimeDistributed, and the convolutional ones: ConvRecurrent2D, ConvRNN2D, ConvLSTM2DCell
// (ConvLSTM2D: bind_local.cpp).
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include <pybind11/stl.h>

#include "bindings.h"
#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/cudnn_recurrent.h"
#include "keras/layers/recurrent.h"
#include "keras/layers/wrappers.h"
#include "layer_args.h"
#include "layer_schema.h"
#include "option_kwargs.h"

namespace keras::python {

// A wrapper's `layer`: a layer or a model (a layer written in Python lives as long as its
// wrapper).
template <>
struct PythonArgument<layers::WrappedLayerArg> {
  static layers::WrappedLayerArg from_python(py::handle value, const std::string& name) {
    if (!py::isinstance<Layer>(value))
      raise_argument_type_error(value, name.c_str(), "a layer (or a model)");
    keep_python_layer(value);
    return {value.cast<LayerPtr>()};
  }
  static py::object default_value(const layers::WrappedLayerArg&) { return py::none(); }
};

namespace {

using namespace keras::layers;

// The cells written in Python inside an RNN (alone or stacked), as custom objects: Bidirectional
// makes its backward copy from the layer's config, whose cells come back through their classes'
// from_config, as Keras's (which needed them in custom_objects).
py::dict python_cell_classes(py::handle layer) {
  py::dict classes;
  std::function<void(py::handle)> visit = [&](py::handle cell) {
    if (py::isinstance<StackedRNNCells>(cell))
      for (py::handle inner : cell.attr("cells")) visit(inner);
    py::handle type = py::type::handle_of(cell);
    if (py::str(type.attr("__module__")).cast<std::string>().rfind("keras_cpp.", 0) != 0)
      classes[type.attr("__name__")] = type;
  };
  if (py::isinstance<RNN>(layer)) visit(layer.attr("cell"));
  return classes;
}

// SimpleRNN, GRU and LSTM from their schema (RecurrentArguments), under Recurrent; `seed` (of
// the dropout masks) is keras.cpp's own keyword, outside Keras's signature.
template <typename L, backend::RnnCell Kind>
void bind_rnn(py::module_& m, const char* class_name) {
  using Arguments = RecurrentArguments<Kind>;
  detail::DescribeSchema<Arguments> describe;
  Arguments::arguments(describe);
  std::string doc = detail::call_doc(class_name, describe.arguments);
  py::class_<L, Recurrent, std::shared_ptr<L>> cls(m, class_name, doc.c_str());
  std::string name = class_name;
  cls.def(py::init([name](py::args args, py::kwargs kwargs) {
    Arguments o;
    take(kwargs, "seed", o.seed);
    std::optional<bool> trainable = options_from_python(o, name, args, kwargs);
    auto layer = std::make_shared<L>(static_cast<RNNOptions>(std::move(o)));
    if (trainable) layer->set_trainable(*trainable);
    return layer;
  }));
  cls.attr("_arguments") = describe.arguments;
}

// RNN's `cell`: a cell layer (the library's, or a Python layer with `state_size` and
// call(inputs, states)), or a list of them (Keras's StackedRNNCells).
LayerPtr to_cell(py::handle cell) {
  if (py::isinstance<py::list>(cell) || py::isinstance<py::tuple>(cell)) {
    std::vector<LayerPtr> cells;
    for (py::handle c : cell) cells.push_back(to_cell(c));
    return std::make_shared<StackedRNNCells>(std::move(cells));
  }
  if (!py::isinstance<Layer>(cell))
    throw py::value_error(
        "`cell` should have a `call` method and a `state_size` attribute (a layer, any object "
        "with both, or a list of cells). The RNN was passed: " +
        py::repr(cell).cast<std::string>());
  keep_python_layer(cell);  // a cell written in Python lives as long as its RNN
  return cell.cast<LayerPtr>();
}

// A class whose first argument is a layer or a list of them (`cell`, `cells`) and whose other
// arguments are the schema of `Options`: `make(first, options)` builds it.
template <typename L, typename Options, typename Base = Layer, typename Make>
py::class_<L, Base, std::shared_ptr<L>> bind_with_cells(py::module_& m, const char* class_name,
                                                        const char* first, Make make) {
  detail::DescribeSchema<Options> describe;
  Options::arguments(describe);
  py::list arguments;
  arguments.append(py::make_tuple(first, py::none(), true, py::list()));
  for (py::handle argument : describe.arguments) arguments.append(argument);
  std::string doc = detail::call_doc(class_name, arguments);
  py::class_<L, Base, std::shared_ptr<L>> cls(m, class_name, doc.c_str());
  std::string name = class_name;
  cls.def(py::init([name, make](py::object cells, py::args args, py::kwargs kwargs) {
            Options o;
            std::optional<bool> trainable = options_from_python(o, name, args, kwargs);
            std::shared_ptr<L> layer = make(cells, std::move(o));
            if (trainable) layer->set_trainable(*trainable);
            return layer;
          }),
          py::arg(first));
  cls.attr("_arguments") = arguments;
  return cls;
}

// Keras 1's ConvRecurrent2D (the abstract base: its Keras 1.2.2 arguments give the signature),
// Keras 2.2.4's ConvRNN2D(cell) and ConvLSTM2DCell.
void bind_conv_recurrent(py::module_& m) {
  py::list keras1_arguments;
  for (const char* name : {"weights", "nb_row", "nb_col", "nb_filter"})
    keras1_arguments.append(py::make_tuple(name, py::none(), false, py::list()));
  for (const char* name : {"return_sequences", "go_backwards", "stateful"})
    keras1_arguments.append(py::make_tuple(name, false, false, py::list()));
  keras1_arguments.append(py::make_tuple("dim_ordering", py::none(), false, py::list()));
  std::string doc = detail::call_doc("ConvRecurrent2D", keras1_arguments);
  LayerClass<ConvRecurrent2D>(m, "ConvRecurrent2D", doc.c_str())
      .def_property_readonly("return_sequences", &ConvRecurrent2D::return_sequences)
      .def_property_readonly("return_state", &ConvRecurrent2D::return_state)
      .def_property_readonly("go_backwards", &ConvRecurrent2D::go_backwards)
      .def_property_readonly("states", &ConvRecurrent2D::states)
      .attr("_arguments") = keras1_arguments;

  bind_with_cells<ConvRNN2D, ConvRNN2DOptions, ConvRecurrent2D>(
      m, "ConvRNN2D", "cell",
      [](py::object cell, ConvRNN2DOptions o) {
        if (py::isinstance<py::list>(cell) || py::isinstance<py::tuple>(cell))
          throw py::type_error("It is not possible at the moment to stack convolutional cells.");
        return std::make_shared<ConvRNN2D>(to_cell(cell), std::move(o));
      })
      .def_property_readonly("cell", &ConvRNN2D::cell)
      .def_property_readonly("unroll", [](const ConvRNN2D&) { return false; });

  bind_layer<ConvLSTM2DCell, ConvLSTM2DCellArguments>(m, "ConvLSTM2DCell")
      .def_property_readonly("filters", &ConvLSTM2DCell::filters)
      .def_property_readonly("data_format", &ConvLSTM2DCell::data_format)
      .def_property_readonly(
          "kernel_size",
          [](const ConvLSTM2DCell& c) { return shape_to_tuple(c.conv_geometry().kernel_size); })
      .def_property_readonly(
          "strides",
          [](const ConvLSTM2DCell& c) { return shape_to_tuple(c.conv_geometry().strides); })
      .def_property_readonly(
          "dilation_rate",
          [](const ConvLSTM2DCell& c) { return shape_to_tuple(c.conv_geometry().dilation_rate); })
      .def_property_readonly("padding",
                             [](const ConvLSTM2DCell& c) { return c.conv_geometry().padding; })
      .def_property_readonly(
          "state_size",
          [](const ConvLSTM2DCell& c) { return py::make_tuple(c.filters(), c.filters()); })
      // Keras's cell.call(inputs, states, training=None): one step, (h, [h, c]) (a cell written
      // in Python may delegate to it; the learning phase decides the dropout masks).
      .def(
          "call",
          [](ConvLSTM2DCell& cell, const SymbolicTensor& inputs,
             const std::vector<SymbolicTensor>& states, py::object) {
            CellStep next = cell.step(inputs, states);
            return py::make_tuple(next.output, py::cast(next.states));
          },
          py::arg("inputs"), py::arg("states"), py::arg("training") = py::none())
      .def_property_readonly("kernel", &ConvLSTM2DCell::kernel)
      .def_property_readonly("recurrent_kernel", &ConvLSTM2DCell::recurrent_kernel)
      .def_property_readonly("bias", [](const ConvLSTM2DCell& c) -> py::object {
        return c.bias().defined() ? py::cast(c.bias()) : py::none();
      });
}

}  // namespace

void bind_recurrent(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();

  // The base class: its own arguments give its signature; its layers are made by name.
  detail::DescribeSchema<RecurrentBaseArguments> recurrent_arguments;
  RecurrentBaseArguments::arguments(recurrent_arguments);
  std::string recurrent_doc = detail::call_doc("Recurrent", recurrent_arguments.arguments);
  LayerClass<Recurrent>(m, "Recurrent", recurrent_doc.c_str())
      .def_property_readonly("units", &Recurrent::units)
      .def_property_readonly("return_sequences", &Recurrent::return_sequences)
      .def_property_readonly("return_state", &Recurrent::return_state)
      .def_property_readonly("go_backwards", &Recurrent::go_backwards)
      // Keras's `states`, `get_initial_state`, ... (python/keras_cpp/layers/recurrent.py) read
      // these.
      .def("_state_variables", &Recurrent::states)
      .def_property_readonly("_state_count", &Recurrent::state_count)
      .attr("_arguments") = recurrent_arguments.arguments;
  bind_rnn<SimpleRNN, backend::RnnCell::kSimpleRNN>(m, "SimpleRNN");
  bind_rnn<GRU, backend::RnnCell::kGRU>(m, "GRU");
  bind_rnn<LSTM, backend::RnnCell::kLSTM>(m, "LSTM");
  // Keras 2.2.4's CuDNNGRU and CuDNNLSTM, computed on the CPU (cudnn_recurrent.h).
  bind_layer<CuDNNGRU, CuDNNArguments<backend::RnnCell::kGRU>, Recurrent>(m, "CuDNNGRU");
  bind_layer<CuDNNLSTM, CuDNNArguments<backend::RnnCell::kLSTM>, Recurrent>(m, "CuDNNLSTM");

  bind_layer<SimpleRNNCell, SimpleRNNCellOptions>(m, "SimpleRNNCell")
      .def_property_readonly("units", &SimpleRNNCell::units)
      .def_property_readonly("state_size", [](const SimpleRNNCell& c) { return c.units(); });
  bind_layer<GRUCell, GRUCellOptions>(m, "GRUCell")
      .def_property_readonly("units", &GRUCell::units)
      .def_property_readonly("state_size", [](const GRUCell& c) { return c.units(); });
  bind_layer<LSTMCell, LSTMCellOptions>(m, "LSTMCell")
      .def_property_readonly("units", &LSTMCell::units)
      .def_property_readonly(
          "state_size", [](const LSTMCell& c) { return py::make_tuple(c.units(), c.units()); });
  bind_with_cells<StackedRNNCells, StackedRNNCellsOptions>(
      m, "StackedRNNCells", "cells",
      [](py::object cells, StackedRNNCellsOptions o) {
        if (!py::isinstance<py::list>(cells) && !py::isinstance<py::tuple>(cells))
          throw py::value_error("StackedRNNCells takes a list of cells, got " +
                                py::repr(cells).cast<std::string>());
        std::vector<LayerPtr> layers;
        for (py::handle cell : cells) layers.push_back(to_cell(cell));
        return std::make_shared<StackedRNNCells>(std::move(layers), std::move(o));
      })
      .def_property_readonly("cells", &StackedRNNCells::cells)
      .def_property_readonly("state_size", [](const StackedRNNCells& c) {
        return py::tuple(py::cast(c.state_size()));
      });
  bind_with_cells<RNN, RNNLayerOptions>(m, "RNN", "cell",
                                        [](py::object cell, RNNLayerOptions o) {
                                          return std::make_shared<RNN>(to_cell(cell), std::move(o));
                                        })
      .def_property_readonly("cell", &RNN::cell)
      .def_property_readonly("states", &RNN::states)
      .def_property_readonly("return_sequences",
                             [](const RNN& l) { return l.options().return_sequences; })
      .def_property_readonly("return_state", [](const RNN& l) { return l.options().return_state; })
      .def_property_readonly("go_backwards", [](const RNN& l) { return l.options().go_backwards; })
      .def_property_readonly("unroll", [](const RNN& l) { return l.options().unroll; })
      .def_property(
          "_num_constants", [](const RNN& l) { return l.options().num_constants; },
          &RNN::set_num_constants);

  detail::DescribeSchema<BidirectionalOptions> describe;
  BidirectionalOptions::arguments(describe);
  std::string doc = detail::call_doc("Bidirectional", describe.arguments);
  py::class_<Bidirectional, Wrapper, std::shared_ptr<Bidirectional>> bidirectional(
      m, "Bidirectional", doc.c_str());
  bidirectional
      .def(py::init([](py::args args, py::kwargs kwargs) {
        py::object layer = args.size() > 0            ? py::object(args[0])
                           : kwargs.contains("layer") ? py::object(kwargs["layer"])
                                                      : py::object(py::none());
        BidirectionalOptions o;
        std::optional<bool> trainable = options_from_python(o, "Bidirectional", args, kwargs);
        CustomObjectScope cells(to_custom_objects(python_cell_classes(layer)));
        auto made = std::make_shared<Bidirectional>(std::move(o));
        if (trainable) made->set_trainable(*trainable);
        return made;
      }))
      .def_property_readonly("forward_layer", &Bidirectional::forward_layer)
      .def_property_readonly("backward_layer", &Bidirectional::backward_layer)
      .def_property_readonly("merge_mode", &Bidirectional::merge_mode)
      .def_property_readonly("return_sequences", &Bidirectional::return_sequences)
      .def_property_readonly("return_state", &Bidirectional::return_state)
      .def_property("_num_constants", &Bidirectional::num_constants,
                    &Bidirectional::set_num_constants);
  bidirectional.attr("_arguments") = describe.arguments;
  bind_layer<TimeDistributed, TimeDistributedOptions, Wrapper>(m, "TimeDistributed");
  bind_conv_recurrent(m);
}

}  // namespace keras::python
