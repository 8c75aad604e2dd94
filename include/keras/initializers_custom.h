// keras::initializers' custom initializers for layer options. An option names its initializer
// with a string (DenseOptions::kernel_initializer, ...); register_custom gives a function (a C++
// callable, or a Python function of (shape, dtype) from the bindings) a key for such an option:
// get() resolves the key to the function, and serialize() writes the function's name, as Keras
// writes a custom initializer function (reading the config back needs that name registered as a
// custom object, as in Keras).
#pragma once

#include <string>

#include "keras/initializers.h"

namespace keras::initializers {

// A new key for `initializer`, unique in the process: "<name>#custom<N>".
std::string register_custom(Initializer initializer, const std::string& name);

}  // namespace keras::initializers
