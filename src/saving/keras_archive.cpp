// Keras 3's native format (keras/src/saving/saving_lib.py): a zip of metadata.json, config.json
// and model.weights.h5, entries stored uncompressed as Python's zipfile writes them. Weights
// live at /layers/<snake_case class name, made unique>/vars/<i>.
//
// Written: the architecture (Keras 2 layer configs inside Keras 3's envelope, which Keras 3's
// deserializer accepts), the layer weights and, for a compiled model, Keras 3's compile_config
// (the optimizer serialized with Keras 3's keys) and the optimizer's state at /optimizer/vars/<i>
// in Keras 3's order (BaseOptimizer.variables): iteration, learning_rate, then the slot
// variables, one of each kind per trainable weight. Where an optimizer has two kinds, Keras 3
// creates them weight by weight (add_optimizer_variables with a list of names), so they come
// interleaved: momentum_0, velocity_0, momentum_1, velocity_1, ...:
//   SGD: momentums (only when momentum != 0)      RMSprop: velocities
//   Adagrad: accumulators                         Adadelta: (accumulated grad, delta) per weight
//   Adam: (momentum, velocity) per weight, then velocity_hats (only with amsgrad)
//   Adamax: (m, u) per weight                     Nadam: (momentum, velocity) per weight, u_product
// keras.cpp's optimizers are Keras 2.2.4's: the learning rate is written as float64 (its variable
// here; Keras 3 casts on assignment) and Nadam's m_schedule goes where Keras 3 keeps the
// equivalent u_product. A model saved mid-training and loaded continues exactly.
// Read: the same, Keras 3's files included (int32 iteration, float32 learning rate).
#include <zip.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <stdexcept>

#include "compiler/device_values.h"
#include "keras/backend/backend.h"
#include "keras/layers/serialization.h"
#include "keras/optimizers.h"
#include "keras/saving/saving.h"
#include "saving/config_text.h"
#include "saving/hdf5.h"
#include "saving/saving_internal.h"

namespace keras::saving {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Keras 3's names for the layers of a container: snake_case class name, then _1, _2, ...
std::vector<std::string> layer_paths(const Model& model) {
  std::map<std::string, int> seen;
  std::vector<std::string> out;
  for (const auto& layer : model.layers()) {
    std::string base = keras::detail::to_snake_case(layer->class_name());
    int n = seen[base]++;
    out.push_back(n == 0 ? base : base + "_" + std::to_string(n));
  }
  return out;
}

// Where Keras 3's saving_lib keeps a layer's variables under the layer's own path, in the order
// of get_weights(): a recurrent layer's belong to its cell, a wrapper's to the wrapped layer(s)
// (forward_layer and backward_layer of a Bidirectional), a model's to its layers, each under its
// own path. Every level also has a "vars" group of its own, empty for these containers.
struct VariableGroup {
  std::string path;
  std::size_t count;
};

bool is_recurrent(const std::string& class_name) {
  return class_name == "SimpleRNN" || class_name == "GRU" || class_name == "LSTM" ||
         class_name == "ConvLSTM2D";
}

// By class name (a layer called as a temporary, LSTM(4)(x), is held as a copy that need not
// keep its C++ type); the wrapped layer's class from the wrapper's config.
void variable_groups(const Layer& layer, const std::string& path, std::vector<VariableGroup>& out) {
  const std::string cls = layer.class_name();
  const std::size_t count = layer.weights().size();
  if (const auto* model = dynamic_cast<const Model*>(&layer)) {
    std::vector<std::string> names = layer_paths(*model);
    for (std::size_t k = 0; k < names.size(); ++k)
      variable_groups(*model->layers()[k], path + "/layers/" + names[k], out);
  } else if (cls == "Bidirectional") {  // forward weights, then backward ones
    for (const char* direction : {"/forward_layer", "/backward_layer"}) {
      out.push_back({path + direction + "/cell/vars", count / 2});
      out.push_back({path + direction + "/vars", 0});
    }
  } else if (cls == "TimeDistributed") {
    const json inner = layer.get_config().value("layer", json::object());
    const std::string inner_class = inner.value("class_name", "");
    if (is_recurrent(inner_class)) {
      out.push_back({path + "/layer/cell/vars", count});
      out.push_back({path + "/layer/vars", 0});
    } else {
      out.push_back({path + "/layer/vars", count});
    }
  } else if (is_recurrent(cls)) {
    out.push_back({path + "/cell/vars", count});
  } else {
    out.push_back({path + "/vars", count});
    return;
  }
  out.push_back({path + "/vars", 0});
}

// The group at `path` (a/b/c) under `root`, created with the groups above it where missing.
h5::Group ensure_group(h5::Group& root, const std::string& path) {
  std::vector<h5::Group> chain;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(start, end - start);
    h5::Group& parent = chain.empty() ? root : chain.back();
    chain.push_back(parent.has_group(name) ? parent.open_group(name) : parent.create_group(name));
    start = end + 1;
  }
  return std::move(chain.back());
}

bool is_model_class(const std::string& cls) {
  return cls == "Sequential" || cls == "Model" || cls == "Functional";
}

void to_keras3_model_config(const std::string& cls, json& config);

// Keras 3 numbers the calls of a nested Sequential from 0, Keras 2 and our model configs from 1
// (Keras 2's call 0 builds it). References to such a call in Keras 2's list form of a call node
// are shifted by `shift` in this model config (not in nested ones): -1 writing an archive, +1
// reading one. (Keras 3's own {"args", "kwargs"} form is shifted when the config is read.)
void shift_nested_sequential_calls(json& config, int shift) {
  if (!config.contains("layers") || !config["layers"].is_array()) return;
  std::set<std::string> sequentials;
  for (const auto& layer : config["layers"])
    if (layer.is_object() && layer.value("class_name", "") == "Sequential" &&
        layer.contains("name") && layer["name"].is_string())
      sequentials.insert(layer["name"].get<std::string>());
  if (sequentials.empty()) return;
  for (auto& layer : config["layers"]) {
    if (!layer.is_object() || !layer.contains("inbound_nodes")) continue;
    for (auto& node : layer["inbound_nodes"]) {
      if (!node.is_array()) continue;
      for (auto& ref : node)
        if (ref.is_array() && ref.size() >= 3 && ref[0].is_string() && ref[1].is_number_integer() &&
            sequentials.count(ref[0].get<std::string>()))
          ref[1] = ref[1].get<std::int64_t>() + shift;
    }
  }
}

// The inverse of the shift written into an archive, through nested models too.
void from_keras3_model_config(json& config) {
  shift_nested_sequential_calls(config, +1);
  if (!config.contains("layers") || !config["layers"].is_array()) return;
  for (auto& layer : config["layers"])
    if (layer.is_object() && is_model_class(layer.value("class_name", "")) &&
        layer.contains("config") && layer["config"].is_object())
      from_keras3_model_config(layer["config"]);
}

// One layer entry of a model's config in Keras 3's form: its module (a nested model is a `keras`
// object, not a layer of `keras.layers`, which Keras 3 refuses), an InputLayer's `batch_shape`,
// and the same for the layers inside it (a nested model's, a wrapper's).
void to_keras3_layer(json& layer) {
  const std::string cls = layer.value("class_name", "");
  layer["module"] = is_model_class(cls) ? "keras" : "keras.layers";
  layer["registered_name"] = nullptr;
  if (!layer.contains("config") || !layer["config"].is_object()) return;
  json& config = layer["config"];
  if (is_model_class(cls)) to_keras3_model_config(cls, config);
  // A wrapper's inner layers (Bidirectional, TimeDistributed) are looked up by module too.
  for (const char* inner : {"layer", "backward_layer"})
    if (config.contains(inner) && config[inner].is_object() && config[inner].contains("class_name"))
      to_keras3_layer(config[inner]);
  if (cls == "InputLayer" && config.contains("batch_input_shape")) {
    config["batch_shape"] = config["batch_input_shape"];
    config.erase("batch_input_shape");
  }
}

// Keras 3's layers take no `batch_input_shape`: a Sequential declares its input with an InputLayer
// (`batch_shape`) at the head of its layers, which is what Keras 3 itself writes.
void to_keras3_model_config(const std::string& cls, json& config) {
  if (!config.contains("layers") || !config["layers"].is_array()) return;
  json& layers = config["layers"];
  for (auto& layer : layers) to_keras3_layer(layer);
  shift_nested_sequential_calls(config, -1);
  if (cls != "Sequential" || layers.empty()) return;
  json& first = layers.front();
  if (first.value("class_name", "") == "InputLayer" || !first.contains("config")) return;
  json& first_config = first["config"];
  if (!first_config.is_object() || !first_config.contains("batch_input_shape")) return;
  json input = {{"batch_shape", first_config["batch_input_shape"]},
                {"dtype", first_config.value("dtype", json("float32"))},
                {"sparse", false},
                {"name", first_config.value("name", std::string("layer")) + "_input"}};
  first_config.erase("batch_input_shape");
  layers.insert(layers.begin(), json{{"module", "keras.layers"},
                                     {"class_name", "InputLayer"},
                                     {"config", input},
                                     {"registered_name", nullptr}});
}

json keras3_config(const Model& model) {
  json config = model.get_config();
  to_keras3_model_config(model.class_name(), config);
  return {{"module", "keras"},
          {"class_name", model.class_name()},
          {"config", config},
          {"registered_name", nullptr}};
}

// Keras 3's serialization of one of our optimizers: Keras 3's base keys (BaseOptimizer.get_config)
// and each class's own, `learning_rate` for Keras 2's `lr`. Keras 2 settings Keras 3 lacks are
// written only when they change the result: `decay` (Keras 3 warns that it ignores it) and
// Nadam's `schedule_decay` (Keras 3 refuses it).
json keras3_optimizer(const optimizers::Optimizer& optimizer) {
  json ours = optimizer.get_config();
  const std::string cls = optimizer.class_name();
  // Keras 3's default names: "SGD", and the others' class names in lower case ("rmsprop").
  std::string name = cls;
  if (cls != "SGD")
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  json config = {
      {"name", name},
      {"learning_rate", optimizer.learning_rate()},
      {"weight_decay", nullptr},
      {"clipnorm", optimizer.clipnorm() > 0 ? json(optimizer.clipnorm()) : json(nullptr)},
      {"global_clipnorm", nullptr},
      {"clipvalue", optimizer.clipvalue() > 0 ? json(optimizer.clipvalue()) : json(nullptr)},
      {"use_ema", false},
      {"ema_momentum", 0.99},
      {"ema_overwrite_frequency", nullptr},
      {"loss_scale_factor", nullptr},
      {"gradient_accumulation_steps", nullptr}};
  for (const auto& [key, value] : ours.items()) {
    if (key == "lr" || key == "clipnorm" || key == "clipvalue") continue;
    if (key == "decay" && value.is_number() && value.get<double>() == 0.0) continue;
    if (key == "schedule_decay" && value.is_number() &&
        value.get<double>() == optimizers::NadamOptions{}.schedule_decay)
      continue;
    config[key] = value;
  }
  if (cls == "RMSprop") {
    config["momentum"] = 0.0;
    config["centered"] = false;
  } else if (cls == "Adagrad") {
    config["initial_accumulator_value"] = 0.0;  // Keras 2.2.4's accumulators start at 0
  }
  return {{"module", "keras.optimizers"},
          {"class_name", cls},
          {"config", config},
          {"registered_name", nullptr}};
}

// Keras 3's compile_config (Trainer.get_compile_config) from the model's compile settings.
json keras3_compile_config(const Model& model) {
  json training = detail::training_config(model);
  json config = {{"optimizer", keras3_optimizer(*model.optimizer())},
                 {"loss", training["loss"]},
                 {"loss_weights", training["loss_weights"]},
                 {"metrics", training["metrics"]},
                 {"weighted_metrics", nullptr},
                 {"run_eagerly", false},
                 {"steps_per_execution", 1},
                 {"jit_compile", false}};
  // Keras 3 has no sample_weight_mode: written only when set (Keras 3 then refuses the file
  // rather than train differently).
  if (!training["sample_weight_mode"].is_null())
    config["sample_weight_mode"] = training["sample_weight_mode"];
  return config;
}

// How many slot kinds an optimizer's Keras 2 state has after `iterations` (Nadam: m_schedule
// first, then m and v).
std::size_t slot_kinds(const optimizers::Optimizer& optimizer) {
  const std::string cls = optimizer.class_name();
  if (cls == "SGD" || cls == "RMSprop" || cls == "Adagrad") return 1;
  if (cls == "Adadelta" || cls == "Adamax" || cls == "Nadam") return 2;
  if (cls == "Adam") return 3;
  throw std::invalid_argument("saving an optimizer to a .keras archive: unknown optimizer class " +
                              cls);
}

// The optimizer's state in Keras 3's order (see the top of this file).
std::vector<Tensor> keras3_optimizer_vars(const optimizers::Optimizer& optimizer) {
  const std::string cls = optimizer.class_name();
  std::vector<Tensor> state = optimizer.get_weights();
  std::vector<Tensor> out{backend::detail::read_value(optimizer.iterations()).clone(),
                          Tensor::full({}, optimizer.learning_rate(), DType::float64)};
  if (state.empty()) return out;  // not built yet: Keras 3 also has only these two
  const bool nadam = cls == "Nadam";
  const std::size_t first = nadam ? 2 : 1;
  std::size_t kinds = slot_kinds(optimizer);
  if (cls == "Adam" && !static_cast<const optimizers::Adam&>(optimizer).options().amsgrad)
    kinds = 2;  // the vhat placeholders Keras 2.2.4 keeps
  if (cls == "SGD" && static_cast<const optimizers::SGD&>(optimizer).options().momentum == 0.0)
    kinds = 0;  // Keras 3 keeps no momentums then; without momentum they are never read
  const std::size_t per_kind = (state.size() - first) / slot_kinds(optimizer);
  if (kinds >= 2) {  // the first two kinds interleaved, weight by weight
    for (std::size_t p = 0; p < per_kind; ++p) {
      out.push_back(state[first + p]);
      out.push_back(state[first + per_kind + p]);
    }
  }
  for (std::size_t i = first + (kinds >= 2 ? 2 : 0) * per_kind; i < first + kinds * per_kind; ++i)
    out.push_back(state[i]);
  if (nadam) out.push_back(state[1]);  // m_schedule, Keras 3's u_product, comes last
  return out;
}

// The reverse: Keras 3's list as the Keras 2 state list set_weights takes (its own conversions
// fill what Keras 3 leaves out: SGD's unused momentums, Adam's vhat placeholders).
std::vector<Tensor> keras2_optimizer_state(const optimizers::Optimizer& optimizer,
                                           const std::vector<Tensor>& vars) {
  const std::string cls = optimizer.class_name();
  std::vector<Tensor> out{vars[0]};
  std::vector<Tensor> slots(vars.begin() + 2, vars.end());
  if (cls == "Nadam") {
    if (slots.empty()) return out;
    out.push_back(slots.back());
    slots.pop_back();
  }
  if (cls == "Adadelta" || cls == "Adamax" || cls == "Nadam" || cls == "Adam") {
    // Undo the weight-by-weight interleaving of the first two kinds (Adam with amsgrad: the
    // velocity_hats, one per weight, follow them).
    const std::size_t pairs = (cls == "Adam" && optimizer.get_config().value("amsgrad", false))
                                  ? slots.size() / 3
                                  : slots.size() / 2;
    std::vector<Tensor> grouped;
    for (std::size_t p = 0; p < pairs; ++p) grouped.push_back(slots[2 * p]);
    for (std::size_t p = 0; p < pairs; ++p) grouped.push_back(slots[2 * p + 1]);
    grouped.insert(grouped.end(), slots.begin() + static_cast<std::ptrdiff_t>(2 * pairs),
                   slots.end());
    slots = std::move(grouped);
  }
  out.insert(out.end(), slots.begin(), slots.end());
  return out;
}

void warn(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "UserWarning: %s\n", message.c_str());
}

}  // namespace

// Sets the compiled model's optimizer state from Keras 3's list; a list that does not fit (another
// optimizer, another model, a damaged file) leaves the optimizer fresh, with Keras 3's warning.
void detail::restore_keras3_optimizer(Model& model, const std::vector<Tensor>& vars,
                                      const std::string& path) {
  optimizers::Optimizer& optimizer = *model.optimizer();
  auto skip = [&](const std::string& why) {
    warn("Skipping variable loading for optimizer '" + optimizer.class_name() + "' of '" + path +
         "': " + why + ". The model continues with a freshly initialized optimizer.");
  };
  if (vars.size() < 2)
    return skip("the archive holds " + std::to_string(vars.size()) +
                " optimizer variables, fewer than iteration and learning_rate");
  if (vars[0].numel() != 1 || vars[1].numel() != 1)
    return skip("the iteration and learning_rate variables are not scalars");
  const double lr = vars[1].item();
  if (!(lr >= 0)) return skip("the learning rate " + std::to_string(lr) + " is not >= 0");
  model.make_train_function();
  const Tensor iterations = vars[0].reshape({}).astype(DType::int64);
  if (vars.size() > 2) {
    std::vector<Tensor> state = keras2_optimizer_state(optimizer, vars);
    std::vector<backend::SymbolicTensor> symbolic = optimizer.weights();
    state[0] = iterations;
    if (state.size() == symbolic.size()) state = detail::cast_to(state, symbolic);
    try {
      optimizer.set_weights(state);
    } catch (const std::invalid_argument& e) {
      return skip(e.what());
    }
  } else {
    backend::set_value(optimizer.iterations(), iterations);
  }
  optimizer.set_learning_rate(lr);
}

namespace {

// Reads the entries of an archive, each bounded by what its compressed bytes can expand to and
// checked against the CRC-32 of the zip directory.
class ZipReader {
 public:
  explicit ZipReader(const std::string& path) : path_(path) {
    std::error_code ec;
    file_size_ = fs::file_size(path, ec);
    if (ec) throw std::runtime_error("Cannot read the size of '" + path + "': " + ec.message());
    int error = 0;
    zip_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error);
    if (!zip_) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, error);
      std::string message = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      throw std::runtime_error("'" + path +
                               "' is not a readable .keras archive (a zip file): " + message);
    }
  }
  ~ZipReader() {
    if (zip_) zip_discard(zip_);
  }
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  bool has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), 0) >= 0; }

  std::string read(const std::string& name) const {
    const std::string where = "'" + path_ + "', entry '" + name + "'";
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip_, name.c_str(), 0, &st) != 0)
      throw std::runtime_error("'" + path_ + "': expected the entry '" + name +
                               "' of a .keras archive, found none");
    const zip_uint64_t needed =
        ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_CRC;
    if ((st.valid & needed) != needed)
      throw std::runtime_error(where + ": the zip directory lacks its sizes or checksum");
    const zip_uint64_t most = bound(st, where);
    zip_file_t* file = zip_fopen(zip_, name.c_str(), 0);
    if (!file) throw std::runtime_error(where + ": cannot open it: " + zip_strerror(zip_));
    std::string data;
    data.reserve(static_cast<std::size_t>(st.size));
    std::vector<char> chunk(std::size_t{1} << 16);
    uLong crc = crc32(0, nullptr, 0);
    // In chunks, to the end of the entry: libzip checks the CRC only there, and more bytes than
    // the directory declares stop the reading as soon as they arrive.
    while (true) {
      const zip_int64_t got = zip_fread(file, chunk.data(), chunk.size());
      if (got < 0) {
        const std::string message = zip_file_strerror(file);
        zip_fclose(file);
        throw std::runtime_error(where + " is corrupted (" + message + ")");
      }
      if (got == 0) break;
      if (data.size() + static_cast<zip_uint64_t>(got) > most) {
        zip_fclose(file);
        throw std::runtime_error(where + " expands to more than the " + std::to_string(most) +
                                 " bytes its zip directory entry declares: a damaged or " +
                                 "malicious archive");
      }
      data.append(chunk.data(), static_cast<std::size_t>(got));
      crc = crc32(crc, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(got));
    }
    zip_fclose(file);
    if (data.size() != st.size)
      throw std::runtime_error(where + " is truncated or corrupted (read " +
                               std::to_string(data.size()) + " of " + std::to_string(st.size) +
                               " bytes)");
    if (crc != st.crc)
      throw std::runtime_error(where + " is corrupted: its CRC-32 is " + hex(crc) +
                               " where the zip directory says " + hex(st.crc));
    return data;
  }

 private:
  static std::string hex(uLong value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08lx", value);
    return text;
  }

  // The uncompressed size the entry may have: what it declares, if its compressed bytes can
  // expand to that (a 10 KB archive could otherwise claim gigabytes).
  zip_uint64_t bound(const zip_stat_t& st, const std::string& where) const {
    if (st.comp_size > file_size_)
      throw std::runtime_error(where + ": the zip directory claims " +
                               std::to_string(st.comp_size) + " compressed bytes, more than " +
                               "the whole file holds (" + std::to_string(file_size_) + " bytes)");
    zip_uint64_t most = 0;
    std::string why;
    if (st.comp_method == ZIP_CM_STORE) {
      most = st.comp_size;
      why = "a stored entry holds exactly its bytes";
    } else if (st.comp_method == ZIP_CM_DEFLATE) {
      most = st.comp_size * h5::kDeflateMaxRatio;
      why = "deflate expands at most 1032:1";
    } else {
      throw std::runtime_error(where + " is compressed with zip method " +
                               std::to_string(st.comp_method) +
                               "; keras.cpp reads stored and deflated entries");
    }
    if (st.size > most)
      throw std::runtime_error(where + ": the zip directory claims " + std::to_string(st.size) +
                               " bytes from " + std::to_string(st.comp_size) +
                               " compressed bytes, more than they can hold (" + why +
                               "): a damaged or malicious archive");
    return st.size;
  }

  std::string path_;
  std::uint64_t file_size_ = 0;
  zip_t* zip_ = nullptr;
};

}  // namespace

namespace detail {

void save_keras3_weights(h5::Group& root, const Model& model) {
  ensure_group(root, "layers");
  std::vector<std::string> paths = layer_paths(model);
  for (std::size_t k = 0; k < model.layers().size(); ++k) {
    detail::write_step("layer " + paths[k]);
    std::vector<VariableGroup> groups;
    variable_groups(*model.layers()[k], "layers/" + paths[k], groups);
    std::vector<Tensor> values = model.layers()[k]->get_weights();
    std::size_t next = 0;
    for (const VariableGroup& group : groups) {
      h5::Group vars = ensure_group(root, group.path);
      for (std::size_t i = 0; i < group.count; ++i)
        vars.write_dataset(std::to_string(i), values.at(next++));
    }
  }
}

void load_keras3_weights(const h5::Group& root, Model& model) {
  h5::Group layers = root.open_group("layers");
  std::vector<std::string> paths = layer_paths(model);
  std::vector<std::vector<Tensor>> values(paths.size());
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const LayerPtr& layer = model.layers()[k];
    std::vector<SymbolicTensor> symbolic = layer->weights();
    if (symbolic.empty()) continue;
    std::vector<VariableGroup> groups;
    variable_groups(*layer, paths[k], groups);
    for (const VariableGroup& group : groups) {
      if (group.count == 0) continue;
      h5::Group vars = layers.open_group(group.path);
      if (vars.has(std::to_string(group.count)))
        vars.fail("holds more variables than layer " + layer->name() + " has there (" +
                  std::to_string(group.count) + ")");
      // Shapes checked before reading: what the layer expects bounds what reading allocates.
      for (std::size_t i = 0; i < group.count; ++i) {
        const std::size_t index = values[k].size();
        if (index >= symbolic.size())
          vars.fail("holds more variables than layer " + layer->name() + " has (" +
                    std::to_string(symbolic.size()) + ")");
        const Shape shape = vars.dataset_shape(std::to_string(i));
        if (shape != symbolic[index].shape())
          vars.fail("variable " + std::to_string(i) + " has shape " + shape_to_string(shape) +
                    " but layer " + layer->name() + " expects " +
                    shape_to_string(symbolic[index].shape()));
        values[k].push_back(vars.read_dataset(std::to_string(i)));
      }
    }
    if (values[k].size() != symbolic.size())
      layers.fail(paths[k] + " holds " + std::to_string(values[k].size()) +
                  " variables but layer " + layer->name() + " has " +
                  std::to_string(symbolic.size()));
    values[k] = cast_to(values[k], symbolic);
  }
  for (std::size_t k = 0; k < paths.size(); ++k)
    if (!values[k].empty()) model.layers()[k]->set_weights(values[k]);
}

}  // namespace detail

bool is_keras_archive(const std::string& filepath) {
  return fs::path(filepath).extension() == ".keras";
}

void save_keras_archive(const Model& model, const std::string& filepath, bool overwrite,
                        bool include_optimizer) {
  const bool with_optimizer = include_optimizer && model.compiled();
  json config = keras3_config(model);
  if (with_optimizer) config["compile_config"] = keras3_compile_config(model);
  char date[32];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d@%H:%M:%S", std::localtime(&now));
  const json metadata = {{"keras_version", "3.0.0"}, {"date_saved", date}};
  detail::atomic_write(filepath, overwrite, [&](const std::string& temp) {
    // The weights file first, in memory.
    std::string weights;
    {
      h5::File file = h5::File::create_in_memory(filepath + ": model.weights.h5");
      {
        detail::save_keras3_weights(file.root(), model);
        if (with_optimizer) {
          h5::Group vars = file.root().create_group("optimizer").create_group("vars");
          std::vector<Tensor> values = keras3_optimizer_vars(*model.optimizer());
          for (std::size_t i = 0; i < values.size(); ++i) {
            detail::write_step("optimizer variable " + std::to_string(i));
            vars.write_dataset(std::to_string(i), values[i]);
          }
        }
        file.root().create_group("vars");
      }
      weights = file.image();
      file.close();
    }
    const std::string config_text = config.dump();
    const std::string metadata_text = metadata.dump();
    detail::write_step("zip");
    int error = 0;
    zip_t* zip = zip_open(temp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!zip) throw std::runtime_error("Cannot create the archive '" + temp + "'");
    auto add = [&](const char* name, const std::string& data) {
      zip_source_t* source = zip_source_buffer(zip, data.data(), data.size(), 0);
      zip_int64_t index = source ? zip_file_add(zip, name, source, ZIP_FL_ENC_UTF_8) : -1;
      if (index < 0) {
        if (source) zip_source_free(source);
        std::string message = zip_strerror(zip);
        zip_discard(zip);
        throw std::runtime_error("Cannot add '" + std::string(name) + "' to '" + filepath +
                                 "': " + message);
      }
      zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
    };
    add("metadata.json", metadata_text);
    add("config.json", config_text);
    add("model.weights.h5", weights);
    if (zip_close(zip) != 0) {
      std::string message = zip_strerror(zip);
      zip_discard(zip);
      throw std::runtime_error("Cannot write the archive '" + filepath + "': " + message);
    }
  });
}

ModelPtr load_keras_archive(const std::string& filepath, const CustomObjects& custom_objects,
                            bool compile) {
  if (!fs::exists(filepath))
    throw std::runtime_error("Cannot open '" + filepath + "': no such file");
  ZipReader zip(filepath);
  auto parse = [&](const std::string& name) {
    try {
      return detail::parse_config_json(zip.read(name), name);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error("'" + filepath + "': " + e.what());
    }
  };
  json config = parse("config.json");
  json metadata = zip.has("metadata.json") ? parse("metadata.json") : json::object();
  if (!metadata.is_object())
    throw std::runtime_error("'" + filepath + "': metadata.json should be a JSON object");
  // Archives of Keras 3 (and ours, which say 3.0.0) count nested Sequentials' calls from 0.
  const json version = metadata.value("keras_version", json(""));
  if (version.is_string() && version.get<std::string>().rfind("3.", 0) == 0 && config.is_object() &&
      is_model_class(config.value("class_name", "")) && config.contains("config") &&
      config["config"].is_object())
    from_keras3_model_config(config["config"]);
  ModelPtr model = model_from_config(config, custom_objects);
  if (!zip.has("model.weights.h5"))
    throw std::runtime_error("'" + filepath +
                             "': expected model.weights.h5 in the archive, found none (keras.cpp "
                             "does not read the .npz weights format)");
  std::vector<Tensor> optimizer_vars;
  {
    // Read in memory: nothing is written beside the archive (which may be read-only).
    h5::File file =
        h5::File::open_image(zip.read("model.weights.h5"), filepath + ": model.weights.h5");
    detail::load_keras3_weights(file.root(), *model);
    if (compile && file.root().has_group("optimizer")) {
      h5::Group optimizer = file.root().open_group("optimizer");
      if (optimizer.has_group("vars")) {
        h5::Group vars = optimizer.open_group("vars");
        // Looked up by name, "0", "1", ... as Keras 3 does: HDF5 1.10 can crash listing the
        // links of a damaged group by index, not looking one up by name.
        for (std::size_t i = 0; vars.has(std::to_string(i)); ++i)
          optimizer_vars.push_back(vars.read_dataset(std::to_string(i)));
      }
    }
  }
  if (compile && config.contains("compile_config") && config["compile_config"].is_object()) {
    const json& cc = config["compile_config"];
    json training = {{"optimizer_config", cc.value("optimizer", json(nullptr))},
                     {"loss", cc.value("loss", json(nullptr))},
                     {"metrics", cc.value("metrics", json::array())},
                     {"sample_weight_mode", cc.value("sample_weight_mode", json(nullptr))},
                     {"loss_weights", cc.value("loss_weights", json(nullptr))}};
    detail::compile_from_training_config(*model, training, custom_objects, filepath);
    if (!optimizer_vars.empty()) detail::restore_keras3_optimizer(*model, optimizer_vars, filepath);
  }
  return model;
}

}  // namespace keras::saving
