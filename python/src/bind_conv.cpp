// The convolutional family, each layer from its schema (layer_schema.h): Conv1D/2D/3D,
// SeparableConv1D/2D, DepthwiseConv2D, Conv2DTranspose, Conv3DTranspose (sharing the hidden
// _Conv base), and the families bound once per C++ class under a hidden name taking the Keras
// class name (_Pooling, _GlobalPooling, _ZeroPadding, _Cropping, _UpSampling, _SpatialDropout);
// keras_cpp/layers/convolutional.py and pooling.py subclass them under Keras's names.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "keras/layers/convolutional.h"
#include "keras/layers/pooling.h"
#include "keras/layers/spatial_dropout.h"
#include "layer_args.h"
#include "layer_schema.h"

namespace keras::python {
namespace {

using namespace keras::layers;

bool is_int(py::handle h) {
  return PyLong_Check(h.ptr()) && !PyBool_Check(h.ptr());
}

// Keras 2.2.4's conv2d/conv3d/deconv2d_args_preprocessor: Keras 1's Convolution2D(nb_filter,
// nb_row, nb_col) (Convolution3D(nb_filter, kernel_dim1, kernel_dim2, kernel_dim3)) gives the
// kernel size positionally, the last entry perhaps as a keyword (nb_col, kernel_dim3);
// Deconvolution2D takes output_shape after them.
ArgsPreprocessor keras1_positional_kernel(int rank, bool output_shape) {
  return [rank, output_shape](py::args args, py::kwargs& kwargs) -> py::args {
    std::vector<py::object> items;
    for (py::handle item : args) items.push_back(py::reinterpret_borrow<py::object>(item));
    const auto r = static_cast<std::size_t>(rank);
    if (output_shape && items.size() == r + 2 && !is_int(items.back())) {
      if (kwargs.contains("output_shape"))
        throw py::type_error(
            "Deconvolution2D() got output_shape both positionally and as a keyword argument");
      kwargs["output_shape"] = items.back();
      items.pop_back();
    }
    // The kernel's last dimensions may come as keywords (Convolution3D(5, 3, kernel_dim2=3,
    // kernel_dim3=4)).
    const std::vector<const char*> names =
        rank == 2 ? std::vector<const char*>{"nb_row", "nb_col"}
                  : std::vector<const char*>{"kernel_dim1", "kernel_dim2", "kernel_dim3"};
    if (items.size() >= 2 && items.size() <= r && r > 1 &&
        std::all_of(names.begin() + static_cast<std::ptrdiff_t>(items.size() - 1), names.end(),
                    [&](const char* name) { return kwargs.contains(name); }))
      for (std::size_t i = items.size() - 1; i < r; ++i) {
        items.push_back(kwargs[names[i]]);
        PyDict_DelItemString(kwargs.ptr(), names[i]);
      }
    if (items.size() != r + 1 || r < 2) return args;
    for (std::size_t i = 1; i < items.size(); ++i)
      if (!is_int(items[i])) return args;
    for (const char* keyword : {"padding", "strides", "data_format"})
      if (kwargs.contains(keyword))
        throw py::value_error(
            "It seems that you are using the Keras 2 and you are passing both `kernel_size` "
            "and `strides` as integer positional arguments. For safety reasons, this is "
            "disallowed. Pass `strides` as a keyword argument instead.");
    py::tuple kernel(r);
    for (std::size_t i = 0; i < r; ++i) kernel[i] = items[i + 1];
    return py::make_tuple(items[0], kernel);
  };
}

void bind_convolutions(py::module_& m) {
  LayerClass<Conv>(m, "_Conv")
      .def_property_readonly("filters", &Conv::filters)
      .def_property_readonly("kernel_size",
                             [](const Conv& c) { return shape_to_tuple(c.kernel_size()); })
      .def_property_readonly("strides", [](const Conv& c) { return shape_to_tuple(c.strides()); })
      .def_property_readonly("dilation_rate",
                             [](const Conv& c) { return shape_to_tuple(c.dilation_rate()); })
      .def_property_readonly("padding", &Conv::padding)
      .def_property_readonly("data_format", &Conv::data_format)
      .def_property_readonly("depth_multiplier", &Conv::depth_multiplier)
      .def_property_readonly("kernel", &Conv::kernel)
      .def_property_readonly("bias", &Conv::bias);
  bind_layer<Conv1D, ConvSchema<1>, Conv>(m, "Conv1D");
  bind_layer<Conv2D, ConvSchema<2>, Conv>(m, "Conv2D", 0, keras1_positional_kernel(2, false));
  bind_layer<Conv3D, ConvSchema<3>, Conv>(m, "Conv3D", 0, keras1_positional_kernel(3, false));
  bind_layer<SeparableConv1D, SeparableConvSchema<1>, Conv>(m, "SeparableConv1D");
  bind_layer<SeparableConv2D, SeparableConvSchema<2>, Conv>(m, "SeparableConv2D", 0,
                                                            keras1_positional_kernel(2, false));
  bind_layer<DepthwiseConv2D, DepthwiseConv2DSchema, Conv>(m, "DepthwiseConv2D");
  bind_layer<Conv2DTranspose, ConvTransposeSchema<2>, Conv>(m, "Conv2DTranspose", 0,
                                                            keras1_positional_kernel(2, true))
      .def_property_readonly("output_padding", [](const Conv2DTranspose& c) -> py::object {
        const auto& p = c.options().output_padding;
        return p ? py::object(shape_to_tuple(*p)) : py::object(py::none());
      });
  bind_layer<Conv3DTranspose, ConvTransposeSchema<3>, Conv>(m, "Conv3DTranspose");
}

std::vector<std::pair<std::string, int>> names_by_rank(const std::string& stem) {
  return {{stem + "1D", 1}, {stem + "2D", 2}, {stem + "3D", 3}};
}

}  // namespace

void bind_conv(py::module_& root) {
  py::module_ m = root.attr("layers").cast<py::module_>();
  bind_convolutions(m);

  bind_layer_family<SpatialDropout, SpatialDropoutOptions>(
      m, "_SpatialDropout", names_by_rank("SpatialDropout"), &spatial_dropout_by_name)
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

  auto amounts = [](const ZeroPadding& z) {
    return from_json(schema::padding_pairs_json(z.amounts()));
  };
  bind_layer_family<ZeroPadding, ZeroPaddingSchema>(
      m, "_ZeroPadding", names_by_rank("ZeroPadding"),
      [](const std::string& name, ZeroPaddingSchema o) {
        return zero_padding_by_name(name, std::move(o));
      })
      .def_property_readonly("padding", amounts);
  bind_layer_family<Cropping, CroppingSchema, ZeroPadding>(
      m, "_Cropping", names_by_rank("Cropping"),
      [](const std::string& name, CroppingSchema o) {
        return cropping_by_name(name, std::move(o));
      })
      .def_property_readonly("cropping", amounts);
  bind_layer_family<UpSampling, UpSamplingSchema>(m, "_UpSampling", names_by_rank("UpSampling"),
                                                  [](const std::string& name, UpSamplingSchema o) {
                                                    return up_sampling_by_name(name, std::move(o));
                                                  });
}

}  // namespace keras::python
