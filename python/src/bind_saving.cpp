// Saving from Python: model.save / save_weights / load_weights / to_json / to_yaml, and
// keras_cpp.models.load_model / model_from_json / model_from_yaml (through _load_model and
// friends, whose C++ models keras_cpp/models.py wraps in its Model and Sequential classes by
// constructing those around the same C++ object).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/engine/training.h"
#include "keras/layers/serialization.h"
#include "keras/models.h"
#include "keras/saving/saving.h"
#include "layer_args.h"

namespace keras::python {
namespace {
using ModelPtr = std::shared_ptr<Model>;
}  // namespace

namespace {

// A custom class's object from a config's "config" part, as Keras's deserialize_keras_object
// makes it: cls.from_config(config) where the class has one, else cls(**config).
py::object instance_from_config(const py::object& cls, const nlohmann::json& config) {
  py::object arguments = from_json(config.is_null() ? nlohmann::json::object() : config);
  if (py::hasattr(cls, "from_config")) return cls.attr("from_config")(arguments);
  return cls(**arguments.cast<py::dict>());
}

// A name of custom_objects as the regularizer, constraint and initializer a config may refer to
// it as: a class is built from the config, a function is itself (Keras resolves the name where
// the config uses it; the engine asks each kind's table).
void add_weight_arguments(CustomObjects& out, const std::string& name,
                          std::shared_ptr<py::object> value, bool is_class) {
  auto object_for = [value, is_class](const nlohmann::json& config) {
    return is_class ? instance_from_config(*value, config) : *value;
  };
  out.regularizers[name] = [object_for](const nlohmann::json& config) {
    py::gil_scoped_acquire gil;
    return to_regularizer(object_for(config));
  };
  out.constraints[name] = [object_for](const nlohmann::json& config) {
    py::gil_scoped_acquire gil;
    return to_constraint(object_for(config));
  };
  out.initializers[name] = [object_for](const nlohmann::json& config) {
    py::gil_scoped_acquire gil;
    return initializers::get(initializer_name(object_for(config)));
  };
}

}  // namespace

CustomObjects to_custom_objects(py::handle objects) {
  CustomObjects out;
  if (objects.is_none()) return out;
  if (!py::isinstance<py::dict>(objects))
    throw py::type_error("custom_objects must be a dict of names to objects, got " +
                         py::repr(objects).cast<std::string>());
  py::handle layer_class = py::type::of<Layer>();
  for (auto [key, value] : objects.cast<py::dict>()) {
    if (!py::isinstance<py::str>(key))
      throw py::type_error("custom_objects' keys must be names, got " +
                           py::repr(key).cast<std::string>());
    std::string name = key.cast<std::string>();
    if (PyType_Check(value.ptr())) {
      // keras_cpp's own classes are the registry's already.
      if (py::str(value.attr("__module__")).cast<std::string>().rfind("keras_cpp.", 0) == 0)
        continue;
      auto cls = hold(py::reinterpret_borrow<py::object>(value));
      int is_layer = PyObject_IsSubclass(value.ptr(), layer_class.ptr());
      if (is_layer < 0) throw py::error_already_set();
      if (!is_layer) {  // a Regularizer, Constraint or Initializer subclass
        add_weight_arguments(out, name, cls, true);
        continue;
      }
      // Layer classes build themselves with cls.from_config(config) (Keras's: cls(**config)).
      out.layers[name] = [cls, name](const nlohmann::json& config) -> LayerPtr {
        py::gil_scoped_acquire gil;
        py::object layer = cls->attr("from_config")(from_json(config));
        if (!py::isinstance(layer, py::type::of<Layer>()))
          throw py::type_error(name + ".from_config did not return a Layer, got " +
                               py::repr(layer).cast<std::string>());
        // The model holds the layer in C++ only: its Python half must live as long.
        keep_python_layer(layer);
        return layer.cast<LayerPtr>();
      };
    } else if (PyCallable_Check(value.ptr())) {
      // A function is whatever the config asks for by its name: an activation or a Lambda's
      // function (of one tensor), a loss or a metric (of y_true, y_pred), a regularizer,
      // constraint or initializer; traced when used.
      auto fn = hold(py::reinterpret_borrow<py::object>(value));
      out.functions[name] = [fn](const SymbolicTensor& x) { return call_symbolic(fn, x); };
      // As a Lambda's function: Keras's function(inputs, **arguments).
      out.lambda_functions[name] = [fn](const std::vector<SymbolicTensor>& xs,
                                        const nlohmann::json& arguments) {
        py::gil_scoped_acquire gil;
        py::object inputs = xs.size() == 1 ? py::cast(xs.front()) : py::cast(xs);
        return (*fn)(inputs, **from_json(arguments).cast<py::dict>()).cast<SymbolicTensor>();
      };
      out.losses[name] = [fn](const SymbolicTensor& t, const SymbolicTensor& p) {
        return call_symbolic(fn, t, p);
      };
      out.metrics[name] = out.losses[name];
      add_weight_arguments(out, name, fn, false);
    }
  }
  return out;
}

void bind_saving(py::module_& root) {
  py::module_ models = root.attr("models").cast<py::module_>();
  auto model = py::reinterpret_borrow<py::class_<Model, Layer, ModelPtr>>(models.attr("Model"));

  // The Python classes' way to wrap a model the C++ side built (load_model, model_from_json).
  model.def(py::init([](const ModelPtr& m) { return m; }), py::arg("_model"));

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
        CustomObjects objects = to_custom_objects(custom_objects);
        py::gil_scoped_release release;
        return saving::load_model(filepath, objects, compile);
      },
      py::arg("filepath"), py::arg("custom_objects") = py::none(), py::arg("compile") = true);
  models.def(
      "_model_from_json",
      [](const std::string& json_string, py::object custom_objects) {
        return saving::model_from_json(json_string, to_custom_objects(custom_objects));
      },
      py::arg("json_string"), py::arg("custom_objects") = py::none());
  models.def(
      "_model_from_yaml",
      [](const std::string& yaml_string, py::object custom_objects) {
        return saving::model_from_yaml(yaml_string, to_custom_objects(custom_objects));
      },
      py::arg("yaml_string"), py::arg("custom_objects") = py::none());

  // keras_cpp.engine.saving.preprocess_weights_for_loading (Keras 1 and CuDNN layouts).
  models.def(
      "_preprocess_weights_for_loading",
      [](const Layer& layer, std::vector<Tensor> weights,
         const std::optional<std::string>& original_keras_version,
         const std::optional<std::string>& original_backend, bool reshape) {
        return saving::preprocess_weights_for_loading(layer, std::move(weights),
                                                      original_keras_version.value_or(""),
                                                      original_backend, reshape);
      },
      py::arg("layer"), py::arg("weights"), py::arg("original_keras_version") = py::none(),
      py::arg("original_backend") = py::none(), py::arg("reshape") = false);

  // keras_cpp.layers.serialize / deserialize (Keras 1: utils.layer_utils.layer_from_config).
  py::module_ layers_module = root.attr("layers").cast<py::module_>();
  layers_module.def(
      "_serialize", [](const Layer& layer) { return from_json(layers::serialize(layer)); },
      py::arg("layer"));
  layers_module.def(
      "_deserialize",
      [](py::object config, py::object custom_objects) {
        return layers::deserialize(to_json(config), to_custom_objects(custom_objects));
      },
      py::arg("config"), py::arg("custom_objects") = py::none());
}

}  // namespace keras::python
