// keras.preprocessing.image against values worked out by hand from keras_preprocessing 1.0.5's
// definitions (and numpy's legacy generator for the random draws).
#include "keras/preprocessing/image.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>

namespace ki = keras::preprocessing::image;
namespace fs = std::filesystem;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

// A (rows, cols, 1) image with the given values, row by row.
Tensor image_of(std::int64_t rows, std::int64_t cols, std::vector<float> values) {
  return Tensor::from_vector(values, {rows, cols, 1});
}

fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("keras_image_test_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST(NumpyRandom, MatchesNumpysLegacyGenerator) {
  ki::NumpyRandom rng(0);  // np.random.seed(0)
  EXPECT_DOUBLE_EQ(rng.random(), 0.5488135039273248);
  EXPECT_DOUBLE_EQ(rng.random(), 0.7151893663724195);
  rng.seed(0);
  EXPECT_EQ(rng.permutation(10), (std::vector<std::int64_t>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));
  rng.seed(0);
  EXPECT_EQ(rng.randint(0, 10), 5);
  EXPECT_EQ(rng.randint(0, 7), 0);
  rng.seed(42);
  EXPECT_DOUBLE_EQ(rng.uniform(-30, 30), -7.527592869158251);
  EXPECT_THROW(rng.randint(3, 3), std::invalid_argument);
}

TEST(AffineTransform, IdentityIsACopyAndShiftMovesRows) {
  Tensor x = image_of(3, 2, {1, 2, 3, 4, 5, 6});
  Tensor same = ki::apply_affine_transform(x, {}, {});
  EXPECT_EQ(same.to_vector<float>(), x.to_vector<float>());
  EXPECT_FALSE(same.shares_storage_with(x));
  // A pure shift is not moved by the centring: input row = output row + tx.
  Tensor shifted = ki::apply_affine_transform(x, {.tx = 1}, {}, ki::FillMode::nearest);
  EXPECT_EQ(shifted.to_vector<float>(), (std::vector<float>{3, 4, 5, 6, 5, 6}));
  Tensor half = ki::apply_affine_transform(x, {.ty = 0.5}, {}, ki::FillMode::nearest);
  EXPECT_EQ(half.to_vector<float>(), (std::vector<float>{1.5f, 2, 3.5f, 4, 5.5f, 6}));
}

TEST(AffineTransform, FillModesFollowScipy) {
  Tensor row = image_of(1, 5, {1, 2, 3, 4, 5});
  auto shifted = [&](ki::FillMode mode, double cval = 0) {
    return ki::apply_affine_transform(row, {.ty = 2}, {}, mode, cval).to_vector<float>();
  };
  EXPECT_EQ(shifted(ki::FillMode::constant, -1), (std::vector<float>{3, 4, 5, -1, -1}));
  EXPECT_EQ(shifted(ki::FillMode::nearest), (std::vector<float>{3, 4, 5, 5, 5}));
  EXPECT_EQ(shifted(ki::FillMode::reflect), (std::vector<float>{3, 4, 5, 5, 4}));
  EXPECT_EQ(shifted(ki::FillMode::wrap), (std::vector<float>{3, 4, 5, 2, 3}));
  EXPECT_THROW(ki::fill_mode_from_name("mirror"), std::invalid_argument);
}

TEST(AffineTransform, RotationTurnsAboutKerasCentre) {
  // 90 degrees: input (r, c) = (o - (c - o), r) with Keras's centre o = h / 2 + 0.5 = 2.5.
  std::vector<float> values(16);
  for (int i = 0; i < 16; ++i) values[static_cast<std::size_t>(i)] = static_cast<float>(i);
  Tensor x = image_of(4, 4, values);
  Tensor y = ki::apply_affine_transform(x, {.theta = 90}, {}, ki::FillMode::nearest);
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c) {
      const int in_r = std::min(5 - c, 3);
      EXPECT_NEAR(y.at<float>(r, c, 0), static_cast<float>(in_r * 4 + r), 1e-4) << r << "," << c;
    }
}

TEST(AffineTransform, ChannelsFirstAndRankErrors) {
  Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 10, 20, 30, 40}, {2, 2, 2});  // (C, H, W)
  Tensor y = ki::apply_affine_transform(x, {.tx = 1}, ki::image_axes("channels_first"),
                                        ki::FillMode::constant, 0);
  EXPECT_EQ(y.to_vector<float>(), (std::vector<float>{3, 4, 0, 0, 30, 40, 0, 0}));
  EXPECT_THROW(ki::apply_affine_transform(Tensor({2, 2}), {.theta = 3}, {}), std::invalid_argument);
  EXPECT_THROW(ki::image_axes("channels_middle"), std::invalid_argument);
}

TEST(ChannelShiftBrightnessFlip, HandComputed) {
  Tensor x = image_of(1, 3, {0, 4, 10});
  EXPECT_EQ(ki::apply_channel_shift(x, 5, 2).to_vector<float>(), (std::vector<float>{5, 9, 10}));
  EXPECT_EQ(ki::apply_channel_shift(x, -5, 2).to_vector<float>(), (std::vector<float>{0, 0, 5}));
  // array_to_img scales [0, 10] to [0, 255]: 0, 102, 255; brightness 0.5 truncates: 0, 51, 127.
  EXPECT_EQ(ki::apply_brightness_shift(x, 0.5, 2).to_vector<float>(),
            (std::vector<float>{0, 51, 127}));
  EXPECT_EQ(ki::apply_brightness_shift(x, 2.0, 2).to_vector<float>(),
            (std::vector<float>{0, 204, 255}));
  EXPECT_EQ(ki::flip_axis(x, 1).to_vector<float>(), (std::vector<float>{10, 4, 0}));
  EXPECT_THROW(ki::apply_brightness_shift(Tensor({2, 2, 2}), 1.0, 2), std::invalid_argument);
}

TEST(ImageDataGenerator, RandomTransformDrawsInKerasOrder) {
  ki::ImageDataGeneratorOptions o;
  o.rotation_range = 30;
  o.height_shift_range = {ki::ShiftRange::Kind::integer, 3, {}};
  o.width_shift_range = {ki::ShiftRange::Kind::fraction_or_pixels, 0.25, {}};
  o.zoom_range = {0.5};
  o.horizontal_flip = true;
  o.channel_shift_range = 2;
  ki::ImageDataGenerator g(o);
  ki::NumpyRandom rng(5), ref(5);
  const ki::TransformParameters p = g.get_random_transform({8, 6, 3}, rng);
  EXPECT_DOUBLE_EQ(p.affine.theta, ref.uniform(-30, 30));
  const auto magnitude = static_cast<double>(ref.randint(0, 3));
  const double tx = magnitude * (ref.randint(0, 2) == 0 ? -1 : 1);
  EXPECT_DOUBLE_EQ(p.affine.tx, tx);
  EXPECT_DOUBLE_EQ(p.affine.ty, ref.uniform(-0.25, 0.25) * 6);
  EXPECT_DOUBLE_EQ(p.affine.zx, ref.uniform(0.5, 1.5));
  EXPECT_DOUBLE_EQ(p.affine.zy, ref.uniform(0.5, 1.5));
  EXPECT_EQ(p.flip_horizontal, ref.random() < 0.5);
  EXPECT_FALSE(p.flip_vertical);
  ref.random();  // drawn though vertical_flip is off
  EXPECT_DOUBLE_EQ(*p.channel_shift_intensity, ref.uniform(-2, 2));
  EXPECT_FALSE(p.brightness);
  EXPECT_DOUBLE_EQ(rng.random(), ref.random());  // the same number of draws
}

TEST(ImageDataGenerator, OverridesAndBadOptions) {
  ki::ImageDataGenerator zca({.zca_whitening = true});
  EXPECT_TRUE(zca.featurewise_center());
  EXPECT_EQ(zca.override_warnings().size(), 1u);
  EXPECT_THROW(ki::ImageDataGenerator({.validation_split = 1.5}), std::invalid_argument);
  ki::ImageDataGeneratorOptions bad_zoom;
  bad_zoom.zoom_range = {1, 2, 3};
  EXPECT_THROW(ki::ImageDataGenerator{bad_zoom}, std::invalid_argument);
  ki::ImageDataGeneratorOptions bad_fill;
  bad_fill.fill_mode = "edge";
  EXPECT_THROW(ki::ImageDataGenerator{bad_fill}, std::invalid_argument);
}

TEST(ImageDataGenerator, StandardizeAndFit) {
  ki::ImageDataGeneratorOptions o;
  o.rescale = 0.5;
  o.samplewise_center = true;
  ki::ImageDataGenerator g(o);
  // (2, 4, 6) * 0.5 = (1, 2, 3), minus the mean 2.
  EXPECT_EQ(g.standardize(image_of(1, 3, {2, 4, 6})).to_vector<float>(),
            (std::vector<float>{-1, 0, 1}));
  EXPECT_THROW(g.standardize(Tensor({3})), std::invalid_argument);

  ki::ImageDataGenerator f({.featurewise_center = true, .featurewise_std_normalization = true});
  // Two images (1 x 1 x 2): channel 0 = {1, 3} (mean 2, std 1), channel 1 = {10, 30}.
  f.fit(Tensor::from_vector<float>({1, 10, 3, 30}, {2, 1, 1, 2}));
  EXPECT_EQ(f.mean().shape(), (Shape{1, 1, 2}));
  EXPECT_EQ(f.mean().to_vector<float>(), (std::vector<float>{2, 20}));
  EXPECT_EQ(f.std().to_vector<float>(), (std::vector<float>{1, 10}));
  const auto z = f.standardize(Tensor::from_vector<float>({3, 0}, {1, 1, 2})).to_vector<float>();
  EXPECT_NEAR(z[0], 1.0f, 1e-5);
  EXPECT_NEAR(z[1], -2.0f, 1e-5);
  EXPECT_THROW(f.fit(Tensor({2, 2, 2})), std::invalid_argument);
}

TEST(ImageDataGenerator, ZcaWhitensTheFittedData) {
  ki::ImageDataGenerator g({.zca_whitening = true, .zca_epsilon = 1e-9});
  ki::NumpyRandom rng(1);
  const std::int64_t n = 200, d = 3;  // images of 1 x 1 x 3, correlated channels
  std::vector<float> values;
  for (std::int64_t i = 0; i < n; ++i) {
    const double a = rng.uniform(-1, 1), b = rng.uniform(-1, 1), c = rng.uniform(-1, 1);
    values.insert(values.end(), {static_cast<float>(a), static_cast<float>(a + 0.5 * b),
                                 static_cast<float>(a - b + 0.2 * c)});
  }
  Tensor x = Tensor::from_vector(values, {n, 1, 1, d});
  g.fit(x);
  Tensor w = g.standardize(x);
  for (std::int64_t i = 0; i < d; ++i)
    for (std::int64_t j = 0; j < d; ++j) {
      double s = 0;
      for (std::int64_t k = 0; k < n; ++k) s += w.at<float>(k, 0, 0, i) * w.at<float>(k, 0, 0, j);
      EXPECT_NEAR(s / n, i == j ? 1.0 : 0.0, 1e-3) << i << "," << j;
    }
}

TEST(ImageFiles, PngRoundTripConvertResize) {
  const fs::path dir = temp_dir("files");
  ki::Image rgb{2, 2, 3, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30}};
  ki::write_image(rgb, (dir / "a.png").string());
  ki::Image back = ki::read_image((dir / "a.png").string());
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.pixels, rgb.pixels);
  // Pillow's luma: (r 19595 + g 38470 + b 7471 + 0x8000) >> 16.
  ki::Image grey = ki::load_img((dir / "a.png").string(), {.color_mode = "grayscale"});
  EXPECT_EQ(grey.pixels, (std::vector<std::uint8_t>{76, 150, 29, 18}));
  ki::Image big = ki::resize_image(grey, 4, 4, "nearest");
  EXPECT_EQ(big.pixels[0], 76);
  EXPECT_EQ(big.pixels[1], 76);
  EXPECT_EQ(big.pixels[2], 150);
  EXPECT_EQ(big.pixels[15], 18);
  ki::Image flat{2, 4, 1, std::vector<std::uint8_t>(8, 77)};
  EXPECT_EQ(ki::resize_image(flat, 1, 2, "bilinear").pixels, (std::vector<std::uint8_t>{77, 77}));
  EXPECT_EQ(ki::resize_image(flat, 3, 3, "bicubic").pixels, std::vector<std::uint8_t>(9, 77));
  EXPECT_THROW(ki::resize_image(flat, 3, 3, "cubic"), std::invalid_argument);
  Tensor arr = ki::img_to_array(rgb, "channels_first");
  EXPECT_EQ(arr.shape(), (Shape{3, 2, 2}));
  EXPECT_EQ(arr.at<float>(2, 1, 1), 30.0f);
}

TEST(ImageFiles, JpegRoundTripAndBadFiles) {
  const fs::path dir = temp_dir("jpeg");
  ki::Image grey{8, 8, 1, std::vector<std::uint8_t>(64, 128)};
  ki::write_image(grey, (dir / "g.jpg").string());
  ki::Image back = ki::read_image((dir / "g.jpg").string());
  EXPECT_EQ(back.channels, 1);
  for (auto v : back.pixels) EXPECT_NEAR(v, 128, 2);
  std::ofstream(dir / "text.png") << "not an image";
  EXPECT_THROW(ki::read_image((dir / "text.png").string()), std::invalid_argument);
  EXPECT_THROW(ki::read_image((dir / "missing.png").string()), std::invalid_argument);
  EXPECT_THROW(ki::write_image(grey, (dir / "g.gif").string()), std::invalid_argument);
  EXPECT_THROW(ki::load_img((dir / "g.jpg").string(), {.color_mode = "cmyk"}),
               std::invalid_argument);
  EXPECT_THROW(ki::array_to_img(Tensor({2, 2, 2})), std::invalid_argument);
  EXPECT_THROW(ki::array_to_img(Tensor({2, 2})), std::invalid_argument);
}

TEST(ImageIterator, ListsClassFoldersAndSplits) {
  const fs::path dir = temp_dir("listing");
  fs::create_directories(dir / "cats" / "sub");
  fs::create_directories(dir / "dogs");
  ki::Image px{1, 1, 3, {1, 2, 3}};
  for (const char* name :
       {"cats/b.png", "cats/a.jpg", "cats/sub/c.png", "dogs/z.PNG", "dogs/y.png"})
    ki::write_image(px, (dir / name).string(), "png");
  std::ofstream(dir / "dogs" / "notes.txt") << "skip me";
  ki::DirectoryListing all = ki::list_directory(dir.string(), {}, false, std::nullopt);
  EXPECT_EQ(all.classes, (std::vector<std::string>{"cats", "dogs"}));
  EXPECT_EQ(all.filenames, (std::vector<std::string>{"cats/a.jpg", "cats/b.png", "cats/sub/c.png",
                                                     "dogs/y.png", "dogs/z.PNG"}));
  EXPECT_EQ(all.labels, (std::vector<std::int64_t>{0, 0, 0, 1, 1}));
  ki::DirectoryListing val = ki::list_directory(dir.string(), {"dogs"}, false, {{0.0, 0.5}});
  EXPECT_EQ(val.filenames, (std::vector<std::string>{"dogs/y.png"}));  // [0, int(0.5 * 2))
  EXPECT_EQ(val.labels, (std::vector<std::int64_t>{0}));
  EXPECT_THROW(ki::list_directory((dir / "nope").string(), {}, false, std::nullopt),
               std::invalid_argument);
}

TEST(ImageIterator, DeterministicBatchesWithAndWithoutWorkers) {
  ki::ImageDataGeneratorOptions o;
  o.rotation_range = 20;
  o.horizontal_flip = true;
  auto handle = std::make_shared<ki::GeneratorHandle>(std::make_shared<ki::ImageDataGenerator>(o));
  std::vector<float> values(10 * 4 * 4);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i % 17);
  const Tensor data = Tensor::from_vector(values, {10, 4, 4, 1});
  auto loader = [data](std::int64_t j) { return data[j]; };
  ki::IteratorOptions threaded{.batch_size = 4, .shuffle = true, .seed = 3, .workers = 2};
  ki::IteratorOptions inline_options = threaded;
  inline_options.workers = 0;
  ki::ImageIterator a(handle, 10, loader, threaded), b(handle, 10, loader, inline_options);
  ASSERT_EQ(a.size(), 3);
  for (std::int64_t epoch = 0; epoch < 2; ++epoch) {
    std::set<std::int64_t> seen;
    for (std::int64_t i = 0; i < 3; ++i) {
      ki::ImageIterator::Batch x = a.batch(epoch, i), y = b.batch(epoch, i);
      EXPECT_EQ(x.index_array, y.index_array);
      EXPECT_EQ(x.x.to_vector<float>(), y.x.to_vector<float>());
      seen.insert(x.index_array.begin(), x.index_array.end());
    }
    EXPECT_EQ(seen.size(), 10u);
  }
  // The order of epoch 0 is numpy's permutation after np.random.seed(3).
  ki::NumpyRandom rng(3);
  const auto order = rng.permutation(10);
  EXPECT_EQ(a.index_array(0, 0), std::vector<std::int64_t>(order.begin(), order.begin() + 4));
  EXPECT_THROW(a.batch(0, 3), std::out_of_range);
}
