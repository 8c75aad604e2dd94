// Fuzzes Model::load_weights on HDF5 files, into the seed corpus's first model (fuzz_models.h):
// positionally, then by name with mismatches skipped.
#include <cstddef>
#include <cstdint>

#include "fuzz_models.h"
#include "fuzz_util.h"
#include "keras/keras.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto model = keras::fuzz::mlp();
  const auto path = keras::fuzz::input_file(data, size, ".h5");
  keras::fuzz::expect_no_crash([&] { model->load_weights(path); });
  keras::fuzz::expect_no_crash([&] { model->load_weights(path, true, true); });
  return 0;
}
