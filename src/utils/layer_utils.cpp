// print_summary: Keras 2.2.4's keras/utils/layer_utils.py::print_summary.
#include "keras/utils/layer_utils.h"

#include <cstdio>
#include <map>
#include <stdexcept>

namespace keras::utils {

namespace detail {

std::string shapes_label(const Layer& layer, bool input) {
  const auto& calls = layer.inbound_nodes();
  if (calls.empty()) return "multiple";
  const auto shapes_of = [&](const LayerNode& call) -> const std::vector<Shape>& {
    return input ? call.input_shapes : call.output_shapes;
  };
  const std::vector<Shape>& shapes = shapes_of(calls.front());
  for (const auto& call : calls)
    if (shapes_of(call) != shapes) return "multiple";
  if (shapes.empty()) return "multiple";
  if (shapes.size() == 1) return shape_repr(shapes.front());
  std::string out = "[";
  for (std::size_t i = 0; i < shapes.size(); ++i) out += (i ? ", " : "") + shape_repr(shapes[i]);
  return out + "]";
}

std::string shape_repr(const Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += shape[i] < 0 ? "None" : std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ",";
  return out + ")";
}

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

void print_summary_rows(const std::vector<SummaryRow>& rows, bool sequential_like,
                        std::int64_t trainable_count, std::int64_t non_trainable_count,
                        int line_length, const std::vector<double>& positions,
                        const PrintFunction& print_fn) {
  PrintFunction print = print_fn ? print_fn : [](const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
  };
  if (line_length <= 0) line_length = sequential_like ? 65 : 98;
  std::vector<double> stops = positions;
  if (stops.empty())
    stops = sequential_like ? std::vector<double>{.45, .85, 1.}
                            : std::vector<double>{.33, .55, .67, 1.};
  const std::size_t columns = sequential_like ? 3 : 4;
  if (stops.size() != columns)
    throw std::invalid_argument("print_summary: positions needs " + std::to_string(columns) +
                                " column stops, got " + std::to_string(stops.size()));
  std::vector<std::size_t> at;
  for (double p : stops)
    at.push_back(static_cast<std::size_t>(stops.back() <= 1 ? static_cast<int>(line_length * p)
                                                            : static_cast<int>(p)));
  auto print_row = [&](const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0 && !line.empty()) line.back() = ' ';
      line += fields[i];
      if (line.size() > at[i]) line.resize(at[i]);
      line.append(at[i] - line.size(), ' ');
    }
    print(line);
  };
  const auto width = static_cast<std::size_t>(line_length);
  print(std::string(width, '_'));
  if (sequential_like)
    print_row({"Layer (type)", "Output Shape", "Param #"});
  else
    print_row({"Layer (type)", "Output Shape", "Param #", "Connected to"});
  print(std::string(width, '='));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const SummaryRow& row = rows[i];
    std::string params = std::to_string(row.params);
    if (sequential_like) {
      print_row({row.name_and_class, row.output_shape, params});
    } else {
      print_row({row.name_and_class, row.output_shape, params,
                 row.connected_to.empty() ? "" : row.connected_to.front()});
      for (std::size_t c = 1; c < row.connected_to.size(); ++c)
        print_row({"", "", "", row.connected_to[c]});
    }
    print(std::string(width, i + 1 == rows.size() ? '=' : '_'));
  }
  print("Total params: " + thousands(trainable_count + non_trainable_count));
  print("Trainable params: " + thousands(trainable_count));
  print("Non-trainable params: " + thousands(non_trainable_count));
  print(std::string(width, '_'));
}

}  // namespace detail

namespace {
// Keras 2.2.4's test: a graph model prints like a Sequential one when it is a chain, one input and
// one output, every layer called once on one tensor and every tensor used once.
bool is_chain(const Model& model) {
  if (model.class_name() == "Sequential") return true;
  if (model.inputs().size() != 1 || model.outputs().size() != 1) return false;
  std::map<const backend::Node*, int> uses;
  for (const auto& layer : model.layers()) {
    if (layer->inbound_nodes().size() > 1) return false;
    for (const auto& node : layer->inbound_nodes()) {
      if (node.input_tensors.size() > 1) return false;
      for (const auto& tensor : node.input_tensors)
        if (++uses[tensor.node().get()] > 1) return false;
    }
  }
  return true;
}

// "dense_1[0][0]" for each input of each call of the layer.
std::vector<std::string> connections(const Layer& layer) {
  std::vector<std::string> out;
  for (const auto& node : layer.inbound_nodes())
    for (const auto& tensor : node.input_tensors)
      if (const KerasHistory* history = tensor.keras_history())
        out.push_back(history->layer->name() + "[" + std::to_string(history->node_index) + "][" +
                      std::to_string(history->tensor_index) + "]");
  return out;
}
}  // namespace

void print_summary(const Model& model, int line_length, const std::vector<double>& positions,
                   const PrintFunction& print_fn) {
  const bool sequential_like = is_chain(model);
  std::vector<detail::SummaryRow> rows;
  for (const auto& layer : model.layers()) {
    detail::SummaryRow row{layer->name() + " (" + layer->class_name() + ")", "",
                           layer->count_params()};
    row.output_shape = detail::shapes_label(*layer);
    if (!sequential_like) row.connected_to = connections(*layer);
    rows.push_back(row);
  }
  std::int64_t trainable = 0, total = 0;
  for (const auto& w : model.trainable_weights()) {
    std::int64_t n = 1;
    for (auto d : w.shape()) n *= d;
    trainable += n;
  }
  for (const auto& w : model.weights()) {
    std::int64_t n = 1;
    for (auto d : w.shape()) n *= d;
    total += n;
  }
  detail::print_summary_rows(rows, sequential_like, trainable, total - trainable, line_length,
                             positions, print_fn);
}

}  // namespace keras::utils

namespace keras {

void Model::summary(int line_length, const std::vector<double>& positions,
                    const std::function<void(const std::string&)>& print_fn) const {
  utils::print_summary(*this, line_length, positions, print_fn);
}

}  // namespace keras
