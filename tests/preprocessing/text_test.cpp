// keras.preprocessing.text against values worked out by hand from Keras 2.2.4's definitions
// (keras_preprocessing 1.0.5's text.py).
#include "keras/preprocessing/text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace kt = keras::preprocessing::text;
using Strings = std::vector<std::string>;
using Sequences = std::vector<std::vector<std::int64_t>>;

TEST(TextToWordSequence, LowersFiltersAndSplits) {
  EXPECT_EQ(kt::text_to_word_sequence("Hello, World!  It's\tme."),
            (Strings{"hello", "world", "it's", "me"}));
  EXPECT_EQ(kt::text_to_word_sequence("a-b_c", "-", false, "_"), (Strings{"a", "b", "c"}));
  EXPECT_EQ(kt::text_to_word_sequence("A  B", "", false), (Strings{"A", "B"}));
  // A multi-character separator splits on the whole string, as Python's str.split(sep).
  EXPECT_EQ(kt::text_to_word_sequence("x--y----z", "", true, "--"), (Strings{"x", "y", "z"}));
  EXPECT_TRUE(kt::text_to_word_sequence("").empty());
}

TEST(TextToWordSequence, UnicodeLowercasingAndFilters) {
  // Python: 'ÉTÉ À Ὀδυσσεύς'.lower() == 'été à ὀδυσσεύς' (final sigma included).
  EXPECT_EQ(kt::text_to_word_sequence("ÉTÉ À ὈΔΥΣΣΕΎΣ"), (Strings{"été", "à", "ὀδυσσεύς"}));
  EXPECT_EQ(kt::text_to_word_sequence("a·b", "·", false), (Strings{"a", "b"}));
  EXPECT_EQ(kt::characters("añb"), (Strings{"a", "ñ", "b"}));
}

TEST(TextToWordSequence, RejectsInvalidUtf8AndEmptySplit) {
  EXPECT_THROW(kt::text_to_word_sequence(std::string("ab\xff", 3)), std::invalid_argument);
  EXPECT_THROW(kt::text_to_word_sequence("a b", "", true, ""), std::invalid_argument);
}

TEST(HashingTrick, Md5MatchesPythonsBigIntegerModulo) {
  // int(md5(b'hello').hexdigest(), 16) = 0x5d41402abc4b2a76b9719d911017c592, which is 7 mod 9
  // (Python's integers); 'the' and 'quick' give 6 and 1 with n = 7.
  EXPECT_EQ(kt::md5_mod("hello", 9), 7);
  EXPECT_EQ(kt::hashing_trick("hello Hello", 10), (std::vector<std::int64_t>{8, 8}));
  EXPECT_EQ(kt::hashing_trick("The quick", 7), (std::vector<std::int64_t>{6, 1}));
  for (std::int64_t i : kt::hashing_trick("the quick brown fox jumps", 7)) {
    EXPECT_GE(i, 1);
    EXPECT_LT(i, 7);
  }
  // A custom hash, negative values taken mod n-1 as Python does.
  auto custom = kt::hashing_trick(
      "a bb", 5, [](const std::string& w) { return -static_cast<std::int64_t>(w.size()); });
  EXPECT_EQ(custom, (std::vector<std::int64_t>{4, 3}));  // -1 % 4 = 3, -2 % 4 = 2
  EXPECT_THROW(kt::hashing_trick("a", 1), std::invalid_argument);
}

TEST(OneHot, SameWordSameIndexWithinRange) {
  auto indices = kt::one_hot("Cat dog cat", 20);
  ASSERT_EQ(indices.size(), 3u);
  EXPECT_EQ(indices[0], indices[2]);
  for (std::int64_t i : indices) {
    EXPECT_GE(i, 1);
    EXPECT_LT(i, 20);
  }
}

namespace {

const Strings kTexts{"The cat sat on the mat.", "The dog ate my homework.", "the cat"};

}  // namespace

TEST(Tokenizer, WordIndexByFrequencyTiesInFirstSeenOrder) {
  kt::Tokenizer tokenizer;
  tokenizer.fit_on_texts(kTexts);
  EXPECT_EQ(tokenizer.document_count(), 3);
  // the: 4, cat: 2, then first-seen order: sat on mat dog ate my homework.
  const auto& index = tokenizer.word_index();
  EXPECT_EQ(index.at("the"), 1);
  EXPECT_EQ(index.at("cat"), 2);
  EXPECT_EQ(index.at("sat"), 3);
  EXPECT_EQ(index.at("on"), 4);
  EXPECT_EQ(index.at("mat"), 5);
  EXPECT_EQ(index.at("homework"), 9);
  EXPECT_EQ(tokenizer.index_word().at(2), "cat");
  EXPECT_EQ(tokenizer.word_counts().front(), (std::pair<std::string, std::int64_t>{"the", 4}));
  EXPECT_EQ(tokenizer.word_docs().at("the"), 3);  // documents, not occurrences
  EXPECT_EQ(tokenizer.index_docs().at(2), 2);
  EXPECT_EQ(tokenizer.texts_to_sequences({"the cat ate a fish"}), (Sequences{{1, 2, 7}}));
  EXPECT_EQ(tokenizer.sequences_to_texts({{1, 2, 7, 99}}), (Strings{"the cat ate"}));
}

TEST(Tokenizer, NumWordsKeepsIndicesBelowIt) {
  kt::Tokenizer tokenizer({.num_words = 3});
  tokenizer.fit_on_texts(kTexts);
  EXPECT_EQ(tokenizer.texts_to_sequences({"the cat sat on"}), (Sequences{{1, 2}}));
  keras::Tensor m = tokenizer.texts_to_matrix({"the the cat sat"}, "count");
  ASSERT_EQ(m.shape(), (keras::Shape{1, 3}));
  EXPECT_EQ(m.at<double>(0, 0), 0.0);
  EXPECT_EQ(m.at<double>(0, 1), 2.0);
  EXPECT_EQ(m.at<double>(0, 2), 1.0);
}

TEST(Tokenizer, OovTokenTakesIndexOne) {
  kt::Tokenizer tokenizer({.num_words = 4, .oov_token = "<unk>"});
  tokenizer.fit_on_texts(kTexts);
  EXPECT_EQ(tokenizer.word_index().at("<unk>"), 1);
  EXPECT_EQ(tokenizer.word_index().at("the"), 2);
  // "sat" (index 4) is past num_words and "fish" unknown: both become the oov index.
  EXPECT_EQ(tokenizer.texts_to_sequences({"the sat fish cat"}), (Sequences{{2, 1, 1, 3}}));
  EXPECT_EQ(tokenizer.sequences_to_texts({{2, 4, 3}}), (Strings{"the <unk> cat"}));
}

TEST(Tokenizer, MatrixModes) {
  kt::Tokenizer tokenizer;
  tokenizer.fit_on_texts(kTexts);
  const Strings texts{"the the cat", ""};
  keras::Tensor binary = tokenizer.texts_to_matrix(texts, "binary");
  ASSERT_EQ(binary.shape(), (keras::Shape{2, 10}));  // 9 words + the reserved 0
  EXPECT_EQ(binary.at<double>(0, 1), 1.0);
  EXPECT_EQ(binary.at<double>(0, 2), 1.0);
  EXPECT_EQ(binary.at<double>(1, 1), 0.0);
  keras::Tensor freq = tokenizer.texts_to_matrix(texts, "freq");
  EXPECT_DOUBLE_EQ(freq.at<double>(0, 1), 2.0 / 3.0);
  keras::Tensor tfidf = tokenizer.texts_to_matrix(texts, "tfidf");
  // tf = 1 + ln(2); idf = ln(1 + 3 / (1 + 3)) for "the" (in all 3 documents).
  EXPECT_NEAR(tfidf.at<double>(0, 1), (1 + std::log(2.0)) * std::log(1 + 3.0 / 4.0), 1e-12);
  EXPECT_NEAR(tfidf.at<double>(0, 2), 1.0 * std::log(1 + 3.0 / 3.0), 1e-12);
  EXPECT_THROW(tokenizer.texts_to_matrix(texts, "tf"), std::invalid_argument);
}

TEST(Tokenizer, ErrorsBeforeFitting) {
  kt::Tokenizer tokenizer;
  EXPECT_THROW(tokenizer.sequences_to_matrix({{1}}), std::invalid_argument);
  kt::Tokenizer sized({.num_words = 5});
  EXPECT_THROW(sized.sequences_to_matrix({{1}}, "tfidf"), std::invalid_argument);
  sized.fit_on_sequences({{1, 1, 2}, {2}});
  EXPECT_EQ(sized.document_count(), 2);
  EXPECT_EQ(sized.index_docs().at(1), 1);
  EXPECT_EQ(sized.index_docs().at(2), 2);
  EXPECT_EQ(sized.sequences_to_matrix({{1, 7}}, "tfidf").shape(), (keras::Shape{1, 5}));
  EXPECT_THROW(kt::Tokenizer({.num_words = -1}), std::invalid_argument);
}

TEST(Tokenizer, CharLevelAndTokenLists) {
  kt::Tokenizer chars({.char_level = true});
  chars.fit_on_texts({"abA"});
  EXPECT_EQ(chars.word_index().at("a"), 1);
  EXPECT_EQ(chars.texts_to_sequences({"bA!"}), (Sequences{{2, 1}}));
  kt::Tokenizer lists;
  lists.fit_on_token_lists({{"New York", "is", "BIG"}, {"new york"}});
  EXPECT_EQ(lists.word_index().at("new york"), 1);
  EXPECT_EQ(lists.token_lists_to_sequences({{"BIG", "New York"}}), (Sequences{{3, 1}}));
}

TEST(Tokenizer, JsonRoundTripKeepsEverything) {
  kt::Tokenizer tokenizer({.num_words = 6, .oov_token = "?"});
  tokenizer.fit_on_texts(kTexts);
  kt::Tokenizer copy = kt::Tokenizer::from_json(tokenizer.to_json());
  EXPECT_EQ(copy.word_index(), tokenizer.word_index());
  EXPECT_EQ(copy.word_counts(), tokenizer.word_counts());
  EXPECT_EQ(copy.index_docs(), tokenizer.index_docs());
  EXPECT_EQ(copy.document_count(), 3);
  EXPECT_EQ(copy.texts_to_sequences({"the dog flew"}),
            tokenizer.texts_to_sequences({"the dog flew"}));
  EXPECT_THROW(kt::Tokenizer::from_json("{\"class_name\": \"Tokenizer\"}"), std::invalid_argument);
  EXPECT_THROW(kt::Tokenizer::from_json("[1"), std::invalid_argument);
}
