// Saving from Python: model.save / save_weights / load_weights / to_json / to_yaml, and
// keras_cpp.models.load_model / model_from_json / model_from_yaml (through _load_model and
// friends, whose C++ models keras_cpp/models.py wraps in its Model and Sequential classes by
// constructing those around the same C++ object).
#include <memory>
#include <string>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/engine/training.h"
#include "keras/models.h"
#include "keras/saving/saving.h"

namespace keras::python {
namespace {

using ModelPtr = std::shared_ptr<Model>;

void no_custom_objects(const py::object& custom_objects) {
  if (!custom_objects.is_none() && py::len(custom_objects) != 0)
    throw py::value_error("custom_objects are not supported by keras_cpp's Python loading yet");
}

}  // namespace

void bind_saving(py::module_& root) {
  py::module_ models = root.attr("models").cast<py::module_>();
  auto model = py::reinterpret_borrow<py::class_<Model, ModelPtr>>(models.attr("Model"));
  auto sequential =
      py::reinterpret_borrow<py::class_<Sequential, Model, std::shared_ptr<Sequential>>>(
          models.attr("Sequential"));

  // The Python classes' way to wrap a model the C++ side built (load_model, model_from_json).
  model.def(py::init([](const ModelPtr& m) { return m; }), py::arg("_model"));
  sequential.def(py::init([](const ModelPtr& m) {
                   auto s = std::dynamic_pointer_cast<Sequential>(m);
                   if (!s) throw py::type_error("not a Sequential model");
                   return s;
                 }),
                 py::arg("_model"), py::prepend());

  model
      .def(
          "save",
          [](const Model& m, const std::string& filepath, bool overwrite, bool include_optimizer) {
            py::gil_scoped_release release;
            saving::save_model(m, filepath, overwrite, include_optimizer);
          },
          py::arg("filepath"), py::arg("overwrite") = true, py::arg("include_optimizer") = true)
      .def(
          "save_weights",
          [](const Model& m, const std::string& filepath, bool overwrite) {
            py::gil_scoped_release release;
            saving::save_weights(m, filepath, overwrite);
          },
          py::arg("filepath"), py::arg("overwrite") = true)
      .def(
          "load_weights",
          [](Model& m, const std::string& filepath, bool by_name, bool skip_mismatch) {
            py::gil_scoped_release release;
            saving::load_weights(m, filepath, by_name, skip_mismatch);
          },
          py::arg("filepath"), py::arg("by_name") = false, py::arg("skip_mismatch") = false)
      .def("to_json",
           [](const Model& m, py::kwargs kwargs) {
             // Keras: json.dumps(config, **kwargs) (indent=..., sort_keys=...).
             py::object config = from_json(saving::model_to_json_dict(m));
             return py::module_::import("json").attr("dumps")(config, **kwargs);
           })
      .def("to_yaml", [](const Model& m) { return saving::model_to_yaml(m); });

  models.def(
      "_load_model",
      [](const std::string& filepath, py::object custom_objects, bool compile) {
        no_custom_objects(custom_objects);
        py::gil_scoped_release release;
        return saving::load_model(filepath, {}, compile);
      },
      py::arg("filepath"), py::arg("custom_objects") = py::none(), py::arg("compile") = true);
  models.def(
      "_model_from_json",
      [](const std::string& json_string, py::object custom_objects) {
        no_custom_objects(custom_objects);
        return saving::model_from_json(json_string);
      },
      py::arg("json_string"), py::arg("custom_objects") = py::none());
  models.def(
      "_model_from_yaml",
      [](const std::string& yaml_string, py::object custom_objects) {
        no_custom_objects(custom_objects);
        return saving::model_from_yaml(yaml_string);
      },
      py::arg("yaml_string"), py::arg("custom_objects") = py::none());
}

}  // namespace keras::python
