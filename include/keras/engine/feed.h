// Keras's _feed_inputs: the inputs of a model that fit, evaluate and predict feed with arrays.
// An Input made on another tensor that is not a placeholder (Input(tensor=K.variable(...)), a
// clone_model onto such tensors) reads that tensor and takes no array, as in Keras.
#pragma once

#include <string>
#include <vector>

#include "keras/engine/training.h"

namespace keras {

std::vector<SymbolicTensor> fed_inputs(const Model& model);
// Their names, in the same order (Keras's _feed_input_names).
std::vector<std::string> fed_input_names(const Model& model);

}  // namespace keras
