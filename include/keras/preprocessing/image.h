// keras.preprocessing.image: ImageDataGenerator (augmentation, featurewise statistics, flow and
// flow_from_directory) and the image file helpers, with Keras 2.2.4's behaviour
// (keras_preprocessing 1.0.5). Images are float32 tensors of rank 3 in the generator's data
// format; files are PNG or JPEG (libpng, libjpeg).
//
// Randomness: NumpyRandom reproduces numpy's legacy RandomState (np.random.seed(n), MT19937), and
// the generator draws its parameters in Keras's order, so get_random_transform(shape, rng) gives
// Keras's parameters for the same seed. Batch k (counted from the iterator's start, across epochs)
// is drawn from NumpyRandom(seed + k), as Keras's Iterator reseeds np.random with
// seed + total_batches_seen; see ImageIterator.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::preprocessing::image {

// numpy.random.RandomState's legacy generator: MT19937 seeded as np.random.seed(seed) with a
// 32-bit integer, doubles with 53 random bits, integers by masked rejection.
class NumpyRandom {
 public:
  static constexpr int kStateSize = 624;
  explicit NumpyRandom(std::uint32_t seed = 0) { this->seed(seed); }
  void seed(std::uint32_t seed);
  // np.random.get_state()'s key and pos, to continue numpy's global stream and hand it back.
  void set_state(const std::vector<std::uint32_t>& key, int pos);
  std::vector<std::uint32_t> key() const { return {key_, key_ + kStateSize}; }
  int pos() const { return pos_; }

  double random();                                            // np.random.random(): [0, 1)
  double uniform(double low, double high);                    // np.random.uniform(low, high)
  std::int64_t randint(std::int64_t low, std::int64_t high);  // np.random.randint: [low, high)
  std::vector<std::int64_t> permutation(std::int64_t n);      // np.random.permutation(n)

 private:
  std::uint32_t next_uint32();
  std::uint64_t bounded(std::uint64_t max);  // [0, max], numpy's masked rejection
  std::uint32_t key_[kStateSize];
  int pos_ = kStateSize;
};

enum class FillMode { constant, nearest, reflect, wrap };
FillMode fill_mode_from_name(const std::string& name);

// Axes of one image (rank 3): 0, 1, 2 for rows, columns and channels in some order.
struct ImageAxes {
  int row = 0;
  int col = 1;
  int channel = 2;
};
ImageAxes image_axes(const std::string& data_format);  // channels_last or channels_first

struct AffineParameters {
  double theta = 0;  // degrees
  double tx = 0;     // shift along rows (Keras's tx is the height shift)
  double ty = 0;     // shift along columns
  double shear = 0;  // degrees
  double zx = 1;     // zoom of the row coordinate
  double zy = 1;     // zoom of the column coordinate
};

// Keras's apply_affine_transform: the matrix rotation . shift . shear . zoom, moved to the image
// centre (h / 2 + 0.5, w / 2 + 0.5), maps each output pixel to the input point sampled by linear
// interpolation (scipy.ndimage.affine_transform with order=1); points outside the image follow
// `fill_mode` (cval for constant). An identity transform returns an unchanged copy.
Tensor apply_affine_transform(const Tensor& x, const AffineParameters& parameters,
                              const ImageAxes& axes, FillMode fill_mode = FillMode::nearest,
                              double cval = 0.0);
// Every channel + intensity, clipped to the image's [min, max].
Tensor apply_channel_shift(const Tensor& x, double intensity, int channel_axis);
// PIL's ImageEnhance.Brightness over array_to_img(x) (scaled to [0, 255], 8 bits), as Keras:
// the result is on the 0..255 scale. 1, 3 or 4 channels (the alpha channel is kept).
Tensor apply_brightness_shift(const Tensor& x, double brightness, int channel_axis);
Tensor flip_axis(const Tensor& x, int axis);

// A shift range in any of Keras's forms (width_shift_range / height_shift_range).
struct ShiftRange {
  enum class Kind { fraction_or_pixels, integer, choices };
  Kind kind = Kind::fraction_or_pixels;
  double value = 0.0;             // float form: uniform(-value, value); integer form: the int
  std::vector<double> choices{};  // 1-D array-like form
  bool active() const { return kind == Kind::choices ? !choices.empty() : value != 0.0; }
};

struct TransformParameters {
  AffineParameters affine{};
  bool flip_horizontal = false;
  bool flip_vertical = false;
  std::optional<double> channel_shift_intensity{};
  std::optional<double> brightness{};
};

// Runs on one image (rank 3) and returns one of the same shape; may be called from worker threads.
using PreprocessingFunction = std::function<Tensor(const Tensor&)>;

struct ImageDataGeneratorOptions {
  bool featurewise_center = false;
  bool samplewise_center = false;
  bool featurewise_std_normalization = false;
  bool samplewise_std_normalization = false;
  bool zca_whitening = false;
  double zca_epsilon = 1e-6;
  double rotation_range = 0.0;
  ShiftRange width_shift_range{};
  ShiftRange height_shift_range{};
  std::optional<std::vector<double>> brightness_range{};  // two floats
  double shear_range = 0.0;
  std::vector<double> zoom_range{0.0};  // one float z: [1 - z, 1 + z]; or [lower, upper]
  double channel_shift_range = 0.0;
  std::string fill_mode = "nearest";
  double cval = 0.0;
  bool horizontal_flip = false;
  bool vertical_flip = false;
  double rescale = 0.0;  // 0: none
  PreprocessingFunction preprocessing_function{};
  std::string data_format = "channels_last";
  double validation_split = 0.0;
};

class ImageDataGenerator {
 public:
  explicit ImageDataGenerator(ImageDataGeneratorOptions options = {});

  const ImageDataGeneratorOptions& options() const { return options_; }
  // After Keras's overrides (zca_whitening implies featurewise_center, and so on).
  bool featurewise_center() const { return options_.featurewise_center; }
  bool featurewise_std_normalization() const { return options_.featurewise_std_normalization; }
  bool samplewise_center() const { return options_.samplewise_center; }
  double zoom_lower() const { return zoom_[0]; }
  double zoom_upper() const { return zoom_[1]; }
  const ImageAxes& axes() const { return axes_; }  // of one image
  // Which of Keras's overrides applied, for its warnings ("zca_whitening overrides ...").
  const std::vector<std::string>& override_warnings() const { return warnings_; }

  TransformParameters get_random_transform(const Shape& image_shape, NumpyRandom& rng) const;
  Tensor apply_transform(const Tensor& x, const TransformParameters& parameters) const;
  Tensor random_transform(const Tensor& x, NumpyRandom& rng) const {
    return apply_transform(x, get_random_transform(x.shape(), rng));
  }
  // preprocessing_function, rescale, samplewise and featurewise normalization, ZCA; one image
  // (rank 3) or a batch (rank 4). Statistics not fitted yet are skipped (Keras warns).
  Tensor standardize(const Tensor& x) const;

  // Featurewise statistics of x (rank 4), on `rounds` augmented copies when augment.
  void fit(const Tensor& x, bool augment, std::int64_t rounds, NumpyRandom& rng);
  void fit(const Tensor& x, bool augment = false, std::int64_t rounds = 1,
           std::optional<std::uint32_t> seed = {});
  const Tensor& mean() const { return mean_; }  // (1, 1, C) or (C, 1, 1); undefined before fit
  const Tensor& std() const { return std_; }
  const Tensor& principal_components() const { return principal_components_; }  // (d, d)
  void set_mean(Tensor mean) { mean_ = std::move(mean); }
  void set_std(Tensor std) { std_ = std::move(std); }
  void set_principal_components(Tensor pcs) { principal_components_ = std::move(pcs); }

 private:
  void standardize_image(float* x, const Shape& shape) const;

  ImageDataGeneratorOptions options_;
  ImageAxes axes_;
  FillMode fill_mode_;
  double zoom_[2] = {1.0, 1.0};
  std::vector<std::string> warnings_;
  Tensor mean_, std_, principal_components_;
};

// ---- Image files -------------------------------------------------------------------------------

// 8-bit pixels, rows of (width x channels); 1 channel: 'L', 3: 'RGB', 4: 'RGBA'.
struct Image {
  std::int64_t height = 0;
  std::int64_t width = 0;
  int channels = 3;
  std::vector<std::uint8_t> pixels{};
  std::string mode() const;
};

Image decode_image(const std::vector<std::uint8_t>& bytes, const std::string& what);  // PNG/JPEG
Image read_image(const std::string& path);
// format: "png" or "jpeg"/"jpg" (empty: from the path's extension); JPEG drops the alpha channel.
void write_image(const Image& image, const std::string& path, const std::string& format = "",
                 int jpeg_quality = 75);
// PIL's Image.convert between 'L', 'RGB' and 'RGBA'.
Image convert_image(const Image& image, const std::string& mode);
// PIL's Image.resize: nearest, bilinear, bicubic, lanczos, box, hamming.
Image resize_image(const Image& image, std::int64_t height, std::int64_t width,
                   const std::string& interpolation = "nearest");

struct LoadOptions {
  std::string color_mode = "rgb";                                      // grayscale, rgb, rgba
  std::optional<std::pair<std::int64_t, std::int64_t>> target_size{};  // (height, width)
  std::string interpolation = "nearest";
};
Image load_img(const std::string& path, const LoadOptions& options = {});
// float32 (H, W, C) or (C, H, W).
Tensor img_to_array(const Image& image, const std::string& data_format = "channels_last");
// x: rank 3; scale maps [min, max] to [0, 255] as Keras (values are truncated to 8 bits).
Image array_to_img(const Tensor& x, const std::string& data_format = "channels_last",
                   bool scale = true);
void save_img(const std::string& path, const Tensor& x,
              const std::string& data_format = "channels_last", const std::string& format = "",
              bool scale = true);

// ---- Iterators ---------------------------------------------------------------------------------

// The generator an iterator reads, replaceable while the iterator runs (fit() after flow()): a
// batch made with a generator that was replaced since is made again.
class GeneratorHandle {
 public:
  explicit GeneratorHandle(std::shared_ptr<const ImageDataGenerator> generator)
      : generator_(std::move(generator)) {}
  std::shared_ptr<const ImageDataGenerator> get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return generator_;
  }
  void set(std::shared_ptr<const ImageDataGenerator> generator) {
    std::lock_guard<std::mutex> lock(mutex_);
    generator_ = std::move(generator);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const ImageDataGenerator> generator_;
};

struct IteratorOptions {
  std::int64_t batch_size = 32;
  bool shuffle = true;
  std::uint32_t seed = 0;
  std::string save_to_dir{};  // empty: none
  std::string save_prefix{};
  std::string save_format = "png";
  std::int64_t save_hash_limit = 10000;  // saved names carry randint(0, limit), as Keras's
  int workers = 2;   // C++ threads that make batches ahead; 0: on the caller's thread
  int prefetch = 0;  // batches made ahead (0: 2 x workers)
};

// Sample j of the data as one float32 image (rank 3) in the generator's data format.
using SampleLoader = std::function<Tensor(std::int64_t)>;

// Batches of augmented, standardized samples (Keras's Iterator as a Sequence). Batch `index` of
// epoch `epoch` is the global batch k = epoch * size() + index: its random draws come from
// NumpyRandom(seed + k), and when shuffling, epoch e's order is the permutation drawn first from
// NumpyRandom(seed + e * size()) (before batch k = e * size()'s own draws), which is what Keras's
// next() does with a seed. Worker threads make the batches after the requested one ahead of time.
class ImageIterator {
 public:
  ImageIterator(std::shared_ptr<GeneratorHandle> generator, std::int64_t samples,
                SampleLoader loader, IteratorOptions options);
  ~ImageIterator();
  ImageIterator(const ImageIterator&) = delete;
  ImageIterator& operator=(const ImageIterator&) = delete;

  struct Batch {
    Tensor x;                               // (len(index_array), image...)
    std::vector<std::int64_t> index_array;  // the samples, in batch order
    std::vector<std::string> save_names;    // with save_to_dir: each image's file name
  };
  std::int64_t size() const;  // batches per epoch
  std::int64_t samples() const { return samples_; }
  Batch batch(std::int64_t epoch, std::int64_t index);
  std::vector<std::int64_t> index_array(std::int64_t epoch, std::int64_t index);
  const IteratorOptions& options() const { return options_; }

 private:
  struct Slot {
    bool ready = false;
    bool claimed = false;  // a worker is making it
    Batch batch;
    std::exception_ptr error;
    std::shared_ptr<const ImageDataGenerator> made_with;
  };
  Batch make(std::int64_t global, const std::shared_ptr<const ImageDataGenerator>& generator);
  // Writes a batch's images to save_to_dir when it is handed out (not when a worker prefetches
  // it: a batch never asked for leaves no files, as in Keras).
  void save(const Batch& batch, const ImageDataGenerator& generator) const;
  std::vector<std::int64_t> epoch_order(std::int64_t epoch);
  void schedule_locked(std::int64_t global);
  void worker_loop();

  std::shared_ptr<GeneratorHandle> generator_;
  std::int64_t samples_;
  SampleLoader loader_;
  IteratorOptions options_;

  std::mutex order_mutex_;
  std::map<std::int64_t, std::vector<std::int64_t>> orders_;  // epoch -> permutation

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable batch_ready_;
  std::deque<std::int64_t> queue_;
  std::map<std::int64_t, Slot> slots_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// flow_from_directory's listing: class folders (given or the sorted subfolders), their image
// files (png, jpg, jpeg, bmp, ppm, tif, tiff; sorted walk) within [split.first, split.second)
// of each class's files.
struct DirectoryListing {
  std::vector<std::string> classes;    // class names, index = label
  std::vector<std::string> filenames;  // relative to the directory: class/sub/file.png
  std::vector<std::int64_t> labels;    // per file
};
DirectoryListing list_directory(const std::string& directory,
                                const std::vector<std::string>& classes, bool follow_links,
                                std::optional<std::pair<double, double>> split);

}  // namespace keras::preprocessing::image
