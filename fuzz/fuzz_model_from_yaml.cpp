// Fuzzes keras::models::model_from_yaml; a model that loads must also serialize again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "keras/keras.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  keras::fuzz::expect_no_crash([&] {
    auto model = keras::models::model_from_yaml(text);
    keras::models::model_from_yaml(model->to_yaml());
  });
  return 0;
}
