// The locally-connected layers (LocallyConnected1D/2D, from their schema) and the
// convolutional-recurrent one (ConvLSTM2D), with Keras 2's arguments and Keras 1's (nb_filter,
// nb_row, nb_col, filter_length, init, border_mode, subsample, dim_ordering, W_regularizer, ...).
// keras_cpp/layers/local.py and convolutional_recurrent.py put them under Keras's modules.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <pybind11/stl.h>

#include "bindings.h"
#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/local.h"
#include "layer_args.h"
#include "layer_schema.h"
#include "option_kwargs.h"

namespace keras::python {
namespace {

using namespace keras::layers;

// Keras 2.2.4's conv2d_args_preprocessor for LocallyConnected2D: Keras 1's positional
// (nb_filter, nb_row, nb_col) and keywords nb_row=, nb_col= become one kernel_size.
py::tuple keras1_kernel_args(const py::args& args, py::kwargs& kwargs, const char* class_name) {
  auto is_int = [](py::handle v) { return PyIndex_Check(v.ptr()) && !PyBool_Check(v.ptr()); };
  if (args.size() == 3 && is_int(args[1]) && is_int(args[2])) {
    for (const char* keyword : {"padding", "strides", "data_format"})
      if (kwargs.contains(keyword))
        throw py::value_error(
            std::string(class_name) +
            ": it seems that you are using Keras 2 and passing both `kernel_size` and `strides` "
            "as integer positional arguments. For safety reasons, this is disallowed. Pass "
            "`strides` as a keyword argument instead.");
    return py::make_tuple(args[0], py::make_tuple(args[1], args[2]));
  }
  const bool rows = kwargs.contains("nb_row"), cols = kwargs.contains("nb_col");
  if (args.size() == 2 && is_int(args[1]) && cols && !rows)
    return py::make_tuple(args[0], py::make_tuple(args[1], pop_kwarg(kwargs, "nb_col")));
  if (rows || cols) {
    if (!rows || !cols)
      throw py::type_error(std::string(class_name) + ": Keras 1's `nb_row` and `nb_col` go " +
                           "together (or give Keras 2's `kernel_size`)");
    py::tuple kernel = py::make_tuple(pop_kwarg(kwargs, "nb_row"), pop_kwarg(kwargs, "nb_col"));
    if (args.size() >= 2 || kwargs.contains("kernel_size"))
      throw py::type_error(std::string(class_name) +
                           "() got both Keras 1's `nb_row`, `nb_col` and Keras 2's `kernel_size`");
    if (args.size() == 1) return py::make_tuple(args[0], kernel);
    kwargs["kernel_size"] = kernel;
  }
  return args;
}

// LocallyConnected<Rank>D from its schema: (filters, kernel_size) positionally or by keyword,
// the other arguments by keyword (Keras 2.2.4's legacy interface takes two positional ones),
// Keras 1's spellings by keyword, and the signature.
template <typename L, int Rank>
void bind_local_class(py::module_& m, const char* class_name) {
  using Options = LocallyConnectedSchema<Rank>;
  detail::DescribeSchema<Options> describe;
  Options::arguments(describe);
  std::string doc = detail::call_doc(class_name, describe.arguments);
  py::class_<L, LocallyConnected, std::shared_ptr<L>> cls(m, class_name, doc.c_str());
  std::string name = class_name;
  cls.def(py::init([name](py::args args, py::kwargs kwargs) {
    py::tuple positional = Rank == 2 ? keras1_kernel_args(args, kwargs, name.c_str()) : args;
    if (positional.size() > 2)
      throw py::type_error(name + " takes (filters, kernel_size) positionally" +
                           (Rank == 2 ? " (Keras 1: (nb_filter, nb_row, nb_col))" : "") +
                           ", the other arguments by keyword; got " + std::to_string(args.size()) +
                           " positional arguments " + py::repr(args).cast<std::string>());
    Options o;
    options_from_python(o, name, py::reinterpret_borrow<py::args>(positional), kwargs);
    return std::make_shared<L>(std::move(o));
  }));
  cls.attr("_arguments") = describe.arguments;
}

// ConvLSTM2D from its schema: (filters, kernel_size) or Keras 1's (nb_filter, nb_row, nb_col)
// positionally, the rest by keyword; `seed` (of the dropout masks) is keras.cpp's own keyword,
// outside Keras's signature.
void bind_conv_lstm(py::module_& m) {
  detail::DescribeSchema<ConvLSTM2DOptions> describe;
  ConvLSTM2DOptions::arguments(describe);
  std::string doc = detail::call_doc("ConvLSTM2D", describe.arguments);
  py::class_<ConvLSTM2D, ConvRNN2D, std::shared_ptr<ConvLSTM2D>> cls(m, "ConvLSTM2D", doc.c_str());
  cls.def(py::init([](py::args args, py::kwargs kwargs) {
       py::tuple positional = keras1_kernel_args(args, kwargs, "ConvLSTM2D");
       if (positional.size() > 2)  // Keras 2.2.4's legacy interface: two positional arguments
         throw py::type_error(
             "ConvLSTM2D takes (filters, kernel_size) positionally (Keras 1: (nb_filter, "
             "nb_row, nb_col)), the other arguments by keyword; got " +
             std::to_string(args.size()) + " positional arguments " +
             py::repr(args).cast<std::string>());
       ConvLSTM2DOptions o;
       take(kwargs, "seed", o.seed);
       std::optional<bool> trainable = options_from_python(
           o, "ConvLSTM2D", py::reinterpret_borrow<py::args>(positional), kwargs);
       auto layer = std::make_shared<ConvLSTM2D>(std::move(o));
       if (trainable) layer->set_trainable(*trainable);
       return layer;
     }))
      .def_property_readonly("filters", &ConvLSTM2D::filters)
      .def_property_readonly("data_format", &ConvLSTM2D::data_format);
  cls.attr("_arguments") = describe.arguments;
}

}  // namespace

void bind_local(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();

  LayerClass<LocallyConnected>(m, "_LocallyConnected")
      .def_property_readonly("filters", &LocallyConnected::filters)
      .def_property_readonly(
          "kernel_size", [](const LocallyConnected& l) { return shape_to_tuple(l.kernel_size()); })
      .def_property_readonly("strides",
                             [](const LocallyConnected& l) { return shape_to_tuple(l.strides()); })
      .def_property_readonly("data_format", &LocallyConnected::data_format);
  bind_local_class<LocallyConnected1D, 1>(m, "LocallyConnected1D");
  bind_local_class<LocallyConnected2D, 2>(m, "LocallyConnected2D");

  bind_conv_lstm(m);
}

}  // namespace keras::python
