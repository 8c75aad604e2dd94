// The convolutional family: Conv1D/2D/3D (Keras 1's Convolution1D/2D/3D arguments too), the
// pooling layers, the global pooling layers, ZeroPadding/Cropping and UpSampling. The layers the
// C++ side builds with factory functions (MaxPooling2D(), ZeroPadding2D(), ...) are bound as one
// hidden class per C++ class (_Pooling, ...) taking the Keras class name; keras_cpp/layers/
// convolutional.py and pooling.py subclass them under Keras's names.
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "keras/layers/convolutional.h"
#include "keras/layers/pooling.h"
#include "keras/layers/spatial_dropout.h"
#include "layer_args.h"
#include "layer_schema.h"
#include "option_kwargs.h"

namespace keras::python {
namespace {

using namespace keras::layers;

void fill_conv(ConvOptions& o, py::dict& kw, std::size_t rank) {
  take(kw, "filters", o.filters);
  take(kw, "kernel_size", o.kernel_size, rank);
  take(kw, "strides", o.strides, rank);
  take(kw, "padding", o.padding);
  take(kw, "data_format", o.data_format);
  take(kw, "dilation_rate", o.dilation_rate, rank);
  take(kw, "depth_multiplier", o.depth_multiplier);
  take(kw, "activation", o.activation);
  take(kw, "use_bias", o.use_bias);
  take_initializer(kw, "kernel_initializer", o.kernel_initializer);
  take_initializer(kw, "depthwise_initializer", o.depthwise_initializer);
  take_initializer(kw, "pointwise_initializer", o.pointwise_initializer);
  take(kw, "output_padding", o.output_padding, rank);
  take_initializer(kw, "bias_initializer", o.bias_initializer);
  take(kw, "kernel_regularizer", o.kernel_regularizer);
  take(kw, "bias_regularizer", o.bias_regularizer);
  take(kw, "activity_regularizer", o.activity_regularizer);
  take(kw, "kernel_constraint", o.kernel_constraint);
  take(kw, "bias_constraint", o.bias_constraint);
  // Keras 1
  take(kw, "nb_filter", o.nb_filter);
  take(kw, "filter_length", o.filter_length);
  take(kw, "nb_row", o.nb_row);
  take(kw, "nb_col", o.nb_col);
  take_initializer(kw, "init", o.init);
  take(kw, "border_mode", o.border_mode);
  take(kw, "subsample", o.subsample, rank);
  take(kw, "subsample_length", o.subsample_length);
  take(kw, "atrous_rate", o.atrous_rate, rank);
  take(kw, "dim_ordering", o.dim_ordering);
  take(kw, "bias", o.bias);
  take(kw, "W_regularizer", o.W_regularizer);
  take(kw, "b_regularizer", o.b_regularizer);
  take(kw, "W_constraint", o.W_constraint);
  take(kw, "b_constraint", o.b_constraint);
}

// Conv<rank>D(filters, kernel_size, **kwargs) or Keras 1's Convolution2D(nb_filter, nb_row,
// nb_col).
template <typename L>
std::shared_ptr<L> make_conv(std::size_t rank, const py::args& args, py::kwargs kwargs) {
  ConvOptions o;
  // Keras 1's Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...).
  constexpr bool transpose = std::is_same_v<L, Conv2DTranspose>;
  const std::size_t max_positional = transpose ? 4 : 3;
  if (args.size() > max_positional || (args.size() == 3 && rank != 2))
    throw py::type_error(
        "Conv" + std::to_string(rank) + "D takes (filters, kernel_size) positionally" +
        (transpose ? " (Keras 1's Deconvolution2D: (nb_filter, nb_row, nb_col, output_shape))"
                   : "") +
        ", got " + std::to_string(args.size()) + " positional arguments");
  if (args.size() >= 3) {
    o.nb_filter = cast_arg<std::int64_t>(args[0], "nb_filter");
    o.nb_row = cast_arg<std::int64_t>(args[1], "nb_row");
    o.nb_col = cast_arg<std::int64_t>(args[2], "nb_col");
    if (args.size() == 4) o.output_shape = to_shape(args[3]);
  } else {
    if (args.size() >= 1) o.filters = cast_arg<std::int64_t>(args[0], "filters");
    if (args.size() >= 2) o.kernel_size = to_ints(args[1], rank, "kernel_size");
  }
  if constexpr (transpose) {
    py::object output_shape = pop_kwarg(kwargs, "output_shape");
    if (!output_shape.is_none()) {
      if (o.output_shape)
        throw py::type_error(
            "Deconvolution2D got output_shape both positionally and as a keyword argument");
      o.output_shape = to_shape(output_shape);
    }
  }
  fill_conv(o, kwargs, rank);
  return make_layer<L>(std::move(o), kwargs);
}

template <typename L, typename Options, typename Make>
std::shared_ptr<L> finish(Options o, py::dict kwargs, Make make) {
  std::optional<bool> trainable = take_layer_kwargs(o, kwargs);
  auto layer = std::make_shared<L>(make(std::move(o)));
  if (trainable) layer->set_trainable(*trainable);
  return layer;
}

int rank_of(const std::string& class_name) {
  return class_name[class_name.size() - 2] - '0';
}

// Keras's padding / cropping argument: an int (all sides), a tuple of ints (symmetric per
// dimension), or a tuple of (before, after) pairs.
Pairs to_pairs(py::handle obj, std::size_t rank) {
  Pairs out;
  if (py::isinstance<py::int_>(obj)) {
    auto n = obj.cast<std::int64_t>();
    return Pairs(rank, {n, n});
  }
  std::vector<py::object> items;
  for (py::handle item : obj) items.push_back(py::reinterpret_borrow<py::object>(item));
  if (rank == 1 && items.size() == 2 && py::isinstance<py::int_>(items[0]))
    return Pairs{{items[0].cast<std::int64_t>(), items[1].cast<std::int64_t>()}};
  if (items.size() != rank)
    throw py::value_error("expected an int, a tuple of " + std::to_string(rank) + " ints or of " +
                          std::to_string(rank) + " (before, after) pairs, got " +
                          py::repr(obj).cast<std::string>());
  for (const auto& item : items) {
    if (py::isinstance<py::int_>(item)) {
      auto n = item.cast<std::int64_t>();
      out.emplace_back(n, n);
    } else {
      auto pair = to_ints(item, 2);
      out.emplace_back(pair[0], pair[1]);
    }
  }
  return out;
}

ResizeOptions resize_options(py::object data_format, py::dict& kwargs) {
  ResizeOptions o;
  if (!data_format.is_none()) o.data_format = data_format.cast<std::string>();
  take(kwargs, "dim_ordering", o.dim_ordering);
  return o;
}

}  // namespace

void bind_conv(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();

  LayerClass<Conv>(m, "_Conv")
      .def_property_readonly("filters", &Conv::filters)
      .def_property_readonly("kernel_size",
                             [](const Conv& c) { return shape_to_tuple(c.kernel_size()); })
      .def_property_readonly("strides", [](const Conv& c) { return shape_to_tuple(c.strides()); })
      .def_property_readonly("padding", &Conv::padding)
      .def_property_readonly("data_format", &Conv::data_format);
  py::class_<Conv1D, Conv, std::shared_ptr<Conv1D>>(m, "Conv1D")
      .def(py::init(
          [](py::args args, py::kwargs kwargs) { return make_conv<Conv1D>(1, args, kwargs); }));
  py::class_<Conv2D, Conv, std::shared_ptr<Conv2D>>(m, "Conv2D")
      .def(py::init(
          [](py::args args, py::kwargs kwargs) { return make_conv<Conv2D>(2, args, kwargs); }));
  py::class_<Conv3D, Conv, std::shared_ptr<Conv3D>>(m, "Conv3D")
      .def(py::init(
          [](py::args args, py::kwargs kwargs) { return make_conv<Conv3D>(3, args, kwargs); }));

  py::class_<SeparableConv2D, Conv, std::shared_ptr<SeparableConv2D>>(m, "SeparableConv2D")
      .def(py::init([](py::args args, py::kwargs kwargs) {
        return make_conv<SeparableConv2D>(2, args, kwargs);
      }));
  py::class_<Conv2DTranspose, Conv, std::shared_ptr<Conv2DTranspose>>(m, "Conv2DTranspose")
      .def(py::init([](py::args args, py::kwargs kwargs) {
        return make_conv<Conv2DTranspose>(2, args, kwargs);
      }));

  LayerClass<SpatialDropout>(m, "_SpatialDropout")
      .def(py::init([](const std::string& name, double rate, py::object data_format,
                       py::kwargs kwargs) {
             SpatialDropoutOptions o;
             if (!data_format.is_none()) o.data_format = data_format.cast<std::string>();
             take(kwargs, "dim_ordering", o.dim_ordering);
             take(kwargs, "seed", o.seed);
             const int rank = rank_of(name);
             return finish<SpatialDropout>(std::move(o), kwargs, [&](SpatialDropoutOptions opts) {
               return SpatialDropout(name, rank, rate, std::move(opts));
             });
           }),
           py::arg("class_name"), py::arg("rate"), py::arg("data_format") = py::none())
      .def_property_readonly("rate", &SpatialDropout::rate);

  std::vector<std::pair<std::string, int>> pooling, global_pooling;
  for (const char* kind : {"MaxPooling", "AveragePooling"})
    for (int rank = 1; rank <= 3; ++rank) {
      pooling.emplace_back(kind + std::to_string(rank) + "D", rank);
      global_pooling.emplace_back("Global" + pooling.back().first, rank);
    }
  bind_layer_family<Pooling, PoolingOptions>(m, "_Pooling", pooling, &pooling_by_name)
      .def_property_readonly("pool_size",
                             [](const Pooling& p) { return shape_to_tuple(p.pool_size()); })
      .def_property_readonly("strides",
                             [](const Pooling& p) { return shape_to_tuple(p.strides()); });
  bind_layer_family<GlobalPooling, GlobalPoolingOptions>(m, "_GlobalPooling", global_pooling,
                                                         &global_pooling_by_name);

  LayerClass<ZeroPadding>(m, "_ZeroPadding")
      .def(py::init([](const std::string& name, py::object amounts, py::object data_format,
                       py::kwargs kwargs) {
             const auto rank = static_cast<std::size_t>(rank_of(name));
             const bool crop = name.rfind("Cropping", 0) == 0;
             Pairs pairs = amounts.is_none()
                               ? Pairs(rank, crop ? std::pair<std::int64_t, std::int64_t>{0, 0}
                                                  : std::pair<std::int64_t, std::int64_t>{1, 1})
                               : to_pairs(amounts, rank);
             ResizeOptions o = resize_options(data_format, kwargs);
             return finish<ZeroPadding>(std::move(o), kwargs, [&](ResizeOptions opts) {
               return ZeroPadding(name, static_cast<int>(rank), pairs, crop, std::move(opts));
             });
           }),
           py::arg("class_name"), py::arg("amounts") = py::none(),
           py::arg("data_format") = py::none());
  LayerClass<UpSampling>(m, "_UpSampling")
      .def(py::init([](const std::string& name, py::object size, py::object data_format,
                       py::kwargs kwargs) {
             const auto rank = static_cast<std::size_t>(rank_of(name));
             py::object length = pop_kwarg(kwargs, "length");  // Keras 1 UpSampling1D
             if (!length.is_none()) size = length;
             Ints sizes = size.is_none() ? Ints(rank, 2) : to_ints(size, rank, "size");
             ResizeOptions o = resize_options(data_format, kwargs);
             return finish<UpSampling>(std::move(o), kwargs, [&](ResizeOptions opts) {
               return UpSampling(name, static_cast<int>(rank), sizes, std::move(opts));
             });
           }),
           py::arg("class_name"), py::arg("size") = py::none(),
           py::arg("data_format") = py::none());
}

}  // namespace keras::python
