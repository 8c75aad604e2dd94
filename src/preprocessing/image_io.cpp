// Image files for keras.preprocessing.image: PNG (libpng's simplified API) and JPEG (libjpeg),
// and the PIL operations Keras relies on (convert, resize, the array conversions), computed as
// Pillow computes them so that load_img gives the pixels Keras gets.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <stdexcept>

#include <jpeglib.h>
#include <png.h>

#include "keras/preprocessing/image.h"

namespace keras::preprocessing::image {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

Image decode_png(const std::vector<std::uint8_t>& bytes, const std::string& what) {
  png_image png;
  std::memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&png, bytes.data(), bytes.size()))
    throw std::invalid_argument(what + ": not a readable PNG file (" + png.message + ")");
  const bool colour =
      (png.format & PNG_FORMAT_FLAG_COLOR) || (png.format & PNG_FORMAT_FLAG_COLORMAP);
  const bool alpha = (png.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  Image img;
  // Grey with alpha is read as RGBA (PIL's 'LA' converts the same way); an alpha channel is
  // never composited, as PIL keeps it until convert() drops it.
  png.format = alpha ? PNG_FORMAT_RGBA : colour ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  img.channels = alpha ? 4 : colour ? 3 : 1;
  img.height = png.height;
  img.width = png.width;
  img.pixels.resize(PNG_IMAGE_SIZE(png));
  if (!png_image_finish_read(&png, nullptr, img.pixels.data(), 0, nullptr)) {
    const std::string message = png.message;
    png_image_free(&png);
    throw std::invalid_argument(what + ": damaged PNG file (" + message + ")");
  }
  return img;
}

struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

extern "C" void jpeg_error_exit(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

// Decodes into `img` (its pixels sized here); false with error->message set when libjpeg fails.
// Only plain C state lives in this frame, so the longjmp skips no destructor.
bool decode_jpeg_into(const std::vector<std::uint8_t>* bytes, Image* img, JpegError* error,
                      jpeg_decompress_struct* info) {
  info->err = jpeg_std_error(&error->manager);
  error->manager.error_exit = jpeg_error_exit;
  if (setjmp(error->jump)) {
    jpeg_destroy_decompress(info);
    return false;
  }
  jpeg_create_decompress(info);
  jpeg_mem_src(info, bytes->data(), static_cast<unsigned long>(bytes->size()));
  jpeg_read_header(info, TRUE);
  if (info->jpeg_color_space == JCS_CMYK || info->jpeg_color_space == JCS_YCCK) {
    std::snprintf(error->message, sizeof error->message, "CMYK JPEG files are not supported");
    jpeg_destroy_decompress(info);
    return false;
  }
  info->out_color_space = info->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_start_decompress(info);
  img->height = info->output_height;
  img->width = info->output_width;
  img->channels = info->output_components;
  img->pixels.resize(static_cast<std::size_t>(img->height * img->width * img->channels));
  const auto stride = static_cast<std::size_t>(img->width * img->channels);
  while (info->output_scanline < info->output_height) {
    JSAMPROW row = img->pixels.data() + info->output_scanline * stride;
    jpeg_read_scanlines(info, &row, 1);
  }
  jpeg_finish_decompress(info);
  jpeg_destroy_decompress(info);
  return true;
}

Image decode_jpeg(const std::vector<std::uint8_t>& bytes, const std::string& what) {
  Image img;
  JpegError error{};
  jpeg_decompress_struct info{};
  if (!decode_jpeg_into(&bytes, &img, &error, &info))
    throw std::invalid_argument(what + ": not a readable JPEG file (" + error.message + ")");
  return img;
}

bool encode_jpeg_to(std::FILE* file, const Image* img, int quality, JpegError* error,
                    jpeg_compress_struct* info) {
  info->err = jpeg_std_error(&error->manager);
  error->manager.error_exit = jpeg_error_exit;
  if (setjmp(error->jump)) {
    jpeg_destroy_compress(info);
    return false;
  }
  jpeg_create_compress(info);
  jpeg_stdio_dest(info, file);
  info->image_width = static_cast<JDIMENSION>(img->width);
  info->image_height = static_cast<JDIMENSION>(img->height);
  info->input_components = img->channels;
  info->in_color_space = img->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults(info);
  jpeg_set_quality(info, quality, TRUE);
  jpeg_start_compress(info, TRUE);
  const auto stride = static_cast<std::size_t>(img->width * img->channels);
  while (info->next_scanline < info->image_height) {
    auto row = const_cast<JSAMPROW>(img->pixels.data() + info->next_scanline * stride);
    jpeg_write_scanlines(info, &row, 1);
  }
  jpeg_finish_compress(info);
  jpeg_destroy_compress(info);
  return true;
}

// Pillow's resampling filters (Resample.c).
struct Filter {
  double support;
  double (*weight)(double);
};

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= std::numbers::pi;
  return std::sin(x) / x;
}

const Filter* filter_for(const std::string& interpolation) {
  static const Filter box{0.5, [](double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }};
  static const Filter bilinear{1.0, [](double x) {
                                 x = std::abs(x);
                                 return x < 1.0 ? 1.0 - x : 0.0;
                               }};
  static const Filter hamming{1.0, [](double x) {
                                x = std::abs(x);
                                if (x == 0.0) return 1.0;
                                if (x >= 1.0) return 0.0;
                                x *= std::numbers::pi;
                                return std::sin(x) / x * (0.54 + 0.46 * std::cos(x));
                              }};
  static const Filter bicubic{2.0, [](double x) {
                                constexpr double a = -0.5;
                                x = std::abs(x);
                                if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                                if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
                                return 0.0;
                              }};
  static const Filter lanczos{
      3.0, [](double x) { return -3.0 < x && x < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0; }};
  if (interpolation == "box") return &box;
  if (interpolation == "bilinear") return &bilinear;
  if (interpolation == "hamming") return &hamming;
  if (interpolation == "bicubic") return &bicubic;
  if (interpolation == "lanczos") return &lanczos;
  return nullptr;
}

constexpr int kPrecisionBits = 32 - 8 - 2;

// Per output position: the first input index, the count, and fixed-point weights.
struct Coefficients {
  std::vector<std::int64_t> first, count;
  std::vector<std::int32_t> weights;  // ksize per output position
  std::int64_t ksize = 0;
};

Coefficients precompute(std::int64_t in_size, std::int64_t out_size, const Filter& filter) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double filterscale = std::max(scale, 1.0);
  const double support = filter.support * filterscale;
  Coefficients c;
  c.ksize = static_cast<std::int64_t>(std::ceil(support)) * 2 + 1;
  c.first.resize(static_cast<std::size_t>(out_size));
  c.count.resize(static_cast<std::size_t>(out_size));
  c.weights.assign(static_cast<std::size_t>(out_size * c.ksize), 0);
  std::vector<double> k(static_cast<std::size_t>(c.ksize));
  for (std::int64_t xx = 0; xx < out_size; ++xx) {
    const double center = (static_cast<double>(xx) + 0.5) * scale;
    const double ss = 1.0 / filterscale;
    auto xmin = static_cast<std::int64_t>(center - support + 0.5);
    xmin = std::max<std::int64_t>(xmin, 0);
    auto xmax = static_cast<std::int64_t>(center + support + 0.5);
    xmax = std::min(xmax, in_size) - xmin;
    double ww = 0.0;
    for (std::int64_t x = 0; x < xmax; ++x) {
      const double w = filter.weight((static_cast<double>(x + xmin) - center + 0.5) * ss);
      k[static_cast<std::size_t>(x)] = w;
      ww += w;
    }
    for (std::int64_t x = 0; x < xmax; ++x) {
      double w = k[static_cast<std::size_t>(x)];
      if (ww != 0.0) w /= ww;
      c.weights[static_cast<std::size_t>(xx * c.ksize + x)] = static_cast<std::int32_t>(
          w < 0 ? -0.5 + w * (1 << kPrecisionBits) : 0.5 + w * (1 << kPrecisionBits));
    }
    c.first[static_cast<std::size_t>(xx)] = xmin;
    c.count[static_cast<std::size_t>(xx)] = xmax;
  }
  return c;
}

std::uint8_t clip8(std::int64_t v) {
  if (v >= (std::int64_t{255} << kPrecisionBits)) return 255;
  if (v <= 0) return 0;
  return static_cast<std::uint8_t>(v >> kPrecisionBits);
}

// One pass of Pillow's separable resampling along rows (horizontal) or columns.
Image resample_pass(const Image& in, std::int64_t out_size, const Filter& filter, bool horizontal) {
  const std::int64_t in_size = horizontal ? in.width : in.height;
  const Coefficients c = precompute(in_size, out_size, filter);
  Image out;
  out.channels = in.channels;
  out.height = horizontal ? in.height : out_size;
  out.width = horizontal ? out_size : in.width;
  out.pixels.resize(static_cast<std::size_t>(out.height * out.width * out.channels));
  const std::int64_t ch = in.channels;
  for (std::int64_t y = 0; y < out.height; ++y)
    for (std::int64_t x = 0; x < out.width; ++x) {
      const std::int64_t pos = horizontal ? x : y;
      const std::int64_t first = c.first[static_cast<std::size_t>(pos)];
      const std::int32_t* k = c.weights.data() + pos * c.ksize;
      for (std::int64_t b = 0; b < ch; ++b) {
        std::int64_t ss = std::int64_t{1} << (kPrecisionBits - 1);
        for (std::int64_t i = 0; i < c.count[static_cast<std::size_t>(pos)]; ++i) {
          const std::int64_t sy = horizontal ? y : first + i, sx = horizontal ? first + i : x;
          ss += static_cast<std::int64_t>(
                    in.pixels[static_cast<std::size_t>((sy * in.width + sx) * ch + b)]) *
                k[i];
        }
        out.pixels[static_cast<std::size_t>((y * out.width + x) * ch + b)] = clip8(ss);
      }
    }
  return out;
}

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw std::invalid_argument(
        "load_img: no image file at '" + path + "'" +
        (std::filesystem::exists(path, ec) ? " (not a regular file)" : " (it does not exist)"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("load_img: cannot open '" + path + "'");
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::string Image::mode() const {
  return channels == 1 ? "L" : channels == 3 ? "RGB" : channels == 4 ? "RGBA" : "?";
}

Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& what) {
  static const std::uint8_t kPng[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() >= 8 && std::memcmp(bytes.data(), kPng, 8) == 0) return decode_png(bytes, what);
  if (bytes.size() >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 && bytes[2] == 0xff)
    return decode_jpeg(bytes, what);
  throw std::invalid_argument(what +
                              ": unsupported image file (keras_cpp reads PNG and JPEG "
                              "files; this one starts with neither signature)");
}

Image read_image(const std::string& path) {
  return decode_image(read_file(path), path);
}

void write_image(const Image& image, const std::string& path, const std::string& format_in,
                 int jpeg_quality) {
  std::string format = lower(format_in);
  if (format.empty()) {
    format = lower(std::filesystem::path(path).extension().string());
    if (!format.empty()) format = format.substr(1);
  }
  if (image.channels != 1 && image.channels != 3 && image.channels != 4)
    throw std::invalid_argument("save_img: unsupported channel number: " +
                                std::to_string(image.channels));
  if (format == "png") {
    png_image png;
    std::memset(&png, 0, sizeof png);
    png.version = PNG_IMAGE_VERSION;
    png.width = static_cast<png_uint_32>(image.width);
    png.height = static_cast<png_uint_32>(image.height);
    png.format = image.channels == 1   ? PNG_FORMAT_GRAY
                 : image.channels == 3 ? PNG_FORMAT_RGB
                                       : PNG_FORMAT_RGBA;
    if (!png_image_write_to_file(&png, path.c_str(), 0, image.pixels.data(), 0, nullptr))
      throw std::runtime_error("save_img: cannot write '" + path + "' (" + png.message + ")");
    return;
  }
  if (format == "jpg" || format == "jpeg") {
    const Image rgb = image.channels == 4 ? convert_image(image, "RGB") : image;
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) throw std::runtime_error("save_img: cannot open '" + path + "' for writing");
    JpegError error{};
    jpeg_compress_struct info{};
    const bool ok = encode_jpeg_to(file, &rgb, jpeg_quality, &error, &info);
    std::fclose(file);
    if (!ok)
      throw std::runtime_error("save_img: cannot write '" + path + "' (" + error.message + ")");
    return;
  }
  throw std::invalid_argument("save_img: unsupported format '" + format +
                              "' (keras_cpp writes png and jpeg/jpg)");
}

Image convert_image(const Image& image, const std::string& mode) {
  const int channels = mode == "L" ? 1 : mode == "RGB" ? 3 : mode == "RGBA" ? 4 : 0;
  if (channels == 0)
    throw std::invalid_argument("convert: mode must be 'L', 'RGB' or 'RGBA'; got '" + mode + "'");
  if (channels == image.channels) return image;
  Image out;
  out.height = image.height;
  out.width = image.width;
  out.channels = channels;
  const std::int64_t n = image.height * image.width;
  out.pixels.resize(static_cast<std::size_t>(n * channels));
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint8_t* in = image.pixels.data() + i * image.channels;
    std::uint8_t* o = out.pixels.data() + i * channels;
    if (channels == 1) {  // Pillow's L24: ITU-R 601-2 luma, rounded
      o[0] =
          static_cast<std::uint8_t>((in[0] * 19595 + in[1] * 38470 + in[2] * 7471 + 0x8000) >> 16);
    } else if (image.channels == 1) {
      std::fill(o, o + 3, in[0]);
      if (channels == 4) o[3] = 255;
    } else {
      std::copy(in, in + 3, o);
      if (channels == 4) o[3] = 255;
    }
  }
  return out;
}

Image resize_image(const Image& image, std::int64_t height, std::int64_t width,
                   const std::string& interpolation) {
  if (height <= 0 || width <= 0)
    throw std::invalid_argument("resize: target size must be positive; got (" +
                                std::to_string(height) + ", " + std::to_string(width) + ")");
  if (height == image.height && width == image.width) return image;
  if (interpolation == "nearest") {  // Pillow's ImagingScaleAffine: accumulated positions
    const double xscale = static_cast<double>(image.width) / static_cast<double>(width);
    const double yscale = static_cast<double>(image.height) / static_cast<double>(height);
    std::vector<std::int64_t> xs(static_cast<std::size_t>(width));
    double xo = xscale * 0.5;
    for (auto& x : xs) {
      x = std::min<std::int64_t>(static_cast<std::int64_t>(xo), image.width - 1);
      xo += xscale;
    }
    Image out;
    out.height = height;
    out.width = width;
    out.channels = image.channels;
    out.pixels.resize(static_cast<std::size_t>(height * width * image.channels));
    double yo = yscale * 0.5;
    for (std::int64_t y = 0; y < height; ++y, yo += yscale) {
      const std::int64_t sy =
          std::min<std::int64_t>(static_cast<std::int64_t>(yo), image.height - 1);
      for (std::int64_t x = 0; x < width; ++x)
        std::memcpy(out.pixels.data() + (y * width + x) * image.channels,
                    image.pixels.data() +
                        (sy * image.width + xs[static_cast<std::size_t>(x)]) * image.channels,
                    static_cast<std::size_t>(image.channels));
    }
    return out;
  }
  const Filter* filter = filter_for(interpolation);
  if (!filter)
    throw std::invalid_argument("Invalid interpolation method " + interpolation +
                                " specified. Supported methods are nearest, bilinear, bicubic, "
                                "lanczos, box, hamming");
  Image out = image;
  if (width != image.width) out = resample_pass(out, width, *filter, true);
  if (height != image.height) out = resample_pass(out, height, *filter, false);
  return out;
}

Image load_img(const std::string& path, const LoadOptions& options) {
  const std::string& mode = options.color_mode;
  if (mode != "grayscale" && mode != "rgb" && mode != "rgba")
    throw std::invalid_argument("color_mode must be \"grayscale\", \"rgb\", or \"rgba\"; got \"" +
                                mode + "\"");
  Image img = read_image(path);
  img = convert_image(img, mode == "grayscale" ? "L" : mode == "rgb" ? "RGB" : "RGBA");
  if (options.target_size) {
    const auto [h, w] = *options.target_size;
    if (h != img.height || w != img.width) img = resize_image(img, h, w, options.interpolation);
  }
  return img;
}

Tensor img_to_array(const Image& image, const std::string& data_format) {
  const ImageAxes axes = image_axes(data_format);
  const std::int64_t h = image.height, w = image.width, c = image.channels;
  Tensor x(axes.channel == 2 ? Shape{h, w, c} : Shape{c, h, w}, DType::float32);
  float* out = x.data<float>();
  for (std::int64_t i = 0; i < h * w; ++i)
    for (std::int64_t b = 0; b < c; ++b) {
      const float v = image.pixels[static_cast<std::size_t>(i * c + b)];
      if (axes.channel == 2)
        out[i * c + b] = v;
      else
        out[b * h * w + i] = v;
    }
  return x;
}

Image array_to_img(const Tensor& input, const std::string& data_format, bool scale) {
  if (!input.defined() || input.ndim() != 3)
    throw std::invalid_argument(
        "Expected image array to have rank 3 (single image). Got array with shape: " +
        (input.defined() ? shape_to_string(input.shape()) : std::string("None")));
  const ImageAxes axes = image_axes(data_format);
  Tensor x = input.astype(DType::float32).clone();
  const std::int64_t h = x.dim(axes.row), w = x.dim(axes.col), c = x.dim(axes.channel);
  if (c != 1 && c != 3 && c != 4)
    throw std::invalid_argument("Unsupported channel number: " + std::to_string(c) +
                                " (array_to_img takes 1, 3 or 4 channels)");
  float* v = x.data<float>();
  const std::int64_t n = x.numel();
  if (scale && n > 0) {  // float32 arithmetic, as numpy on Keras's float32 array
    const float shift = std::max(-*std::min_element(v, v + n), 0.0f);
    for (std::int64_t i = 0; i < n; ++i) v[i] += shift;
    const float x_max = *std::max_element(v, v + n);
    if (x_max != 0)
      for (std::int64_t i = 0; i < n; ++i) v[i] /= x_max;
    for (std::int64_t i = 0; i < n; ++i) v[i] *= 255.0f;
  }
  Image img;
  img.height = h;
  img.width = w;
  img.channels = static_cast<int>(c);
  img.pixels.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < h * w; ++i)
    for (std::int64_t b = 0; b < c; ++b) {
      const float f = axes.channel == 2 ? v[i * c + b] : v[b * h * w + i];
      // numpy's astype('uint8'): truncation (through a wider integer, as on x86).
      img.pixels[static_cast<std::size_t>(i * c + b)] =
          std::isfinite(f) && std::abs(f) < 9e18f
              ? static_cast<std::uint8_t>(static_cast<std::int64_t>(f))
              : 0;
    }
  return img;
}

void save_img(const std::string& path, const Tensor& x, const std::string& data_format,
              const std::string& format, bool scale) {
  write_image(array_to_img(x, data_format, scale), path, format);
}

}  // namespace keras::preprocessing::image
