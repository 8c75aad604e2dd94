// Keras 2.2.4's metrics (keras/metrics.py), written with K:: ops.
#include "keras/metrics.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace keras::metrics {

namespace K = backend;

namespace {

// TensorFlow's round (half to even), built from casts because the backend has no round op.
// Values of magnitude >= 2^52 (2^23 in float32) are already integers and are passed through;
// below that a + 0.5 is exact.
SymbolicTensor round_half_to_even(const SymbolicTensor& x) {
  DType dt = x.dtype();
  const double kExact = dt == DType::float32 ? 8388608.0 : 4503599627370496.0;
  SymbolicTensor a = K::clip(K::abs(x), 0.0, kExact);
  SymbolicTensor r = K::cast(K::cast(a + 0.5, DType::int64), dt);  // floor(a + 0.5), a >= 0
  // A tie (a + 0.5 integral) that rounded up to an odd number goes back down by one.
  SymbolicTensor tie = K::equal(r, a + 0.5);
  SymbolicTensor half = K::cast(K::cast(r * 0.5, DType::int64), dt);
  SymbolicTensor odd = r - half * 2.0;  // 1 or 0
  SymbolicTensor rounded = K::sign(x) * (r - tie * odd);
  SymbolicTensor big = K::greater_equal(K::abs(x), K::constant(kExact, dt));
  return big * x + (1.0 - big) * rounded;
}

// 1 where the class of each row is among the k largest predictions (TF in_top_k), (batch,).
SymbolicTensor in_top_k(const SymbolicTensor& y_pred, const SymbolicTensor& class_ids, int k,
                        const char* who) {
  if (y_pred.ndim() != 2)
    throw std::invalid_argument(std::string(who) + " needs 2D predictions (batch, classes), got " +
                                shape_to_string(y_pred.shape()));
  std::int64_t classes = y_pred.shape()[1];
  if (classes < 0)
    throw std::invalid_argument(std::string(who) + " needs a known number of classes, got " +
                                shape_to_string(y_pred.shape()));
  // higher[b, i] = number of classes j with y_pred[b, j] > y_pred[b, i].
  SymbolicTensor column = K::expand_dims(y_pred, -1);  // (batch, n, 1): entry i
  SymbolicTensor row = K::expand_dims(y_pred, 1);      // (batch, 1, n): entry j
  SymbolicTensor higher = K::sum(K::greater(row, column), {-1});
  SymbolicTensor in_top = K::less(higher, K::constant(static_cast<double>(k), y_pred.dtype()));
  SymbolicTensor mask = K::cast(K::one_hot(class_ids, classes), y_pred.dtype());
  return K::sum(mask * in_top, {-1});
}

SymbolicTensor class_ids_of(const SymbolicTensor& y_true) {
  SymbolicTensor ids = K::flatten(y_true);
  return (ids.dtype() == DType::int32 || ids.dtype() == DType::int64) ? ids
                                                                      : K::cast(ids, DType::int64);
}

struct Entry {
  std::string name;
  MetricFunction function;
};

const std::vector<Entry>& own_metrics() {
  static const std::vector<Entry> entries = {
      {"binary_accuracy", binary_accuracy},
      {"categorical_accuracy", categorical_accuracy},
      {"sparse_categorical_accuracy", sparse_categorical_accuracy},
      {"top_k_categorical_accuracy",
       [](const SymbolicTensor& t, const SymbolicTensor& p) {
         return top_k_categorical_accuracy(t, p);
       }},
      {"sparse_top_k_categorical_accuracy",
       [](const SymbolicTensor& t, const SymbolicTensor& p) {
         return sparse_top_k_categorical_accuracy(t, p);
       }},
  };
  return entries;
}

const Entry* find_own(const std::string& name) {
  for (const auto& e : own_metrics())
    if (e.name == name) return &e;
  return nullptr;
}

[[noreturn]] void unknown(const std::string& name) {
  std::string valid;
  for (const auto& n : names()) valid += (valid.empty() ? "" : ", ") + n;
  throw std::invalid_argument("Unknown metric function: '" + name +
                              "'. Valid metrics are: " + valid +
                              " (and 'accuracy'/'acc', resolved from the loss at compile time).");
}

bool is_loss_name(const std::string& name) {
  for (const auto& n : losses::names())
    if (n == name) return true;
  return false;
}

}  // namespace

SymbolicTensor binary_accuracy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  SymbolicTensor t = K::cast(y_true, y_pred.dtype());
  return K::mean(K::equal(t, round_half_to_even(y_pred)), {-1});
}

SymbolicTensor categorical_accuracy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  return K::cast(K::equal(K::argmax(y_true, -1), K::argmax(y_pred, -1)), y_pred.dtype());
}

SymbolicTensor sparse_categorical_accuracy(const SymbolicTensor& y_true,
                                           const SymbolicTensor& y_pred) {
  SymbolicTensor t = y_true;
  if (t.ndim() == y_pred.ndim()) t = K::squeeze(t, -1);  // (batch, 1) -> (batch,)
  SymbolicTensor labels = K::argmax(y_pred, -1);
  // Compare in y_true's dtype when it is a float (as Keras), so 1.5 never equals class 1.
  SymbolicTensor hit = is_floating(t.dtype()) ? K::equal(t, K::cast(labels, t.dtype()))
                                              : K::equal(K::cast(t, DType::int64), labels);
  return K::cast(hit, y_pred.dtype());
}

SymbolicTensor top_k_categorical_accuracy(const SymbolicTensor& y_true,
                                          const SymbolicTensor& y_pred, int k) {
  return in_top_k(y_pred, K::argmax(y_true, -1), k, "top_k_categorical_accuracy");
}

SymbolicTensor sparse_top_k_categorical_accuracy(const SymbolicTensor& y_true,
                                                 const SymbolicTensor& y_pred, int k) {
  return in_top_k(y_pred, class_ids_of(y_true), k, "sparse_top_k_categorical_accuracy");
}

MetricFunction get(const std::string& name) {
  if (const Entry* e = find_own(name)) return e->function;
  if (is_loss_name(name)) return losses::get(name);
  unknown(name);
}

std::string canonical_name(const std::string& name) {
  if (const Entry* e = find_own(name)) return e->name;
  if (is_loss_name(name)) return losses::canonical_name(name);
  unknown(name);
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : own_metrics()) out.push_back(e.name);
  for (const auto& n : losses::names()) out.push_back(n);
  return out;
}

std::pair<std::string, MetricFunction> resolve_accuracy(const std::string& requested,
                                                        const std::string& loss_name,
                                                        const Shape& output_shape) {
  bool accuracy = requested == "accuracy" || requested == "acc";
  bool crossentropy = requested == "crossentropy" || requested == "ce";
  if (!accuracy && !crossentropy)
    throw std::invalid_argument(
        "resolve_accuracy handles 'accuracy', 'acc', 'crossentropy' and 'ce', got '" + requested +
        "'");
  // Keras compares loss functions by identity, so aliases of the same function count.
  std::string loss;
  if (is_loss_name(loss_name)) loss = losses::canonical_name(loss_name);
  std::string key = accuracy ? "acc" : "ce";
  if ((!output_shape.empty() && output_shape.back() == 1) || loss == "binary_crossentropy")
    return {key, accuracy ? MetricFunction(binary_accuracy)
                          : MetricFunction(losses::binary_crossentropy)};
  if (loss == "sparse_categorical_crossentropy")
    return {key, accuracy ? MetricFunction(sparse_categorical_accuracy)
                          : MetricFunction(losses::sparse_categorical_crossentropy)};
  return {key, accuracy ? MetricFunction(categorical_accuracy)
                        : MetricFunction(losses::categorical_crossentropy)};
}

}  // namespace keras::metrics
