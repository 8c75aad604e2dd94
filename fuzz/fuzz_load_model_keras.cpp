// Fuzzes keras::models::load_model on Keras 3 .keras archives (zip: config.json,
// metadata.json and model.weights.h5).
#include <cstddef>
#include <cstdint>

#include "fuzz_util.h"
#include "keras/keras.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = keras::fuzz::input_file(data, size, ".keras");
  keras::fuzz::expect_no_crash([&] { keras::models::load_model(path); });
  return 0;
}
