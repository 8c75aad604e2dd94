// Lambda: a function of backend ops as a layer, its arguments from its schema.
#include <stdexcept>

#include "keras/layers/core.h"
#include "keras/layers/serialization.h"
#include "layers/schema_config.h"
#include "saving/config_text.h"

namespace keras::layers {

// Keras serializes a Python function's code; C++ cannot run it, so a config's function comes
// back by its name from the custom objects (CustomObjects::functions).
LambdaFunctionArg LambdaFunctionArg::from_config_value(const nlohmann::json& value) {
  if (!value.is_string())
    throw std::invalid_argument(
        "holds serialized Python code, which keras.cpp cannot run; give the function a name "
        "and pass it in custom_objects.functions (or lambda_functions)");
  return detail::lambda_function_from_custom_objects(value.get<std::string>());
}

nlohmann::json LambdaOutputShapeArg::config_value() const {
  if (shape) return detail::shape_json(*shape);
  if (is_function()) return name;
  return nullptr;
}

LambdaOutputShapeArg LambdaOutputShapeArg::from_config_value(const nlohmann::json& value) {
  if (!value.is_array())
    throw std::invalid_argument("must be a shape (a list of dimensions) for keras.cpp, got " +
                                saving::detail::config_excerpt(value) +
                                " (a function's code or name)");
  Shape shape;
  for (const auto& d : value) {
    if (!d.is_null() && !detail::ConfigReader::fits_int64(d))
      throw std::invalid_argument("must be a list of dimensions, got " +
                                  saving::detail::config_excerpt(value));
    shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
  }
  return {shape};
}

LambdaMaskArg LambdaMaskArg::from_config_value(const nlohmann::json& value) {
  throw std::invalid_argument("a mask function cannot be read from a config, got " +
                              saving::detail::config_excerpt(value));
}

LambdaArgumentsArg LambdaArgumentsArg::from_config_value(const nlohmann::json& value) {
  if (!value.is_object())
    throw std::invalid_argument("must be a dict of keyword arguments, got " +
                                saving::detail::config_excerpt(value));
  return {value};
}

Lambda::Lambda(LambdaOptions options)
    : Layer("Lambda", layer_arguments(options)), options_(std::move(options)) {
  if (!options_.function.function && !options_.function.list_function &&
      !options_.function.keyword_function)
    throw std::invalid_argument("Lambda: `function` must not be empty");
  if (options_.output_shape.shape && options_.output_shape.is_function())
    throw std::invalid_argument("Lambda: give `output_shape` a shape or a function, not both");
  supports_masking_ = static_cast<bool>(options_.mask.function);
}

Lambda::Lambda(LambdaFunction function, LambdaOptions options)
    : Lambda([&] {
        options.function.function = std::move(function);
        return std::move(options);
      }()) {}

SymbolicTensor Lambda::apply_function(const std::vector<SymbolicTensor>& inputs) const {
  if (options_.function.keyword_function)
    return options_.function.keyword_function(inputs, options_.arguments_.values);
  if (inputs.size() == 1 && options_.function.function)
    return options_.function.function(inputs.front());
  if (!options_.function.list_function)
    throw std::invalid_argument("Lambda (layer " + name() + "): its function takes one tensor, " +
                                "but the layer was called on " + std::to_string(inputs.size()));
  return options_.function.list_function(inputs);
}

std::vector<Shape> Lambda::compute_output_shape_list(const std::vector<Shape>& input_shapes) const {
  const LambdaOutputShapeArg& o = options_.output_shape;
  if (input_shapes.size() == 1 && o.function) return {o.function(input_shapes.front())};
  if (o.list_function) return {o.list_function(input_shapes)};
  if (o.function)
    throw std::invalid_argument("Lambda (layer " + name() +
                                "): its output_shape function takes one shape, got " +
                                std::to_string(input_shapes.size()));
  if (o.shape) {
    Shape out{input_shapes.front().empty() ? -1 : input_shapes.front()[0]};
    out.insert(out.end(), o.shape->begin(), o.shape->end());
    return {out};
  }
  // As Keras on TensorFlow: run the function on placeholders and read the static shape.
  std::vector<SymbolicTensor> placeholders;
  for (const Shape& shape : input_shapes) placeholders.push_back(K::placeholder(shape));
  return {apply_function(placeholders).shape()};
}

Shape Lambda::compute_output_shape(const Shape& input_shape) const {
  return compute_output_shape_list({input_shape}).front();
}

std::vector<SymbolicTensor> Lambda::call_list(const std::vector<SymbolicTensor>& inputs,
                                              const std::vector<SymbolicTensor>&) {
  SymbolicTensor out = apply_function(inputs);
  if (options_.output_shape.shape || options_.output_shape.is_function()) {
    std::vector<Shape> shapes;
    for (const auto& x : inputs) shapes.push_back(x.shape());
    Shape declared = compute_output_shape_list(shapes).front();
    const Shape& actual = out.shape();
    bool fits = declared.size() == actual.size();
    for (std::size_t i = 0; fits && i < actual.size(); ++i)
      fits = declared[i] < 0 || actual[i] < 0 || declared[i] == actual[i];
    if (!fits)
      throw std::invalid_argument("Lambda (layer " + name() + "): the function returns shape " +
                                  shape_to_string(actual) + " but the declared output shape is " +
                                  shape_to_string(declared) + " (for input shape " +
                                  shape_to_string(shapes.front()) + ")");
  }
  return {out};
}

SymbolicTensor Lambda::call(const SymbolicTensor& inputs) {
  return call_list({inputs}, {}).front();
}

// Keras 2.2.4: the mask function's result, or no mask (the input's is dropped).
std::vector<SymbolicTensor> Lambda::compute_mask_list(
    const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const {
  if (!options_.mask.function) return {SymbolicTensor()};
  std::vector<SymbolicTensor> all_masks = masks;
  all_masks.resize(inputs.size());
  return {options_.mask.function(inputs, all_masks)};
}

SymbolicTensor Lambda::compute_mask(const SymbolicTensor& inputs,
                                    const SymbolicTensor& mask) const {
  return compute_mask_list({inputs}, {mask}).front();
}

nlohmann::json Lambda::get_config() const {
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), options_);
  config.erase("mask");  // Keras 2.2.4 writes none
  // Keras's kinds of `function` and `output_shape`: code ('lambda'), a name ('function') or,
  // for output_shape, a shape ('raw'). Functions are written by name here.
  config["function_type"] = "function";
  config["output_shape_type"] = options_.output_shape.is_function() ? "function" : "raw";
  return config;
}

LayerPtr Lambda::from_config(const nlohmann::json& config) {
  nlohmann::json keras2 = config;
  if (keras2.is_object()) {
    // The kinds of function and output_shape: from_config's keys, not the layer's arguments.
    detail::ConfigReader kinds(config, "Lambda");
    kinds.string("function_type", "function");
    const std::string shape_type = kinds.string("output_shape_type", "raw");
    if (shape_type != "raw" && kinds.has("output_shape"))
      kinds.fail("output_shape", "is a function (output_shape_type '" + shape_type +
                                     "'); keras.cpp's Lambda from_config needs a shape list");
    keras2.erase("function_type");
    keras2.erase("output_shape_type");
  }
  LayerPtr layer = detail::layer_from_config<Lambda, LambdaOptions>(keras2, "Lambda");
  const LambdaOptions& options = static_cast<const Lambda&>(*layer).options_;
  if (!options.arguments_.values.empty() && !options.function.keyword_function)
    detail::ConfigReader(config, "Lambda")
        .fail("arguments", "must be empty for function '" + options.function.name +
                               "', which takes no keyword arguments (register it in "
                               "custom_objects.lambda_functions to take them)");
  return layer;
}

}  // namespace keras::layers
