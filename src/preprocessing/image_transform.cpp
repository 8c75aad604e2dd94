// ImageDataGenerator's random transforms, standardization and featurewise statistics
// (keras_preprocessing 1.0.5's image.py), and numpy's legacy random generator they draw from.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numbers>
#include <numeric>
#include <stdexcept>

#include "keras/backend/backend.h"
#include "keras/preprocessing/image.h"

extern "C" {
// LAPACK / BLAS (Fortran calling convention): the ZCA matrix.
void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
             double* work, const int* lwork, int* iwork, const int* liwork, int* info);
void dsyrk_(const char* uplo, const char* trans, const int* n, const int* k, const double* alpha,
            const double* a, const int* lda, const double* beta, double* c, const int* ldc);
}

namespace keras::preprocessing::image {

namespace {

using Matrix3 = std::array<std::array<double, 3>, 3>;

Matrix3 multiply(const Matrix3& a, const Matrix3& b) {  // np.dot of two 3 x 3 matrices
  Matrix3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = 0.0;
      for (int k = 0; k < 3; ++k) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  return c;
}

std::string shape_text(const Shape& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + (shape.size() == 1 ? ",)" : ")");
}

Tensor as_float_image(const Tensor& x, const char* where) {
  if (!x.defined() || x.ndim() != 3)
    throw std::invalid_argument(std::string(where) +
                                ": expected one image (an array of rank 3); got shape " +
                                (x.defined() ? shape_text(x.shape()) : std::string("None")));
  return x.dtype() == DType::float32 ? x.clone() : x.astype(DType::float32);
}

// The strides (in elements) of rows, columns and channels of a contiguous image.
struct ImageGeometry {
  std::int64_t rows, cols, channels;
  std::int64_t row_stride, col_stride, channel_stride;
};

ImageGeometry geometry(const Shape& shape, const ImageAxes& axes) {
  if (std::min({axes.row, axes.col, axes.channel}) < 0 ||
      std::max({axes.row, axes.col, axes.channel}) > 2 || axes.row == axes.col ||
      axes.row == axes.channel || axes.col == axes.channel)
    throw std::invalid_argument(
        "row_axis, col_axis and channel_axis must be 0, 1 and 2 in some "
        "order");
  const std::array<std::int64_t, 3> strides{shape[1] * shape[2], shape[2], 1};
  return {shape[static_cast<std::size_t>(axes.row)],
          shape[static_cast<std::size_t>(axes.col)],
          shape[static_cast<std::size_t>(axes.channel)],
          strides[static_cast<std::size_t>(axes.row)],
          strides[static_cast<std::size_t>(axes.col)],
          strides[static_cast<std::size_t>(axes.channel)]};
}

// scipy.ndimage's mapping of an input coordinate outside [0, len - 1] for order-1 interpolation;
// returns false where the output takes cval (constant mode).
bool map_coordinate(double& in, std::int64_t len, FillMode mode) {
  const double last = static_cast<double>(len - 1);
  if (in >= 0.0 && in <= last) return true;
  switch (mode) {
    case FillMode::constant:
      return false;
    case FillMode::nearest:
      in = in < 0.0 ? 0.0 : last;
      return true;
    case FillMode::reflect: {  // half-sample symmetric: d c b a | a b c d | d c b a
      if (len <= 1) {
        in = 0.0;
        return true;
      }
      const auto sz2 = static_cast<double>(2 * len);
      if (in < 0.0) {
        if (in < -sz2) in = sz2 * std::trunc(-in / sz2) + in;
        in = in < -1.0 ? in + sz2 : -in - 1.0;
      } else {
        in -= sz2 * std::trunc(in / sz2);
        if (in >= static_cast<double>(len)) in = sz2 - in - 1.0;
      }
      return true;
    }
    case FillMode::wrap: {  // scipy's 'wrap': period len - 1 (first and last points overlap)
      if (len <= 1) {
        in = 0.0;
        return true;
      }
      const auto sz = static_cast<double>(len - 1);
      if (in < 0.0)
        in += sz * (std::trunc(-in / sz) + 1.0);
      else
        in -= sz * std::trunc(in / sz);
      return true;
    }
  }
  return true;
}

// The integer neighbour index of a mapped coordinate, inside [0, len).
std::int64_t neighbour(std::int64_t i, std::int64_t len, FillMode mode) {
  if (i >= 0 && i < len) return i;
  if (len <= 1) return 0;
  if (mode == FillMode::reflect) {
    const std::int64_t period = 2 * len;
    i %= period;
    if (i < 0) i += period;
    return i < len ? i : period - 1 - i;
  }
  return std::clamp<std::int64_t>(i, 0, len - 1);
}

}  // namespace

// ---- NumpyRandom -------------------------------------------------------------------------------

void NumpyRandom::seed(std::uint32_t seed) {  // numpy's mt19937_seed (init_genrand)
  key_[0] = seed;
  for (int i = 1; i < kStateSize; ++i)
    key_[i] = 1812433253U * (key_[i - 1] ^ (key_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  pos_ = kStateSize;
}

void NumpyRandom::set_state(const std::vector<std::uint32_t>& key, int pos) {
  if (key.size() != kStateSize || pos < 0 || pos > kStateSize)
    throw std::invalid_argument("NumpyRandom: a state is 624 words and a position in [0, 624]");
  std::copy(key.begin(), key.end(), key_);
  pos_ = pos;
}

std::uint32_t NumpyRandom::next_uint32() {
  constexpr int n = kStateSize, m = 397;
  constexpr std::uint32_t matrix_a = 0x9908b0dfU, upper = 0x80000000U, lower = 0x7fffffffU;
  if (pos_ >= n) {
    auto twist = [&](int i, int j) {
      const std::uint32_t y = (key_[i] & upper) | (key_[(i + 1) % n] & lower);
      key_[i] = key_[j] ^ (y >> 1) ^ ((y & 1U) ? matrix_a : 0U);
    };
    for (int i = 0; i < n - m; ++i) twist(i, i + m);
    for (int i = n - m; i < n; ++i) twist(i, i + m - n);
    pos_ = 0;
  }
  std::uint32_t y = key_[pos_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

double NumpyRandom::random() {
  const std::uint32_t a = next_uint32() >> 5;
  const std::uint32_t b = next_uint32() >> 6;
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double NumpyRandom::uniform(double low, double high) {
  return low + (high - low) * random();
}

std::uint64_t NumpyRandom::bounded(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2) mask |= mask >> shift;
  std::uint64_t value;
  if (max <= 0xffffffffULL) {
    while ((value = (next_uint32() & mask)) > max) {
    }
  } else {
    do {
      const std::uint64_t high = next_uint32();
      value = ((high << 32) | next_uint32()) & mask;
    } while (value > max);
  }
  return value;
}

std::int64_t NumpyRandom::randint(std::int64_t low, std::int64_t high) {
  if (high <= low)
    throw std::invalid_argument("randint: low >= high (" + std::to_string(low) +
                                " >= " + std::to_string(high) + ")");
  return low + static_cast<std::int64_t>(bounded(static_cast<std::uint64_t>(high - low - 1)));
}

std::vector<std::int64_t> NumpyRandom::permutation(std::int64_t n) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
  std::iota(order.begin(), order.end(), 0);
  for (std::int64_t i = n - 1; i >= 1; --i) {
    const auto j = static_cast<std::int64_t>(bounded(static_cast<std::uint64_t>(i)));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

// ---- The transforms ----------------------------------------------------------------------------

FillMode fill_mode_from_name(const std::string& name) {
  if (name == "constant") return FillMode::constant;
  if (name == "nearest") return FillMode::nearest;
  if (name == "reflect") return FillMode::reflect;
  if (name == "wrap") return FillMode::wrap;
  throw std::invalid_argument(
      "fill_mode must be one of \"constant\", \"nearest\", \"reflect\" or "
      "\"wrap\"; got \"" +
      name + "\"");
}

ImageAxes image_axes(const std::string& data_format) {
  if (data_format == "channels_last") return {0, 1, 2};
  if (data_format == "channels_first") return {1, 2, 0};
  throw std::invalid_argument(
      "`data_format` should be `\"channels_last\"` (channel after row and column) or "
      "`\"channels_first\"` (channel before row and column). Received: " +
      data_format);
}

Tensor apply_affine_transform(const Tensor& input, const AffineParameters& p, const ImageAxes& axes,
                              FillMode fill_mode, double cval) {
  Tensor x = as_float_image(input, "apply_affine_transform");
  // Keras composes only the parts that are not the identity; none: the image as it is.
  std::optional<Matrix3> transform;
  auto compose = [&](const Matrix3& m) { transform = transform ? multiply(*transform, m) : m; };
  if (p.theta != 0) {
    const double theta = p.theta * (std::numbers::pi / 180.0);  // np.deg2rad
    compose({{{std::cos(theta), -std::sin(theta), 0},
              {std::sin(theta), std::cos(theta), 0},
              {0, 0, 1}}});
  }
  if (p.tx != 0 || p.ty != 0) compose({{{1, 0, p.tx}, {0, 1, p.ty}, {0, 0, 1}}});
  if (p.shear != 0) {
    const double shear = p.shear * (std::numbers::pi / 180.0);
    compose({{{1, -std::sin(shear), 0}, {0, std::cos(shear), 0}, {0, 0, 1}}});
  }
  if (p.zx != 1 || p.zy != 1) compose({{{p.zx, 0, 0}, {0, p.zy, 0}, {0, 0, 1}}});
  if (!transform) return x;

  const ImageGeometry g = geometry(x.shape(), axes);
  const double o_x = static_cast<double>(g.rows) / 2 + 0.5;
  const double o_y = static_cast<double>(g.cols) / 2 + 0.5;
  const Matrix3 m = multiply(multiply({{{1, 0, o_x}, {0, 1, o_y}, {0, 0, 1}}}, *transform),
                             {{{1, 0, -o_x}, {0, 1, -o_y}, {0, 0, 1}}});

  Tensor out(x.shape(), DType::float32);
  const float* src = x.data<float>();
  float* dst = out.data<float>();
  const auto fill = static_cast<float>(cval);
  for (std::int64_t r = 0; r < g.rows; ++r) {
    for (std::int64_t c = 0; c < g.cols; ++c) {
      // The order of scipy's sums, so that the coordinates agree to the last bit.
      double in_r = 0.0, in_c = 0.0;
      in_r += static_cast<double>(r) * m[0][0];
      in_r += static_cast<double>(c) * m[0][1];
      in_r += m[0][2];
      in_c += static_cast<double>(r) * m[1][0];
      in_c += static_cast<double>(c) * m[1][1];
      in_c += m[1][2];
      float* out_pixel = dst + r * g.row_stride + c * g.col_stride;
      if (!map_coordinate(in_r, g.rows, fill_mode) || !map_coordinate(in_c, g.cols, fill_mode)) {
        for (std::int64_t ch = 0; ch < g.channels; ++ch) out_pixel[ch * g.channel_stride] = fill;
        continue;
      }
      const double r0 = std::floor(in_r), c0 = std::floor(in_c);
      const double wr1 = in_r - r0, wc1 = in_c - c0;
      const double wr0 = 1.0 - wr1, wc0 = 1.0 - wc1;
      const auto ir = static_cast<std::int64_t>(r0), ic = static_cast<std::int64_t>(c0);
      const std::int64_t rows[2] = {neighbour(ir, g.rows, fill_mode) * g.row_stride,
                                    neighbour(ir + 1, g.rows, fill_mode) * g.row_stride};
      const std::int64_t cols[2] = {neighbour(ic, g.cols, fill_mode) * g.col_stride,
                                    neighbour(ic + 1, g.cols, fill_mode) * g.col_stride};
      for (std::int64_t ch = 0; ch < g.channels; ++ch) {
        const float* plane = src + ch * g.channel_stride;
        double t = 0.0;
        t += static_cast<double>(plane[rows[0] + cols[0]]) * wr0 * wc0;
        t += static_cast<double>(plane[rows[0] + cols[1]]) * wr0 * wc1;
        t += static_cast<double>(plane[rows[1] + cols[0]]) * wr1 * wc0;
        t += static_cast<double>(plane[rows[1] + cols[1]]) * wr1 * wc1;
        out_pixel[ch * g.channel_stride] = static_cast<float>(t);
      }
    }
  }
  return out;
}

Tensor apply_channel_shift(const Tensor& input, double intensity, int channel_axis) {
  if (channel_axis < 0 || channel_axis > 2)
    throw std::invalid_argument("apply_channel_shift: channel_axis must be 0, 1 or 2");
  Tensor x = as_float_image(input, "apply_channel_shift");
  float* v = x.data<float>();
  const std::int64_t n = x.numel();
  if (n == 0) return x;
  const auto [lo, hi] = std::minmax_element(v, v + n);
  const float min_x = *lo, max_x = *hi;
  const auto shift = static_cast<float>(intensity);
  for (std::int64_t i = 0; i < n; ++i) v[i] = std::min(std::max(v[i] + shift, min_x), max_x);
  return x;
}

Tensor apply_brightness_shift(const Tensor& input, double brightness, int channel_axis) {
  const Tensor x = as_float_image(input, "apply_brightness_shift");
  const std::string format = channel_axis == 0 ? "channels_first" : "channels_last";
  Image img = array_to_img(x, format, true);
  const auto alpha = static_cast<float>(brightness);
  const int colour_bands = img.channels == 4 ? 3 : img.channels;  // PIL keeps the alpha band
  for (std::size_t i = 0; i < img.pixels.size(); ++i) {
    if (static_cast<int>(i % static_cast<std::size_t>(img.channels)) >= colour_bands) continue;
    // PIL's Image.blend(black, image, alpha) in float, truncated (clipped when extrapolating).
    const float t = 0.0f + alpha * static_cast<float>(img.pixels[i]);
    img.pixels[i] = t <= 0.0f ? 0 : t >= 255.0f ? 255 : static_cast<std::uint8_t>(t);
  }
  return img_to_array(img, format);
}

Tensor flip_axis(const Tensor& input, int axis) {
  Tensor x = as_float_image(input, "flip_axis");
  if (axis < 0 || axis > 2) throw std::invalid_argument("flip_axis: axis must be 0, 1 or 2");
  Tensor out(x.shape(), DType::float32);
  const Shape& s = x.shape();
  const std::int64_t outer =
      std::accumulate(s.begin(), s.begin() + axis, std::int64_t{1}, std::multiplies<>());
  const std::int64_t inner =
      std::accumulate(s.begin() + axis + 1, s.end(), std::int64_t{1}, std::multiplies<>());
  const std::int64_t len = s[static_cast<std::size_t>(axis)];
  const float* src = x.data<float>();
  float* dst = out.data<float>();
  for (std::int64_t o = 0; o < outer; ++o)
    for (std::int64_t i = 0; i < len; ++i)
      std::memcpy(dst + (o * len + i) * inner, src + (o * len + (len - 1 - i)) * inner,
                  static_cast<std::size_t>(inner) * sizeof(float));
  return out;
}

// ---- ImageDataGenerator ------------------------------------------------------------------------

ImageDataGenerator::ImageDataGenerator(ImageDataGeneratorOptions options)
    : options_(std::move(options)),
      axes_(image_axes(options_.data_format)),
      fill_mode_(fill_mode_from_name(options_.fill_mode)) {
  auto& o = options_;
  if (o.validation_split != 0.0 && !(o.validation_split > 0.0 && o.validation_split < 1.0))
    throw std::invalid_argument("`validation_split` must be strictly between 0 and 1.  Received: " +
                                std::to_string(o.validation_split));
  if (o.zoom_range.size() == 1) {
    zoom_[0] = 1 - o.zoom_range[0];
    zoom_[1] = 1 + o.zoom_range[0];
  } else if (o.zoom_range.size() == 2) {
    zoom_[0] = o.zoom_range[0];
    zoom_[1] = o.zoom_range[1];
  } else {
    throw std::invalid_argument(
        "`zoom_range` should be a float or a tuple or list of two floats. Received a list of " +
        std::to_string(o.zoom_range.size()));
  }
  if (o.brightness_range && o.brightness_range->size() != 2)
    throw std::invalid_argument(
        "`brightness_range should be tuple or list of two floats. Received a list of " +
        std::to_string(o.brightness_range->size()));
  if (o.zca_whitening) {
    if (!o.featurewise_center) {
      o.featurewise_center = true;
      warnings_.push_back(
          "This ImageDataGenerator specifies `zca_whitening`, which overrides "
          "setting of `featurewise_center`.");
    }
    if (o.featurewise_std_normalization) {
      o.featurewise_std_normalization = false;
      warnings_.push_back(
          "This ImageDataGenerator specifies `zca_whitening` which overrides "
          "setting of`featurewise_std_normalization`.");
    }
  }
  if (o.featurewise_std_normalization && !o.featurewise_center) {
    o.featurewise_center = true;
    warnings_.push_back(
        "This ImageDataGenerator specifies `featurewise_std_normalization`, "
        "which overrides setting of `featurewise_center`.");
  }
  if (o.samplewise_std_normalization && !o.samplewise_center) {
    o.samplewise_center = true;
    warnings_.push_back(
        "This ImageDataGenerator specifies `samplewise_std_normalization`, "
        "which overrides setting of `samplewise_center`.");
  }
}

namespace {

// One of Keras's shift draws (tx or ty): see get_random_transform in keras_preprocessing.
double draw_shift(const ShiftRange& range, std::int64_t size, NumpyRandom& rng) {
  double shift = 0.0, largest = range.value;
  switch (range.kind) {
    case ShiftRange::Kind::fraction_or_pixels:
      shift = rng.uniform(-range.value, range.value);
      break;
    case ShiftRange::Kind::integer:
      if (range.value <= 0) {  // np.random.choice refuses it; Keras falls back to uniform
        shift = rng.uniform(-range.value, range.value);
      } else {
        shift = static_cast<double>(rng.randint(0, static_cast<std::int64_t>(range.value)));
        shift *= rng.randint(0, 2) == 0 ? -1.0 : 1.0;
      }
      break;
    case ShiftRange::Kind::choices:
      shift = range.choices[static_cast<std::size_t>(
          rng.randint(0, static_cast<std::int64_t>(range.choices.size())))];
      shift *= rng.randint(0, 2) == 0 ? -1.0 : 1.0;
      largest = *std::max_element(range.choices.begin(), range.choices.end());
      break;
  }
  if (largest < 1) shift *= static_cast<double>(size);
  return shift;
}

}  // namespace

TransformParameters ImageDataGenerator::get_random_transform(const Shape& image_shape,
                                                             NumpyRandom& rng) const {
  if (image_shape.size() != 3)
    throw std::invalid_argument(
        "get_random_transform: expected the shape of one image (rank 3); "
        "got " +
        shape_text(image_shape));
  const auto& o = options_;
  TransformParameters p;
  if (o.rotation_range != 0) p.affine.theta = rng.uniform(-o.rotation_range, o.rotation_range);
  if (o.height_shift_range.active())
    p.affine.tx =
        draw_shift(o.height_shift_range, image_shape[static_cast<std::size_t>(axes_.row)], rng);
  if (o.width_shift_range.active())
    p.affine.ty =
        draw_shift(o.width_shift_range, image_shape[static_cast<std::size_t>(axes_.col)], rng);
  if (o.shear_range != 0) p.affine.shear = rng.uniform(-o.shear_range, o.shear_range);
  if (!(zoom_[0] == 1 && zoom_[1] == 1)) {
    p.affine.zx = rng.uniform(zoom_[0], zoom_[1]);
    p.affine.zy = rng.uniform(zoom_[0], zoom_[1]);
  }
  // Keras draws both flips whether or not they are enabled.
  p.flip_horizontal = (rng.random() < 0.5) && o.horizontal_flip;
  p.flip_vertical = (rng.random() < 0.5) && o.vertical_flip;
  if (o.channel_shift_range != 0)
    p.channel_shift_intensity = rng.uniform(-o.channel_shift_range, o.channel_shift_range);
  if (o.brightness_range)
    p.brightness = rng.uniform((*o.brightness_range)[0], (*o.brightness_range)[1]);
  return p;
}

Tensor ImageDataGenerator::apply_transform(const Tensor& x, const TransformParameters& p) const {
  Tensor out = apply_affine_transform(x, p.affine, axes_, fill_mode_, options_.cval);
  if (p.channel_shift_intensity)
    out = apply_channel_shift(out, *p.channel_shift_intensity, axes_.channel);
  if (p.flip_horizontal) out = flip_axis(out, axes_.col);
  if (p.flip_vertical) out = flip_axis(out, axes_.row);
  if (p.brightness) out = apply_brightness_shift(out, *p.brightness, axes_.channel);
  return out;
}

Tensor ImageDataGenerator::standardize(const Tensor& input) const {
  if (!input.defined() || (input.ndim() != 3 && input.ndim() != 4))
    throw std::invalid_argument(
        "standardize: expected an image (rank 3) or a batch (rank 4); "
        "got shape " +
        (input.defined() ? shape_text(input.shape()) : std::string("None")));
  Tensor x = input.dtype() == DType::float32 ? input.clone() : input.astype(DType::float32);
  if (options_.preprocessing_function) {
    Tensor y = options_.preprocessing_function(x);
    if (!y.defined() || y.shape() != x.shape())
      throw std::invalid_argument(
          "preprocessing_function must return an array of the shape it "
          "was given " +
          shape_text(x.shape()) + "; it returned " +
          (y.defined() ? shape_text(y.shape()) : std::string("None")));
    x = y.dtype() == DType::float32 ? y.clone() : y.astype(DType::float32);
  }
  standardize_image(x.data<float>(), x.shape());
  return x;
}

void ImageDataGenerator::standardize_image(float* x, const Shape& shape) const {
  const auto& o = options_;
  const std::int64_t n = shape_numel(shape);
  if (n == 0) return;
  const auto eps = static_cast<float>(backend::epsilon());
  if (o.rescale != 0) {
    const auto scale = static_cast<float>(o.rescale);
    for (std::int64_t i = 0; i < n; ++i) x[i] *= scale;
  }
  if (o.samplewise_center) {  // the mean of the whole array, as Keras's np.mean(x, keepdims=True)
    double sum = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += x[i];
    const auto mean = static_cast<float>(sum / static_cast<double>(n));
    for (std::int64_t i = 0; i < n; ++i) x[i] -= mean;
  }
  if (o.samplewise_std_normalization) {
    double sum = 0, sq = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += x[i];
    const double mean = sum / static_cast<double>(n);
    for (std::int64_t i = 0; i < n; ++i) sq += (x[i] - mean) * (x[i] - mean);
    const auto sd = static_cast<float>(std::sqrt(sq / static_cast<double>(n)));
    for (std::int64_t i = 0; i < n; ++i) x[i] /= sd + eps;
  }
  // Featurewise statistics: one value per channel, broadcast over images, rows and columns.
  const int rank = static_cast<int>(shape.size());
  const int channel_axis = axes_.channel + (rank == 4 ? 1 : 0);
  const std::int64_t channels = shape[static_cast<std::size_t>(channel_axis)];
  std::int64_t inner = 1;
  for (int a = channel_axis + 1; a < rank; ++a) inner *= shape[static_cast<std::size_t>(a)];
  auto per_channel = [&](const Tensor& stat, auto op) {
    if (stat.numel() != channels)
      throw std::invalid_argument("standardize: the fitted statistics have " +
                                  std::to_string(stat.numel()) + " channels; the input has " +
                                  std::to_string(channels) + " (shape " + shape_text(shape) + ")");
    const float* s = stat.data<float>();
    for (std::int64_t i = 0; i < n; ++i) op(x[i], s[(i / inner) % channels]);
  };
  if (o.featurewise_center && mean_.defined())
    per_channel(mean_, [](float& v, float m) { v -= m; });
  if (o.featurewise_std_normalization && std_.defined())
    per_channel(std_, [eps](float& v, float s) { v /= s + eps; });
  if (o.zca_whitening && principal_components_.defined()) {
    const std::int64_t d = shape[static_cast<std::size_t>(rank - 3)] *
                           shape[static_cast<std::size_t>(rank - 2)] *
                           shape[static_cast<std::size_t>(rank - 1)];
    if (principal_components_.numel() != d * d)
      throw std::invalid_argument("standardize: the ZCA matrix is for images of " +
                                  std::to_string(static_cast<std::int64_t>(std::sqrt(
                                      static_cast<double>(principal_components_.numel())))) +
                                  " values; these have " + std::to_string(d));
    const float* pcs = principal_components_.data<float>();
    std::vector<double> row(static_cast<std::size_t>(d));
    for (std::int64_t img = 0; img < n / d; ++img) {
      float* v = x + img * d;
      std::fill(row.begin(), row.end(), 0.0);
      for (std::int64_t k = 0; k < d; ++k) {
        const double a = v[k];
        const float* pk = pcs + k * d;
        for (std::int64_t j = 0; j < d; ++j) row[static_cast<std::size_t>(j)] += a * pk[j];
      }
      for (std::int64_t j = 0; j < d; ++j)
        v[j] = static_cast<float>(row[static_cast<std::size_t>(j)]);
    }
  }
}

void ImageDataGenerator::fit(const Tensor& x, bool augment, std::int64_t rounds,
                             std::optional<std::uint32_t> seed) {
  NumpyRandom rng(seed ? *seed : std::random_device{}());
  fit(x, augment, rounds, rng);
}

void ImageDataGenerator::fit(const Tensor& input, bool augment, std::int64_t rounds,
                             NumpyRandom& rng) {
  if (!input.defined() || input.ndim() != 4)
    throw std::invalid_argument(
        "Input to `.fit()` should have rank 4. Got array with shape: " +
        (input.defined() ? shape_text(input.shape()) : std::string("None")));
  if (rounds < 1)
    throw std::invalid_argument("fit: rounds must be >= 1; got " + std::to_string(rounds));
  Tensor x = input.astype(DType::float32).clone();
  if (augment) {
    const std::int64_t count = x.dim(0);
    Shape shape = x.shape();
    shape[0] *= rounds;
    Tensor ax(shape, DType::float32);
    const std::int64_t image = x.numel() / std::max<std::int64_t>(count, 1);
    for (std::int64_t r = 0; r < rounds; ++r)
      for (std::int64_t i = 0; i < count; ++i) {
        Tensor t = random_transform(x[i], rng);
        std::memcpy(ax.data<float>() + (i + r * count) * image, t.data<float>(),
                    static_cast<std::size_t>(image) * sizeof(float));
      }
    x = ax;
  }
  const int channel_axis = axes_.channel + 1;
  const std::int64_t channels = x.dim(channel_axis);
  std::int64_t inner = 1;
  for (int a = channel_axis + 1; a < 4; ++a) inner *= x.dim(a);
  const std::int64_t n = x.numel();
  float* v = x.data<float>();
  Shape stat_shape{1, 1, 1};
  stat_shape[static_cast<std::size_t>(axes_.channel)] = channels;
  auto channel_stat = [&](auto value_of) {
    std::vector<double> sums(static_cast<std::size_t>(channels), 0.0);
    for (std::int64_t i = 0; i < n; ++i)
      sums[static_cast<std::size_t>((i / inner) % channels)] +=
          value_of(v[i], (i / inner) % channels);
    const double per_channel = static_cast<double>(n / std::max<std::int64_t>(channels, 1));
    for (double& s : sums) s /= per_channel;
    return sums;
  };
  if (options_.featurewise_center) {
    const auto means = channel_stat([](float a, std::int64_t) { return double{a}; });
    mean_ = Tensor(stat_shape, DType::float32);
    for (std::int64_t c = 0; c < channels; ++c)
      mean_.data<float>()[c] = static_cast<float>(means[static_cast<std::size_t>(c)]);
    for (std::int64_t i = 0; i < n; ++i) v[i] -= mean_.data<float>()[(i / inner) % channels];
  }
  if (options_.featurewise_std_normalization) {
    const auto means = channel_stat([](float a, std::int64_t) { return double{a}; });
    const auto vars = channel_stat([&](float a, std::int64_t c) {
      const double d = a - means[static_cast<std::size_t>(c)];
      return d * d;
    });
    std_ = Tensor(stat_shape, DType::float32);
    for (std::int64_t c = 0; c < channels; ++c)
      std_.data<float>()[c] = static_cast<float>(std::sqrt(vars[static_cast<std::size_t>(c)]));
    const auto eps = static_cast<float>(backend::epsilon());
    for (std::int64_t i = 0; i < n; ++i) v[i] /= std_.data<float>()[(i / inner) % channels] + eps;
  }
  if (options_.zca_whitening) {
    // sigma = flat_x^T flat_x / N; its eigenvectors U and values s (the SVD of a symmetric
    // positive semi-definite matrix); principal components U diag(1 / sqrt(s + eps)) U^T.
    const std::int64_t count = x.dim(0), d = n / std::max<std::int64_t>(count, 1);
    if (d > 46340)
      throw std::invalid_argument("fit: zca_whitening needs a (d, d) matrix; d = " +
                                  std::to_string(d) + " values per image is too many");
    const int di = static_cast<int>(d), ki = static_cast<int>(count);
    std::vector<double> flat(v, v + n);  // row-major (N, d) = column-major (d, N)
    std::vector<double> sigma(static_cast<std::size_t>(d * d), 0.0);
    const double alpha = 1.0 / static_cast<double>(count), beta = 0.0;
    dsyrk_("U", "N", &di, &ki, &alpha, flat.data(), &di, &beta, sigma.data(), &di);
    std::vector<double> w(static_cast<std::size_t>(d));
    int lwork = -1, liwork = -1, info = 0, iwork_query = 0;
    double work_query = 0;
    dsyevd_("V", "U", &di, sigma.data(), &di, w.data(), &work_query, &lwork, &iwork_query, &liwork,
            &info);
    lwork = static_cast<int>(work_query);
    liwork = iwork_query;
    std::vector<double> work(static_cast<std::size_t>(std::max(lwork, 1)));
    std::vector<int> iwork(static_cast<std::size_t>(std::max(liwork, 1)));
    dsyevd_("V", "U", &di, sigma.data(), &di, w.data(), work.data(), &lwork, iwork.data(), &liwork,
            &info);
    if (info != 0)
      throw std::runtime_error(
          "fit: the eigendecomposition for zca_whitening failed (LAPACK "
          "dsyevd info " +
          std::to_string(info) + ")");
    // Column k of `sigma` (column-major) is eigenvector k.
    std::vector<double> scale(static_cast<std::size_t>(d));
    for (std::int64_t k = 0; k < d; ++k)
      scale[static_cast<std::size_t>(k)] =
          1.0 / std::sqrt(std::max(w[static_cast<std::size_t>(k)], 0.0) + options_.zca_epsilon);
    principal_components_ = Tensor({d, d}, DType::float32);
    float* pcs = principal_components_.data<float>();
    for (std::int64_t i = 0; i < d; ++i)
      for (std::int64_t j = i; j < d; ++j) {
        double s = 0;
        for (std::int64_t k = 0; k < d; ++k)
          s += sigma[static_cast<std::size_t>(k * d + i)] * scale[static_cast<std::size_t>(k)] *
               sigma[static_cast<std::size_t>(k * d + j)];
        pcs[i * d + j] = pcs[j * d + i] = static_cast<float>(s);
      }
  }
}

}  // namespace keras::preprocessing::image
