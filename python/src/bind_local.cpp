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

void fill_conv_lstm(ConvLSTM2DOptions& o, py::dict& kw) {
  take(kw, "filters", o.filters);
  take(kw, "kernel_size", o.kernel_size, 2);
  take(kw, "strides", o.strides, 2);
  take(kw, "padding", o.padding);
  take(kw, "data_format", o.data_format);
  take(kw, "dilation_rate", o.dilation_rate, 2);
  take(kw, "activation", o.activation);
  take(kw, "recurrent_activation", o.recurrent_activation);
  take(kw, "use_bias", o.use_bias);
  take_initializer(kw, "kernel_initializer", o.kernel_initializer);
  take_initializer(kw, "recurrent_initializer", o.recurrent_initializer);
  take_initializer(kw, "bias_initializer", o.bias_initializer);
  take(kw, "unit_forget_bias", o.unit_forget_bias);
  take(kw, "kernel_regularizer", o.kernel_regularizer);
  take(kw, "recurrent_regularizer", o.recurrent_regularizer);
  take(kw, "bias_regularizer", o.bias_regularizer);
  take(kw, "activity_regularizer", o.activity_regularizer);
  take(kw, "kernel_constraint", o.kernel_constraint);
  take(kw, "recurrent_constraint", o.recurrent_constraint);
  take(kw, "bias_constraint", o.bias_constraint);
  take(kw, "return_sequences", o.return_sequences);
  take(kw, "go_backwards", o.go_backwards);
  take(kw, "stateful", o.stateful);
  take(kw, "dropout", o.dropout);
  take(kw, "recurrent_dropout", o.recurrent_dropout);
  // Keras 1
  take(kw, "nb_filter", o.nb_filter);
  take(kw, "nb_row", o.nb_row);
  take(kw, "nb_col", o.nb_col);
  take_initializer(kw, "init", o.init);
  take_initializer(kw, "inner_init", o.inner_init);
  take_initializer(kw, "forget_bias_init", o.forget_bias_init);
  take(kw, "inner_activation", o.inner_activation);
  take(kw, "dim_ordering", o.dim_ordering);
  take(kw, "border_mode", o.border_mode);
  take(kw, "subsample", o.subsample, 2);
  take(kw, "W_regularizer", o.W_regularizer);
  take(kw, "U_regularizer", o.U_regularizer);
  take(kw, "b_regularizer", o.b_regularizer);
  take(kw, "dropout_W", o.dropout_W);
  take(kw, "dropout_U", o.dropout_U);
  take(kw, "seed", o.seed);
  take(kw, "batch_size", o.batch_size);
}

// ConvLSTM2D(filters, kernel_size, **kwargs), or Keras 1's ConvLSTM2D(nb_filter, nb_row, nb_col,
// **kwargs).
std::shared_ptr<ConvLSTM2D> make_conv_lstm(const py::args& args, py::kwargs kwargs) {
  ConvLSTM2DOptions o;
  if (args.size() > 3)
    throw py::type_error(
        "ConvLSTM2D takes (filters, kernel_size) positionally (Keras 1: (nb_filter, nb_row, "
        "nb_col)), got " +
        std::to_string(args.size()) + " positional arguments");
  if (args.size() == 3) {
    o.nb_filter = cast_arg<std::int64_t>(args[0], "nb_filter");
    o.nb_row = cast_arg<std::int64_t>(args[1], "nb_row");
    o.nb_col = cast_arg<std::int64_t>(args[2], "nb_col");
  } else {
    if (args.size() >= 1) o.filters = cast_arg<std::int64_t>(args[0], "filters");
    if (args.size() >= 2) o.kernel_size = to_ints(args[1], 2, "kernel_size");
  }
  fill_conv_lstm(o, kwargs);
  return make_layer<ConvLSTM2D>(std::move(o), kwargs);
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

  LayerClass<ConvLSTM2D>(m, "ConvLSTM2D",
                         "ConvLSTM2D(filters, kernel_size, strides=(1, 1), padding='valid', "
                         "data_format=None, dilation_rate=(1, 1), activation='tanh', "
                         "recurrent_activation='hard_sigmoid', ..., return_sequences=False, "
                         "go_backwards=False, stateful=False, dropout=0., recurrent_dropout=0.) "
                         "(Keras 1: nb_filter, nb_row, nb_col, init, inner_init, "
                         "forget_bias_init, inner_activation, dim_ordering, border_mode, "
                         "subsample, W/U/b_regularizer, dropout_W, dropout_U)")
      .def(py::init(&make_conv_lstm))
      .def_property_readonly("filters", &ConvLSTM2D::filters)
      .def_property_readonly("data_format", &ConvLSTM2D::data_format)
      .def_property_readonly("return_sequences", &ConvLSTM2D::return_sequences);
}

}  // namespace keras::python
