// Numerical parity with real Keras, one layer at a time in float64: every case of
// tests/fixtures/real_keras/layers_float64.h5 (tools/keras_fixtures/make_layer_parity.py, tf_keras
// with tf.GradientTape) is rebuilt here from its tf_keras config, given the same weights and
// input, and must give the same output and the same gradients of sum(y * r) with respect to the
// input and to every weight.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "saving/real_keras_fixtures_util.h"

using namespace keras;
using namespace keras::testing::real_keras;

namespace {

const std::string kFile = (fixture_dir() / "layers_float64.h5").string();

std::vector<std::string> case_names() {
  saving::h5::File file(kFile, "r");
  return file.root().children();
}

class RealKerasLayerParity : public ::testing::TestWithParam<std::string> {};

TEST_P(RealKerasLayerParity, ForwardAndGradientsMatchTfKerasInFloat64) {
  saving::h5::File file(kFile, "r");
  saving::h5::Group g = file.root().open_group(GetParam());
  backend::clear_session();
  const DType previous = K::floatx();
  K::set_floatx(DType::float64);
  struct Restore {
    DType dtype;
    ~Restore() { K::set_floatx(dtype); }
  } restore{previous};

  LayerPtr layer = layers::deserialize(nlohmann::json::parse(*g.read_string_attr("config")));
  Tensor x = g.read_dataset("x");
  SymbolicTensor in = K::placeholder(x.shape(), DType::float64);
  SymbolicTensor out = (*layer)(in);
  std::vector<Tensor> weights = read_list(g, "weights");
  ASSERT_EQ(layer->weights().size(), weights.size());
  layer->set_weights(weights);

  Tensor r = g.read_dataset("r");
  SymbolicTensor loss = K::sum(out * K::constant(r));
  std::vector<SymbolicTensor> wrt{in};
  for (const auto& w : layer->weights()) wrt.push_back(w);
  std::vector<SymbolicTensor> outputs{out};
  for (const auto& grad : K::gradients(loss, wrt)) outputs.push_back(grad);
  // Inference (Keras's training=False): BatchNormalization uses its moving statistics.
  K::Function f({in}, outputs, {}, {{K::learning_phase(), K::constant(0.0, DType::int32)}});
  std::vector<Tensor> got = f({x});

  EXPECT_TRUE(all_close(got[0], g.read_dataset("y"), 1e-10, 1e-9)) << "output";
  EXPECT_TRUE(all_close(got[1], g.read_dataset("grads/x"), 1e-10, 1e-9)) << "d loss / d x";
  std::vector<Tensor> weight_grads = read_list(g, "grads");
  for (std::size_t i = 0; i < weights.size(); ++i)
    EXPECT_TRUE(all_close(got[2 + i], weight_grads[i], 1e-10, 1e-9))
        << "d loss / d " << layer->weights()[i].name();
}

INSTANTIATE_TEST_SUITE_P(Layers, RealKerasLayerParity, ::testing::ValuesIn(case_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
