// SimpleRNN, GRU (reset_after=true) and LSTM against PyTorch: forward outputs and the gradients of
// sum(y * r) with respect to the input, kernel, recurrent kernel and bias, with return_sequences
// true and false, go_backwards, masking (Masking(0.0)), initial states with return_state, and
// Bidirectional (concat). Fixtures written by fixtures/make_torch_rnn_fixtures.py (PyTorch in
// float64, weights mapped between the layouts there); checked on both backends in float32.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "keras/keras.h"
#include "layers/torch_fixtures_util.h"
#include "testing/tensor_utils.h"

namespace {

using namespace keras;
using namespace keras::layers;
using keras::testing::all_close;
using keras::testing::fixture_tensor;
using keras::testing::load_torch_fixtures;
using keras::testing::ScopedBackend;

std::shared_ptr<Recurrent> make_layer(const nlohmann::json& c) {
  const std::string kind = c.at("layer");
  const std::int64_t units = c.at("units");
  RNNOptions o{.recurrent_activation = "sigmoid",
               .return_sequences = c.at("return_sequences"),
               .return_state = c.at("initial_state").get<bool>() && !c.at("bidirectional"),
               .go_backwards = c.at("go_backwards"),
               .reset_after = true};
  if (kind == "LSTM") return std::make_shared<LSTM>(units, o);
  if (kind == "GRU") return std::make_shared<GRU>(units, o);
  return std::make_shared<SimpleRNN>(units, o);
}

class TorchRnnFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(TorchRnnFixture, RecurrentLayersMatchPyTorchForwardAndBackward) {
  ScopedBackend backend(GetParam());
  const nlohmann::json fixtures = load_torch_fixtures("torch_rnn_fixtures.json");
  ASSERT_EQ(fixtures.at("cases").size(), 30u);
  for (const auto& c : fixtures.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const Shape x_shape = c.at("x_shape").get<Shape>();
    const std::int64_t units = c.at("units");
    const bool lstm = c.at("layer") == "LSTM";
    auto x = K::placeholder({-1, x_shape[1], x_shape[2]});
    KerasTensor seq = x;  // keeps the mask Masking gives it
    if (c.at("masked")) seq = Masking(0.0)(x);
    std::shared_ptr<Recurrent> rnn = make_layer(c);
    std::shared_ptr<Layer> layer = rnn;
    if (c.at("bidirectional")) layer = std::make_shared<Bidirectional>(rnn);
    std::vector<SymbolicTensor> inputs{x}, initial;
    if (c.at("initial_state")) {
      initial.push_back(K::placeholder({-1, units}));
      if (lstm) initial.push_back(K::placeholder({-1, units}));
    }
    std::vector<KerasTensor> call_inputs{seq};
    call_inputs.insert(call_inputs.end(), initial.begin(), initial.end());
    std::vector<KerasTensor> outs = layer->apply(call_inputs);
    ASSERT_EQ(outs.size(), 1 + (initial.empty() ? 0 : initial.size()));
    const SymbolicTensor& y = outs[0];

    std::vector<SymbolicTensor> weights = layer->weights();
    std::vector<Tensor> values;
    for (const auto& w : c.at("weights"))
      values.push_back(fixture_tensor(w.at("values"), w.at("shape")));
    ASSERT_EQ(weights.size(), values.size());
    layer->set_weights(values);

    const Shape y_shape = c.at("y_shape").get<Shape>();
    auto loss = K::sum(y * K::constant(fixture_tensor(c.at("r"), y_shape)));
    for (std::size_t k = 1; k < outs.size(); ++k)
      loss = loss + K::sum(outs[k] * K::constant(fixture_tensor(c.at("state_r")[k - 1],
                                                                {x_shape[0], units})));
    std::vector<SymbolicTensor> params{x};
    params.insert(params.end(), weights.begin(), weights.end());
    params.insert(params.end(), initial.begin(), initial.end());
    auto grads = K::gradients(loss, params);
    std::vector<SymbolicTensor> fetch(outs.begin(), outs.end());
    fetch.insert(fetch.end(), grads.begin(), grads.end());
    inputs.insert(inputs.end(), initial.begin(), initial.end());
    K::Function f(inputs, fetch);

    std::vector<Tensor> feed{fixture_tensor(c.at("x"), x_shape)};
    if (!initial.empty()) {
      feed.push_back(fixture_tensor(c.at("h0"), {x_shape[0], units}));
      if (lstm) feed.push_back(fixture_tensor(c.at("c0"), {x_shape[0], units}));
    }
    auto got = f(feed);
    std::size_t i = 0;
    EXPECT_TRUE(all_close(got[i++], fixture_tensor(c.at("y"), y_shape), 1e-4, 1e-5, "y"));
    for (std::size_t k = 1; k < outs.size(); ++k)
      EXPECT_TRUE(all_close(got[i++], fixture_tensor(c.at("states")[k - 1], {x_shape[0], units}),
                            1e-4, 1e-5, "final state"));
    EXPECT_TRUE(all_close(got[i++], fixture_tensor(c.at("dx"), x_shape), 1e-4, 1e-5, "dx"));
    for (std::size_t k = 0; k < weights.size(); ++k) {
      const char* names[] = {"dkernel", "drecurrent_kernel", "dbias"};
      EXPECT_TRUE(all_close(got[i++], fixture_tensor(c.at("dweights")[k], values[k].shape()), 1e-4,
                            1e-5, names[k % 3]));
    }
    if (!initial.empty()) {
      EXPECT_TRUE(
          all_close(got[i++], fixture_tensor(c.at("dh0"), {x_shape[0], units}), 1e-4, 1e-5, "dh0"));
      if (lstm) {
        EXPECT_TRUE(all_close(got[i++], fixture_tensor(c.at("dc0"), {x_shape[0], units}), 1e-4,
                              1e-5, "dc0"));
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TorchRnnFixture, ::testing::Values("reference", "cpu"));

}  // namespace
