// model_to_dot and plot_model: Keras 2.2.4's keras/utils/vis_utils.py.
#include "keras/utils/vis_utils.h"

#include <sys/wait.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "keras/utils/layer_utils.h"

namespace keras::utils {

namespace detail {

namespace {
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string dot_label(const std::string& name, const std::string& class_name, bool show_shapes,
                      bool show_layer_names, const std::string& input_shape,
                      const std::string& output_shape) {
  std::string label = show_layer_names ? name + ": " + class_name : class_name;
  if (show_shapes) label += "\\n|{input:|output:}|{{" + input_shape + "}|{" + output_shape + "}}";
  return label;
}

std::string dot_text(const std::vector<DotNode>& nodes,
                     const std::vector<std::pair<std::string, std::string>>& edges,
                     const std::string& rankdir) {
  if (rankdir != "TB" && rankdir != "LR" && rankdir != "BT" && rankdir != "RL")
    throw std::invalid_argument("model_to_dot: rankdir must be TB, LR, BT or RL, got '" + rankdir +
                                "'");
  std::string out = "digraph G {\nrankdir=" + rankdir + ";\nconcentrate=True;\n";
  out += "node [shape=record];\n";
  for (const auto& node : nodes) {
    // The label is quoted without escaping "\n", which Graphviz reads as a line break.
    std::string label = "\"";
    for (char c : node.label) {
      if (c == '"') label += '\\';
      label += c;
    }
    out += quoted(node.id) + " [label=" + label + "\"];\n";
  }
  for (const auto& [from, to] : edges) out += quoted(from) + " -> " + quoted(to) + ";\n";
  return out + "}\n";
}

}  // namespace detail

namespace {

// A functional model: its layers (InputLayers included) and an edge from the layer that made
// each input tensor of each call to the called layer.
std::string functional_model_to_dot(const Model& model, bool show_shapes, bool show_layer_names,
                                    const std::string& rankdir) {
  std::vector<detail::DotNode> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  std::set<const Layer*> in_model;
  for (const auto& layer : model.layers()) in_model.insert(layer.get());
  for (const auto& layer : model.layers()) {
    std::string in = detail::shapes_label(*layer, true), out = detail::shapes_label(*layer);
    if (layer->class_name() == "InputLayer") in = out;
    nodes.push_back({layer->name(), detail::dot_label(layer->name(), layer->class_name(),
                                                      show_shapes, show_layer_names, in, out)});
    for (const auto& call : layer->inbound_nodes())
      for (const auto& tensor : call.input_tensors) {
        const KerasHistory* history = tensor.keras_history();
        if (history && history->layer && in_model.count(history->layer.get()) &&
            history->layer.get() != layer.get())
          edges.emplace_back(history->layer->name(), layer->name());
      }
  }
  return detail::dot_text(nodes, edges, rankdir);
}

}  // namespace

std::string model_to_dot(const Model& model, bool show_shapes, bool show_layer_names,
                         const std::string& rankdir) {
  std::vector<detail::DotNode> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  if (model.layers().empty()) return detail::dot_text(nodes, edges, rankdir);
  if (model.class_name() != "Sequential")
    return functional_model_to_dot(model, show_shapes, show_layer_names, rankdir);
  // A Sequential model's input, as the InputLayer Keras shows.
  std::string input_shape = "multiple";
  try {
    input_shape = detail::shape_repr(model.input_shape());
  } catch (const std::exception&) {
  }
  const std::string input_name = model.layers().front()->name() + "_input";
  nodes.push_back({input_name, detail::dot_label(input_name, "InputLayer", show_shapes,
                                                 show_layer_names, input_shape, input_shape)});
  std::string previous = input_name;
  for (const auto& layer : model.layers()) {
    const std::string in = detail::shapes_label(*layer, true), out = detail::shapes_label(*layer);
    nodes.push_back({layer->name(), detail::dot_label(layer->name(), layer->class_name(),
                                                      show_shapes, show_layer_names, in, out)});
    edges.emplace_back(previous, layer->name());
    previous = layer->name();
  }
  return detail::dot_text(nodes, edges, rankdir);
}

void plot_model(const Model& model, const std::string& to_file, bool show_shapes,
                bool show_layer_names, const std::string& rankdir) {
  std::string dot = model_to_dot(model, show_shapes, show_layer_names, rankdir);
  std::string extension = std::filesystem::path(to_file).extension().string();
  std::string format = extension.empty() ? "png" : extension.substr(1);
  for (char c : format)
    if (!std::isalnum(static_cast<unsigned char>(c)))
      throw std::invalid_argument("plot_model: unsupported file extension '" + extension + "'");
  if (std::system("command -v dot > /dev/null 2>&1") != 0)
    throw std::runtime_error(
        "plot_model needs Graphviz's `dot` program, which was not found on PATH (Debian: apt "
        "install graphviz). model_to_dot gives the DOT text without it.");
  std::string quoted_file = "'";
  for (char c : to_file) quoted_file += c == '\'' ? std::string("'\\''") : std::string(1, c);
  quoted_file += "'";
  std::string command = "dot -T" + format + " -o " + quoted_file;
  FILE* pipe = popen(command.c_str(), "w");
  if (!pipe) throw std::runtime_error("plot_model: cannot run Graphviz's `dot`");
  std::fwrite(dot.data(), 1, dot.size(), pipe);
  int status = pclose(pipe);
  if (status != 0 || !std::filesystem::exists(to_file))
    throw std::runtime_error("plot_model: Graphviz's `dot -T" + format + "` failed writing '" +
                             to_file + "' (exit status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
}

}  // namespace keras::utils
