// Fuzzes keras::models::load_model on HDF5 files (Keras 1 and 2 layouts, optimizer included).
#include <cstddef>
#include <cstdint>

#include "fuzz_util.h"
#include "keras/keras.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = keras::fuzz::input_file(data, size, ".h5");
  keras::fuzz::expect_no_crash([&] { keras::models::load_model(path); });
  return 0;
}
