// Model's data checks: x, y and sample_weight (one array, lists, maps by name) in the model's
// order, with Keras's errors, casts, class weights and default sample weights.
#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "engine/compiled.h"
#include "keras/engine/feed.h"
#include "keras/engine/training.h"

namespace keras {

namespace {
// Python's text for a set of integers, as Keras prints the classes missing from class_weight.
std::string set_text(const std::set<std::int64_t>& values) {
  std::string text = "{";
  for (auto v : values) text += (text.size() > 1 ? ", " : "") + std::to_string(v);
  return text + "}";
}

// The names of the outputs that take targets: those compiled with a loss (all before compile).
std::vector<std::string> target_names(const Model& model, const CompiledOutputs* compiled) {
  if (!compiled) return model.output_names();
  std::vector<std::string> names;
  for (const auto& spec : *compiled) names.push_back(spec.name);
  return names;
}
}  // namespace

std::vector<Tensor> Model::standardize_inputs(const Arrays& x, const char* what) const {
  const_cast<Model*>(this)->ensure_graph();
  const std::vector<std::string> names = fed_input_names(*this);
  const std::vector<SymbolicTensor> fed = fed_inputs(*this);
  std::vector<Tensor> arrays;
  if (x.is_map) {
    for (const auto& [key, value] : x.by_name)
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw std::invalid_argument("Error when checking " + std::string(what) +
                                    ": no model input is named \"" + key + "\"; the inputs are " +
                                    names_text(names));
    for (const auto& input_name : names) {
      auto found = x.by_name.find(input_name);
      if (found == x.by_name.end())
        throw std::invalid_argument("No data provided for \"" + input_name +
                                    "\". Need data for each key in: " + names_text(names));
      arrays.push_back(found->second);
    }
  } else {
    arrays = x.list;
    if (arrays.size() != fed.size())
      throw std::invalid_argument(
          "Error when checking model " + std::string(what) +
          ": the list of arrays that you are passing to your model is not the size the model "
          "expected. Expected to see " +
          std::to_string(fed.size()) + " array(s) (for inputs " + names_text(names) +
          "), but instead got " + std::to_string(arrays.size()) + " arrays.");
  }
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    const Tensor& a = arrays[i];
    const SymbolicTensor& in = fed[i];
    const std::string& input_name = in.name();
    std::string expects;
    if (fed.size() == 1 && !layers().empty())
      expects =
          " (layer " + layers().front()->name() + " expects " + shape_to_string(in.shape()) + ")";
    if (!a.defined() || a.ndim() == 0)
      throw std::invalid_argument(std::string("Error when checking ") + what + ": expected " +
                                  input_name + " to have shape " + shape_to_string(in.shape()) +
                                  " but got an empty array");
    if (a.ndim() != in.ndim())
      throw std::invalid_argument("Error when checking input: expected " + input_name +
                                  " to have " + std::to_string(in.ndim()) +
                                  " dimensions, but got array with shape " +
                                  shape_to_string(a.shape()) + expects);
    for (int d = 0; d < a.ndim(); ++d) {
      std::int64_t expected = in.shape()[static_cast<std::size_t>(d)];
      // A fixed batch size (a stateful model's) need only divide the number of samples, which
      // fit, evaluate and predict split into batches: Keras does not check the batch axis.
      if (d == 0 && expected > 0 && a.shape()[0] > expected) {
        if (a.shape()[0] % expected != 0)
          throw std::invalid_argument(
              "In a stateful network, you should only pass inputs with a number of samples that "
              "can be divided by the batch size. Found: " +
              std::to_string(a.shape()[0]) + " samples");
        continue;
      }
      if (expected >= 0 && expected != a.shape()[static_cast<std::size_t>(d)])
        throw std::invalid_argument("Error when checking input: expected " + input_name +
                                    " to have shape " + shape_to_string(in.shape()) +
                                    " but got array with shape " + shape_to_string(a.shape()) +
                                    expects);
    }
    if (a.shape()[0] != arrays[0].shape()[0]) {
      std::string shapes;
      for (const auto& b : arrays)
        shapes += (shapes.empty() ? "" : ", ") + shape_to_string(b.shape());
      throw std::invalid_argument(
          "All input arrays (x) should have the same number of samples. Got array shapes: [" +
          shapes + "]");
    }
    if (a.dtype() != in.dtype()) arrays[i] = a.astype(in.dtype());
  }
  return arrays;
}

void Model::check_target_at(std::size_t output, const Tensor& y, const char*) const {
  // `output` counts the outputs that take a target (compiled with a loss).
  const std::size_t index =
      compiled_ && output < compiled_->outputs.size() ? compiled_->outputs[output].index : output;
  const SymbolicTensor& out = outputs_[index];
  const std::string output_name = output_names()[index];
  if (!y.defined() || y.ndim() == 0)
    throw std::invalid_argument("Error when checking target: the target array is empty");
  if (compiled_ && !compiled_->outputs.empty() && compiled_->outputs[output].sparse_target) {
    if (y.ndim() > out.ndim() || (y.ndim() == out.ndim() && y.shape().back() != 1))
      throw std::invalid_argument(
          "Error when checking target: sparse_categorical_crossentropy expects integer "
          "class indices of shape (samples,) or (samples, 1), got an array of shape " +
          shape_to_string(y.shape()));
    return;
  }
  Shape y_shape = y.shape();
  if (y.ndim() == 1 && out.ndim() == 2) y_shape.push_back(1);  // Keras expands 1D targets
  bool fits = static_cast<int>(y_shape.size()) == out.ndim();
  const bool custom_loss =
      compiled_ && output < compiled_->outputs.size() && compiled_->outputs[output].custom_loss;
  for (int d = 1; fits && !custom_loss && d < out.ndim(); ++d) {
    std::int64_t expected = out.shape()[static_cast<std::size_t>(d)];
    fits = expected < 0 || expected == y_shape[static_cast<std::size_t>(d)];
  }
  if (!fits)
    throw std::invalid_argument("Error when checking target: expected " + output_name +
                                " to have shape " + shape_to_string(out.shape()) +
                                " but got array with shape " + shape_to_string(y.shape()));
}

Tensor Model::cast_target_at(std::size_t output, const Tensor& y) const {
  const SymbolicTensor& target = compiled_->outputs[output].target;
  Tensor out = y.dtype() == target.dtype() ? y : y.astype(target.dtype());
  if (out.ndim() + 1 == target.ndim()) {
    Shape s = out.shape();
    s.push_back(1);
    out = out.reshape(s);
  }
  return out;
}

std::vector<Tensor> Model::standardize_targets(const Arrays& y, const char* what) const {
  const std::vector<std::string> names =
      target_names(*this, compiled_ ? &compiled_->outputs : nullptr);
  std::vector<Tensor> arrays;
  // No output takes arrays (no loss, or target_tensors read): Keras's standardize_input_data.
  if (names.empty() && !y.empty())
    throw std::invalid_argument(
        "Error when checking model " + std::string(what) + ": expected no data, but got " +
        std::to_string(y.is_map ? y.by_name.size() : y.list.size()) +
        " array(s): the model's outputs take no targets (compiled without a loss for them, or "
        "with target_tensors that the losses read instead)");
  if (y.is_map) {
    for (const auto& [key, value] : y.by_name)
      if (std::find(names.begin(), names.end(), key) == names.end())
        throw std::invalid_argument("Error when checking target: no model output is named \"" +
                                    key + "\"; the outputs are " + names_text(names));
    for (const auto& output_name : names) {
      auto found = y.by_name.find(output_name);
      if (found == y.by_name.end())
        throw std::invalid_argument("No data provided for \"" + output_name +
                                    "\". Need data for each key in: " + names_text(names));
      arrays.push_back(found->second);
    }
  } else {
    if (!y.empty()) arrays = y.list;  // Arrays(Tensor{}): none, as Keras's y=None
    if (arrays.size() != names.size())
      throw std::invalid_argument(
          "Error when checking model target: the list of arrays that you are passing to your "
          "model is not the size the model expected. Expected to see " +
          std::to_string(names.size()) + " array(s) (for outputs " + names_text(names) +
          "), but instead got " + std::to_string(arrays.size()) + " arrays.");
  }
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    check_target_at(k, arrays[k], what);
    arrays[k] = cast_target_at(k, arrays[k]);
  }
  return arrays;
}

std::vector<Tensor> Model::standardize_sample_weights(const std::vector<Tensor>& y,
                                                      const Arrays* sample_weight,
                                                      const ClassWeight& class_weight) const {
  const std::vector<std::string> names =
      target_names(*this, compiled_ ? &compiled_->outputs : nullptr);
  std::vector<Tensor> given(y.size());
  // No targets fed, no sample weights: Keras ignores them then (y=None).
  if (sample_weight && !sample_weight->empty() && !y.empty()) {
    if (sample_weight->is_map) {
      const std::vector<std::string> all_outputs = output_names();
      for (const auto& [key, value] : sample_weight->by_name) {
        auto found = std::find(names.begin(), names.end(), key);
        // An output that takes no targets (no loss, or target_tensors read) takes no weights.
        if (found == names.end() &&
            std::find(all_outputs.begin(), all_outputs.end(), key) != all_outputs.end())
          continue;
        if (found == names.end())
          throw std::invalid_argument("Unknown entry in sample_weight dictionary: \"" + key +
                                      "\". Only expected the following keys: " + names_text(names));
        given[static_cast<std::size_t>(found - names.begin())] = value;
      }
    } else if (sample_weight->list.size() == 1) {
      std::fill(given.begin(), given.end(), sample_weight->list.front());
    } else if (sample_weight->list.size() == y.size()) {
      given = sample_weight->list;
    } else {
      throw std::invalid_argument(
          "Provided sample_weight was a list of " + std::to_string(sample_weight->list.size()) +
          " arrays; the model has " + std::to_string(y.size()) + " outputs " + names_text(names));
    }
  }
  std::vector<Tensor> out;
  for (std::size_t k = 0; k < y.size(); ++k)
    out.push_back(
        standardize_weights_at(k, y[k], given[k].defined() ? &given[k] : nullptr, class_weight));
  return out;
}

// Single-input, single-output forms, for the generator methods.
Tensor Model::standardize_weights_at(std::size_t output, const Tensor& y,
                                     const Tensor* sample_weight,
                                     const ClassWeight& class_weight) const {
  const CompiledOutput& spec = compiled_->outputs[output];
  const DType dtype = spec.sample_weight.dtype();
  if (spec.temporal) {
    if (y.ndim() < 3)
      throw std::invalid_argument(
          "Found a sample_weight array for an input with shape " + shape_to_string(y.shape()) +
          ". Timestep-wise sample weighting (use of sample_weight_mode=\"temporal\") is "
          "restricted to outputs that are at least 3D, i.e. that have a time dimension.");
    if (sample_weight && sample_weight->ndim() != 2)
      throw std::invalid_argument(
          "Found a sample_weight array with shape " + shape_to_string(sample_weight->shape()) +
          ". In order to use timestep-wise sample weighting, you should pass a 2D "
          "sample_weight array.");
  } else if (sample_weight && sample_weight->ndim() != 1) {
    throw std::invalid_argument(
        "Found a sample_weight array with shape " + shape_to_string(sample_weight->shape()) +
        ". In order to use timestep-wise sample weights, you should specify "
        "sample_weight_mode=\"temporal\" in compile(). If you just mean to use sample-wise "
        "weights, make sure your sample_weight array is 1D.");
  }
  if (sample_weight && !class_weight.empty())
    std::fprintf(
        stderr,
        "UserWarning: Found both `sample_weight` and `class_weight`: `class_weight` argument will "
        "be ignored.\n");
  if (sample_weight) {
    const Shape& ws = sample_weight->shape();
    if (ws.size() > y.shape().size() || !std::equal(ws.begin(), ws.end(), y.shape().begin()))
      throw std::invalid_argument("Found a sample_weight array with shape " + shape_to_string(ws) +
                                  " for an input with shape " + shape_to_string(y.shape()) +
                                  ". sample_weight cannot be broadcast.");
    return sample_weight->dtype() == dtype ? *sample_weight : sample_weight->astype(dtype);
  }
  const std::int64_t n = y.shape()[0];
  if (!class_weight.empty()) {
    if (y.ndim() > 2)
      throw std::invalid_argument("`class_weight` not supported for 3+ dimensional targets.");
    const std::int64_t k = y.ndim() > 1 ? y.shape()[1] : 1;
    std::vector<double> values = y.to_vector<double>();
    Tensor weights({n}, dtype);
    std::set<std::int64_t> missing;
    for (std::int64_t i = 0; i < n; ++i) {
      const double* row = values.data() + i * k;
      // The argmax of a one-hot row, or the label itself; a non-integer label is no class.
      double label = k > 1 ? static_cast<double>(std::max_element(row, row + k) - row) : row[0];
      auto cls = static_cast<std::int64_t>(label);
      auto found = static_cast<double>(cls) == label ? class_weight.find(cls) : class_weight.end();
      if (found == class_weight.end()) {
        missing.insert(cls);
        continue;
      }
      if (dtype == DType::float64)
        weights.data<double>()[i] = found->second;
      else
        weights.data<float>()[i] = static_cast<float>(found->second);
    }
    if (!missing.empty())
      throw std::invalid_argument(
          "`class_weight` must contain all classes in the data. The classes " + set_text(missing) +
          " exist in the data but not in `class_weight`.");
    return weights;
  }
  return Tensor::full(spec.temporal ? Shape{n, y.shape()[1]} : Shape{n}, 1.0, dtype);
}

namespace {
void check_samples(const std::vector<Tensor>& x, const std::vector<Tensor>& y) {
  if (x.empty()) return;  // the model reads its inputs from tensors (no array fed)
  for (const auto& t : y)
    if (t.shape()[0] != x.front().shape()[0])
      throw std::invalid_argument(
          "Input arrays should have the same number of samples as target arrays. Found " +
          std::to_string(x.front().shape()[0]) + " input samples and " +
          std::to_string(t.shape()[0]) + " target samples.");
}
}  // namespace

std::vector<Tensor> Model::standardize_data(const Arrays& x, const Arrays& y,
                                            const Arrays* sample_weight,
                                            const ClassWeight& class_weight,
                                            const char* prefix) const {
  std::vector<Tensor> data = standardize_inputs(x, (std::string(prefix) + "input").c_str());
  std::vector<Tensor> ys = standardize_targets(y, (std::string(prefix) + "target").c_str());
  check_samples(data, ys);
  std::vector<Tensor> ws = standardize_sample_weights(ys, sample_weight, class_weight);
  data.insert(data.end(), ys.begin(), ys.end());
  data.insert(data.end(), ws.begin(), ws.end());
  return data;
}

}  // namespace keras
