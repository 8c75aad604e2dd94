#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

Lambda::Lambda(LambdaFunction function, LambdaOptions options)
    : Layer("Lambda", layer_arguments(options)),
      function_(std::move(function)),
      output_shape_(std::move(options.output_shape)),
      output_shape_function_(std::move(options.output_shape_function)),
      function_name_(std::move(options.function_name)) {
  if (!function_) throw std::invalid_argument("Lambda: `function` must not be empty");
  if (options.output_shape_list_function)
    throw std::invalid_argument(
        "Lambda: output_shape_list_function is for a LambdaOnList; give output_shape_function");
  if (output_shape_ && output_shape_function_)
    throw std::invalid_argument("Lambda: give `output_shape` or `output_shape_function`, not both");
}

Lambda::Lambda(LambdaOnList function, LambdaOptions options)
    : Layer("Lambda", layer_arguments(options)),
      list_function_(std::move(function)),
      output_shape_(std::move(options.output_shape)),
      output_shape_list_function_(std::move(options.output_shape_list_function)),
      function_name_(std::move(options.function_name)) {
  if (!list_function_.function) throw std::invalid_argument("Lambda: `function` must not be empty");
  if (options.output_shape_function)
    throw std::invalid_argument(
        "Lambda: a LambdaOnList takes output_shape_list_function (of every input's shape), "
        "not output_shape_function");
  if (output_shape_ && output_shape_list_function_)
    throw std::invalid_argument(
        "Lambda: give `output_shape` or `output_shape_list_function`, not both");
}

namespace {

void check_input_count(bool on_list, std::size_t count, const std::string& name) {
  if (!on_list && count != 1)
    throw std::invalid_argument("Layer " + name + " expects 1 inputs, but it received " +
                                std::to_string(count) +
                                " input tensors (a C++ Lambda takes a list through LambdaOnList)");
}

}  // namespace

Shape Lambda::compute_output_shape(const Shape& input_shape) const {
  return compute_output_shape_list({input_shape}).front();
}

std::vector<Shape> Lambda::compute_output_shape_list(const std::vector<Shape>& input_shapes) const {
  check_input_count(bool(list_function_.function), input_shapes.size(), name());
  if (output_shape_list_function_) return {output_shape_list_function_(input_shapes)};
  if (output_shape_function_) return {output_shape_function_(input_shapes.front())};
  if (output_shape_) {
    // Keras: the batch axis of the (first) input, then the declared shape.
    const Shape& first = input_shapes.front();
    Shape out{first.empty() ? -1 : first[0]};
    out.insert(out.end(), output_shape_->begin(), output_shape_->end());
    return {out};
  }
  // As Keras on TensorFlow: run the function on placeholders and read the static shape.
  std::vector<SymbolicTensor> placeholders;
  for (const auto& shape : input_shapes) placeholders.push_back(K::placeholder(shape));
  if (list_function_.function) return {list_function_.function(placeholders).shape()};
  return {function_(placeholders.front()).shape()};
}

void Lambda::build_list(const std::vector<Shape>& input_shapes) {
  check_input_count(bool(list_function_.function), input_shapes.size(), name());
}

SymbolicTensor Lambda::call(const SymbolicTensor& inputs) {
  return call_list({inputs}, {}).front();
}

std::vector<SymbolicTensor> Lambda::call_list(const std::vector<SymbolicTensor>& inputs,
                                              const std::vector<SymbolicTensor>& /*masks*/) {
  check_input_count(bool(list_function_.function), inputs.size(), name());
  SymbolicTensor out =
      list_function_.function ? list_function_.function(inputs) : function_(inputs.front());
  if (output_shape_ || output_shape_function_ || output_shape_list_function_) {
    std::vector<Shape> input_shapes;
    for (const auto& x : inputs) input_shapes.push_back(x.shape());
    Shape declared = compute_output_shape_list(input_shapes).front();
    const Shape& actual = out.shape();
    bool fits = declared.size() == actual.size();
    for (std::size_t i = 0; fits && i < actual.size(); ++i)
      fits = declared[i] < 0 || actual[i] < 0 || declared[i] == actual[i];
    if (!fits) {
      std::string given;
      for (const auto& shape : input_shapes)
        given += (given.empty() ? "" : ", ") + shape_to_string(shape);
      throw std::invalid_argument("Lambda (layer " + name() + "): the function returns shape " +
                                  shape_to_string(actual) + " but the declared output shape is " +
                                  shape_to_string(declared) + " (for input shape " + given + ")");
    }
  }
  return {out};
}

nlohmann::json Lambda::get_config() const {
  nlohmann::json config = Layer::get_config();
  // C++ functions cannot be serialised; the name says which function was used.
  config["function"] = function_name_;
  config["function_type"] = "lambda";
  if (output_shape_) {
    config["output_shape"] = detail::shape_json(*output_shape_);
    config["output_shape_type"] = "raw";
  } else if (output_shape_function_ || output_shape_list_function_) {
    config["output_shape"] = "output_shape_function";
    config["output_shape_type"] = "lambda";
  } else {
    config["output_shape"] = nullptr;
    config["output_shape_type"] = "raw";
  }
  config["arguments"] = nlohmann::json::object();
  return config;
}

// Keras serializes the function's bytecode; C++ cannot, so the function comes back by its name
// from the custom objects (CustomObjects::functions), and an output_shape function is refused.
LayerPtr Lambda::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "Lambda");
  LambdaOptions o;
  r.common(o);
  o.function_name = r.string("function", "");
  if (const nlohmann::json* f = r.find("function"); f && !f->is_string())
    r.fail("function",
           "holds serialized Python code, which keras.cpp cannot run; give the "
           "function a name and pass it in custom_objects.functions");
  LambdaFunction function = detail::function_from_custom_objects(o.function_name, "Lambda");
  r.string("function_type", "lambda");
  std::string shape_type = r.string("output_shape_type", "raw");
  if (shape_type == "raw") {
    o.output_shape = r.shape("output_shape");
  } else if (r.has("output_shape")) {
    std::string fname = r.string("output_shape", "");
    TensorFunction unused = detail::function_from_custom_objects(fname, "Lambda output_shape");
    r.fail("output_shape",
           "is a function ('" + fname + "'); keras.cpp's Lambda from_config needs a shape list");
  }
  if (const nlohmann::json* args = r.find("arguments"); args && !args->empty())
    r.fail("arguments", "must be empty: keras.cpp functions take no extra arguments");
  r.find("mask");
  r.find("mask_type");
  return r.done(std::make_shared<Lambda>(function, o));
}

}  // namespace keras::layers
