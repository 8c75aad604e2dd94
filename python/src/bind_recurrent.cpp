// SimpleRNN / GRU / LSTM (Keras 1 and 2 arguments), Bidirectional and TimeDistributed.
#include <memory>
#include <string>
#include <utility>

#include <pybind11/stl.h>

#include "bindings.h"
#include "keras/layers/recurrent.h"
#include "keras/layers/wrappers.h"
#include "layer_args.h"
#include "option_kwargs.h"

namespace keras::python {
namespace {

using namespace keras::layers;

void fill_rnn(RNNOptions& o, py::dict& kw) {
  take(kw, "units", o.units);
  take(kw, "output_dim", o.output_dim);
  take(kw, "activation", o.activation);
  take(kw, "recurrent_activation", o.recurrent_activation);
  take(kw, "inner_activation", o.inner_activation);
  take(kw, "use_bias", o.use_bias);
  take_initializer(kw, "kernel_initializer", o.kernel_initializer);
  take_initializer(kw, "init", o.init);
  take_initializer(kw, "recurrent_initializer", o.recurrent_initializer);
  take_initializer(kw, "inner_init", o.inner_init);
  take_initializer(kw, "bias_initializer", o.bias_initializer);
  take(kw, "unit_forget_bias", o.unit_forget_bias);
  take_initializer(kw, "forget_bias_init", o.forget_bias_init);
  take(kw, "kernel_regularizer", o.kernel_regularizer);
  take(kw, "W_regularizer", o.W_regularizer);
  take(kw, "recurrent_regularizer", o.recurrent_regularizer);
  take(kw, "U_regularizer", o.U_regularizer);
  take(kw, "bias_regularizer", o.bias_regularizer);
  take(kw, "b_regularizer", o.b_regularizer);
  take(kw, "activity_regularizer", o.activity_regularizer);
  take(kw, "kernel_constraint", o.kernel_constraint);
  take(kw, "recurrent_constraint", o.recurrent_constraint);
  take(kw, "bias_constraint", o.bias_constraint);
  take(kw, "dropout", o.dropout);
  take(kw, "dropout_W", o.dropout_W);
  take(kw, "recurrent_dropout", o.recurrent_dropout);
  take(kw, "dropout_U", o.dropout_U);
  take(kw, "implementation", o.implementation);
  take(kw, "return_sequences", o.return_sequences);
  take(kw, "return_state", o.return_state);
  take(kw, "go_backwards", o.go_backwards);
  take(kw, "stateful", o.stateful);
  take(kw, "unroll", o.unroll);
  take(kw, "reset_after", o.reset_after);
  take(kw, "seed", o.seed);
  take(kw, "batch_size", o.batch_size);
}

template <typename L>
std::shared_ptr<L> make_rnn(py::object units, py::kwargs kwargs) {
  RNNOptions o;
  if (!units.is_none()) o.units = cast_arg<std::int64_t>(units, "units");
  fill_rnn(o, kwargs);
  return make_layer<L>(std::move(o), kwargs);
}

template <typename L>
void bind_rnn(py::module_& m, const char* name) {
  py::class_<L, Recurrent, std::shared_ptr<L>>(m, name).def(py::init(&make_rnn<L>),
                                                            py::arg("units") = py::none());
}

}  // namespace

void bind_recurrent(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();

  LayerClass<Recurrent>(m, "Recurrent")
      .def_property_readonly("units", &Recurrent::units)
      .def_property_readonly("return_sequences", &Recurrent::return_sequences);
  bind_rnn<SimpleRNN>(m, "SimpleRNN");
  bind_rnn<GRU>(m, "GRU");
  bind_rnn<LSTM>(m, "LSTM");

  LayerClass<Bidirectional>(m, "Bidirectional")
      .def(
          // merge_mode=None: the two outputs as a list.
          py::init([](std::shared_ptr<Recurrent> layer, std::optional<std::string> merge_mode,
                      py::kwargs kwargs) {
            BidirectionalOptions o{.merge_mode = std::move(merge_mode)};
            return make_layer<Bidirectional>(std::move(o), kwargs, std::move(layer));
          }),
          py::arg("layer"), py::arg("merge_mode") = "concat");
  LayerClass<TimeDistributed>(m, "TimeDistributed")
      .def(py::init([](py::object layer, py::kwargs kwargs) {
             keep_python_layer(layer);  // a layer written in Python, wrapped
             return make_layer<TimeDistributed>(TimeDistributedOptions{}, kwargs,
                                                layer.cast<std::shared_ptr<Layer>>());
           }),
           py::arg("layer"));
}

}  // namespace keras::python
