// Lambda functions kept as code in configs. Keras writes a Python Lambda's function as its code
// (function_type 'lambda': [base64 bytecode, defaults, closure]) and runs that code again when it
// reads the config. C++ functions have no code: the host language that has (the Python package)
// installs these hooks; without them, functions are written and read by name only.
#pragma once

#include <functional>
#include <optional>

#include <nlohmann/json.hpp>

#include "keras/layers/core.h"

namespace keras::layers {

struct LambdaCodeHooks {
  // The code of a Lambda's function, or nullopt to write the function by its name.
  std::function<std::optional<nlohmann::json>(const LambdaFunctionArg& function)> dump;
  // A function (taking the layer's `arguments`) made from code that `dump` wrote.
  std::function<LambdaFunctionArg(const nlohmann::json& code)> load;
};

void set_lambda_code_hooks(LambdaCodeHooks hooks);
const LambdaCodeHooks& lambda_code_hooks();

}  // namespace keras::layers
