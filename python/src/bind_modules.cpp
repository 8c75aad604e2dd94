// Optimizers, losses, metrics, activations, initializers, utils and datasets.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/activations.h"
#include "keras/datasets/fashion_mnist.h"
#include "keras/datasets/mnist.h"
#include "keras/engine/training.h"
#include "keras/initializers.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/optimizers.h"
#include "keras/utils/generic_utils.h"
#include "keras/utils/np_utils.h"
#include "keras/utils/random.h"
#include "keras/utils/vis_utils.h"
#include "layer_args.h"

namespace keras::python {

namespace {

namespace opt = keras::optimizers;
using SymFn2 = backend::SymbolicTensor (*)(const backend::SymbolicTensor&,
                                           const backend::SymbolicTensor&);
using SymFn1 = backend::SymbolicTensor (*)(const backend::SymbolicTensor&);

// Keras 2.3+ spells lr `learning_rate`; either works.
double lr_of(double lr, py::handle learning_rate) {
  return learning_rate.is_none() ? lr : learning_rate.cast<double>();
}

py::tuple load_result(std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> data) {
  auto& [train, test] = data;
  return py::make_tuple(py::make_tuple(to_numpy(train.first), to_numpy(train.second)),
                        py::make_tuple(to_numpy(test.first), to_numpy(test.second)));
}

void def_loss(py::module_& m, const char* name, SymFn2 fn) {
  m.def(name, fn, py::arg("y_true"), py::arg("y_pred"));
}

// Progbar values: a list of (name, number) pairs (Keras's), numpy scalars included.
std::vector<std::pair<std::string, double>> progbar_values(py::handle values) {
  std::vector<std::pair<std::string, double>> out;
  if (values.is_none()) return out;
  for (auto item : values) {
    auto pair = py::reinterpret_borrow<py::sequence>(item);
    if (pair.size() != 2)
      throw py::value_error("Progbar values are (name, value) pairs, got " +
                            py::repr(item).cast<std::string>());
    out.emplace_back(py::str(pair[0]).cast<std::string>(), py::float_(pair[1]).cast<double>());
  }
  return out;
}

// Python's sys.stdout, looked up at each write (pytest and notebooks replace it).
void write_to_python_stdout(const std::string& text) {
  py::gil_scoped_acquire gil;
  py::object out = py::module_::import("sys").attr("stdout");
  out.attr("write")(text);
  out.attr("flush")();
}

bool python_stdout_is_terminal() {
  py::module_ sys = py::module_::import("sys");
  py::object out = sys.attr("stdout");
  if (sys.attr("modules").contains("ipykernel")) return true;
  return py::hasattr(out, "isatty") && out.attr("isatty")().cast<bool>();
}

}  // namespace

void bind_modules(py::module_& root) {
  // Optimizers: Keras's classes and keyword arguments (lr or learning_rate).
  py::module_ o = root.def_submodule("optimizers");
  py::class_<opt::Optimizer, std::shared_ptr<opt::Optimizer>>(o, "Optimizer")
      .def("get_config", [](const opt::Optimizer& x) { return from_json(x.get_config()); })
      .def_property_readonly("class_name", &opt::Optimizer::class_name)
      // Keras 2.2.4's get_updates(loss, params): (variable, new value) pairs for K.function's
      // updates (Keras 1's get_updates(params, constraints, loss): keras_cpp.optimizers).
      .def(
          "get_updates",
          [](opt::Optimizer& x, const backend::SymbolicTensor& loss,
             const std::vector<backend::SymbolicTensor>& params) {
            py::list out;
            for (const auto& u : x.get_updates(params, loss)) {
              // As Keras 2.2.4's optimizers: a parameter's own constraint projects its new value.
              const bool param =
                  std::find(params.begin(), params.end(), u.variable) != params.end();
              constraints::Constraint c =
                  param ? variable_constraint(u.variable) : constraints::Constraint();
              out.append(py::make_tuple(u.variable, c ? c(u.new_value) : u.new_value));
            }
            return out;
          },
          py::arg("loss"), py::arg("params"))
      .def("get_weights", &opt::Optimizer::get_weights)
      .def("set_weights", &opt::Optimizer::set_weights, py::arg("weights"))
      .def_property_readonly("weights", &opt::Optimizer::weights)
      .def_property_readonly("lr", &opt::Optimizer::lr)
      .def_property_readonly("iterations", &opt::Optimizer::iterations)
      .def_property("learning_rate", &opt::Optimizer::learning_rate,
                    &opt::Optimizer::set_learning_rate)
      .def_property_readonly("clipnorm", &opt::Optimizer::clipnorm)
      .def_property_readonly("clipvalue", &opt::Optimizer::clipvalue)
      .def("__repr__", [](py::handle self) {
        if (!cpp_object_constructed(self)) return unconstructed_repr(self);
        return "<keras_cpp.optimizers." + self.cast<const opt::Optimizer&>().class_name() + ">";
      });

  py::class_<opt::SGD, opt::Optimizer, std::shared_ptr<opt::SGD>>(o, "SGD").def(
      py::init([](double lr, double momentum, double decay, bool nesterov, double clipnorm,
                  double clipvalue, py::object learning_rate) {
        return std::make_shared<opt::SGD>(opt::SGDOptions{lr_of(lr, learning_rate), momentum, decay,
                                                          nesterov, clipnorm, clipvalue});
      }),
      py::arg("lr") = 0.01, py::arg("momentum") = 0.0, py::arg("decay") = 0.0,
      py::arg("nesterov") = false, py::kw_only(), py::arg("clipnorm") = 0.0,
      py::arg("clipvalue") = 0.0, py::arg("learning_rate") = py::none());
  py::class_<opt::RMSprop, opt::Optimizer, std::shared_ptr<opt::RMSprop>>(o, "RMSprop")
      .def(py::init([](double lr, double rho, py::object epsilon, double decay, double clipnorm,
                       double clipvalue, py::object learning_rate) {
             double eps = epsilon.is_none() ? backend::epsilon() : epsilon.cast<double>();
             return std::make_shared<opt::RMSprop>(opt::RMSpropOptions{
                 lr_of(lr, learning_rate), rho, eps, decay, clipnorm, clipvalue});
           }),
           py::arg("lr") = 0.001, py::arg("rho") = 0.9, py::arg("epsilon") = py::none(),
           py::arg("decay") = 0.0, py::kw_only(), py::arg("clipnorm") = 0.0,
           py::arg("clipvalue") = 0.0, py::arg("learning_rate") = py::none());
  py::class_<opt::Adagrad, opt::Optimizer, std::shared_ptr<opt::Adagrad>>(o, "Adagrad")
      .def(py::init([](double lr, py::object epsilon, double decay, double clipnorm,
                       double clipvalue, py::object learning_rate) {
             double eps = epsilon.is_none() ? backend::epsilon() : epsilon.cast<double>();
             return std::make_shared<opt::Adagrad>(
                 opt::AdagradOptions{lr_of(lr, learning_rate), eps, decay, clipnorm, clipvalue});
           }),
           py::arg("lr") = 0.01, py::arg("epsilon") = py::none(), py::arg("decay") = 0.0,
           py::kw_only(), py::arg("clipnorm") = 0.0, py::arg("clipvalue") = 0.0,
           py::arg("learning_rate") = py::none());
  py::class_<opt::Adadelta, opt::Optimizer, std::shared_ptr<opt::Adadelta>>(o, "Adadelta")
      .def(py::init([](double lr, double rho, py::object epsilon, double decay, double clipnorm,
                       double clipvalue, py::object learning_rate) {
             double eps = epsilon.is_none() ? backend::epsilon() : epsilon.cast<double>();
             return std::make_shared<opt::Adadelta>(opt::AdadeltaOptions{
                 lr_of(lr, learning_rate), rho, eps, decay, clipnorm, clipvalue});
           }),
           py::arg("lr") = 1.0, py::arg("rho") = 0.95, py::arg("epsilon") = py::none(),
           py::arg("decay") = 0.0, py::kw_only(), py::arg("clipnorm") = 0.0,
           py::arg("clipvalue") = 0.0, py::arg("learning_rate") = py::none());
  py::class_<opt::Adam, opt::Optimizer, std::shared_ptr<opt::Adam>>(o, "Adam").def(
      py::init([](double lr, double beta_1, double beta_2, py::object epsilon, double decay,
                  bool amsgrad, double clipnorm, double clipvalue, py::object learning_rate) {
        double eps = epsilon.is_none() ? backend::epsilon() : epsilon.cast<double>();
        return std::make_shared<opt::Adam>(opt::AdamOptions{
            lr_of(lr, learning_rate), beta_1, beta_2, eps, decay, amsgrad, clipnorm, clipvalue});
      }),
      py::arg("lr") = 0.001, py::arg("beta_1") = 0.9, py::arg("beta_2") = 0.999,
      py::arg("epsilon") = py::none(), py::arg("decay") = 0.0, py::arg("amsgrad") = false,
      py::kw_only(), py::arg("clipnorm") = 0.0, py::arg("clipvalue") = 0.0,
      py::arg("learning_rate") = py::none());
  py::class_<opt::Adamax, opt::Optimizer, std::shared_ptr<opt::Adamax>>(o, "Adamax")
      .def(py::init([](double lr, double beta_1, double beta_2, py::object epsilon, double decay,
                       double clipnorm, double clipvalue, py::object learning_rate) {
             double eps = epsilon.is_none() ? backend::epsilon() : epsilon.cast<double>();
             return std::make_shared<opt::Adamax>(opt::AdamaxOptions{
                 lr_of(lr, learning_rate), beta_1, beta_2, eps, decay, clipnorm, clipvalue});
           }),
           py::arg("lr") = 0.002, py::arg("beta_1") = 0.9, py::arg("beta_2") = 0.999,
           py::arg("epsilon") = py::none(), py::arg("decay") = 0.0, py::kw_only(),
           py::arg("clipnorm") = 0.0, py::arg("clipvalue") = 0.0,
           py::arg("learning_rate") = py::none());
  py::class_<opt::Nadam, opt::Optimizer, std::shared_ptr<opt::Nadam>>(o, "Nadam")
      .def(py::init([](double lr, double beta_1, double beta_2, py::object epsilon,
                       double schedule_decay, double clipnorm, double clipvalue,
                       py::object learning_rate) {
             double eps = epsilon.is_none() ? backend::epsilon() : epsilon.cast<double>();
             return std::make_shared<opt::Nadam>(opt::NadamOptions{lr_of(lr, learning_rate), beta_1,
                                                                   beta_2, eps, schedule_decay,
                                                                   clipnorm, clipvalue});
           }),
           py::arg("lr") = 0.002, py::arg("beta_1") = 0.9, py::arg("beta_2") = 0.999,
           py::arg("epsilon") = py::none(), py::arg("schedule_decay") = 0.004, py::kw_only(),
           py::arg("clipnorm") = 0.0, py::arg("clipvalue") = 0.0,
           py::arg("learning_rate") = py::none());
  o.def("get", &opt::get, py::arg("identifier"));
  o.def(
      "deserialize", [](py::object config) { return opt::from_config(to_json(config)); },
      py::arg("config"));

  // Losses (Keras 1: objectives). The aliases (mse, mae, ...) are set in Python.
  py::module_ l = root.def_submodule("losses");
  def_loss(l, "mean_squared_error", &losses::mean_squared_error);
  def_loss(l, "mean_absolute_error", &losses::mean_absolute_error);
  def_loss(l, "mean_absolute_percentage_error", &losses::mean_absolute_percentage_error);
  def_loss(l, "mean_squared_logarithmic_error", &losses::mean_squared_logarithmic_error);
  def_loss(l, "squared_hinge", &losses::squared_hinge);
  def_loss(l, "hinge", &losses::hinge);
  def_loss(l, "categorical_hinge", &losses::categorical_hinge);
  def_loss(l, "logcosh", &losses::logcosh);
  def_loss(l, "categorical_crossentropy", &losses::categorical_crossentropy);
  def_loss(l, "sparse_categorical_crossentropy", &losses::sparse_categorical_crossentropy);
  def_loss(l, "binary_crossentropy", &losses::binary_crossentropy);
  def_loss(l, "kullback_leibler_divergence", &losses::kullback_leibler_divergence);
  def_loss(l, "poisson", &losses::poisson);
  def_loss(l, "cosine_proximity", &losses::cosine_proximity);
  l.def("canonical_name", &losses::canonical_name, py::arg("name"));
  l.def("names", &losses::names);

  py::module_ me = root.def_submodule("metrics");
  def_loss(me, "binary_accuracy", &metrics::binary_accuracy);
  def_loss(me, "categorical_accuracy", &metrics::categorical_accuracy);
  def_loss(me, "sparse_categorical_accuracy", &metrics::sparse_categorical_accuracy);
  me.def("top_k_categorical_accuracy", &metrics::top_k_categorical_accuracy, py::arg("y_true"),
         py::arg("y_pred"), py::arg("k") = 5);
  me.def("sparse_top_k_categorical_accuracy", &metrics::sparse_top_k_categorical_accuracy,
         py::arg("y_true"), py::arg("y_pred"), py::arg("k") = 5);
  me.def("canonical_name", &metrics::canonical_name, py::arg("name"));
  me.def("names", &metrics::names);

  py::module_ a = root.def_submodule("activations");
  // Keras 2.2.4's softmax(x, axis=-1): along any axis of a tensor of rank 2 or more.
  a.def(
      "softmax",
      [](const backend::SymbolicTensor& x, int axis) {
        if (x.ndim() < 2 || axis == -1 || axis == static_cast<int>(x.ndim()) - 1)
          return activations::softmax(x);  // refuses 1D tensors as Keras does
        return backend::softmax(x, axis);
      },
      py::arg("x"), py::arg("axis") = -1);
  a.def("elu", &activations::elu, py::arg("x"), py::arg("alpha") = 1.0);
  a.def("selu", &activations::selu, py::arg("x"));
  a.def("softplus", &activations::softplus, py::arg("x"));
  a.def("softsign", &activations::softsign, py::arg("x"));
  a.def(
      "relu",
      [](const backend::SymbolicTensor& x, double alpha, py::object max_value) {
        return activations::relu(x, alpha, max_value.is_none() ? -1.0 : max_value.cast<double>());
      },
      py::arg("x"), py::arg("alpha") = 0.0, py::arg("max_value") = py::none());
  a.def("tanh", &activations::tanh, py::arg("x"));
  a.def("sigmoid", &activations::sigmoid, py::arg("x"));
  a.def("hard_sigmoid", &activations::hard_sigmoid, py::arg("x"));
  a.def("exponential", &activations::exponential, py::arg("x"));
  // Keras's linear is `return x`: any value, not only tensors.
  a.def(
      "linear", [](py::object x) { return x; }, py::arg("x"));
  a.def("names", &activations::names);
  a.def(
      "check", [](const std::string& name) { activations::get(name); }, py::arg("name"));

  // Initializers: Python builds the Keras config; C++ draws the values.
  py::module_ i = root.def_submodule("initializers");
  i.def(
      "draw",
      [](py::object config, py::object shape, py::object dtype) {
        return initializers::from_config(to_json(config))(to_shape(shape), to_dtype(dtype));
      },
      py::arg("config"), py::arg("shape"), py::arg("dtype") = py::none());
  i.def(
      "check", [](const std::string& name) { initializers::get(name); }, py::arg("name"));
  // Keras 2.2.4's initializers._compute_fans: whole numbers for 2D to 5D shapes (Keras's ints),
  // sqrt(prod(shape)) otherwise.
  i.def(
      "_compute_fans",
      [](py::object shape, const std::string& data_format) -> py::tuple {
        Shape s = to_shape(shape);
        auto [fan_in, fan_out] = initializers::compute_fans(s, data_format);
        if (s.size() >= 2 && s.size() <= 5)
          return py::make_tuple(static_cast<std::int64_t>(fan_in),
                                static_cast<std::int64_t>(fan_out));
        return py::make_tuple(fan_in, fan_out);
      },
      py::arg("shape"), py::arg("data_format") = "channels_last");

  py::module_ u = root.def_submodule("utils");
  u.def(
      "to_categorical",
      [](py::object y, py::object num_classes) {
        Tensor t = to_tensor(y);
        return utils::to_categorical(t,
                                     num_classes.is_none() ? -1 : num_classes.cast<std::int64_t>());
      },
      py::arg("y"), py::arg("num_classes") = py::none());
  u.def("set_random_seed", &utils::set_random_seed, py::arg("seed"));
  py::class_<utils::Progbar>(u, "Progbar",
                             "Progbar(target, width=30, verbose=1, interval=0.05, "
                             "stateful_metrics=None): Keras's progress bar on sys.stdout, the one "
                             "fit prints. target None counts steps without a total.")
      .def(py::init([](py::object target, int width, int verbose, double interval,
                       py::object stateful_metrics) {
             std::vector<std::string> stateful;
             if (!stateful_metrics.is_none())
               for (auto name : stateful_metrics) stateful.push_back(py::str(name));
             return std::make_unique<utils::Progbar>(
                 target.is_none() ? utils::Progbar::kUnknownTarget : target.cast<std::int64_t>(),
                 width, verbose, interval, std::move(stateful), write_to_python_stdout,
                 python_stdout_is_terminal());
           }),
           py::arg("target"), py::arg("width") = 30, py::arg("verbose") = 1,
           py::arg("interval") = 0.05, py::arg("stateful_metrics") = py::none())
      .def(
          "update",
          [](utils::Progbar& bar, std::int64_t current, py::object values, bool force) {
            bar.update(current, progbar_values(values), force);
          },
          py::arg("current"), py::arg("values") = py::none(), py::arg("force") = false)
      .def(
          "add",
          [](utils::Progbar& bar, std::int64_t n, py::object values) {
            bar.add(n, progbar_values(values));
          },
          py::arg("n"), py::arg("values") = py::none());
  // Model pictures (keras_cpp/utils/vis_utils.py wraps the DOT text in a pydot-like object).
  u.def("model_to_dot", &utils::model_to_dot, py::arg("model"), py::arg("show_shapes") = false,
        py::arg("show_layer_names") = true, py::arg("rankdir") = "TB");
  u.def(
      "plot_model",
      [](const Model& model, const std::string& to_file, bool show_shapes, bool show_layer_names,
         const std::string& rankdir) {
        py::gil_scoped_release release;  // Graphviz runs as a separate process
        utils::plot_model(model, to_file, show_shapes, show_layer_names, rankdir);
      },
      py::arg("model"), py::arg("to_file") = "model.png", py::arg("show_shapes") = false,
      py::arg("show_layer_names") = true, py::arg("rankdir") = "TB");

  py::module_ d = root.def_submodule("datasets");
  d.def(
      "fashion_mnist_load_data",
      [](const std::string& path) {
        auto data = [&] {
          py::gil_scoped_release release;
          return datasets::fashion_mnist::load_data(path);
        }();
        return load_result(std::move(data));
      },
      py::arg("path") = "");
  d.def(
      "mnist_load_data",
      [](const std::string& path) {
        auto data = [&] {
          py::gil_scoped_release release;
          return datasets::mnist::load_data(path);
        }();
        return load_result(std::move(data));
      },
      py::arg("path") = "");
}

}  // namespace keras::python
