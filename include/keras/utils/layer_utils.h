// Keras's model summary (keras/utils/layer_utils.py::print_summary, Keras 2.2.4's table).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "keras/engine/training.h"

namespace keras::utils {

using PrintFunction = std::function<void(const std::string& line)>;

// Prints the table of the model's layers: "Layer (type)", "Output Shape", "Param #" (and
// "Connected to" for non-sequential models), then the total, trainable and non-trainable
// parameter counts. line_length 0 and empty positions take Keras's defaults (65 and
// {.45, .85, 1} for sequential models; 98 and {.33, .55, .67, 1} otherwise); positions <= 1 are
// fractions of line_length. print_fn gets each line without its newline (default: stdout).
void print_summary(const Model& model, int line_length = 0,
                   const std::vector<double>& positions = {}, const PrintFunction& print_fn = {});

namespace detail {
// One layer's row: "name (Class)", its output shape as Python prints a tuple, its parameter count
// and, for non-sequential models, its inbound connections ("dense_1[0][0]").
struct SummaryRow {
  std::string name_and_class;
  std::string output_shape;
  std::int64_t params = 0;
  std::vector<std::string> connected_to{};
};
// The table itself, for models that know their layers' connections.
void print_summary_rows(const std::vector<SummaryRow>& rows, bool sequential_like,
                        std::int64_t trainable_count, std::int64_t non_trainable_count,
                        int line_length, const std::vector<double>& positions,
                        const PrintFunction& print_fn);
// Python's repr of a shape tuple: (None, 64), (None,).
std::string shape_repr(const Shape& shape);
// Keras's layer.output_shape (input_shape with `input`) as its summary and plots print it: the
// shape, a list of shapes for calls with several tensors, "multiple" when the layer's calls
// differ in their shapes or it was never called.
std::string shapes_label(const Layer& layer, bool input = false);
// "{:,}".format(n).
std::string thousands(std::int64_t n);
}  // namespace detail

}  // namespace keras::utils
