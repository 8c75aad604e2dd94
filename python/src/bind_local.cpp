// The locally-connected layers (LocallyConnected1D/2D) and the convolutional-recurrent one
// (ConvLSTM2D), with Keras 2's arguments and Keras 1's (nb_filter, nb_row, nb_col, filter_length,
// init, border_mode, subsample, dim_ordering, W_regularizer, ...). keras_cpp/layers/local.py and
// convolutional_recurrent.py put them under Keras's modules.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <pybind11/stl.h>

#include "bindings.h"
#include "keras/layers/convolutional_recurrent.h"
#include "keras/layers/local.h"
#include "layer_args.h"
#include "option_kwargs.h"

namespace keras::python {
namespace {

using namespace keras::layers;

void fill_local(LocallyConnectedOptions& o, py::dict& kw, std::size_t rank) {
  take(kw, "filters", o.filters);
  take(kw, "kernel_size", o.kernel_size, rank);
  take(kw, "strides", o.strides, rank);
  take(kw, "padding", o.padding);
  take(kw, "data_format", o.data_format);
  take(kw, "activation", o.activation);
  take(kw, "use_bias", o.use_bias);
  take_initializer(kw, "kernel_initializer", o.kernel_initializer);
  take_initializer(kw, "bias_initializer", o.bias_initializer);
  take(kw, "kernel_regularizer", o.kernel_regularizer);
  take(kw, "bias_regularizer", o.bias_regularizer);
  take(kw, "activity_regularizer", o.activity_regularizer);
  take(kw, "kernel_constraint", o.kernel_constraint);
  take(kw, "bias_constraint", o.bias_constraint);
  // Keras 1
  take(kw, "nb_filter", o.nb_filter);
  if (rank == 1) {
    take(kw, "filter_length", o.filter_length);
    take(kw, "subsample_length", o.subsample_length);
  } else {
    take(kw, "nb_row", o.nb_row);
    take(kw, "nb_col", o.nb_col);
    take(kw, "subsample", o.subsample, rank);
    take(kw, "dim_ordering", o.dim_ordering);
  }
  take_initializer(kw, "init", o.init);
  take(kw, "border_mode", o.border_mode);
  take(kw, "bias", o.bias);
  take(kw, "W_regularizer", o.W_regularizer);
  take(kw, "b_regularizer", o.b_regularizer);
  take(kw, "W_constraint", o.W_constraint);
  take(kw, "b_constraint", o.b_constraint);
}

// LocallyConnected<rank>D(filters, kernel_size, **kwargs), or Keras 1's
// LocallyConnected2D(nb_filter, nb_row, nb_col, **kwargs).
template <typename L>
std::shared_ptr<L> make_local(std::size_t rank, const py::args& args, py::kwargs kwargs) {
  LocallyConnectedOptions o;
  const std::string name = "LocallyConnected" + std::to_string(rank) + "D";
  if (args.size() > 3 || (args.size() == 3 && rank != 2))
    throw py::type_error(name + " takes (filters, kernel_size) positionally" +
                         (rank == 2 ? " (Keras 1: (nb_filter, nb_row, nb_col))" : "") + ", got " +
                         std::to_string(args.size()) + " positional arguments");
  if (args.size() == 3) {
    o.nb_filter = cast_arg<std::int64_t>(args[0], "nb_filter");
    o.nb_row = cast_arg<std::int64_t>(args[1], "nb_row");
    o.nb_col = cast_arg<std::int64_t>(args[2], "nb_col");
  } else {
    if (args.size() >= 1) o.filters = cast_arg<std::int64_t>(args[0], "filters");
    if (args.size() >= 2) o.kernel_size = to_ints(args[1], rank, "kernel_size");
  }
  fill_local(o, kwargs, rank);
  return make_layer<L>(std::move(o), kwargs);
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
  py::class_<LocallyConnected1D, LocallyConnected, std::shared_ptr<LocallyConnected1D>>(
      m, "LocallyConnected1D",
      "LocallyConnected1D(filters, kernel_size, strides=1, padding='valid', data_format=None, "
      "activation=None, use_bias=True, ...) (Keras 1: nb_filter, filter_length, init, "
      "border_mode, subsample_length, W_regularizer, ..., bias)")
      .def(py::init([](py::args args, py::kwargs kwargs) {
        return make_local<LocallyConnected1D>(1, args, kwargs);
      }));
  py::class_<LocallyConnected2D, LocallyConnected, std::shared_ptr<LocallyConnected2D>>(
      m, "LocallyConnected2D",
      "LocallyConnected2D(filters, kernel_size, strides=(1, 1), padding='valid', "
      "data_format=None, activation=None, use_bias=True, ...) (Keras 1: nb_filter, nb_row, "
      "nb_col, init, border_mode, subsample, dim_ordering, W_regularizer, ..., bias)")
      .def(py::init([](py::args args, py::kwargs kwargs) {
        return make_local<LocallyConnected2D>(2, args, kwargs);
      }));

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
