// keras_cpp.backend, continued: the rest of Keras 2.2.4's K.* functions that map onto the C++
// API (convolution, random tensors, shapes, losses, CTC). Python-only helpers (K.shape, K.rnn,
// indexing) are in keras_cpp/backend.py.
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/backend/backend.h"
#include "keras/backend/conv_transpose.h"

namespace keras::python {

namespace K = keras::backend;
using K::SymbolicTensor;

namespace {

std::string format(py::handle data_format) {
  return data_format.is_none() ? "" : data_format.cast<std::string>();
}

// An int or a tuple of n ints.
K::Ints to_ints(py::handle obj, std::size_t n) {
  if (py::isinstance<py::int_>(obj)) return K::Ints(n, obj.cast<std::int64_t>());
  return obj.cast<K::Ints>();
}

K::Axes to_axes(py::handle axis) {
  if (axis.is_none()) return {};
  if (py::isinstance<py::int_>(axis)) return {axis.cast<int>()};
  return axis.cast<std::vector<int>>();
}

std::optional<std::uint64_t> to_seed(py::handle seed) {
  if (seed.is_none()) return std::nullopt;
  return seed.cast<std::uint64_t>();
}

std::vector<K::Padding> to_paddings(py::handle obj, std::size_t n) {
  std::vector<K::Padding> out;
  for (py::handle pair : py::iter(obj)) out.push_back(pair.cast<K::Padding>());
  if (out.size() != n)
    throw py::value_error("padding needs " + std::to_string(n) + " (before, after) pairs, got " +
                          std::to_string(out.size()));
  return out;
}

py::tuple update_tuple(const K::Update& u) {
  return py::make_tuple(u.variable, u.new_value);
}

// A number or a tensor, as a tensor like `x`.
SymbolicTensor operand(py::handle value, const SymbolicTensor& x) {
  if (py::isinstance<SymbolicTensor>(value)) return value.cast<SymbolicTensor>();
  return K::constant(to_tensor(value, x.dtype()).clone());
}

void bind_conv_functions(py::module_& m) {
  m.def(
      "conv1d",
      [](const SymbolicTensor& x, const SymbolicTensor& kernel, std::int64_t strides,
         const std::string& padding, py::object data_format, std::int64_t dilation_rate) {
        return K::conv1d(x, kernel, strides, padding, format(data_format), dilation_rate);
      },
      py::arg("x"), py::arg("kernel"), py::arg("strides") = 1, py::arg("padding") = "valid",
      py::arg("data_format") = py::none(), py::arg("dilation_rate") = 1);
  m.def(
      "conv2d",
      [](const SymbolicTensor& x, const SymbolicTensor& kernel, py::object strides,
         const std::string& padding, py::object data_format, py::object dilation_rate) {
        return K::conv2d(x, kernel, to_ints(strides, 2), padding, format(data_format),
                         to_ints(dilation_rate, 2));
      },
      py::arg("x"), py::arg("kernel"), py::arg("strides") = py::make_tuple(1, 1),
      py::arg("padding") = "valid", py::arg("data_format") = py::none(),
      py::arg("dilation_rate") = py::make_tuple(1, 1));
  m.def(
      "conv3d",
      [](const SymbolicTensor& x, const SymbolicTensor& kernel, py::object strides,
         const std::string& padding, py::object data_format, py::object dilation_rate) {
        return K::conv3d(x, kernel, to_ints(strides, 3), padding, format(data_format),
                         to_ints(dilation_rate, 3));
      },
      py::arg("x"), py::arg("kernel"), py::arg("strides") = py::make_tuple(1, 1, 1),
      py::arg("padding") = "valid", py::arg("data_format") = py::none(),
      py::arg("dilation_rate") = py::make_tuple(1, 1, 1));
  m.def(
      "conv2d_transpose",
      [](const SymbolicTensor& x, const SymbolicTensor& kernel, py::object output_shape,
         py::object strides, const std::string& padding, py::object data_format,
         py::object dilation_rate) {
        if (kernel.ndim() != 4)
          throw py::value_error("conv2d_transpose: the kernel must be 4D, got " +
                                shape_to_string(kernel.shape()));
        return K::conv_transpose(x, kernel, to_shape(output_shape), to_ints(strides, 2), padding,
                                 format(data_format), to_ints(dilation_rate, 2));
      },
      py::arg("x"), py::arg("kernel"), py::arg("output_shape"),
      py::arg("strides") = py::make_tuple(1, 1), py::arg("padding") = "valid",
      py::arg("data_format") = py::none(), py::arg("dilation_rate") = py::make_tuple(1, 1));
  m.def(
      "conv3d_transpose",
      [](const SymbolicTensor& x, const SymbolicTensor& kernel, py::object output_shape,
         py::object strides, const std::string& padding, py::object data_format) {
        return K::conv3d_transpose(x, kernel, to_shape(output_shape), to_ints(strides, 3), padding,
                                   format(data_format));
      },
      py::arg("x"), py::arg("kernel"), py::arg("output_shape"),
      py::arg("strides") = py::make_tuple(1, 1, 1), py::arg("padding") = "valid",
      py::arg("data_format") = py::none());
  m.def(
      "depthwise_conv2d",
      [](const SymbolicTensor& x, const SymbolicTensor& kernel, py::object strides,
         const std::string& padding, py::object data_format, py::object dilation_rate) {
        return K::depthwise_conv2d(x, kernel, to_ints(strides, 2), padding, format(data_format),
                                   to_ints(dilation_rate, 2));
      },
      py::arg("x"), py::arg("depthwise_kernel"), py::arg("strides") = py::make_tuple(1, 1),
      py::arg("padding") = "valid", py::arg("data_format") = py::none(),
      py::arg("dilation_rate") = py::make_tuple(1, 1));
  m.def(
      "separable_conv2d",
      [](const SymbolicTensor& x, const SymbolicTensor& depthwise, const SymbolicTensor& pointwise,
         py::object strides, const std::string& padding, py::object data_format,
         py::object dilation_rate) {
        return K::separable_conv2d(x, depthwise, pointwise, to_ints(strides, 2), padding,
                                   format(data_format), to_ints(dilation_rate, 2));
      },
      py::arg("x"), py::arg("depthwise_kernel"), py::arg("pointwise_kernel"),
      py::arg("strides") = py::make_tuple(1, 1), py::arg("padding") = "valid",
      py::arg("data_format") = py::none(), py::arg("dilation_rate") = py::make_tuple(1, 1));
  m.def(
      "pool2d",
      [](const SymbolicTensor& x, py::object pool_size, py::object strides,
         const std::string& padding, py::object data_format, const std::string& pool_mode) {
        return K::pool2d(x, to_ints(pool_size, 2), to_ints(strides, 2), padding,
                         format(data_format), pool_mode);
      },
      py::arg("x"), py::arg("pool_size"), py::arg("strides") = py::make_tuple(1, 1),
      py::arg("padding") = "valid", py::arg("data_format") = py::none(),
      py::arg("pool_mode") = "max");
  m.def(
      "pool3d",
      [](const SymbolicTensor& x, py::object pool_size, py::object strides,
         const std::string& padding, py::object data_format, const std::string& pool_mode) {
        return K::pool3d(x, to_ints(pool_size, 3), to_ints(strides, 3), padding,
                         format(data_format), pool_mode);
      },
      py::arg("x"), py::arg("pool_size"), py::arg("strides") = py::make_tuple(1, 1, 1),
      py::arg("padding") = "valid", py::arg("data_format") = py::none(),
      py::arg("pool_mode") = "max");
  m.def(
      "bias_add",
      [](const SymbolicTensor& x, const SymbolicTensor& bias, py::object data_format) {
        return K::bias_add(x, bias, format(data_format));
      },
      py::arg("x"), py::arg("bias"), py::arg("data_format") = py::none());
  m.def(
      "normalize_batch_in_training",
      [](const SymbolicTensor& x, py::object gamma, py::object beta, std::vector<int> axes,
         double epsilon) {
        auto opt = [](py::object t) {
          return t.is_none() ? SymbolicTensor() : t.cast<SymbolicTensor>();
        };
        K::NormalizedBatch r =
            K::normalize_batch_in_training(x, opt(gamma), opt(beta), axes, epsilon);
        return py::make_tuple(r.normed, r.mean, r.variance);
      },
      py::arg("x"), py::arg("gamma"), py::arg("beta"), py::arg("reduction_axes"),
      py::arg("epsilon") = 1e-3);
  m.def(
      "batch_normalization",
      [](const SymbolicTensor& x, const SymbolicTensor& mean, const SymbolicTensor& var,
         py::object beta, py::object gamma, int axis, double epsilon) {
        auto opt = [](py::object t) {
          return t.is_none() ? SymbolicTensor() : t.cast<SymbolicTensor>();
        };
        return K::batch_normalization(x, mean, var, opt(beta), opt(gamma), axis, epsilon);
      },
      py::arg("x"), py::arg("mean"), py::arg("var"), py::arg("beta"), py::arg("gamma"),
      py::arg("axis") = -1, py::arg("epsilon") = 1e-3);
}

void bind_random_functions(py::module_& m) {
  // Shaped by a known shape, or (keras_cpp.backend passes it) like a tensor.
  m.def(
      "_random_uniform",
      [](py::object shape, py::object like, double minval, double maxval, py::object dtype,
         py::object seed) {
        if (!like.is_none())
          return K::cast(
              K::random_uniform_like(like.cast<SymbolicTensor>(), minval, maxval, to_seed(seed)),
              to_dtype(dtype));
        return K::random_uniform(to_shape(shape), minval, maxval, to_dtype(dtype), to_seed(seed));
      },
      py::arg("shape"), py::arg("like"), py::arg("minval"), py::arg("maxval"), py::arg("dtype"),
      py::arg("seed"));
  m.def(
      "_random_normal",
      [](py::object shape, py::object like, double mean, double stddev, py::object dtype,
         py::object seed, bool truncated) {
        if (!like.is_none()) {
          SymbolicTensor l = like.cast<SymbolicTensor>();
          return K::cast(truncated ? K::truncated_normal_like(l, mean, stddev, to_seed(seed))
                                   : K::random_normal_like(l, mean, stddev, to_seed(seed)),
                         to_dtype(dtype));
        }
        return truncated ? K::truncated_normal(to_shape(shape), mean, stddev, to_dtype(dtype),
                                               to_seed(seed))
                         : K::random_normal(to_shape(shape), mean, stddev, to_dtype(dtype),
                                            to_seed(seed));
      },
      py::arg("shape"), py::arg("like"), py::arg("mean"), py::arg("stddev"), py::arg("dtype"),
      py::arg("seed"), py::arg("truncated"));
  m.def(
      "_random_binomial",
      [](py::object shape, py::object like, double p, py::object dtype, py::object seed) {
        if (!like.is_none())
          return K::cast(K::random_binomial_like(like.cast<SymbolicTensor>(), p, to_seed(seed)),
                         to_dtype(dtype));
        return K::random_binomial(to_shape(shape), p, to_dtype(dtype), to_seed(seed));
      },
      py::arg("shape"), py::arg("like"), py::arg("p"), py::arg("dtype"), py::arg("seed"));
  m.def(
      "random_uniform_variable",
      [](py::object shape, double low, double high, py::object dtype, py::object name,
         py::object seed) {
        SymbolicTensor v =
            K::random_uniform_variable(to_shape(shape), low, high, to_dtype(dtype), to_seed(seed));
        if (!name.is_none()) v.node()->name = name.cast<std::string>();
        return v;
      },
      py::arg("shape"), py::arg("low"), py::arg("high"), py::arg("dtype") = py::none(),
      py::arg("name") = py::none(), py::arg("seed") = py::none());
  m.def(
      "random_normal_variable",
      [](py::object shape, double mean, double scale, py::object dtype, py::object name,
         py::object seed) {
        SymbolicTensor v =
            K::random_normal_variable(to_shape(shape), mean, scale, to_dtype(dtype), to_seed(seed));
        if (!name.is_none()) v.node()->name = name.cast<std::string>();
        return v;
      },
      py::arg("shape"), py::arg("mean"), py::arg("scale"), py::arg("dtype") = py::none(),
      py::arg("name") = py::none(), py::arg("seed") = py::none());
}

void bind_shape_functions(py::module_& m) {
  m.def(
      "tile",
      [](const SymbolicTensor& x, py::object n) {
        return K::tile(x, to_ints(n, static_cast<std::size_t>(x.ndim())));
      },
      py::arg("x"), py::arg("n"));
  m.def("repeat_elements", &K::repeat_elements, py::arg("x"), py::arg("rep"), py::arg("axis"));
  m.def("repeat", &K::repeat, py::arg("x"), py::arg("n"));
  m.def(
      "arange",
      [](double start, std::optional<double> stop, double step, py::object dtype) {
        return K::arange(start, stop, step, dtype.is_none() ? DType::int32 : to_dtype(dtype));
      },
      py::arg("start"), py::arg("stop") = py::none(), py::arg("step") = 1,
      py::arg("dtype") = "int32");
  m.def("stack", &K::stack, py::arg("x"), py::arg("axis") = 0);
  m.def("unstack", &K::unstack, py::arg("x"), py::arg("axis") = 0);
  m.def(
      "reverse",
      [](const SymbolicTensor& x, py::object axes) { return K::reverse(x, to_axes(axes)); },
      py::arg("x"), py::arg("axes"));
  m.def(
      "slice",
      [](const SymbolicTensor& x, py::object start, py::object size) {
        return K::slice(x, start.cast<K::Ints>(), size.cast<K::Ints>());
      },
      py::arg("x"), py::arg("start"), py::arg("size"));
  m.def("_strided_slice", &K::strided_slice, py::arg("x"), py::arg("begin"), py::arg("end"),
        py::arg("step"));
  m.def(
      "temporal_padding",
      [](const SymbolicTensor& x, py::object padding) {
        return K::temporal_padding(x, padding.cast<K::Padding>());
      },
      py::arg("x"), py::arg("padding") = py::make_tuple(1, 1));
  m.def(
      "spatial_2d_padding",
      [](const SymbolicTensor& x, py::object padding, py::object data_format) {
        return K::spatial_2d_padding(x, to_paddings(padding, 2), format(data_format));
      },
      py::arg("x"), py::arg("padding") = py::make_tuple(py::make_tuple(1, 1), py::make_tuple(1, 1)),
      py::arg("data_format") = py::none());
  m.def(
      "spatial_3d_padding",
      [](const SymbolicTensor& x, py::object padding, py::object data_format) {
        return K::spatial_3d_padding(x, to_paddings(padding, 3), format(data_format));
      },
      py::arg("x"),
      py::arg("padding") =
          py::make_tuple(py::make_tuple(1, 1), py::make_tuple(1, 1), py::make_tuple(1, 1)),
      py::arg("data_format") = py::none());
  m.def(
      "resize_images",
      [](const SymbolicTensor& x, std::int64_t height_factor, std::int64_t width_factor,
         py::object data_format, const std::string& interpolation) {
        return K::resize_images(x, height_factor, width_factor, format(data_format), interpolation);
      },
      py::arg("x"), py::arg("height_factor"), py::arg("width_factor"), py::arg("data_format"),
      py::arg("interpolation") = "nearest");
  m.def(
      "resize_volumes",
      [](const SymbolicTensor& x, std::int64_t depth_factor, std::int64_t height_factor,
         std::int64_t width_factor, py::object data_format) {
        return K::resize_volumes(x, depth_factor, height_factor, width_factor, format(data_format));
      },
      py::arg("x"), py::arg("depth_factor"), py::arg("height_factor"), py::arg("width_factor"),
      py::arg("data_format"));
}

}  // namespace

void bind_backend_ops(py::module_& m) {
  bind_conv_functions(m);
  bind_random_functions(m);
  bind_shape_functions(m);

  m.def(
      "set_learning_phase",
      [](py::object value) {
        // Keras: `value not in {0, 1}` is an error (so True and 1.0 are accepted).
        bool valid = false;
        double phase = -1;
        if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)) {
          phase = value.cast<double>();
          valid = phase == 0 || phase == 1;
        }
        if (!valid) throw py::value_error("Expected learning phase to be 0 or 1.");
        K::set_learning_phase(static_cast<int>(phase));
      },
      py::arg("value"));
  m.def("_fixed_learning_phase", &K::fixed_learning_phase);
  m.def(
      "_is_placeholder",
      [](const SymbolicTensor& x) { return x.node()->op == K::OpKind::kPlaceholder; },
      py::arg("x"));
  m.def(
      "eye",
      [](py::object size, py::object dtype, py::object name) {
        std::int64_t rows, columns;
        if (py::isinstance<py::int_>(size)) {
          rows = columns = size.cast<std::int64_t>();
        } else {
          std::tie(rows, columns) = size.cast<std::pair<std::int64_t, std::int64_t>>();
        }
        SymbolicTensor v = K::eye(rows, columns, to_dtype(dtype));
        if (!name.is_none()) v.node()->name = name.cast<std::string>();
        return v;
      },
      py::arg("size"), py::arg("dtype") = py::none(), py::arg("name") = py::none());
  m.def(
      "zeros_like",
      [](const SymbolicTensor& x, py::object dtype, py::object /*name*/) {
        return K::zeros_like(x, dtype.is_none() ? x.dtype() : to_dtype(dtype));
      },
      py::arg("x"), py::arg("dtype") = py::none(), py::arg("name") = py::none());
  m.def(
      "ones_like",
      [](const SymbolicTensor& x, py::object dtype, py::object /*name*/) {
        return K::ones_like(x, dtype.is_none() ? x.dtype() : to_dtype(dtype));
      },
      py::arg("x"), py::arg("dtype") = py::none(), py::arg("name") = py::none());

  m.def(
      "update",
      [](const SymbolicTensor& x, py::object new_x) {
        return update_tuple(K::update(x, operand(new_x, x)));
      },
      py::arg("x"), py::arg("new_x"));
  m.def(
      "update_add",
      [](const SymbolicTensor& x, py::object increment) {
        return update_tuple(K::update_add(x, operand(increment, x)));
      },
      py::arg("x"), py::arg("increment"));
  m.def(
      "update_sub",
      [](const SymbolicTensor& x, py::object decrement) {
        return update_tuple(K::update_sub(x, operand(decrement, x)));
      },
      py::arg("x"), py::arg("decrement"));
  m.def(
      "moving_average_update",
      [](const SymbolicTensor& x, py::object value, double momentum) {
        return update_tuple(K::moving_average_update(x, operand(value, x), momentum));
      },
      py::arg("x"), py::arg("value"), py::arg("momentum"));

  m.def("round", &K::round, py::arg("x"));
  m.def("sin", &K::sin, py::arg("x"));
  m.def("cos", &K::cos, py::arg("x"));
  m.def("stop_gradient", &K::stop_gradient, py::arg("x"));
  m.def(
      "softmax", [](const SymbolicTensor& x, int axis) { return K::softmax(x, axis); },
      py::arg("x"), py::arg("axis") = -1);
  using Reduction = SymbolicTensor (*)(const SymbolicTensor&, K::Axes, bool);
  const std::pair<const char*, Reduction> reductions[] = {
      {"logsumexp", &K::logsumexp}, {"any", &K::any}, {"all", &K::all}};
  for (const auto& entry : reductions) {
    Reduction fn = entry.second;
    m.def(
        entry.first,
        [fn](const SymbolicTensor& x, py::object axis, bool keepdims) {
          return fn(x, to_axes(axis), keepdims);
        },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false);
  }
  m.def("cumsum", &K::cumsum, py::arg("x"), py::arg("axis") = 0);
  m.def("cumprod", &K::cumprod, py::arg("x"), py::arg("axis") = 0);

  m.def(
      "categorical_crossentropy",
      [](const SymbolicTensor& target, const SymbolicTensor& output, bool from_logits, int axis) {
        return K::categorical_crossentropy(target, output, from_logits, axis);
      },
      py::arg("target"), py::arg("output"), py::arg("from_logits") = false, py::arg("axis") = -1);
  m.def(
      "binary_crossentropy",
      [](const SymbolicTensor& target, const SymbolicTensor& output, bool from_logits) {
        return K::binary_crossentropy(target, output, from_logits);
      },
      py::arg("target"), py::arg("output"), py::arg("from_logits") = false);
  m.def("sparse_categorical_crossentropy", &K::sparse_categorical_crossentropy, py::arg("target"),
        py::arg("output"), py::arg("from_logits") = false, py::arg("axis") = -1);
  m.def("in_top_k", &K::in_top_k, py::arg("predictions"), py::arg("targets"), py::arg("k"));
  m.def("ctc_batch_cost", &K::ctc_batch_cost, py::arg("y_true"), py::arg("y_pred"),
        py::arg("input_length"), py::arg("label_length"));
  m.def(
      "_ctc_decode_greedy",
      [](const SymbolicTensor& y_pred, const SymbolicTensor& input_length) {
        K::CtcDecoded d = K::ctc_decode_greedy(y_pred, input_length);
        return py::make_tuple(d.decoded, d.log_prob);
      },
      py::arg("y_pred"), py::arg("input_length"));
}

}  // namespace keras::python
