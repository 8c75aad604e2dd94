// keras_cpp.preprocessing.text and .sequence (.image: bind_preprocessing_image.cpp) over the C++
// implementations; the Python modules (python/keras_cpp/preprocessing) add Keras's keyword handling
// and Python-only behaviour.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "keras/preprocessing/sequence.h"
#include "keras/preprocessing/text.h"

namespace keras::python {

void bind_image(py::module_& m);  // bind_preprocessing_image.cpp

namespace {

namespace text = keras::preprocessing::text;
namespace seq = keras::preprocessing::sequence;

void bind_text(py::module_& m) {
  m.def("text_to_word_sequence", &text::text_to_word_sequence, py::arg("text"), py::arg("filters"),
        py::arg("lower"), py::arg("split"));
  m.def(
      "hashing_trick",
      [](const std::string& input, std::int64_t n, const text::HashFunction& hash_function,
         const std::string& filters, bool lower, const std::string& split) {
        return text::hashing_trick(input, n, hash_function, {filters, lower, split});
      },
      py::arg("text"), py::arg("n"), py::arg("hash_function"), py::arg("filters"), py::arg("lower"),
      py::arg("split"));

  py::class_<text::Tokenizer>(m, "Tokenizer")
      .def(py::init([](std::int64_t num_words, const std::string& filters, bool lower,
                       const std::string& split, bool char_level,
                       std::optional<std::string> oov_token) {
             return text::Tokenizer(
                 {num_words, filters, lower, split, char_level, std::move(oov_token)});
           }),
           py::arg("num_words"), py::arg("filters"), py::arg("lower"), py::arg("split"),
           py::arg("char_level"), py::arg("oov_token"))
      .def("tokenize", &text::Tokenizer::tokenize)
      .def("set_num_words", &text::Tokenizer::set_num_words)
      .def("fit_on_texts", &text::Tokenizer::fit_on_texts, py::call_guard<py::gil_scoped_release>())
      .def("fit_on_token_lists", &text::Tokenizer::fit_on_token_lists,
           py::call_guard<py::gil_scoped_release>())
      .def("fit_on_sequences", &text::Tokenizer::fit_on_sequences)
      .def("texts_to_sequences", &text::Tokenizer::texts_to_sequences,
           py::call_guard<py::gil_scoped_release>())
      .def("token_lists_to_sequences", &text::Tokenizer::token_lists_to_sequences)
      .def("sequences_to_texts", &text::Tokenizer::sequences_to_texts)
      .def("sequences_to_matrix", &text::Tokenizer::sequences_to_matrix)
      .def_property_readonly("word_counts", &text::Tokenizer::word_counts)
      .def_property_readonly("word_docs", &text::Tokenizer::word_docs)
      .def_property_readonly("word_index", &text::Tokenizer::word_index)
      .def_property_readonly("index_word", &text::Tokenizer::index_word)
      .def_property_readonly("index_docs", &text::Tokenizer::index_docs)
      .def_property_readonly("document_count", &text::Tokenizer::document_count)
      .def("to_json", &text::Tokenizer::to_json)
      .def_static("from_json", &text::Tokenizer::from_json);
}

void bind_sequence(py::module_& m) {
  m.def(
      "pad_sequences",
      [](const std::vector<Tensor>& sequences, std::int64_t maxlen, const std::string& dtype,
         const std::string& padding, const std::string& truncating, double value) {
        return seq::pad_sequences(sequences,
                                  {maxlen, dtype_from_name(dtype), padding, truncating, value});
      },
      py::arg("sequences"), py::arg("maxlen"), py::arg("dtype"), py::arg("padding"),
      py::arg("truncating"), py::arg("value"));
  m.def("make_sampling_table", &seq::make_sampling_table, py::arg("size"),
        py::arg("sampling_factor"));
  m.def(
      "skipgrams",
      [](const std::vector<std::int64_t>& sequence, std::int64_t vocabulary_size,
         std::int64_t window_size, double negative_samples, bool shuffle, bool categorical,
         std::optional<std::vector<double>> sampling_table, std::optional<std::uint64_t> seed) {
        seq::Skipgrams result = seq::skipgrams(
            sequence, vocabulary_size,
            {window_size, negative_samples, shuffle, categorical, std::move(sampling_table), seed});
        py::list couples, labels;
        for (const auto& couple : result.couples)  // [wi, wj] lists, as Keras returns
          couples.append(py::cast(std::vector<std::int64_t>{couple[0], couple[1]}));
        for (const auto& label : result.labels) {
          if (categorical)
            labels.append(py::cast(label));
          else
            labels.append(label[0]);
        }
        return py::make_tuple(couples, labels);
      },
      py::arg("sequence"), py::arg("vocabulary_size"), py::arg("window_size"),
      py::arg("negative_samples"), py::arg("shuffle"), py::arg("categorical"),
      py::arg("sampling_table"), py::arg("seed"));

  py::class_<seq::TimeseriesGenerator>(m, "TimeseriesGenerator")
      .def(py::init([](Tensor data, Tensor targets, std::int64_t length, std::int64_t sampling_rate,
                       std::int64_t stride, std::int64_t start_index, std::int64_t end_index,
                       bool reverse, std::int64_t batch_size) {
             return seq::TimeseriesGenerator(
                 std::move(data), std::move(targets), length,
                 {sampling_rate, stride, start_index, end_index, false, reverse, batch_size, 0});
           }),
           py::arg("data"), py::arg("targets"), py::arg("length"), py::arg("sampling_rate"),
           py::arg("stride"), py::arg("start_index"), py::arg("end_index"), py::arg("reverse"),
           py::arg("batch_size"))
      .def("__len__", &seq::TimeseriesGenerator::size)
      .def("rows", &seq::TimeseriesGenerator::rows)
      .def("batch_for_rows", &seq::TimeseriesGenerator::batch_for_rows)
      .def_property_readonly("first_row", &seq::TimeseriesGenerator::first_row)
      .def_property_readonly("last_row", &seq::TimeseriesGenerator::last_row);
}

}  // namespace

void bind_preprocessing(py::module_& root) {
  py::module_ m = root.def_submodule("preprocessing");
  bind_text(m);
  bind_sequence(m);
  bind_image(m);
}

}  // namespace keras::python
