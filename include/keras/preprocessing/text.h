// keras.preprocessing.text: text_to_word_sequence, one_hot, hashing_trick and Tokenizer, with
// Keras 2.2.4's behaviour (keras_preprocessing 1.0.5). Texts are UTF-8; lowercasing is Unicode's
// full case mapping (Python's str.lower), characters are code points (Python's str items).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/tensor/tensor.h"

namespace keras::preprocessing::text {

// Keras's default `filters`: punctuation (without the apostrophe), tab and newline.
inline constexpr std::string_view kDefaultFilters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";

// Lowercases (optionally), replaces every character of `filters` by `split`, splits on `split`
// and drops empty words. Throws std::invalid_argument for invalid UTF-8 or an empty `split`.
std::vector<std::string> text_to_word_sequence(std::string_view text,
                                               std::string_view filters = kDefaultFilters,
                                               bool lower = true, std::string_view split = " ");

// Python's str.lower() on UTF-8 text.
std::string lowercase(std::string_view text);
// The characters (code points) of UTF-8 text, each as its UTF-8 bytes.
std::vector<std::string> characters(std::string_view text);

// A word's hash; the index is hash mod (n - 1) + 1, taken as Python does (never negative).
using HashFunction = std::function<std::int64_t(const std::string&)>;
// md5 of the word's UTF-8 bytes mod m, as Keras's hash_function='md5' (the 128-bit digest).
std::int64_t md5_mod(const std::string& word, std::int64_t m);

struct HashingOptions {
  std::string filters{kDefaultFilters};
  bool lower = true;
  std::string split = " ";
};

// Word indices in [1, n) from `hash_function` (empty: "md5", stable across runs).
std::vector<std::int64_t> hashing_trick(std::string_view text, std::int64_t n,
                                        const HashFunction& hash_function = {},
                                        const HashingOptions& options = {});
// hashing_trick with std::hash (stable within a process only, like Python's hash()).
std::vector<std::int64_t> one_hot(std::string_view text, std::int64_t n,
                                  const HashingOptions& options = {});

struct TokenizerOptions {
  std::int64_t num_words = 0;  // 0: None (keep every word); else keep indices < num_words
  std::string filters{kDefaultFilters};
  bool lower = true;
  std::string split = " ";
  bool char_level = false;
  std::optional<std::string> oov_token = {};  // given: index 1, standing for unknown words
};

// Vectorizes texts: a word index by frequency (1 the most frequent; 0 is never a word), then
// sequences of indices or matrices (binary, count, freq, tfidf).
class Tokenizer {
 public:
  using Tokens = std::vector<std::string>;
  using Sequence = std::vector<std::int64_t>;

  explicit Tokenizer(TokenizerOptions options = {});

  const TokenizerOptions& options() const { return options_; }
  // Keras code caps the vocabulary of a fitted tokenizer by setting num_words (0: None).
  void set_num_words(std::int64_t num_words);
  // A text's tokens as the Tokenizer sees them: its characters (char_level) or its words.
  Tokens tokenize(std::string_view text) const;

  void fit_on_texts(const std::vector<std::string>& texts);
  // Texts given as lists of tokens (lowercased when `lower`, not split or filtered).
  void fit_on_token_lists(const std::vector<Tokens>& texts);
  void fit_on_sequences(const std::vector<Sequence>& sequences);

  std::vector<Sequence> texts_to_sequences(const std::vector<std::string>& texts) const;
  std::vector<Sequence> token_lists_to_sequences(const std::vector<Tokens>& texts) const;
  std::vector<std::string> sequences_to_texts(const std::vector<Sequence>& sequences) const;
  // (len(texts), num_words) float64; mode: "binary", "count", "freq" or "tfidf".
  Tensor texts_to_matrix(const std::vector<std::string>& texts,
                         const std::string& mode = "binary") const;
  Tensor sequences_to_matrix(const std::vector<Sequence>& sequences,
                             const std::string& mode = "binary") const;

  // Words in first-seen order with their counts (Keras's OrderedDict word_counts).
  const std::vector<std::pair<std::string, std::int64_t>>& word_counts() const {
    return word_counts_;
  }
  const std::unordered_map<std::string, std::int64_t>& word_docs() const { return word_docs_; }
  const std::unordered_map<std::string, std::int64_t>& word_index() const { return word_index_; }
  const std::map<std::int64_t, std::string>& index_word() const { return index_word_; }
  const std::map<std::int64_t, std::int64_t>& index_docs() const { return index_docs_; }
  std::int64_t document_count() const { return document_count_; }

  // keras_preprocessing's to_json layout: {"class_name": "Tokenizer", "config": {...}}.
  nlohmann::json get_config() const;
  std::string to_json() const;
  static Tokenizer from_json(const std::string& json_string);

 private:
  Tokens lowered(Tokens tokens) const;
  Sequence to_sequence(const Tokens& tokens) const;
  void count(const Tokens& tokens);
  void rebuild_index();

  TokenizerOptions options_;
  std::vector<std::pair<std::string, std::int64_t>> word_counts_;
  std::unordered_map<std::string, std::size_t> word_position_;  // word -> word_counts_ slot
  std::unordered_map<std::string, std::int64_t> word_docs_;
  std::unordered_map<std::string, std::int64_t> word_index_;
  std::map<std::int64_t, std::string> index_word_;
  std::map<std::int64_t, std::int64_t> index_docs_;
  std::int64_t document_count_ = 0;
};

}  // namespace keras::preprocessing::text
