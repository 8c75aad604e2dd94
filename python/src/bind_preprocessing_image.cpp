// keras_cpp.preprocessing.image's engine: the C++ ImageDataGenerator, its batch iterator with
// worker threads, numpy's legacy generator and the image files. The Python module
// (python/keras_cpp/preprocessing/image.py) keeps Keras's classes and keyword handling.
#include <cstring>
#include <filesystem>

#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/preprocessing/image.h"

namespace keras::python {

namespace img = keras::preprocessing::image;

namespace {

using PixelArray = py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast>;

// (H, W) for 'L', (H, W, C) otherwise, as numpy.asarray(PIL image).
py::array pixels_to_numpy(const img::Image& image) {
  std::vector<py::ssize_t> shape{image.height, image.width};
  if (image.channels != 1) shape.push_back(image.channels);
  py::array_t<std::uint8_t> out(shape);
  std::memcpy(out.mutable_data(), image.pixels.data(), image.pixels.size());
  return out;
}

img::Image numpy_to_pixels(const PixelArray& a) {
  if (a.ndim() != 2 && a.ndim() != 3)
    throw std::invalid_argument(
        "an image's pixels are (height, width) or (height, width, "
        "channels); got " +
        std::to_string(a.ndim()) + " dimensions");
  img::Image image;
  image.height = a.shape(0);
  image.width = a.shape(1);
  image.channels = a.ndim() == 2 ? 1 : static_cast<int>(a.shape(2));
  if (image.channels != 1 && image.channels != 3 && image.channels != 4)
    throw std::invalid_argument("an image has 1, 3 or 4 channels; got " +
                                std::to_string(image.channels));
  image.pixels.assign(a.data(), a.data() + a.size());
  return image;
}

img::ShiftRange to_shift_range(py::handle value) {
  img::ShiftRange range;
  if (py::isinstance<py::bool_>(value)) {
    range.kind = img::ShiftRange::Kind::integer;
    range.value = value.cast<bool>() ? 1 : 0;
  } else if (py::isinstance<py::int_>(value) ||
             py::isinstance(value, py::module_::import("numpy").attr("integer"))) {
    range.kind = img::ShiftRange::Kind::integer;
    range.value = static_cast<double>(value.cast<std::int64_t>());
  } else if (py::isinstance<py::float_>(value) ||
             py::isinstance(value, py::module_::import("numpy").attr("floating"))) {
    range.value = value.cast<double>();
  } else {
    range.kind = img::ShiftRange::Kind::choices;
    range.choices = value.cast<std::vector<double>>();
  }
  return range;
}

py::dict parameters_to_dict(const img::TransformParameters& p) {
  py::dict d;
  d["theta"] = p.affine.theta;
  d["tx"] = p.affine.tx;
  d["ty"] = p.affine.ty;
  d["shear"] = p.affine.shear;
  d["zx"] = p.affine.zx;
  d["zy"] = p.affine.zy;
  d["flip_horizontal"] = p.flip_horizontal;
  d["flip_vertical"] = p.flip_vertical;
  d["channel_shift_intensity"] =
      p.channel_shift_intensity ? py::object(py::float_(*p.channel_shift_intensity)) : py::none();
  d["brightness"] = p.brightness ? py::object(py::float_(*p.brightness)) : py::none();
  return d;
}

img::TransformParameters dict_to_parameters(const py::dict& d) {
  auto number = [&](const char* key, double fallback) {
    return d.contains(key) && !d[key].is_none() ? d[key].cast<double>() : fallback;
  };
  auto optional = [&](const char* key) -> std::optional<double> {
    if (!d.contains(key) || d[key].is_none()) return std::nullopt;
    return d[key].cast<double>();
  };
  img::TransformParameters p;
  p.affine = {number("theta", 0), number("tx", 0), number("ty", 0),
              number("shear", 0), number("zx", 1), number("zy", 1)};
  p.flip_horizontal = d.contains("flip_horizontal") && py::bool_(d["flip_horizontal"]);
  p.flip_vertical = d.contains("flip_vertical") && py::bool_(d["flip_vertical"]);
  p.channel_shift_intensity = optional("channel_shift_intensity");
  p.brightness = optional("brightness");
  return p;
}

img::PreprocessingFunction wrap_function(py::object fn) {
  if (fn.is_none()) return {};
  std::shared_ptr<py::object> held = hold(std::move(fn));  // dropped from any thread safely
  return [held](const Tensor& x) {
    py::gil_scoped_acquire gil;
    py::object result = (*held)(to_numpy(x));
    return to_tensor(result, DType::float32).clone();
  };
}

// The generator's options from the Python ImageDataGenerator's attributes (after its checks).
std::shared_ptr<const img::ImageDataGenerator> make_generator(py::object g) {
  img::ImageDataGeneratorOptions o;
  o.featurewise_center = py::bool_(g.attr("featurewise_center"));
  o.samplewise_center = py::bool_(g.attr("samplewise_center"));
  o.featurewise_std_normalization = py::bool_(g.attr("featurewise_std_normalization"));
  o.samplewise_std_normalization = py::bool_(g.attr("samplewise_std_normalization"));
  o.zca_whitening = py::bool_(g.attr("zca_whitening"));
  o.zca_epsilon = g.attr("zca_epsilon").cast<double>();
  o.rotation_range = g.attr("rotation_range").cast<double>();
  o.width_shift_range = to_shift_range(g.attr("width_shift_range"));
  o.height_shift_range = to_shift_range(g.attr("height_shift_range"));
  if (!g.attr("brightness_range").is_none())
    o.brightness_range = g.attr("brightness_range").cast<std::vector<double>>();
  o.shear_range = g.attr("shear_range").cast<double>();
  o.zoom_range = g.attr("zoom_range").cast<std::vector<double>>();
  o.channel_shift_range = g.attr("channel_shift_range").cast<double>();
  o.fill_mode = g.attr("fill_mode").cast<std::string>();
  o.cval = g.attr("cval").cast<double>();
  o.horizontal_flip = py::bool_(g.attr("horizontal_flip"));
  o.vertical_flip = py::bool_(g.attr("vertical_flip"));
  o.rescale = g.attr("rescale").is_none() ? 0.0 : g.attr("rescale").cast<double>();
  o.preprocessing_function = wrap_function(g.attr("preprocessing_function"));
  o.data_format = g.attr("data_format").cast<std::string>();
  o.validation_split = g.attr("_validation_split").cast<double>();
  auto generator = std::make_shared<img::ImageDataGenerator>(std::move(o));
  auto stat = [&](const char* name) {
    py::object value = g.attr(name);
    return value.is_none() ? Tensor() : to_tensor(value, DType::float32).clone();
  };
  generator->set_mean(stat("mean"));
  generator->set_std(stat("std"));
  generator->set_principal_components(stat("principal_components"));
  return generator;
}

std::shared_ptr<img::ImageIterator> make_iterator(std::shared_ptr<img::GeneratorHandle> handle,
                                                  std::int64_t samples, img::SampleLoader loader,
                                                  const img::IteratorOptions& options) {
  // Dropped by Python with the GIL held: the workers may be waiting for it (a Python
  // preprocessing_function), so it is let go while they stop.
  return std::shared_ptr<img::ImageIterator>(
      new img::ImageIterator(std::move(handle), samples, std::move(loader), options),
      [](img::ImageIterator* it) {
        py::gil_scoped_release release;
        delete it;
      });
}

img::IteratorOptions iterator_options(std::int64_t batch_size, bool shuffle, std::uint32_t seed,
                                      const std::string& save_to_dir,
                                      const std::string& save_prefix,
                                      const std::string& save_format, std::int64_t hash_limit,
                                      int workers) {
  img::IteratorOptions o;
  o.batch_size = batch_size;
  o.shuffle = shuffle;
  o.seed = seed;
  o.save_to_dir = save_to_dir;
  o.save_prefix = save_prefix;
  o.save_format = save_format;
  o.save_hash_limit = hash_limit;
  o.workers = workers;
  return o;
}

}  // namespace

void bind_image(py::module_& m) {
  py::class_<img::NumpyRandom>(m, "NumpyRandom")
      .def(py::init<std::uint32_t>(), py::arg("seed"))
      .def("set_state", &img::NumpyRandom::set_state, py::arg("key"), py::arg("pos"))
      .def_property_readonly("key", &img::NumpyRandom::key)
      .def_property_readonly("pos", &img::NumpyRandom::pos)
      .def("random", &img::NumpyRandom::random)
      .def("uniform", &img::NumpyRandom::uniform, py::arg("low"), py::arg("high"))
      .def("randint", &img::NumpyRandom::randint, py::arg("low"), py::arg("high"))
      .def("permutation", &img::NumpyRandom::permutation, py::arg("n"));

  py::class_<img::ImageDataGenerator, std::shared_ptr<img::ImageDataGenerator>>(
      m, "ImageDataGeneratorEngine")
      .def(py::init([](py::object g) {
             return std::const_pointer_cast<img::ImageDataGenerator>(make_generator(std::move(g)));
           }),
           py::arg("generator"))
      .def_property_readonly("override_warnings", &img::ImageDataGenerator::override_warnings)
      .def(
          "get_random_transform",
          [](const img::ImageDataGenerator& g, const Shape& shape, img::NumpyRandom& rng) {
            return parameters_to_dict(g.get_random_transform(shape, rng));
          },
          py::arg("img_shape"), py::arg("rng"))
      .def(
          "apply_transform",
          [](const img::ImageDataGenerator& g, const Tensor& x, const py::dict& parameters) {
            return g.apply_transform(x, dict_to_parameters(parameters));
          },
          py::arg("x"), py::arg("transform_parameters"))
      .def("standardize", &img::ImageDataGenerator::standardize, py::arg("x"),
           py::call_guard<py::gil_scoped_release>())
      .def(
          "fit",
          [](img::ImageDataGenerator& g, const Tensor& x, bool augment, std::int64_t rounds,
             img::NumpyRandom& rng) {
            py::gil_scoped_release release;
            g.fit(x, augment, rounds, rng);
          },
          py::arg("x"), py::arg("augment"), py::arg("rounds"), py::arg("rng"))
      .def_property_readonly("mean",
                             [](const img::ImageDataGenerator& g) -> py::object {
                               return g.mean().defined() ? py::object(to_numpy(g.mean()))
                                                         : py::none();
                             })
      .def_property_readonly("std",
                             [](const img::ImageDataGenerator& g) -> py::object {
                               return g.std().defined() ? py::object(to_numpy(g.std()))
                                                        : py::none();
                             })
      .def_property_readonly("principal_components",
                             [](const img::ImageDataGenerator& g) -> py::object {
                               return g.principal_components().defined()
                                          ? py::object(to_numpy(g.principal_components()))
                                          : py::none();
                             });

  py::class_<img::GeneratorHandle, std::shared_ptr<img::GeneratorHandle>>(m, "GeneratorHandle")
      .def(py::init([](std::shared_ptr<img::ImageDataGenerator> g) {
        return std::make_shared<img::GeneratorHandle>(std::move(g));
      }))
      .def("set", [](img::GeneratorHandle& h, std::shared_ptr<img::ImageDataGenerator> g) {
        h.set(std::move(g));
      });

  py::class_<img::ImageIterator, std::shared_ptr<img::ImageIterator>>(m, "ImageIterator")
      .def(py::init([](std::shared_ptr<img::GeneratorHandle> handle, Tensor x,
                       std::int64_t batch_size, bool shuffle, std::uint32_t seed,
                       const std::string& save_to_dir, const std::string& save_prefix,
                       const std::string& save_format, int workers) {
             const Tensor data = x.astype(DType::float32).clone();
             const std::int64_t samples = data.ndim() > 0 ? data.dim(0) : 0;
             return make_iterator(
                 std::move(handle), samples, [data](std::int64_t j) { return data[j]; },
                 iterator_options(batch_size, shuffle, seed, save_to_dir, save_prefix, save_format,
                                  10000, workers));
           }),
           py::arg("generator"), py::arg("x"), py::arg("batch_size"), py::arg("shuffle"),
           py::arg("seed"), py::arg("save_to_dir"), py::arg("save_prefix"), py::arg("save_format"),
           py::arg("workers"))
      .def(py::init([](std::shared_ptr<img::GeneratorHandle> handle, const std::string& directory,
                       std::vector<std::string> filenames, const std::string& color_mode,
                       std::pair<std::int64_t, std::int64_t> target_size,
                       const std::string& interpolation, const std::string& data_format,
                       std::int64_t batch_size, bool shuffle, std::uint32_t seed,
                       const std::string& save_to_dir, const std::string& save_prefix,
                       const std::string& save_format, int workers) {
             img::LoadOptions load{color_mode, target_size, interpolation};
             const auto samples = static_cast<std::int64_t>(filenames.size());
             auto loader = [directory, names = std::move(filenames), load,
                            data_format](std::int64_t j) {
               const std::string path =
                   (std::filesystem::path(directory) / names[static_cast<std::size_t>(j)]).string();
               return img::img_to_array(img::load_img(path, load), data_format);
             };
             return make_iterator(std::move(handle), samples, std::move(loader),
                                  iterator_options(batch_size, shuffle, seed, save_to_dir,
                                                   save_prefix, save_format, 10000000, workers));
           }),
           py::arg("generator"), py::arg("directory"), py::arg("filenames"), py::arg("color_mode"),
           py::arg("target_size"), py::arg("interpolation"), py::arg("data_format"),
           py::arg("batch_size"), py::arg("shuffle"), py::arg("seed"), py::arg("save_to_dir"),
           py::arg("save_prefix"), py::arg("save_format"), py::arg("workers"))
      .def("__len__", &img::ImageIterator::size)
      .def("index_array", &img::ImageIterator::index_array, py::arg("epoch"), py::arg("index"))
      .def(
          "batch",
          [](img::ImageIterator& it, std::int64_t epoch, std::int64_t index) {
            img::ImageIterator::Batch b = it.batch(epoch, index);
            return std::make_pair(std::move(b.x), std::move(b.index_array));
          },
          py::arg("epoch"), py::arg("index"), py::call_guard<py::gil_scoped_release>());

  m.def(
      "list_directory",
      [](const std::string& directory, const std::vector<std::string>& classes, bool follow_links,
         std::optional<std::pair<double, double>> split) {
        img::DirectoryListing l = img::list_directory(directory, classes, follow_links, split);
        return py::make_tuple(l.classes, l.filenames, l.labels);
      },
      py::arg("directory"), py::arg("classes"), py::arg("follow_links"), py::arg("split"));

  m.def(
      "load_img",
      [](const std::string& path, const std::string& color_mode,
         std::optional<std::pair<std::int64_t, std::int64_t>> target_size,
         const std::string& interpolation) {
        img::Image image;
        {
          py::gil_scoped_release release;
          image = img::load_img(path, {color_mode, target_size, interpolation});
        }
        return pixels_to_numpy(image);
      },
      py::arg("path"), py::arg("color_mode"), py::arg("target_size"), py::arg("interpolation"));
  m.def(
      "resize_pixels",
      [](const PixelArray& pixels, std::int64_t height, std::int64_t width,
         const std::string& interpolation) {
        return pixels_to_numpy(
            img::resize_image(numpy_to_pixels(pixels), height, width, interpolation));
      },
      py::arg("pixels"), py::arg("height"), py::arg("width"), py::arg("interpolation"));
  m.def(
      "convert_pixels",
      [](const PixelArray& pixels, const std::string& mode) {
        return pixels_to_numpy(img::convert_image(numpy_to_pixels(pixels), mode));
      },
      py::arg("pixels"), py::arg("mode"));
  m.def(
      "write_pixels",
      [](const PixelArray& pixels, const std::string& path, const std::string& format,
         int quality) { img::write_image(numpy_to_pixels(pixels), path, format, quality); },
      py::arg("pixels"), py::arg("path"), py::arg("format"), py::arg("quality"));
  m.def(
      "array_to_pixels",
      [](const Tensor& x, const std::string& data_format, bool scale) {
        return pixels_to_numpy(img::array_to_img(x, data_format, scale));
      },
      py::arg("x"), py::arg("data_format"), py::arg("scale"));
  m.def(
      "apply_affine_transform",
      [](const Tensor& x, double theta, double tx, double ty, double shear, double zx, double zy,
         int row_axis, int col_axis, int channel_axis, const std::string& fill_mode, double cval) {
        return img::apply_affine_transform(x, {theta, tx, ty, shear, zx, zy},
                                           {row_axis, col_axis, channel_axis},
                                           img::fill_mode_from_name(fill_mode), cval);
      },
      py::arg("x"), py::arg("theta"), py::arg("tx"), py::arg("ty"), py::arg("shear"), py::arg("zx"),
      py::arg("zy"), py::arg("row_axis"), py::arg("col_axis"), py::arg("channel_axis"),
      py::arg("fill_mode"), py::arg("cval"));
  m.def("apply_channel_shift", &img::apply_channel_shift, py::arg("x"), py::arg("intensity"),
        py::arg("channel_axis"));
  m.def("apply_brightness_shift", &img::apply_brightness_shift, py::arg("x"), py::arg("brightness"),
        py::arg("channel_axis"));
  m.def("flip_axis", &img::flip_axis, py::arg("x"), py::arg("axis"));
}

}  // namespace keras::python
