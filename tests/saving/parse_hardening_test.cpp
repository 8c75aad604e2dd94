// Crafted and careless configs (issue 16): nesting, alias bombs, huge numbers, invalid UTF-8 and
// values of the wrong type raise a clear exception with a short message, never crash; numbers in
// JSON and YAML are read and written the same under a locale with a decimal comma.
#include <gtest/gtest.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <locale>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/keras.h"
#include "keras/saving/saving.h"
#include "saving/config_text.h"
#include "saving/hdf5.h"
#include "saving/saving_testing.h"

using namespace keras;
namespace fs = std::filesystem;
using keras::saving::detail::is_utf8;

namespace {

// The message of what `read` throws; fails the test when it throws nothing or something that is
// not a std::exception (which would mean a crash or a foreign exception in Python).
template <typename Read>
std::string error_of(Read read) {
  try {
    read();
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception";
  return "";
}

// A message a user can read: short, UTF-8, none of the standard library's or nlohmann's words.
void expect_clear(const std::string& message, const std::string& input) {
  SCOPED_TRACE(input.substr(0, 300));
  EXPECT_FALSE(message.empty());
  EXPECT_LT(message.size(), 1000u) << message.substr(0, 1000);
  EXPECT_TRUE(is_utf8(message)) << message;
  for (const char* internal : {"_M_range_check", "stoll", "stod", "basic_string", "json.exception",
                               "bad_optional_access", "vector::", "std::"})
    EXPECT_EQ(message.find(internal), std::string::npos) << message;
}

std::string nested(std::size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(ParseHardening, DeeplyNestedJsonIsRefusedWithAShortMessage) {
  const std::string text = nested(100000);
  std::string message = error_of([&] { models::model_from_json(text); });
  expect_clear(message, "[[[...");
  EXPECT_NE(message.find("nested deeper than 1000 levels"), std::string::npos) << message;
  // Objects too, and the limit itself is allowed (the config is then not a model).
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(5000, '}');
  EXPECT_NE(error_of([&] { models::model_from_json(objects); }).find("nested deeper"),
            std::string::npos);
  message = error_of([&] { models::model_from_json(nested(1000)); });
  expect_clear(message, "1000 levels");
  EXPECT_NE(message.find("A model config must be"), std::string::npos) << message;
}

TEST(ParseHardening, ErrorsQuoteOnlyTheStartOfABigConfig) {
  std::string big = "[";
  for (int i = 0; i < 100000; ++i) big += "\"layer_" + std::to_string(i) + "\",";
  big += "0]";
  const std::string message = error_of([&] { models::model_from_json(big); });
  expect_clear(message, "big list");
  EXPECT_NE(message.find("[\"layer_0\",\"layer_1\""), std::string::npos) << message;
  EXPECT_NE(message.find("..."), std::string::npos) << message;
  // A nested config deeper than the limit given to model_from_config directly (C++ callers).
  nlohmann::json deep = nlohmann::json::array();
  for (int i = 0; i < 2000; ++i) deep = nlohmann::json::array({deep});
  expect_clear(error_of([&] {
                 models::model_from_config({{"class_name", "Sequential"}, {"config", deep}});
               }),
               "deep json");
}

TEST(ParseHardening, InvalidUtf8InJsonGivesAReadableMessage) {
  const std::string text = "{\"class_name\": \"Seq\xff\xfe\", \"config\": {}}";
  const std::string message = error_of([&] { models::model_from_json(text); });
  expect_clear(message, "invalid UTF-8");
  EXPECT_NE(message.find("not valid JSON"), std::string::npos) << message;
  EXPECT_NE(message.find("\\xFF"), std::string::npos) << message;
  // A long invalid token is not quoted whole.
  const std::string long_token = "[\"" + std::string(100000, 'a') + "\xc3\x28\"]";
  expect_clear(error_of([&] { models::model_from_json(long_token); }), "long token");
  expect_clear(error_of([&] { models::model_from_json("[1e999]"); }), "1e999");
}

TEST(ParseHardening, ModelFileWithADeeplyNestedConfig) {
  fs::path dir = saving::testing::scratch("parse_hardening_h5");
  const std::string path = (dir / "deep.h5").string();
  {
    saving::h5::File file(path, "w");
    file.root().write_string_attr("model_config", nested(100000));
    file.close();
  }
  const std::string message = error_of([&] { models::load_model(path); });
  expect_clear(message, "deep.h5");
  EXPECT_NE(message.find("model_config attribute is nested deeper"), std::string::npos) << message;
  fs::remove_all(dir);
}

TEST(ParseHardening, YamlNumbersAreReadWithoutRegexAndBounded) {
  // 40000 digits made std::regex recurse until the stack ran out.
  std::string message =
      error_of([] { models::model_from_yaml("units: " + std::string(40000, '1')); });
  expect_clear(message, "40000 digits");
  EXPECT_NE(message.find("does not fit in 64 bits"), std::string::npos) << message;
  EXPECT_NE(message.find("line 1, column 8"), std::string::npos) << message;
  message = error_of([] { models::model_from_yaml("units: 18446744073709551616"); });
  EXPECT_NE(message.find("does not fit in 64 bits"), std::string::npos) << message;
  message = error_of([] { models::model_from_yaml("rate: 1.5e999"); });
  expect_clear(message, "1.5e999");
  EXPECT_NE(message.find("out of the range of a double"), std::string::npos) << message;
  // Integers up to 2^64 - 1 are numbers (nlohmann's unsigned), as in JSON; the config is then
  // not a model.
  message = error_of([] { models::model_from_yaml("units: 18446744073709551615"); });
  EXPECT_NE(message.find("A model config must be"), std::string::npos) << message;
  EXPECT_NE(message.find("18446744073709551615"), std::string::npos) << message;
}

// Scalars as PyYAML resolves them (YAML 1.1) to numbers, booleans, nulls and strings, through the
// whole path; also "-.5" and "1e5", which PyYAML would leave strings.
TEST(ParseHardening, YamlScalarsAsPyYamlReadsThem) {
  const std::string message = error_of([] {
    models::model_from_yaml(
        "{a: 12, b: -7, c: +3, d: 0.25, e: -.5, f: 1.0e-05, g: 2., h: .inf, i: -.Inf, "
        "j: .nan, k: ~, l: true, m: False, n: '12', o: \"0.5\", q: 1e5, r: !!str 3}");
  });
  // model_from_config prints the config it was given (keys in order).
  EXPECT_NE(message.find("{\"a\":12,\"b\":-7,\"c\":3,\"d\":0.25,\"e\":-0.5,\"f\":1e-05,\"g\":2.0,"
                         "\"h\":null,\"i\":null,\"j\":null,\"k\":null,\"l\":true,\"m\":false,"
                         "\"n\":\"12\",\"o\":\"0.5\",\"q\":100000.0,\"r\":\"3\"}"),
            std::string::npos)
      << message;
}

TEST(ParseHardening, YamlAliasesAreBounded) {
  // An alias inside the node it names nested without end.
  std::string message = error_of([] { models::model_from_yaml("a: &x [*x]"); });
  expect_clear(message, "self alias");
  EXPECT_NE(message.find("nested deeper than 1000 levels"), std::string::npos) << message;
  // "Billion laughs": 570 bytes that expand to 10^9 values.
  std::string bomb =
      "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char prev = static_cast<char>(c - 1);
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int k = 0; k < 9; ++k) bomb += std::string(k ? "," : "") + "*" + prev;
    bomb += "]\n";
  }
  message = error_of([&] { models::model_from_yaml(bomb); });
  expect_clear(message, "alias bomb");
  EXPECT_NE(message.find("expands to more than"), std::string::npos) << message;
  // A few aliases are fine (PyYAML writes them for objects used twice).
  message = error_of([] { models::model_from_yaml("a: &s [1, 2]\nb: *s\n"); });
  EXPECT_NE(message.find("{\"a\":[1,2],\"b\":[1,2]}"), std::string::npos) << message;
}

std::string dashes(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) text += "- ";
  return text;
}

TEST(ParseHardening, DeepYamlIsRefusedByTheParserOrTheConverter) {
  for (const std::string& text : {nested(100000), nested(100000, '{', '}'), dashes(50000) + "1"}) {
    const std::string message = error_of([&] { models::model_from_yaml(text); });
    expect_clear(message, text.substr(0, 20));
    EXPECT_NE(message.find("model_from_yaml"), std::string::npos) << message;
  }
  std::string block;
  for (int i = 0; i < 3000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "a:\n";
  expect_clear(error_of([&] { models::model_from_yaml(block); }), "block nesting");
}

TEST(ParseHardening, YamlWithInvalidUtf8OrComplexKeys) {
  std::string message = error_of([] { models::model_from_yaml("name: \"ab\xff\"\n"); });
  expect_clear(message, "invalid UTF-8 in YAML");
  message = error_of([] { models::model_from_yaml("name: ab\xc0\xaf\n"); });
  expect_clear(message, "overlong UTF-8 in YAML");
  EXPECT_NE(message.find("not valid UTF-8"), std::string::npos) << message;
  message = error_of([] { models::model_from_yaml("? [a, b]\n: 1\n"); });
  expect_clear(message, "complex key");
  EXPECT_NE(message.find("is not a string"), std::string::npos) << message;
}

// A model config, with `layer` spliced in as the second layer of a Sequential.
std::string sequential_with(const std::string& layer) {
  return R"({"class_name": "Sequential", "config": {"name": "s", "layers": [
    {"class_name": "Dense", "config": {"units": 3, "batch_input_shape": [null, 4]}}, )" +
         layer + "]}}";
}

// A functional model: input -> dense; `edit` replaces "@" in the template.
std::string functional_with(const std::string& layers, const std::string& inputs,
                            const std::string& outputs) {
  return R"({"class_name": "Model", "config": {"name": "m", "layers": )" + layers +
         R"(, "input_layers": )" + inputs + R"(, "output_layers": )" + outputs + "}}";
}

const char* const kInput =
    R"({"class_name": "InputLayer", "name": "in", "inbound_nodes": [],
        "config": {"batch_input_shape": [null, 4], "name": "in"}})";
const char* const kDense =
    R"({"class_name": "Dense", "name": "d", "inbound_nodes": [[["in", 0, 0, {}]]],
        "config": {"units": 2, "name": "d"}})";

TEST(ParseHardening, CraftedConfigsGiveClearErrors) {
  const std::string layers = std::string("[") + kInput + ", " + kDense + "]";
  const std::vector<std::string> configs = {
      // Values of the wrong type and sizes out of range, in several layer readers.
      sequential_with(R"({"class_name": "Dense", "config": {"units": "3"}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 1e30}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 18446744073709551615}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3, "name": 7}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3, "use_bias": "yes"}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3, "activation": 5}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3,
          "kernel_initializer": {"class_name": 5}}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3,
          "kernel_initializer": "{not json"}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3,
          "kernel_regularizer": {"name": 5, "l1": 1}}})"),
      sequential_with(
          R"({"class_name": "Dense", "config": {"units": 3, "kernel_regularizer": 5}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3,
          "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": "x"}}}})"),
      sequential_with(R"({"class_name": "Dense", "config": {"units": 3, "bias_constraint": [1]}})"),
      sequential_with(R"({"class_name": "Dense", "config": [1, 2]})"),
      sequential_with(R"({"class_name": 42, "config": {}})"),
      sequential_with(R"({"class_name": "Conv1D", "config": {"filters": 2}})"),
      sequential_with(R"({"class_name": "Conv1D", "config": {"filters": "2", "kernel_size": 3}})"),
      sequential_with(R"({"class_name": "Conv1D", "config": {"filters": 2, "kernel_size": []}})"),
      sequential_with(R"({"class_name": "MaxPooling2D", "config": {"pool_size": "2"}})"),
      sequential_with(R"({"class_name": "ZeroPadding2D", "config": {"padding": [1]}})"),
      sequential_with(R"({"class_name": "Cropping1D", "config": {"cropping": "a"}})"),
      sequential_with(R"({"class_name": "Bidirectional", "config": {}})"),
      sequential_with(R"({"class_name": "Bidirectional", "config": {"layer": {"config": {}}}})"),
      sequential_with(R"({"class_name": "TimeDistributed", "config": {"layer": 3}})"),
      sequential_with(R"({"class_name": "LSTM", "config": {"units": [1]}})"),
      sequential_with(R"({"class_name": "Embedding", "config": {"input_dim": "a"}})"),
      sequential_with(R"({"class_name": "PReLU", "config": {"shared_axes": "x"}})"),
      sequential_with(R"({"class_name": "Sequential"})"),
      sequential_with(R"({"class_name": "Model", "config": 3})"),
      sequential_with(R"({"class_name": "Concatenate", "config": {"axis": "x"}})"),
      R"({"class_name": "Sequential", "config": {"layers": 3}})",
      R"({"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer",
          "config": {"batch_input_shape": "x"}}, {"class_name": "Dense", "config": {"units": 1}}]}})",
      // Functional models: missing keys, references out of range, wrong shapes.
      functional_with("3", R"([["in", 0, 0]])", R"([["d", 0, 0]])"),
      functional_with("[3]", R"([["in", 0, 0]])", R"([["d", 0, 0]])"),
      functional_with(layers, R"([["in", 0, 5]])", R"([["d", 0, 0]])"),
      functional_with(layers, R"([["in", 0, 0]])", R"([["d", 0, 7]])"),
      functional_with(layers, R"([["in", 0, 0]])", R"([["d", 3, 0]])"),
      functional_with(layers, R"([["in", 0, 0]])", R"([["d", -1, 0]])"),
      // (["in", 0, 0] unnested is Keras 3's form for one input; a short reference is not.)
      functional_with(layers, R"(["in", 0])", R"([["d", 0, 0]])"),
      functional_with(layers, R"([["in", "0", 0]])", R"([["d", 0, 0]])"),
      functional_with(layers, R"([["nope", 0, 0]])", R"([["d", 0, 0]])"),
      functional_with(layers, R"([["in", 0, 0]])", R"(3)"),
      R"({"class_name": "Model", "config": {"layers": []}})",
      functional_with(std::string("[") + kInput +
                          R"(, {"class_name": "Dense", "name": "d", "config": {"units": 2},
                                "inbound_nodes": [[["in", 0, 9, {}]]]}])",
                      R"([["in", 0, 0]])", R"([["d", 0, 0]])"),
      functional_with(std::string("[") + kInput +
                          R"(, {"class_name": "Dense", "name": "d", "config": {"units": 2},
                                "inbound_nodes": 5}])",
                      R"([["in", 0, 0]])", R"([["d", 0, 0]])"),
      functional_with(std::string("[") + kInput + R"(, {"class_name": "Dense", "name": "d"}])",
                      R"([["in", 0, 0]])", R"([["d", 0, 0]])"),
      functional_with(
          R"([{"class_name": "InputLayer", "config": {"batch_input_shape": [null, "a"]}}])",
          R"([["in", 0, 0]])", R"([["in", 0, 0]])"),
  };
  for (const std::string& config : configs) {
    std::string message;
    try {
      models::model_from_json(config);
      ADD_FAILURE() << "accepted: " << config;
    } catch (const std::invalid_argument& e) {
      message = e.what();
    } catch (const std::runtime_error& e) {
      message = e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "a " << typeid(e).name() << " from " << config << ": " << e.what();
    }
    expect_clear(message, config);
    if (std::getenv("PRINT_MESSAGES")) std::printf("%s\n", message.c_str());
  }
  // A reader that took the value as it expected it is explained in words.
  EXPECT_EQ(error_of([] {
              models::model_from_json(sequential_with(
                  R"({"class_name": "Dense", "config": {"units": 3, "bias_constraint": [1]}})"));
            }),
            "Dense.from_config: 'bias_constraint' = [1] cannot be used: a value is a list where a "
            "dict was expected");
}

// Sets LC_ALL to a locale whose decimal point is a comma: an installed one, or one made with
// glibc's localedef into `dir` (found through LOCPATH). False when none can be had.
bool use_decimal_comma_locale(const fs::path& dir) {
  auto comma = [] { return std::string(std::localeconv()->decimal_point) == ","; };
  for (const char* name : {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"})
    if (std::setlocale(LC_ALL, name) && comma()) return true;
  const std::string command =
      "localedef -i de_DE -f UTF-8 '" + (dir / "de_DE.UTF-8").string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) == -1 || !fs::exists(dir / "de_DE.UTF-8" / "LC_NUMERIC"))
    return false;
  ::setenv("LOCPATH", dir.c_str(), 1);
  return std::setlocale(LC_ALL, "de_DE.UTF-8") && comma();
}

TEST(ParseHardening, NumbersUnderADecimalCommaLocale) {
  fs::path dir = saving::testing::scratch("parse_hardening_locale");
  if (!use_decimal_comma_locale(dir)) {
    fs::remove_all(dir);
    GTEST_SKIP() << "no locale with a decimal comma could be set (install Debian's locales)";
  }
  auto model = std::make_shared<Sequential>();
  model->add(layers::Dense(2, {.input_dim = 1234}));
  model->add(layers::Dropout(0.25));
  // The C library's locale (what setlocale and Python's locale.setlocale change).
  auto restored = models::model_from_yaml(
      "class_name: Sequential\nconfig:\n  layers:\n"
      "  - class_name: Dense\n    config: {units: 2, "
      "batch_input_shape: [null, 1234]}\n"
      "  - class_name: Dropout\n    config: {rate: 0.25}\n");
  EXPECT_EQ(restored->layers()[1]->get_config()["rate"], 0.25);
  const std::string yaml = model->to_yaml();
  EXPECT_NE(yaml.find("rate: 0.25"), std::string::npos) << yaml;
  EXPECT_EQ(models::model_from_yaml(yaml)->get_config(), model->get_config());
  EXPECT_EQ(models::model_from_json(model->to_json())->get_config(), model->get_config());
  // The C++ global locale too, which yaml-cpp's streams use (digit grouping "1.234").
  const std::locale previous = std::locale::global(std::locale(std::setlocale(LC_ALL, nullptr)));
  const std::string grouped = model->to_yaml();
  std::locale::global(previous);
  EXPECT_EQ(grouped, yaml);
  std::setlocale(LC_ALL, "C");
  ::unsetenv("LOCPATH");
  fs::remove_all(dir);
}

}  // namespace
