// Model pictures: Keras's model_to_dot (Graphviz DOT text) and plot_model (Keras 1: plot),
// rendered by Graphviz's `dot` program (Debian: graphviz).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "keras/engine/training.h"

namespace keras::utils {

// Keras 2.2.4's model_to_dot: one record-shaped node per layer, labelled "name: Class" (or
// "Class" without show_layer_names), with "input:/output:" shapes when show_shapes; edges from
// each layer to the next. rankdir "TB" (top to bottom) or "LR".
std::string model_to_dot(const Model& model, bool show_shapes = false, bool show_layer_names = true,
                         const std::string& rankdir = "TB");

// Writes the picture to `to_file` in the format of its extension (png when it has none; svg,
// pdf, ... whatever `dot -T` takes). Throws std::runtime_error when Graphviz's `dot` is missing
// or fails.
void plot_model(const Model& model, const std::string& to_file = "model.png",
                bool show_shapes = false, bool show_layer_names = true,
                const std::string& rankdir = "TB");
// Keras 1's name.
inline void plot(const Model& model, const std::string& to_file = "model.png",
                 bool show_shapes = false, bool show_layer_names = true) {
  plot_model(model, to_file, show_shapes, show_layer_names);
}

namespace detail {
struct DotNode {
  std::string id;
  std::string label;
};
// DOT text for nodes and (from id, to id) edges, as pydot writes Keras's graph; graph models
// that know their connections build their own node and edge lists.
std::string dot_text(const std::vector<DotNode>& nodes,
                     const std::vector<std::pair<std::string, std::string>>& edges,
                     const std::string& rankdir);
// A node's label as Keras makes it.
std::string dot_label(const std::string& name, const std::string& class_name, bool show_shapes,
                      bool show_layer_names, const std::string& input_shape,
                      const std::string& output_shape);
}  // namespace detail

}  // namespace keras::utils
