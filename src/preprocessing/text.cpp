#include "keras/preprocessing/text.h"

#include <openssl/evp.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <unordered_set>

namespace keras::preprocessing::text {

namespace {

// Code points of UTF-8 text; invalid UTF-8 is an error naming the byte offset.
std::vector<std::pair<std::int32_t, std::string_view>> decode(std::string_view text,
                                                              const char* what) {
  std::vector<std::pair<std::int32_t, std::string_view>> out;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  while (i < length) {
    const std::int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0)
      throw std::invalid_argument(std::string(what) + ": invalid UTF-8 at byte " +
                                  std::to_string(start) + "; texts must be UTF-8 encoded");
    out.emplace_back(
        c, text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
  }
  return out;
}

void check_vocabulary_size(std::int64_t n, const char* what) {
  if (n < 2)
    throw std::invalid_argument(std::string(what) + ": n, the size of the hashing space, must be " +
                                "at least 2 (indices are 1..n-1); got " + std::to_string(n));
}

std::int64_t python_mod(std::int64_t value, std::int64_t m) {
  std::int64_t r = value % m;
  return r < 0 ? r + m : r;
}

}  // namespace

std::string lowercase(std::string_view text) {
  decode(text, "lowercase");  // ICU would silently replace invalid bytes
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<std::int32_t>(text.size())));
  unicode.toLower(icu::Locale::getRoot());
  std::string out;
  unicode.toUTF8String(out);
  return out;
}

std::vector<std::string> characters(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& [code, bytes] : decode(text, "characters")) out.emplace_back(bytes);
  return out;
}

std::vector<std::string> text_to_word_sequence(std::string_view text, std::string_view filters,
                                               bool lower, std::string_view split) {
  if (split.empty())
    throw std::invalid_argument("text_to_word_sequence: `split` must not be empty");
  std::string lowered = lower ? lowercase(text) : std::string(text);
  std::unordered_set<std::int32_t> filtered;
  for (const auto& [code, bytes] : decode(filters, "text_to_word_sequence filters"))
    filtered.insert(code);
  std::string translated;
  translated.reserve(lowered.size());
  for (const auto& [code, bytes] : decode(lowered, "text_to_word_sequence")) {
    if (filtered.count(code) != 0)
      translated += split;
    else
      translated += bytes;
  }
  // Python's str.split(sep): pieces between occurrences of `split`; empty pieces dropped.
  std::vector<std::string> words;
  std::size_t begin = 0;
  while (begin <= translated.size()) {
    std::size_t end = translated.find(split, begin);
    if (end == std::string::npos) end = translated.size();
    if (end > begin) words.push_back(translated.substr(begin, end - begin));
    begin = end + split.size();
  }
  return words;
}

std::int64_t md5_mod(const std::string& word, std::int64_t m) {
  if (m < 1) throw std::invalid_argument("md5_mod: the modulus must be positive");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(word.data(), word.size(), digest, &size, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("hashing_trick: OpenSSL's md5 failed");
  // The digest as a big-endian 128-bit number, reduced mod m byte by byte (Horner's rule).
  __extension__ using Wide = unsigned __int128;
  Wide r = 0;
  for (unsigned int i = 0; i < size; ++i) r = (r * 256 + digest[i]) % static_cast<Wide>(m);
  return static_cast<std::int64_t>(r);
}

std::vector<std::int64_t> hashing_trick(std::string_view text, std::int64_t n,
                                        const HashFunction& hash_function,
                                        const HashingOptions& options) {
  check_vocabulary_size(n, "hashing_trick");
  std::vector<std::int64_t> out;
  for (const std::string& word :
       text_to_word_sequence(text, options.filters, options.lower, options.split))
    out.push_back((hash_function ? python_mod(hash_function(word), n - 1) : md5_mod(word, n - 1)) +
                  1);
  return out;
}

std::vector<std::int64_t> one_hot(std::string_view text, std::int64_t n,
                                  const HashingOptions& options) {
  check_vocabulary_size(n, "one_hot");
  return hashing_trick(
      text, n,
      [](const std::string& word) {
        return static_cast<std::int64_t>(std::hash<std::string>{}(word) >> 1);
      },
      options);
}

Tokenizer::Tokenizer(TokenizerOptions options) : options_(std::move(options)) {
  set_num_words(options_.num_words);
  if (!options_.char_level && options_.split.empty())
    throw std::invalid_argument("Tokenizer: `split` must not be empty");
}

void Tokenizer::set_num_words(std::int64_t num_words) {
  if (num_words < 0)
    throw std::invalid_argument("Tokenizer: num_words must be positive (or None); got " +
                                std::to_string(num_words));
  options_.num_words = num_words;
}

Tokenizer::Tokens Tokenizer::tokenize(std::string_view text) const {
  if (options_.char_level) return characters(options_.lower ? lowercase(text) : std::string(text));
  return text_to_word_sequence(text, options_.filters, options_.lower, options_.split);
}

Tokenizer::Tokens Tokenizer::lowered(Tokens tokens) const {
  if (options_.lower)
    for (auto& token : tokens) token = lowercase(token);
  return tokens;
}

void Tokenizer::count(const Tokens& tokens) {
  ++document_count_;
  for (const auto& word : tokens) {
    auto [slot, inserted] = word_position_.emplace(word, word_counts_.size());
    if (inserted)
      word_counts_.emplace_back(word, 1);
    else
      ++word_counts_[slot->second].second;
  }
  for (const auto& word : std::set<std::string>(tokens.begin(), tokens.end())) ++word_docs_[word];
}

void Tokenizer::rebuild_index() {
  // Most frequent first; ties keep first-seen order (Python's stable sort).
  std::vector<std::pair<std::string, std::int64_t>> sorted = word_counts_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> vocabulary;
  if (options_.oov_token) vocabulary.push_back(*options_.oov_token);
  for (auto& entry : sorted) vocabulary.push_back(std::move(entry.first));
  word_index_.clear();
  index_word_.clear();
  // As Keras's dict(zip(...)): a word listed twice (the oov token also seen in the texts) keeps
  // its last index, while index_word keeps every index.
  for (std::size_t i = 0; i < vocabulary.size(); ++i) {
    const auto index = static_cast<std::int64_t>(i + 1);
    word_index_[vocabulary[i]] = index;
  }
  for (const auto& [word, index] : word_index_) index_word_[index] = word;
  for (const auto& [word, docs] : word_docs_) index_docs_[word_index_.at(word)] = docs;
}

void Tokenizer::fit_on_texts(const std::vector<std::string>& texts) {
  for (const auto& text : texts) count(tokenize(text));
  rebuild_index();
}

void Tokenizer::fit_on_token_lists(const std::vector<Tokens>& texts) {
  for (const auto& tokens : texts) count(lowered(tokens));
  rebuild_index();
}

void Tokenizer::fit_on_sequences(const std::vector<Sequence>& sequences) {
  document_count_ += static_cast<std::int64_t>(sequences.size());
  for (const auto& sequence : sequences)
    for (std::int64_t index : std::set<std::int64_t>(sequence.begin(), sequence.end()))
      ++index_docs_[index];
}

Tokenizer::Sequence Tokenizer::to_sequence(const Tokens& tokens) const {
  std::optional<std::int64_t> oov_index;
  if (options_.oov_token) {
    auto found = word_index_.find(*options_.oov_token);
    if (found != word_index_.end()) oov_index = found->second;
  }
  Sequence out;
  for (const auto& word : tokens) {
    auto found = word_index_.find(word);
    if (found != word_index_.end()) {
      if (options_.num_words != 0 && found->second >= options_.num_words) {
        if (oov_index) out.push_back(*oov_index);
      } else {
        out.push_back(found->second);
      }
    } else if (options_.oov_token) {
      if (!oov_index)
        throw std::logic_error(
            "Tokenizer: the oov_token has no index yet; call fit_on_texts before "
            "texts_to_sequences");
      out.push_back(*oov_index);
    }
  }
  return out;
}

std::vector<Tokenizer::Sequence> Tokenizer::texts_to_sequences(
    const std::vector<std::string>& texts) const {
  std::vector<Sequence> out;
  out.reserve(texts.size());
  for (const auto& text : texts) out.push_back(to_sequence(tokenize(text)));
  return out;
}

std::vector<Tokenizer::Sequence> Tokenizer::token_lists_to_sequences(
    const std::vector<Tokens>& texts) const {
  std::vector<Sequence> out;
  out.reserve(texts.size());
  for (const auto& tokens : texts) out.push_back(to_sequence(lowered(tokens)));
  return out;
}

std::vector<std::string> Tokenizer::sequences_to_texts(
    const std::vector<Sequence>& sequences) const {
  const std::string* oov_word = nullptr;
  if (options_.oov_token) {
    auto found = word_index_.find(*options_.oov_token);
    if (found != word_index_.end()) oov_word = &index_word_.at(found->second);
  }
  std::vector<std::string> out;
  for (const auto& sequence : sequences) {
    std::vector<const std::string*> words;
    for (std::int64_t index : sequence) {
      auto found = index_word_.find(index);
      const bool known = found != index_word_.end();
      if (known && !(options_.num_words != 0 && index >= options_.num_words))
        words.push_back(&found->second);
      else if ((known || options_.oov_token) && oov_word != nullptr)
        words.push_back(oov_word);
    }
    std::string text;
    for (std::size_t i = 0; i < words.size(); ++i) text += (i ? " " : "") + *words[i];
    out.push_back(std::move(text));
  }
  return out;
}

Tensor Tokenizer::texts_to_matrix(const std::vector<std::string>& texts,
                                  const std::string& mode) const {
  return sequences_to_matrix(texts_to_sequences(texts), mode);
}

Tensor Tokenizer::sequences_to_matrix(const std::vector<Sequence>& sequences,
                                      const std::string& mode) const {
  std::int64_t num_words = options_.num_words;
  if (num_words == 0) {
    if (word_index_.empty())
      throw std::invalid_argument(
          "Specify a dimension (num_words argument), or fit on some text data first.");
    num_words = static_cast<std::int64_t>(word_index_.size()) + 1;
  }
  if (mode != "binary" && mode != "count" && mode != "freq" && mode != "tfidf")
    throw std::invalid_argument("Unknown vectorization mode: '" + mode +
                                "' (expected 'binary', 'count', 'freq' or 'tfidf')");
  if (mode == "tfidf" && document_count_ == 0)
    throw std::invalid_argument("Fit the Tokenizer on some data before using tfidf mode.");
  Tensor x({static_cast<std::int64_t>(sequences.size()), num_words}, DType::float64);
  double* out = x.data<double>();
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    const Sequence& sequence = sequences[i];
    std::map<std::int64_t, std::int64_t> counts;
    for (std::int64_t j : sequence) {
      if (j < 0)
        throw std::invalid_argument("sequences_to_matrix: sequence " + std::to_string(i) +
                                    " holds the negative index " + std::to_string(j));
      if (j < num_words) ++counts[j];
    }
    double* row = out + static_cast<std::int64_t>(i) * num_words;
    for (const auto& [j, c] : counts) {
      if (mode == "count") {
        row[j] = static_cast<double>(c);
      } else if (mode == "freq") {
        row[j] = static_cast<double>(c) / static_cast<double>(sequence.size());
      } else if (mode == "binary") {
        row[j] = 1.0;
      } else {  // tfidf: weighting scheme 2 (log-scaled term frequency, smoothed idf)
        auto docs = index_docs_.find(j);
        double df = docs == index_docs_.end() ? 0.0 : static_cast<double>(docs->second);
        double tf = 1.0 + std::log(static_cast<double>(c));
        double idf = std::log(1.0 + static_cast<double>(document_count_) / (1.0 + df));
        row[j] = tf * idf;
      }
    }
  }
  return x;
}

nlohmann::json Tokenizer::get_config() const {
  nlohmann::ordered_json counts = nlohmann::ordered_json::object();  // first-seen order
  for (const auto& [word, c] : word_counts_) counts[word] = c;
  nlohmann::json docs = nlohmann::json::object();
  for (const auto& [word, c] : word_docs_) docs[word] = c;
  nlohmann::json index_docs = nlohmann::json::object();
  for (const auto& [index, c] : index_docs_) index_docs[std::to_string(index)] = c;
  nlohmann::json index_word = nlohmann::json::object();
  for (const auto& [index, word] : index_word_) index_word[std::to_string(index)] = word;
  nlohmann::json word_index = nlohmann::json::object();
  for (const auto& [word, index] : word_index_) word_index[word] = index;
  // keras_preprocessing stores the dictionaries as JSON strings inside the config.
  return {
      {"num_words",
       options_.num_words == 0 ? nlohmann::json() : nlohmann::json(options_.num_words)},
      {"filters", options_.filters},
      {"lower", options_.lower},
      {"split", options_.split},
      {"char_level", options_.char_level},
      {"oov_token", options_.oov_token ? nlohmann::json(*options_.oov_token) : nlohmann::json()},
      {"document_count", document_count_},
      {"word_counts", counts.dump()},
      {"word_docs", docs.dump()},
      {"index_docs", index_docs.dump()},
      {"index_word", index_word.dump()},
      {"word_index", word_index.dump()}};
}

std::string Tokenizer::to_json() const {
  return nlohmann::json{{"class_name", "Tokenizer"}, {"config", get_config()}}.dump();
}

namespace {

template <typename Json = nlohmann::json>
Json parse_json(const std::string& text, const std::string& what) {
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("tokenizer_from_json: " + what + " is not valid JSON (" + e.what() +
                                ")");
  }
}

std::int64_t parse_index(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size())
    throw std::invalid_argument("tokenizer_from_json: '" + text.substr(0, 40) +
                                "' is not a word index");
  return value;
}

}  // namespace

Tokenizer Tokenizer::from_json(const std::string& json_string) {
  nlohmann::json document = parse_json(json_string, "the text");
  try {
    if (!document.is_object() || document.value("class_name", "") != "Tokenizer" ||
        !document.contains("config"))
      throw std::invalid_argument(
          "tokenizer_from_json: expected {\"class_name\": \"Tokenizer\", \"config\": {...}}");
    const nlohmann::json& config = document.at("config");
    TokenizerOptions options;
    if (!config.at("num_words").is_null()) options.num_words = config.at("num_words");
    options.filters = config.at("filters");
    options.lower = config.at("lower");
    options.split = config.at("split");
    options.char_level = config.at("char_level");
    if (!config.at("oov_token").is_null()) options.oov_token = config.at("oov_token");
    Tokenizer tokenizer(std::move(options));
    tokenizer.document_count_ = config.at("document_count");
    // Each dictionary is kept in a local: items() refers to it while the loop runs.
    const auto counts = parse_json<nlohmann::ordered_json>(config.at("word_counts"), "word_counts");
    for (const auto& [word, c] : counts.items()) {
      tokenizer.word_position_[word] = tokenizer.word_counts_.size();
      tokenizer.word_counts_.emplace_back(word, c.get<std::int64_t>());
    }
    const nlohmann::json docs = parse_json(config.at("word_docs"), "word_docs");
    for (const auto& [word, c] : docs.items()) tokenizer.word_docs_[word] = c.get<std::int64_t>();
    const nlohmann::json index_docs = parse_json(config.at("index_docs"), "index_docs");
    for (const auto& [index, c] : index_docs.items())
      tokenizer.index_docs_[parse_index(index)] = c.get<std::int64_t>();
    const nlohmann::json word_index = parse_json(config.at("word_index"), "word_index");
    for (const auto& [word, index] : word_index.items())
      tokenizer.word_index_[word] = index.get<std::int64_t>();
    const nlohmann::json index_word = parse_json(config.at("index_word"), "index_word");
    for (const auto& [index, word] : index_word.items())
      tokenizer.index_word_[parse_index(index)] = word.get<std::string>();
    return tokenizer;
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument(std::string("tokenizer_from_json: a config entry is missing or "
                                            "has the wrong type (") +
                                e.what() + ")");
  }
}

}  // namespace keras::preprocessing::text
