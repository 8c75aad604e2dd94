// keras_model_io: the C++ half of python/tests/test_interop.py, which checks that a model saved
// by the Python package loads in C++ and predicts the same, and the reverse. Arrays travel as
// .npy files (float32/float64/int32/int64, C order):
//
//   keras_model_io resume <model file> <data dir> <out dir> <epochs>
//     load_model(<model file>) (compiled, optimizer state restored), then writes the predictions
//     on <data dir>/x_0.npy, x_1.npy, ... (one per model input) to <out dir>/pred_0.npy, ...
//     (one per output), trains <epochs> more epochs on those x and <data dir>/y_0.npy, ...
//     (batch_size 8, no shuffling) and writes the predictions after that to after_0.npy, ...
//     A model saved uncompiled loads uncompiled: predictions only.
//   keras_model_io train <kind> <data dir> <out dir> <model file> <epochs>
//     builds the <kind> model ("sequential": Conv2D, MaxPooling2D, Flatten, Dense on (6, 6, 1)
//     images; "functional": an LSTM over a (5, 4) sequence input concatenated with a (3,)
//     input, two outputs), trains it <epochs> epochs on the data, saves it to <model file>,
//     then does what `resume` does with one epoch.
//
// Exits with 1 and a message on stderr on any error.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/keras.h"

namespace {

using namespace keras;
namespace fs = std::filesystem;

// The value of `key` in a .npy header dict ({'descr': '<f4', 'fortran_order': False, ...}).
std::string header_value(const std::string& header, const std::string& key) {
  auto at = header.find("'" + key + "'");
  if (at == std::string::npos)
    throw std::runtime_error("npy header without " + key + ": " + header);
  at = header.find(':', at) + 1;
  while (header[at] == ' ') ++at;
  auto end = header[at] == '(' ? header.find(')', at) + 1 : header.find_first_of(",}", at);
  return header.substr(at, end - at);
}

Tensor read_npy(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw std::runtime_error(path.string() + " is not a .npy file");
  std::uint32_t header_length = 0;
  if (magic[6] == 1) {
    unsigned char bytes[2];
    in.read(reinterpret_cast<char*>(bytes), 2);
    header_length = bytes[0] | (bytes[1] << 8);
  } else {
    unsigned char bytes[4];
    in.read(reinterpret_cast<char*>(bytes), 4);
    header_length = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (std::uint32_t{bytes[3]} << 24);
  }
  std::string header(header_length, '\0');
  in.read(header.data(), header_length);
  std::string descr = header_value(header, "descr");
  if (header_value(header, "fortran_order") != "False")
    throw std::runtime_error(path.string() + ": only C-ordered arrays are read");
  DType dtype;
  if (descr == "'<f4'")
    dtype = DType::float32;
  else if (descr == "'<f8'")
    dtype = DType::float64;
  else if (descr == "'<i4'")
    dtype = DType::int32;
  else if (descr == "'<i8'")
    dtype = DType::int64;
  else
    throw std::runtime_error(path.string() + ": unsupported dtype " + descr);
  Shape shape;
  std::stringstream dims(header_value(header, "shape"));
  char c;
  dims >> c;  // '('
  std::int64_t dim;
  while (dims >> dim) {
    shape.push_back(dim);
    dims >> c;  // ',' or ')'
  }
  Tensor tensor(shape, dtype);
  in.read(static_cast<char*>(tensor.raw_data()), static_cast<std::streamsize>(tensor.nbytes()));
  if (!in) throw std::runtime_error(path.string() + " is truncated");
  return tensor;
}

void write_npy(const fs::path& path, const Tensor& tensor) {
  const char* descr = tensor.dtype() == DType::float32   ? "<f4"
                      : tensor.dtype() == DType::float64 ? "<f8"
                      : tensor.dtype() == DType::int32   ? "<i4"
                                                         : "<i8";
  std::string shape = "(";  // Python's tuple: (), (3,), (3, 4)
  for (int i = 0; i < tensor.ndim(); ++i)
    shape += (i ? ", " : "") + std::to_string(tensor.shape()[static_cast<std::size_t>(i)]);
  shape += tensor.ndim() == 1 ? ",)" : ")";
  std::string header =
      std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Magic, version 1.0, header length, header padded with spaces to a multiple of 64 with '\n'.
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const unsigned char length[2] = {static_cast<unsigned char>(header.size() & 0xff),
                                   static_cast<unsigned char>(header.size() >> 8)};
  out.write(reinterpret_cast<const char*>(length), 2);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(static_cast<const char*>(tensor.raw_data()),
            static_cast<std::streamsize>(tensor.nbytes()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// prefix_0.npy, prefix_1.npy, ... as long as they exist.
std::vector<Tensor> read_arrays(const fs::path& dir, const std::string& prefix) {
  std::vector<Tensor> arrays;
  for (int i = 0; fs::exists(dir / (prefix + "_" + std::to_string(i) + ".npy")); ++i)
    arrays.push_back(read_npy(dir / (prefix + "_" + std::to_string(i) + ".npy")));
  if (arrays.empty()) throw std::runtime_error("no " + prefix + "_0.npy in " + dir.string());
  return arrays;
}

void write_predictions(Model& model, const std::vector<Tensor>& x, const fs::path& out,
                       const std::string& prefix) {
  auto predictions = model.predict(Arrays(x), {.batch_size = 32});
  for (std::size_t i = 0; i < predictions.size(); ++i)
    write_npy(out / (prefix + "_" + std::to_string(i) + ".npy"), predictions[i]);
}

FitOptions fit_options(int epochs) {
  return {.batch_size = 8, .epochs = epochs, .verbose = 0, .shuffle = false};
}

// The predictions now, `epochs` epochs of training, the predictions after.
void predict_train_predict(Model& model, const fs::path& data, const fs::path& out, int epochs) {
  auto x = read_arrays(data, "x");
  auto y = read_arrays(data, "y");
  write_predictions(model, x, out, "pred");
  if (!model.compiled()) return;  // saved uncompiled: no training configuration to resume
  model.fit(Arrays(x), Arrays(y), fit_options(epochs));
  write_predictions(model, x, out, "after");
}

std::shared_ptr<Model> build(const std::string& kind) {
  using namespace keras::layers;
  if (kind == "sequential") {
    auto model = std::make_shared<Sequential>();
    model->add(Conv2D(3, {3, 3}, {.activation = "relu", .input_shape = Shape{6, 6, 1}}));
    model->add(MaxPooling2D());
    model->add(Flatten());
    model->add(Dense(3, {.activation = "softmax"}));
    model->compile(
        {.optimizer = "adam", .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
    return model;
  }
  if (kind == "functional") {
    auto sequence = Input({.shape = Shape{5, 4}, .name = "sequence"});
    auto extra = Input({.shape = Shape{3}, .name = "extra"});
    auto x = concatenate({LSTM(4)(sequence), extra});
    x = Dense(6, {.activation = "tanh"})(x);
    auto out1 = Dense(2, {.name = "out1"})(x);
    auto out2 = Dense(1, {.activation = "sigmoid", .name = "out2"})(x);
    auto model = std::make_shared<Model>(TensorList{sequence, extra}, TensorList{out1, out2});
    model->compile({.optimizer = "adam",
                    .loss = {{"out1", "mse"}, {"out2", "binary_crossentropy"}},
                    .loss_weights = {1.0, 0.5}});
    return model;
  }
  throw std::invalid_argument("unknown model kind " + kind + " (sequential or functional)");
}

int run(const std::vector<std::string>& args) {
  if (args.size() == 5 && args[0] == "resume") {
    auto model = models::load_model(args[1]);
    fs::create_directories(args[3]);
    predict_train_predict(*model, args[2], args[3], std::stoi(args[4]));
    return 0;
  }
  if (args.size() == 6 && args[0] == "train") {
    auto model = build(args[1]);
    auto x = read_arrays(args[2], "x");
    auto y = read_arrays(args[2], "y");
    model->fit(Arrays(x), Arrays(y), fit_options(std::stoi(args[5])));
    model->save(args[4]);
    fs::create_directories(args[3]);
    predict_train_predict(*model, args[2], args[3], 1);
    return 0;
  }
  std::fprintf(stderr,
               "usage: keras_model_io resume <model file> <data dir> <out dir> <epochs>\n"
               "       keras_model_io train <sequential|functional> <data dir> <out dir> "
               "<model file> <epochs>\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keras_model_io: %s\n", e.what());
    return 1;
  }
}
