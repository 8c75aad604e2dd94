// Merge layers: every mode's output and gradient against an independent computation on random
// inputs, masks, and the shape errors naming the layer.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

#include "keras/keras.h"

using namespace keras;
using namespace keras::layers;

namespace {

Tensor random64(Shape shape, std::uint32_t seed) {
  Tensor t(shape, DType::float64);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  for (std::int64_t i = 0; i < t.numel(); ++i) t.data<double>()[i] = dist(rng);
  return t;
}

using Reference = std::function<std::vector<double>(const Tensor&, const Tensor&)>;

// Checks merged(a, b) against `reference` and d(sum(merged * c))/da against finite differences of
// the reference, with c a fixed random weighting.
void check_merge(
    const std::function<SymbolicTensor(const SymbolicTensor&, const SymbolicTensor&)>& merged,
    Shape shape_a, Shape shape_b, const Reference& reference) {
  auto pa = K::placeholder(
      [&] {
        Shape s = shape_a;
        s[0] = -1;
        return s;
      }(),
      DType::float64);
  auto pb = K::placeholder(
      [&] {
        Shape s = shape_b;
        s[0] = -1;
        return s;
      }(),
      DType::float64);
  SymbolicTensor out = merged(pa, pb);
  Tensor a = random64(shape_a, 1), b = random64(shape_b, 2);
  auto values = K::function({pa, pb}, {out})({a, b})[0];
  auto expected = reference(a, b);
  ASSERT_EQ(static_cast<std::size_t>(values.numel()), expected.size());
  auto got = values.to_vector<double>();
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-9) << i;

  Tensor weights = random64(values.shape(), 3);
  SymbolicTensor loss = K::sum(out * K::constant(weights));
  auto grads = K::gradients(loss, {pa, pb});
  auto g = K::function({pa, pb}, {grads[0], grads[1]})({a, b});
  auto weighted = [&](const Tensor& x, const Tensor& y) {
    auto r = reference(x, y);
    double total = 0;
    for (std::size_t i = 0; i < r.size(); ++i) total += r[i] * weights.data<double>()[i];
    return total;
  };
  const double h = 1e-6;
  for (int which = 0; which < 2; ++which) {
    Tensor x = (which == 0 ? a : b).clone();
    for (std::int64_t i = 0; i < x.numel(); ++i) {
      double saved = x.data<double>()[i];
      x.data<double>()[i] = saved + h;
      double up = which == 0 ? weighted(x, b) : weighted(a, x);
      x.data<double>()[i] = saved - h;
      double down = which == 0 ? weighted(x, b) : weighted(a, x);
      x.data<double>()[i] = saved;
      EXPECT_NEAR(g[static_cast<std::size_t>(which)].data<double>()[i], (up - down) / (2 * h), 1e-6)
          << "input " << which << " element " << i;
    }
  }
}

Reference elementwise(std::function<double(double, double)> f) {
  return [f](const Tensor& a, const Tensor& b) {
    std::vector<double> out;
    for (std::int64_t i = 0; i < a.numel(); ++i)
      out.push_back(f(a.data<double>()[i], b.data<double>()[i]));
    return out;
  };
}

// Row-wise dot products of (n, k) matrices, optionally of their normalised rows.
Reference row_dot(bool cosine) {
  return [cosine](const Tensor& a, const Tensor& b) {
    std::int64_t n = a.shape()[0], k = a.shape()[1];
    std::vector<double> out;
    for (std::int64_t r = 0; r < n; ++r) {
      double d = 0, na = 0, nb = 0;
      for (std::int64_t j = 0; j < k; ++j) {
        double x = a.data<double>()[r * k + j], y = b.data<double>()[r * k + j];
        d += x * y;
        na += x * x;
        nb += y * y;
      }
      out.push_back(cosine ? d / std::sqrt(na * nb) : d);
    }
    return out;
  };
}

// (n, p, k) . (n, q, k) over the last axes -> (n, p, q).
std::vector<double> batch_dot_last(const Tensor& a, const Tensor& b) {
  std::int64_t n = a.shape()[0], p = a.shape()[1], k = a.shape()[2], q = b.shape()[1];
  std::vector<double> out;
  for (std::int64_t s = 0; s < n; ++s)
    for (std::int64_t i = 0; i < p; ++i)
      for (std::int64_t j = 0; j < q; ++j) {
        double d = 0;
        for (std::int64_t t = 0; t < k; ++t)
          d += a.data<double>()[(s * p + i) * k + t] * b.data<double>()[(s * q + j) * k + t];
        out.push_back(d);
      }
  return out;
}

std::vector<double> concat_rows(const Tensor& a, const Tensor& b) {
  std::int64_t n = a.shape()[0], ka = a.shape()[1], kb = b.shape()[1];
  std::vector<double> out;
  for (std::int64_t r = 0; r < n; ++r) {
    for (std::int64_t j = 0; j < ka; ++j) out.push_back(a.data<double>()[r * ka + j]);
    for (std::int64_t j = 0; j < kb; ++j) out.push_back(b.data<double>()[r * kb + j]);
  }
  return out;
}

// Masks the timesteps whose features are all zero, as Keras's Masking(0.0) does.
class ZeroMasking : public Layer {
 public:
  ZeroMasking() : Layer("ZeroMasking", {}) { supports_masking_ = true; }
  KERAS_LAYER_CLASS(ZeroMasking)
  SymbolicTensor call(const SymbolicTensor& x) override { return x * 1.0; }
  SymbolicTensor compute_mask(const SymbolicTensor& x, const SymbolicTensor&) const override {
    return K::max(K::not_equal(x, K::constant(0.0, x.dtype())), {-1});
  }
};

template <typename F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Merge, Keras2LayersMatchAnIndependentComputation) {
  using T = const SymbolicTensor&;
  check_merge(
      [](T a, T b) {
        return Add()({a, b});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return x + y; }));
  check_merge(
      [](T a, T b) {
        return Subtract()({a, b});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return x - y; }));
  check_merge(
      [](T a, T b) {
        return Multiply()({a, b});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return x * y; }));
  check_merge(
      [](T a, T b) {
        return Average()({a, b});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return (x + y) / 2; }));
  check_merge(
      [](T a, T b) {
        return Maximum()({a, b});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return std::max(x, y); }));
  check_merge(
      [](T a, T b) {
        return Minimum()({a, b});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return std::min(x, y); }));
  check_merge([](T a, T b) { return Concatenate()({a, b}); }, {3, 4}, {3, 2}, concat_rows);
  check_merge([](T a, T b) { return Dot(1)({a, b}); }, {3, 4}, {3, 4}, row_dot(false));
  check_merge(
      [](T a, T b) {
        return Dot(1, {.normalize = true})({a, b});
      },
      {3, 4}, {3, 4}, row_dot(true));
  check_merge(
      [](T a, T b) {
        return Dot(DotOptions{.axes = {2, 2}})({a, b});
      },
      {2, 3, 4}, {2, 5, 4}, batch_dot_last);
}

TEST(Merge, Keras1ModesMatchAnIndependentComputation) {
  using T = const SymbolicTensor&;
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "sum"});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return x + y; }));
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "mul"});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return x * y; }));
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "ave"});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return (x + y) / 2; }));
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "max"});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return std::max(x, y); }));
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "concat", .concat_axis = -1});
      },
      {3, 4}, {3, 2}, concat_rows);
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "dot", .dot_axes = {1}});
      },
      {3, 4}, {3, 4}, row_dot(false));
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "cos", .dot_axes = {1}});
      },
      {3, 4}, {3, 4}, row_dot(true));
  check_merge(
      [](T a, T b) {
        return merge({a, b}, {.mode = "dot", .dot_axes = {2, 2}});
      },
      {2, 3, 4}, {2, 5, 4}, batch_dot_last);
  // A custom mode of backend ops, with its output shape (the seed's `lambda x, y: x - y`).
  check_merge(
      [](T a, T b) {
        return merge({a, b},
                     {.mode = [](const std::vector<SymbolicTensor>& t) { return t[0] - t[1]; },
                      .output_shape = Shape{4}});
      },
      {3, 4}, {3, 4}, elementwise([](double x, double y) { return x - y; }));
}

TEST(Merge, OutputShapes) {
  auto a = Input({.shape = Shape{4}}), b = Input({.shape = Shape{4}}),
       c = Input({.shape = Shape{2}});
  EXPECT_EQ(Concatenate().compute_output_shape_list({{-1, 4}, {-1, 2}}),
            (std::vector<Shape>{{-1, 6}}));
  EXPECT_EQ(concatenate({a, c}).shape(), (Shape{-1, 6}));
  EXPECT_EQ(dot({a, b}, {1}).shape(), (Shape{-1, 1}));
  EXPECT_EQ(merge({a, b}, {.mode = "cos"}).shape(), (Shape{-1, 1}));
  EXPECT_EQ(
      merge({a, b},
            {.mode = [](const std::vector<SymbolicTensor>& t) { return K::concatenate(t, -1); },
             .output_shape =
                 [](const std::vector<Shape>& s) {
                   return Shape{s[0][0], 8};
                 }})
          .shape(),
      (Shape{-1, 8}));
}

TEST(Merge, ShapeMismatchesNameTheLayer) {
  auto a = Input({.shape = Shape{4}}), c = Input({.shape = Shape{3}});
  auto seq = Input({.shape = Shape{2, 3}});
  std::string error = message_of([&] {
    Concatenate(ConcatenateOptions{.axis = -1, .name = "cat"})({seq, a});
  });
  EXPECT_NE(error.find("cat"), std::string::npos) << error;
  EXPECT_NE(error.find("(None, 2, 3)"), std::string::npos) << error;
  error = message_of([&] { Dot(1, {.name = "my_dot"})({a, c}); });
  EXPECT_NE(error.find("my_dot"), std::string::npos) << error;
  EXPECT_NE(error.find("4 != 3"), std::string::npos) << error;
  error = message_of([&] { Add(MergeLayerOptions{.name = "adder"})({a, c}); });
  EXPECT_NE(error.find("adder"), std::string::npos) << error;
  error = message_of([&] { merge({a, c}, {.mode = "sum", .name = "m1"}); });
  EXPECT_NE(error.find("m1"), std::string::npos) << error;
  error = message_of([&] { Add()(a); });
  EXPECT_NE(error.find("should be called on a list"), std::string::npos) << error;
  error = message_of([&] { merge({a, c}, {.mode = "avg"}); });
  EXPECT_NE(error.find("Invalid merge mode"), std::string::npos) << error;
}

TEST(Merge, MasksAreMergedAsKerasDoes) {
  K::set_floatx(DType::float64);
  {
    auto x = Input({.shape = Shape{3, 2}});
    auto y = Input({.shape = Shape{3, 2}});
    auto mx = ZeroMasking()(x);
    auto my = ZeroMasking()(y);
    auto summed = Add()({mx, my});
    auto joined = Concatenate()({mx, y});  // y has no mask: all its timesteps count
    ASSERT_TRUE(summed.keras_mask().defined());
    ASSERT_TRUE(joined.keras_mask().defined());
    Tensor a = Tensor::full({1, 3, 2}, 1.0, DType::float64), b = a.clone();
    a.data<double>()[2] = a.data<double>()[3] = 0;  // timestep 1 of x masked
    b.data<double>()[4] = b.data<double>()[5] = 0;  // timestep 2 of y masked
    auto masks = K::function({x, y}, {summed.keras_mask(), joined.keras_mask()})({a, b});
    EXPECT_EQ(masks[0].to_vector<double>(), (std::vector<double>{1, 0, 0}));  // and of both
    EXPECT_EQ(masks[1].to_vector<double>(), (std::vector<double>{1, 0, 1}));  // x's mask only
  }
  K::set_floatx(DType::float32);
}

TEST(Merge, ConfigsRoundTrip) {
  auto a = Input({.shape = Shape{4}}), b = Input({.shape = Shape{4}});
  Shared m = Merge({.mode = "concat", .concat_axis = -1, .name = "m"});
  m({a, b});
  auto again = Merge::from_config(m->get_config());
  EXPECT_EQ(again->get_config(), m->get_config());
  Dot d(DotOptions{.axes = {1, 1}, .normalize = true, .name = "d"});
  EXPECT_EQ(Dot::from_config(d.get_config())->get_config(), d.get_config());
  Concatenate c(1, {.name = "c"});
  EXPECT_EQ(Concatenate::from_config(c.get_config())->get_config(), c.get_config());
  Merge custom({.mode = [](const std::vector<SymbolicTensor>& t) { return t[0]; }, .name = "f"});
  EXPECT_THROW(Merge::from_config(custom.get_config()), std::invalid_argument);
}

namespace {
// The message of the std::invalid_argument that f throws.
template <typename F>
std::string invalid_message(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no exception";
}
}  // namespace

TEST(MergeSchema, StrictFromConfigNamesTheKeyAndTheValidOnes) {
  std::string message = invalid_message([] {
    layers::deserialize({{"class_name", "Add"}, {"config", {{"axis", 1}}}});
  });
  EXPECT_NE(message.find("'axis'"), std::string::npos) << message;
  EXPECT_NE(message.find("Add takes: name"), std::string::npos) << message;
  message = invalid_message([] {
    layers::deserialize({{"class_name", "Concatenate"}, {"config", {{"concat_axis", 1}}}});
  });
  EXPECT_NE(message.find("Concatenate takes: axis"), std::string::npos) << message;
  message = invalid_message([] {
    layers::deserialize({{"class_name", "Dot"}, {"config", {{"axes", 1}, {"normalise", true}}}});
  });
  EXPECT_NE(message.find("Dot takes: axes, normalize"), std::string::npos) << message;
  message = invalid_message([] {
    layers::deserialize({{"class_name", "Dot"}, {"config", {{"normalize", true}}}});
  });
  EXPECT_NE(message.find("'axes' is required"), std::string::npos) << message;
  message = invalid_message([] {
    layers::deserialize({{"class_name", "Merge"}, {"config", {{"mode", "concat"}, {"axis", 1}}}});
  });
  EXPECT_NE(message.find("Merge takes: mode, concat_axis, dot_axes, output_shape, output_mask, "
                         "arguments, node_indices, tensor_indices"),
            std::string::npos)
      << message;
  message = invalid_message([] {
    layers::deserialize({{"class_name", "Merge"}, {"config", {{"mode", 3}}}});
  });
  EXPECT_NE(message.find("'mode' must be a mode name"), std::string::npos) << message;
}

TEST(MergeSchema, ConfigsAsKerasWritesThem) {
  Add add({.name = "plus"});
  nlohmann::json config = add.get_config();
  EXPECT_EQ(config["name"], "plus");
  EXPECT_FALSE(config.contains("axis"));
  EXPECT_EQ(Dot(1).get_config()["axes"], 1);  // one axis: an int, as given
  EXPECT_EQ(Dot(DotOptions{.axes = {1, 2}}).get_config()["axes"], nlohmann::json({1, 2}));
  EXPECT_EQ(Concatenate(2).get_config()["axis"], 2);
  // Keras 1.2.2's Merge config: its own keys (no trainable), mode_type beside mode.
  nlohmann::json keras1 = nlohmann::json::parse(R"({
      "name": "merge_1", "mode": "concat", "mode_type": "raw", "concat_axis": 1,
      "dot_axes": -1, "output_shape": null, "output_shape_type": "raw", "output_mask": null,
      "output_mask_type": "raw", "arguments": {}})");
  auto merge_layer = Merge::from_config(keras1);
  EXPECT_EQ(merge_layer->get_config(), keras1);
  nlohmann::json with_shape = keras1;
  with_shape["output_shape"] = {nullptr, 5};
  EXPECT_EQ(Merge::from_config(with_shape)->get_config()["output_shape"],
            nlohmann::json::parse("[null, 5]"));
  std::string message = invalid_message([&] {
    nlohmann::json lambda = keras1;
    lambda["mode_type"] = "lambda";
    Merge::from_config(lambda);
  });
  EXPECT_NE(message.find("`mode` is a Python \"lambda\""), std::string::npos) << message;
}

TEST(MergeSchema, KerasOneMergeOfBranchesFromItsConfigAndNodeIndices) {
  // A Keras 1 Sequential's first Merge holds its branches' configs under "layers".
  auto left = std::make_shared<Sequential>();
  left->add(std::make_shared<Dense>(3, DenseOptions{.input_shape = Shape{2}}));
  auto right = std::make_shared<Sequential>();
  right->add(std::make_shared<Dense>(4, DenseOptions{.input_shape = Shape{5}}));
  nlohmann::json config = Merge(MergeOptions{.mode = "concat"}).get_config();
  config["layers"] = {layers::serialize(*left), layers::serialize(*right)};
  auto merged = std::dynamic_pointer_cast<Merge>(Merge::from_config(config));
  ASSERT_TRUE(merged);
  ASSERT_EQ(merged->branches().size(), 2u);
  EXPECT_EQ(merged->get_weights().size(), 4u);

  // node_indices picks a call of each layer merged; one index per layer.
  auto dense = std::make_shared<Dense>(2);
  auto a = Input({.shape = Shape{3}}), b = Input({.shape = Shape{3}});
  auto first = (*dense)(a);
  auto second = (*dense)(b);
  Shared chosen =
      Merge(std::vector<LayerPtr>{dense, dense}, {.mode = "sum", .node_indices = {0, 1}});
  auto values = K::function({a, b}, {chosen->get_output_at(0), first, second})(
      {Tensor::full({1, 3}, 1.0), Tensor::full({1, 3}, 2.0)});
  auto sum = values[0].to_vector<double>(), x = values[1].to_vector<double>(),
       y = values[2].to_vector<double>();
  for (std::size_t i = 0; i < sum.size(); ++i) EXPECT_NEAR(sum[i], x[i] + y[i], 1e-6);
  std::string message = invalid_message([&] {
    Merge(std::vector<LayerPtr>{dense, dense}, {.mode = "sum", .node_indices = {0}});
  });
  EXPECT_NE(message.find("`node_indices` should have one entry per layer merged (2)"),
            std::string::npos)
      << message;
  message = invalid_message([&] {
    Merge(std::vector<LayerPtr>{dense, dense}, {.mode = "sum", .node_indices = {0, 5}});
  });
  EXPECT_NE(message.find("no node index 5"), std::string::npos) << message;
}
