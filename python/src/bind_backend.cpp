// keras_cpp.backend: symbolic tensors with Python operators, the K.* ops, K.function, gradients.
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "keras/backend/legacy.h"
#include "keras/backend/plan_cache.h"
#include "keras/engine/layer.h"

namespace keras::python {

namespace K = keras::backend;
using K::SymbolicTensor;

namespace {

// A number, an array or a symbolic tensor, as a symbolic tensor next to `like`.
SymbolicTensor to_symbolic(py::handle obj, const SymbolicTensor& like) {
  if (py::isinstance<SymbolicTensor>(obj)) return obj.cast<SymbolicTensor>();
  if (py::isinstance<py::float_>(obj) || py::isinstance<py::int_>(obj))
    return K::constant(obj.cast<double>(), like.dtype());
  Tensor value = to_tensor(obj);
  if (value.ndim() == 0) return K::constant(value.item(), like.dtype());
  return K::constant(is_floating(like.dtype()) ? to_tensor(obj, like.dtype()) : value);
}

K::Axes to_axes(py::handle axis) {
  if (axis.is_none()) return {};
  if (py::isinstance<py::int_>(axis)) return {axis.cast<int>()};
  return axis.cast<std::vector<int>>();
}

std::string repr(const SymbolicTensor& x) {
  return "<keras_cpp.Tensor '" + x.name() + "' shape=" + shape_to_string(x.shape()) +
         " dtype=" + dtype_name(x.dtype()) + ">";
}

// K.function's result: call it with a list of arrays, get a list of arrays.
class PyFunction {
 public:
  PyFunction(std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
             std::vector<K::Update> updates)
      : inputs_(inputs), function_(std::move(inputs), std::move(outputs), std::move(updates)) {}

  std::vector<Tensor> operator()(py::handle values) {
    std::vector<Tensor> args;
    for (py::handle value : py::iter(values)) {
      if (args.size() >= inputs_.size())
        throw py::value_error("The function takes " + std::to_string(inputs_.size()) + " inputs");
      args.push_back(to_tensor(value, inputs_[args.size()].dtype()));
    }
    if (args.size() != inputs_.size())
      throw py::value_error("The function takes " + std::to_string(inputs_.size()) +
                            " inputs, got " + std::to_string(args.size()));
    py::gil_scoped_release release;
    return function_(args);
  }

 private:
  std::vector<SymbolicTensor> inputs_;
  K::Function function_;
};

// Whether any node x is computed from (x itself included) satisfies `found`: a walk of its graph.
template <typename Found>
bool reaches(const SymbolicTensor& x, Found found) {
  std::vector<const K::Node*> pending{x.node().get()};
  std::unordered_set<const K::Node*> seen{pending.back()};
  while (!pending.empty()) {
    const K::Node* node = pending.back();
    pending.pop_back();
    if (found(*node)) return true;
    for (const K::NodePtr& input : node->inputs)
      if (seen.insert(input.get()).second) pending.push_back(input.get());
  }
  return false;
}

// Whether x is computed from any of `sources` (x itself included).
bool depends_on(const SymbolicTensor& x, const std::vector<SymbolicTensor>& sources) {
  std::unordered_set<const K::Node*> targets;
  for (const SymbolicTensor& source : sources) targets.insert(source.node().get());
  return reaches(x, [&targets](const K::Node& node) { return targets.count(&node) != 0; });
}

// Whether x's value is fixed when the graph is built: computed from constants only (no
// placeholder, variable or random draw).
bool is_constant(const SymbolicTensor& x) {
  return !reaches(x, [](const K::Node& node) {
    return (node.inputs.empty() && node.op != K::OpKind::kConstant) ||
           node.op == K::OpKind::kRandomNormal || node.op == K::OpKind::kRandomUniform ||
           node.op == K::OpKind::kDropoutMask;
  });
}

// Keras's _uses_learning_phase: whether the tensor's value depends on the learning phase fed at
// run time (a layer that called K.in_train_phase without a fixed `training=`).
bool uses_learning_phase(const SymbolicTensor& x) {
  return depends_on(x, {K::learning_phase()});
}

using Reduction = SymbolicTensor (*)(const SymbolicTensor&, K::Axes, bool);

void def_reduction(py::module_& m, const char* name, Reduction fn) {
  m.def(
      name,
      [fn](const SymbolicTensor& x, py::object axis, bool keepdims) {
        return fn(x, to_axes(axis), keepdims);
      },
      py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
}

using Unary = SymbolicTensor (*)(const SymbolicTensor&);
using Binary = SymbolicTensor (*)(const SymbolicTensor&, const SymbolicTensor&);

void def_unary(py::module_& m, const char* name, Unary fn) {
  m.def(name, fn, py::arg("x"));
}

void def_binary(py::module_& m, const char* name, Binary fn) {
  m.def(
      name, [fn](const SymbolicTensor& x, py::object y) { return fn(x, to_symbolic(y, x)); },
      py::arg("x"), py::arg("y"));
}

}  // namespace

void bind_backend(py::module_& root) {
  py::class_<SymbolicTensor>(root, "Tensor",
                             "A symbolic tensor: a node of the graph that backend ops build.")
      .def_property_readonly("shape",
                             [](const SymbolicTensor& x) { return shape_to_tuple(x.shape()); })
      .def_property_readonly("_keras_shape",
                             [](const SymbolicTensor& x) { return shape_to_tuple(x.shape()); })
      .def_property_readonly("ndim", &SymbolicTensor::ndim)
      .def_property_readonly(
          "dtype", [](const SymbolicTensor& x) { return std::string(dtype_name(x.dtype())); })
      .def_property_readonly("name", &SymbolicTensor::name)
      .def_property_readonly("_uses_learning_phase", &uses_learning_phase)
      .def("__repr__", &repr)
      .def("__eq__",
           [](const SymbolicTensor& x, py::object y) {
             return py::isinstance<SymbolicTensor>(y) && x == y.cast<SymbolicTensor>();
           })
      .def("__hash__",
           [](const SymbolicTensor& x) { return std::hash<const void*>{}(x.node().get()); })
      .def("__add__",
           [](const SymbolicTensor& x, py::object y) { return K::add(x, to_symbolic(y, x)); })
      .def("__radd__",
           [](const SymbolicTensor& x, py::object y) { return K::add(to_symbolic(y, x), x); })
      .def("__sub__",
           [](const SymbolicTensor& x, py::object y) { return K::subtract(x, to_symbolic(y, x)); })
      .def("__rsub__",
           [](const SymbolicTensor& x, py::object y) { return K::subtract(to_symbolic(y, x), x); })
      .def("__mul__",
           [](const SymbolicTensor& x, py::object y) { return K::multiply(x, to_symbolic(y, x)); })
      .def("__rmul__",
           [](const SymbolicTensor& x, py::object y) { return K::multiply(to_symbolic(y, x), x); })
      .def("__truediv__",
           [](const SymbolicTensor& x, py::object y) { return K::divide(x, to_symbolic(y, x)); })
      .def("__rtruediv__",
           [](const SymbolicTensor& x, py::object y) { return K::divide(to_symbolic(y, x), x); })
      .def("__pow__",
           [](const SymbolicTensor& x, py::object a) {
             if (py::isinstance<SymbolicTensor>(a)) return K::pow(x, a.cast<SymbolicTensor>());
             return K::pow(x, a.cast<double>());
           })
      .def("__neg__", [](const SymbolicTensor& x) { return K::neg(x); })
      .def("__pos__", [](const SymbolicTensor& x) { return x; })
      .def("__abs__", [](const SymbolicTensor& x) { return K::abs(x); })
      .def("__lt__",
           [](const SymbolicTensor& x, py::object y) { return K::less(x, to_symbolic(y, x)); })
      .def("__le__", [](const SymbolicTensor& x,
                        py::object y) { return K::less_equal(x, to_symbolic(y, x)); })
      .def("__gt__",
           [](const SymbolicTensor& x, py::object y) { return K::greater(x, to_symbolic(y, x)); })
      .def("__ge__", [](const SymbolicTensor& x,
                        py::object y) { return K::greater_equal(x, to_symbolic(y, x)); })
      .def("__matmul__",
           [](const SymbolicTensor& x, const SymbolicTensor& y) { return K::dot(x, y); });

  // The engine's tensors (layer calls, Input(), models): a Tensor with Keras's _keras_history
  // and _keras_mask. A plain Tensor passed to a layer becomes one with neither.
  py::class_<KerasTensor, SymbolicTensor>(
      root, "KerasTensor", "A tensor made by a layer call or Input(): its history and mask.")
      .def(py::init<SymbolicTensor>(), py::arg("tensor"))
      // Keras's (layer, node_index, tensor_index) of the layer call that made the tensor; None
      // for a tensor no layer call made.
      .def_property_readonly("_keras_history",
                             [](const KerasTensor& x) -> py::object {
                               const KerasHistory* history = x.keras_history();
                               if (!history || !history->layer) return py::none();
                               return py::make_tuple(py::cast(history->layer), history->node_index,
                                                     history->tensor_index);
                             })
      // Keras's _keras_mask: the mask a layer call gave the tensor, None when it has none.
      .def_property_readonly("_keras_mask", [](const KerasTensor& x) -> py::object {
        if (!x.keras_mask().defined()) return py::none();
        return py::cast(x.keras_mask());
      });
  py::implicitly_convertible<SymbolicTensor, KerasTensor>();

  py::class_<PyFunction>(root, "Function", "A compiled backend function (K.function).")
      .def("__call__", &PyFunction::operator(), py::arg("inputs"));

  py::module_ m = root.def_submodule("backend", "Keras's backend (K.*) over keras.cpp's graph.");

  m.def("floatx", [] { return std::string(dtype_name(K::floatx())); });
  // Whether x is computed from any of `sources` (get_losses_for / get_updates_for).
  m.def("_depends_on", &depends_on, py::arg("x"), py::arg("sources"));
  // Whether x is computed from constants only (K.arange of a tensor reads its value).
  m.def("_is_constant", &is_constant, py::arg("x"));
  m.def(
      "set_floatx", [](py::object dtype) { K::set_floatx(to_dtype(dtype)); }, py::arg("floatx"));
  m.def("epsilon", &K::epsilon);
  m.def("set_epsilon", &K::set_epsilon, py::arg("e"));
  m.def("legacy_weight_ordering", &K::legacy_weight_ordering);
  m.def("set_legacy_weight_ordering", &K::set_legacy_weight_ordering, py::arg("value"));
  // The default layout of image layers: "channels_last" / "channels_first" (Keras 1: "tf" / "th").
  m.def("image_data_format", &K::image_data_format);
  m.def("set_image_data_format", &K::set_image_data_format, py::arg("data_format"));
  m.def("image_dim_ordering", &K::image_dim_ordering);
  m.def("set_image_dim_ordering", &K::set_image_dim_ordering, py::arg("dim_ordering"));
  m.def("backend", &K::backend);
  m.def("set_backend", &K::set_backend, py::arg("name"));
  m.def("clear_session", &K::clear_session);
  m.def("get_uid", &K::get_uid, py::arg("prefix") = "");
  m.def("reset_uids", &K::reset_uids);
  // keras.cpp's plan cache (keras/backend/plan_cache.h): plans kept per compiled function, and
  // the process's totals of plans built and evicted.
  m.def("plan_cache_size", &K::plan_cache_size);
  m.def("set_plan_cache_size", &K::set_plan_cache_size, py::arg("plans"));
  m.def("plan_cache_stats", [] {
    const K::PlanCacheStats stats = K::plan_cache_stats();
    py::dict out;
    out["builds"] = stats.builds;
    out["evictions"] = stats.evictions;
    return out;
  });

  m.def(
      "placeholder",
      [](py::object shape, py::object ndim, py::object dtype, bool /*sparse*/, py::object name) {
        Shape s;
        if (!shape.is_none())
          s = to_shape(shape);
        else if (!ndim.is_none())
          s = Shape(ndim.cast<std::size_t>(), kUnknownDim);
        else
          throw py::value_error("placeholder: give a shape or ndim");
        return K::placeholder(s, to_dtype(dtype), name.is_none() ? "" : name.cast<std::string>());
      },
      py::arg("shape") = py::none(), py::arg("ndim") = py::none(), py::arg("dtype") = py::none(),
      py::arg("sparse") = false, py::arg("name") = py::none());
  m.def(
      "variable",
      [](py::object value, py::object dtype, py::object name) {
        Tensor t = to_tensor(value, to_dtype(dtype)).clone();  // the variable owns its value
        return K::variable(t, name.is_none() ? "" : name.cast<std::string>());
      },
      py::arg("value"), py::arg("dtype") = py::none(), py::arg("name") = py::none());
  m.def(
      "constant",
      [](py::object value, py::object dtype, py::object shape, py::object /*name*/) {
        DType d = to_dtype(dtype);
        if (!shape.is_none()) return K::constant(value.cast<double>(), d, to_shape(shape));
        return K::constant(to_tensor(value, d).clone());
      },
      py::arg("value"), py::arg("dtype") = py::none(), py::arg("shape") = py::none(),
      py::arg("name") = py::none());
  m.def(
      "zeros",
      [](py::object shape, py::object dtype, py::object name) {
        return K::variable(Tensor::zeros(to_shape(shape), to_dtype(dtype)),
                           name.is_none() ? "" : name.cast<std::string>());
      },
      py::arg("shape"), py::arg("dtype") = py::none(), py::arg("name") = py::none());
  m.def(
      "ones",
      [](py::object shape, py::object dtype, py::object name) {
        return K::variable(Tensor::full(to_shape(shape), 1.0, to_dtype(dtype)),
                           name.is_none() ? "" : name.cast<std::string>());
      },
      py::arg("shape"), py::arg("dtype") = py::none(), py::arg("name") = py::none());
  m.def(
      "get_value", [](const SymbolicTensor& x) { return K::get_value(x).clone(); }, py::arg("x"));
  m.def(
      "set_value",
      [](const SymbolicTensor& x, py::object value) {
        K::set_value(x, to_tensor(value, x.dtype()));
      },
      py::arg("x"), py::arg("value"));
  m.def(
      "eval",
      [](const SymbolicTensor& x) {
        py::gil_scoped_release release;
        return K::eval(x).clone();
      },
      py::arg("x"));
  m.def(
      "int_shape", [](const SymbolicTensor& x) { return shape_to_tuple(x.shape()); }, py::arg("x"));
  m.def("ndim", &K::ndim, py::arg("x"));
  m.def(
      "dtype", [](const SymbolicTensor& x) { return std::string(dtype_name(x.dtype())); },
      py::arg("x"));
  m.def("count_params", &K::count_params, py::arg("x"));

  m.def("dot", &K::dot, py::arg("x"), py::arg("y"));
  m.def(
      "batch_dot",
      [](const SymbolicTensor& x, const SymbolicTensor& y, py::object axes) {
        std::optional<std::pair<int, int>> a;
        if (py::isinstance<py::int_>(axes))
          a = std::make_pair(axes.cast<int>(), axes.cast<int>());
        else if (!axes.is_none())
          a = axes.cast<std::pair<int, int>>();
        return K::batch_dot(x, y, a);
      },
      py::arg("x"), py::arg("y"), py::arg("axes") = py::none());
  m.def("transpose", &K::transpose, py::arg("x"));

  def_binary(m, "add", &K::add);
  def_binary(m, "subtract", &K::subtract);
  def_binary(m, "multiply", &K::multiply);
  def_binary(m, "divide", &K::divide);
  def_binary(m, "maximum", &K::maximum);
  def_binary(m, "minimum", &K::minimum);
  def_binary(m, "equal", &K::equal);
  def_binary(m, "not_equal", &K::not_equal);
  def_binary(m, "greater", &K::greater);
  def_binary(m, "greater_equal", &K::greater_equal);
  def_binary(m, "less", &K::less);
  def_binary(m, "less_equal", &K::less_equal);
  m.def(
      "pow",
      [](const SymbolicTensor& x, py::object a) {
        if (py::isinstance<SymbolicTensor>(a)) return K::pow(x, a.cast<SymbolicTensor>());
        return K::pow(x, a.cast<double>());
      },
      py::arg("x"), py::arg("a"));
  def_unary(m, "neg", &K::neg);
  def_unary(m, "square", &K::square);
  def_unary(m, "sqrt", &K::sqrt);
  def_unary(m, "exp", &K::exp);
  def_unary(m, "log", &K::log);
  def_unary(m, "abs", &K::abs);
  def_unary(m, "sign", &K::sign);
  m.def("clip", &K::clip, py::arg("x"), py::arg("min_value"), py::arg("max_value"));
  m.def(
      "cast", [](const SymbolicTensor& x, py::object dtype) { return K::cast(x, to_dtype(dtype)); },
      py::arg("x"), py::arg("dtype"));

  def_reduction(m, "sum", &K::sum);
  def_reduction(m, "mean", &K::mean);
  def_reduction(m, "max", &K::max);
  def_reduction(m, "min", &K::min);
  def_reduction(m, "prod", &K::prod);
  def_reduction(m, "var", &K::var);
  def_reduction(m, "std", &K::std);
  m.def("argmax", &K::argmax, py::arg("x"), py::arg("axis") = -1);
  m.def("argmin", &K::argmin, py::arg("x"), py::arg("axis") = -1);

  m.def(
      "reshape",
      [](const SymbolicTensor& x, py::object shape) { return K::reshape(x, to_shape(shape)); },
      py::arg("x"), py::arg("shape"));
  m.def("permute_dimensions", &K::permute_dimensions, py::arg("x"), py::arg("pattern"));
  m.def("concatenate", &K::concatenate, py::arg("tensors"), py::arg("axis") = -1);
  m.def("expand_dims", &K::expand_dims, py::arg("x"), py::arg("axis") = -1);
  m.def("squeeze", &K::squeeze, py::arg("x"), py::arg("axis"));
  def_unary(m, "flatten", &K::flatten);
  def_unary(m, "batch_flatten", &K::batch_flatten);
  m.def("gather", &K::gather, py::arg("reference"), py::arg("indices"));
  m.def(
      "one_hot",
      [](const SymbolicTensor& indices, std::int64_t num_classes) {
        return K::one_hot(indices, num_classes);
      },
      py::arg("indices"), py::arg("num_classes"));

  m.def(
      "relu",
      [](const SymbolicTensor& x, double alpha, py::object max_value) {
        return K::relu(x, alpha, max_value.is_none() ? -1.0 : max_value.cast<double>());
      },
      py::arg("x"), py::arg("alpha") = 0.0, py::arg("max_value") = py::none());
  def_unary(m, "sigmoid", &K::sigmoid);
  def_unary(m, "hard_sigmoid", &K::hard_sigmoid);
  def_unary(m, "tanh", &K::tanh);
  def_unary(m, "softplus", &K::softplus);
  def_unary(m, "softsign", &K::softsign);
  m.def("elu", &K::elu, py::arg("x"), py::arg("alpha") = 1.0);
  m.def("l2_normalize", &K::l2_normalize, py::arg("x"), py::arg("axis") = py::none());
  m.def("print_tensor", &K::print_tensor, py::arg("x"), py::arg("message") = "");
  m.def(
      "dropout",
      [](const SymbolicTensor& x, double level, py::object /*noise_shape*/,
         std::optional<std::uint64_t> seed) { return K::dropout(x, level, seed); },
      py::arg("x"), py::arg("level"), py::arg("noise_shape") = py::none(),
      py::arg("seed") = py::none());
  m.def("learning_phase", &K::learning_phase);
  m.def("in_train_phase", &K::in_train_phase, py::arg("x"), py::arg("alt"));
  m.def("in_test_phase", &K::in_test_phase, py::arg("x"), py::arg("alt"));
  m.def("switch", &K::switch_, py::arg("condition"), py::arg("then_expression"),
        py::arg("else_expression"));

  m.def(
      "gradients",
      [](const SymbolicTensor& loss, py::object variables) {
        if (py::isinstance<SymbolicTensor>(variables))
          return K::gradients(loss, {variables.cast<SymbolicTensor>()});
        return K::gradients(loss, variables.cast<std::vector<SymbolicTensor>>());
      },
      py::arg("loss"), py::arg("variables"));
  bind_backend_ops(m);
  m.def(
      "function",
      [](std::vector<SymbolicTensor> inputs, std::vector<SymbolicTensor> outputs,
         py::object updates) {
        std::vector<K::Update> ups;
        if (!updates.is_none())
          for (py::handle u : py::iter(updates)) {
            auto pair = u.cast<std::pair<SymbolicTensor, py::object>>();
            ups.push_back({pair.first, to_symbolic(pair.second, pair.first)});
          }
        return std::make_unique<PyFunction>(std::move(inputs), std::move(outputs), std::move(ups));
      },
      py::arg("inputs"), py::arg("outputs"), py::arg("updates") = py::none());
}

}  // namespace keras::python
