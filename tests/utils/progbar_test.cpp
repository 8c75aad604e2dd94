// Keras 2.2.4's progress bar text, byte for byte.
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "keras/callbacks.h"
#include "keras/utils/generic_utils.h"

namespace {

// Runs `body` with a Progbar writing to a temporary (non-terminal) file and returns the text.
template <typename Body>
std::string captured(Body&& body) {
  std::FILE* file = std::tmpfile();
  body(file);
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, file)) text.append(buffer, n);
  std::fclose(file);
  return text;
}

}  // namespace

TEST(Progbar, FinalLineHasKerasLayout) {
  std::string text = captured([](std::FILE* f) {
    keras::utils::Progbar bar(60000, 30, 1, 0.05, f);
    bar.update(30000, {{"loss", 0.5}, {"acc", 0.75}});
    bar.update(60000, {{"loss", 0.3}, {"acc", 0.85}});
  });
  // Not a terminal: each update starts a new line, as Keras 2.2.4 does.
  std::size_t last = text.rfind('\n', text.size() - 2);
  std::string final_line = text.substr(last + 1);
  EXPECT_EQ(final_line.substr(0, 44), "60000/60000 [==============================]");
  EXPECT_NE(final_line.find(" - 0s "), std::string::npos) << final_line;
  EXPECT_NE(final_line.find("us/step - loss: 0.4000 - acc: 0.8000\n"), std::string::npos)
      << final_line;
}

TEST(Progbar, RunningLineShowsEtaAndArrow) {
  std::string text = captured([](std::FILE* f) {
    keras::utils::Progbar bar(100, 30, 1, 0.0, f);
    bar.update(50, {{"loss", 1.0}});
  });
  EXPECT_EQ(text, "\n 50/100 [==============>...............] - ETA: 0s - loss: 1.0000");
}

TEST(Progbar, SmallValuesUseScientificNotation) {
  std::string text = captured([](std::FILE* f) {
    keras::utils::Progbar bar(10, 30, 1, 0.0, f);
    bar.update(10, {{"loss", 0.0001}});
  });
  EXPECT_NE(text.find("loss: 1.0000e-04"), std::string::npos) << text;
}

TEST(Progbar, VerboseTwoPrintsOneLineAtTheEnd) {
  std::string text = captured([](std::FILE* f) {
    keras::utils::Progbar bar(10, 30, 2, 0.05, f);
    bar.update(5, {{"loss", 0.5}});
    bar.update(10, {{"loss", 0.5}});
  });
  EXPECT_EQ(text, " - 0s - loss: 0.5000\n");
}

TEST(Progbar, UnknownTargetCountsStepsThroughAWriter) {
  std::string text;
  keras::utils::Progbar bar(
      keras::utils::Progbar::kUnknownTarget, 30, 1, 0.0, {},
      [&](const std::string& part) { text += part; }, false);
  bar.update(3, {{"loss", 2.0}});
  bar.add(4, {{"loss", 1.0}});
  // Keras's None target: "<current>/Unknown", every update printed, no final newline.
  std::size_t last = text.rfind('\n');
  std::string final_line = text.substr(last + 1);
  EXPECT_EQ(final_line.substr(0, 15), "      7/Unknown") << text;
  EXPECT_NE(final_line.find("loss: 1.4286"), std::string::npos) << text;  // (3*2 + 4*1) / 7
}

TEST(Progbar, StatefulMetricsShowTheirLastValue) {
  std::string text;
  keras::utils::Progbar bar(
      10, 10, 1, 0.0, {"acc"}, [&](const std::string& part) { text += part; }, false);
  bar.update(5, {{"acc", 0.5}, {"loss", 1.0}});
  bar.update(10, {{"acc", 0.25}, {"loss", 3.0}});
  EXPECT_NE(text.find("acc: 0.2500 - loss: 2.0000\n"), std::string::npos) << text;
}

TEST(Progbar, ForceBypassesTheInterval) {
  std::string text;
  keras::utils::Progbar bar(
      100, 10, 1, 3600.0, {}, [&](const std::string& part) { text += part; }, false);
  bar.update(10, {}, true);
  bar.update(20);  // within the interval: skipped
  bar.update(30, {}, true);
  EXPECT_NE(text.find(" 10/100"), std::string::npos) << text;
  EXPECT_EQ(text.find(" 20/100"), std::string::npos) << text;
  EXPECT_NE(text.find(" 30/100"), std::string::npos) << text;
}

TEST(Progbar, RejectsANegativeTarget) {
  EXPECT_THROW(keras::utils::Progbar(-5), std::invalid_argument);
}
