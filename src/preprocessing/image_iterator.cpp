// The batch iterators of keras.preprocessing.image (NumpyArrayIterator and DirectoryIterator share
// this engine): batches made by worker threads ahead of the training step, reproducibly from
// the seed, and flow_from_directory's listing of class folders.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "keras/preprocessing/image.h"

namespace keras::preprocessing::image {

namespace fs = std::filesystem;

ImageIterator::ImageIterator(std::shared_ptr<GeneratorHandle> generator, std::int64_t samples,
                             SampleLoader loader, IteratorOptions options)
    : generator_(std::move(generator)),
      samples_(samples),
      loader_(std::move(loader)),
      options_(std::move(options)) {
  if (!generator_ || !generator_->get())
    throw std::invalid_argument("ImageIterator: no ImageDataGenerator");
  if (options_.batch_size <= 0)
    throw std::invalid_argument("batch_size must be positive; got " +
                                std::to_string(options_.batch_size));
  if (samples_ < 0) throw std::invalid_argument("ImageIterator: negative sample count");
  if (options_.workers < 0 || options_.prefetch < 0)
    throw std::invalid_argument("ImageIterator: workers and prefetch must be >= 0");
  if (options_.prefetch == 0) options_.prefetch = 2 * options_.workers;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

ImageIterator::~ImageIterator() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& t : threads_) t.join();
}

std::int64_t ImageIterator::size() const {
  return (samples_ + options_.batch_size - 1) / options_.batch_size;
}

std::vector<std::int64_t> ImageIterator::epoch_order(std::int64_t epoch) {
  std::lock_guard<std::mutex> lock(order_mutex_);
  auto it = orders_.find(epoch);
  if (it != orders_.end()) return it->second;
  std::vector<std::int64_t> order;
  if (options_.shuffle) {
    NumpyRandom rng(options_.seed + static_cast<std::uint32_t>(epoch * size()));
    order = rng.permutation(samples_);
  } else {
    order.resize(static_cast<std::size_t>(samples_));
    for (std::int64_t i = 0; i < samples_; ++i) order[static_cast<std::size_t>(i)] = i;
  }
  while (orders_.size() >= 3) orders_.erase(orders_.begin());  // epochs long past
  return orders_.emplace(epoch, std::move(order)).first->second;
}

std::vector<std::int64_t> ImageIterator::index_array(std::int64_t epoch, std::int64_t index) {
  if (index < 0 || index >= size())
    throw std::out_of_range("Asked to retrieve element " + std::to_string(index) +
                            ", but the Sequence has length " + std::to_string(size()));
  if (epoch < 0) throw std::out_of_range("ImageIterator: negative epoch");
  const std::vector<std::int64_t> order = epoch_order(epoch);
  const std::int64_t begin = index * options_.batch_size;
  const std::int64_t end = std::min(begin + options_.batch_size, samples_);
  return std::vector<std::int64_t>(order.begin() + begin, order.begin() + end);
}

ImageIterator::Batch ImageIterator::make(
    std::int64_t global, const std::shared_ptr<const ImageDataGenerator>& generator) {
  const std::int64_t epoch = global / size(), index = global % size();
  Batch batch;
  batch.index_array = index_array(epoch, index);
  // Keras's draws: np.random.seed(seed + batches seen), the epoch's permutation first when it
  // starts one, then each sample's transform, then the names of saved images.
  NumpyRandom rng(options_.seed + static_cast<std::uint32_t>(global));
  if (options_.shuffle && index == 0) rng.permutation(samples_);
  const auto count = static_cast<std::int64_t>(batch.index_array.size());
  std::int64_t image_size = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    const std::int64_t j = batch.index_array[static_cast<std::size_t>(i)];
    Tensor x = loader_(j);
    if (!x.defined() || x.ndim() != 3)
      throw std::invalid_argument("ImageIterator: sample " + std::to_string(j) +
                                  " is not one image (rank 3)");
    x = generator->apply_transform(x, generator->get_random_transform(x.shape(), rng));
    x = generator->standardize(x);
    if (i == 0) {
      Shape shape{count};
      shape.insert(shape.end(), x.shape().begin(), x.shape().end());
      batch.x = Tensor(shape, DType::float32);
      image_size = x.numel();
    } else if (x.numel() != image_size) {
      throw std::invalid_argument("ImageIterator: sample " + std::to_string(j) + " has shape " +
                                  shape_to_string(x.shape()) + ", unlike the others in its batch");
    }
    std::memcpy(batch.x.data<float>() + i * image_size, x.data<float>(),
                static_cast<std::size_t>(image_size) * sizeof(float));
  }
  if (!options_.save_to_dir.empty())
    for (std::int64_t i = 0; i < count; ++i)
      batch.save_names.push_back(options_.save_prefix + "_" +
                                 std::to_string(batch.index_array[static_cast<std::size_t>(i)]) +
                                 "_" + std::to_string(rng.randint(0, options_.save_hash_limit)) +
                                 "." + options_.save_format);
  return batch;
}

void ImageIterator::save(const Batch& batch, const ImageDataGenerator& generator) const {
  const std::string format =
      generator.options().data_format == "channels_first" ? "channels_first" : "channels_last";
  for (std::size_t i = 0; i < batch.save_names.size(); ++i)
    save_img((fs::path(options_.save_to_dir) / batch.save_names[i]).string(),
             batch.x[static_cast<std::int64_t>(i)], format, options_.save_format, true);
}

void ImageIterator::schedule_locked(std::int64_t global) {
  if (slots_.count(global)) return;
  slots_[global];
  queue_.push_back(global);
}

ImageIterator::Batch ImageIterator::batch(std::int64_t epoch, std::int64_t index) {
  if (index < 0 || index >= size())
    throw std::out_of_range("Asked to retrieve element " + std::to_string(index) +
                            ", but the Sequence has length " + std::to_string(size()));
  if (epoch < 0) throw std::out_of_range("ImageIterator: negative epoch");
  const std::int64_t global = epoch * size() + index;
  if (threads_.empty()) {
    const auto generator = generator_->get();
    Batch made = make(global, generator);
    save(made, *generator);
    return made;
  }

  std::unique_lock<std::mutex> lock(mutex_);
  // Batches far behind this one will not be asked for again (an enqueuer may ask a few out of
  // order): drop them.
  for (auto it = slots_.begin(); it != slots_.end() && it->first < global - options_.prefetch;) {
    if (it->second.claimed && !it->second.ready) {
      ++it;
      continue;
    }
    queue_.erase(std::remove(queue_.begin(), queue_.end(), it->first), queue_.end());
    it = slots_.erase(it);
  }
  if (!slots_.count(global)) {
    slots_[global];
    queue_.push_front(global);  // the one the caller waits for goes first
  }
  for (std::int64_t ahead = 1; ahead <= options_.prefetch; ++ahead) schedule_locked(global + ahead);
  work_ready_.notify_all();
  batch_ready_.wait(lock, [&] { return slots_[global].ready; });
  Slot slot = std::move(slots_[global]);
  slots_.erase(global);
  lock.unlock();
  if (slot.error) std::rethrow_exception(slot.error);
  const auto current = generator_->get();
  if (slot.made_with != current) slot.batch = make(global, current);  // fit() ran since
  save(slot.batch, *current);
  return std::move(slot.batch);
}

void ImageIterator::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    work_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::int64_t global = queue_.front();
    queue_.pop_front();
    auto it = slots_.find(global);
    if (it == slots_.end() || it->second.claimed) continue;
    it->second.claimed = true;
    lock.unlock();
    const auto generator = generator_->get();
    Batch batch;
    std::exception_ptr error;
    try {
      batch = make(global, generator);
    } catch (...) {
      error = std::current_exception();
    }
    lock.lock();
    auto done = slots_.find(global);
    if (done != slots_.end()) {
      done->second.batch = std::move(batch);
      done->second.error = error;
      done->second.made_with = generator;
      done->second.ready = true;
    }
    batch_ready_.notify_all();
  }
}

DirectoryListing list_directory(const std::string& directory,
                                const std::vector<std::string>& classes, bool follow_links,
                                std::optional<std::pair<double, double>> split) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec))
    throw std::invalid_argument("flow_from_directory: '" + directory + "' is not a directory" +
                                (fs::exists(directory, ec) ? "" : " (it does not exist)"));
  DirectoryListing listing;
  listing.classes = classes;
  if (listing.classes.empty()) {
    for (const auto& entry : fs::directory_iterator(directory))
      if (fs::is_directory(entry.path(), ec)) listing.classes.push_back(entry.path().filename());
    std::sort(listing.classes.begin(), listing.classes.end());
  }
  static const std::vector<std::string> kFormats = {"png", "jpg", "jpeg", "bmp",
                                                    "ppm", "tif", "tiff"};
  auto is_image = [](const std::string& name) {
    std::string lowered = name;
    for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const auto& f : kFormats)
      if (lowered.size() > f.size() + 1 && lowered.ends_with("." + f)) return true;
    return false;
  };
  for (std::size_t label = 0; label < listing.classes.size(); ++label) {
    const fs::path class_dir = fs::path(directory) / listing.classes[label];
    // os.walk's folders sorted by path, each folder's files sorted by name, as Keras.
    std::vector<std::string> roots;
    if (fs::is_directory(class_dir, ec)) {
      roots.push_back(class_dir.string());
      const auto options = follow_links ? fs::directory_options::follow_directory_symlink
                                        : fs::directory_options::none;
      for (auto it = fs::recursive_directory_iterator(class_dir, options, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_directory(ec) && (follow_links || !it->is_symlink(ec)))
          roots.push_back(it->path().string());
      }
    }
    std::sort(roots.begin(), roots.end());
    std::vector<std::string> files;
    for (const auto& root : roots) {
      std::vector<std::string> names;
      for (const auto& entry : fs::directory_iterator(root, ec))
        if (!entry.is_directory(ec) && is_image(entry.path().filename().string()))
          names.push_back(entry.path().filename().string());
      std::sort(names.begin(), names.end());
      for (const auto& name : names)
        files.push_back(
            (fs::path(listing.classes[label]) / fs::relative(fs::path(root) / name, class_dir))
                .string());
    }
    std::size_t start = 0, stop = files.size();
    if (split) {
      start = static_cast<std::size_t>(split->first * static_cast<double>(files.size()));
      stop = static_cast<std::size_t>(split->second * static_cast<double>(files.size()));
    }
    for (std::size_t i = start; i < stop; ++i) {
      listing.filenames.push_back(files[i]);
      listing.labels.push_back(static_cast<std::int64_t>(label));
    }
  }
  return listing;
}

}  // namespace keras::preprocessing::image
