// Model::fit_generator, evaluate_generator and predict_generator (Keras 2.2.4's
// training_generator.py, with Keras 1.2.2's sample-counting arguments), for generators and
// Sequences: thin calls that make a data adapter (data_adapter.h) of the batches and run the
// Trainer's loop on it.
#include <cstdio>
#include <stdexcept>

#include "engine/compiled.h"
#include "engine/data_adapter.h"
#include "engine/trainer.h"
#include "keras/engine/training.h"

namespace keras {

std::function<std::vector<Tensor>(const Batch&, const std::string&)> Model::batch_standardizer(
    bool with_targets, ClassWeight class_weight, std::string prefix) {
  return [this, with_targets, class_weight = std::move(class_weight), prefix = std::move(prefix)](
             const Batch& batch, const std::string& context) {
    if (!with_targets) return standardize_inputs(batch.x, (prefix + "input").c_str());
    // A model whose outputs all read their targets (target_tensors) or take none needs no y.
    if (batch.y.empty() && (!compiled_ || !compiled_->outputs.empty()))
      throw std::invalid_argument(
          context +
          ": Output of generator should be a tuple `(x, y, sample_weight)` or `(x, y)`. "
          "Found: a batch without y");
    return standardize_data(batch.x, batch.y, &batch.sample_weight, class_weight, prefix.c_str());
  };
}

namespace {

// fit_generator's validation data as an adapter: a generator (validation_steps or
// nb_val_samples of its batches), a Sequence, or arrays; none without validation_data.
std::unique_ptr<DataAdapter> validation_adapter(const FitGeneratorOptions& options,
                                                bool count_samples, StandardizeBatch standardize,
                                                std::size_t capacity, bool use_thread) {
  constexpr const char* what = "fit_generator validation";
  const GeneratorValidationData& v = options.validation_data;
  if (v.generator) {
    if (options.validation_steps <= 0 && options.nb_val_samples <= 0)
      throw std::invalid_argument(count_samples ? "When using a generator for validation data, you "
                                                  "must specify a value for \"nb_val_samples\"."
                                                : "`validation_steps=None` is only valid for a "
                                                  "generator based on the `keras.utils.Sequence` "
                                                  "class. Please specify `validation_steps` or use "
                                                  "the `keras.utils.Sequence` class.");
    return make_generator_adapter(v.generator,
                                  make_extent(options.validation_steps, options.nb_val_samples,
                                              "validation_steps", "nb_val_samples"),
                                  std::move(standardize), what, capacity, use_thread);
  }
  if (v.sequence)
    return make_sequence_adapter(v.sequence, options.validation_steps, false,
                                 std::move(standardize), what);
  if (!v.has_value()) return nullptr;
  // Checked once here, as Keras standardizes validation arrays before training; validated with
  // the size of the last training batch, as Keras 2.2.4.
  if (v.y.empty())
    throw std::invalid_argument(
        "`validation_data` should be a tuple `(val_x, val_y, val_sample_weight)` or "
        "`(val_x, val_y)`.");
  return make_array_adapter(standardize(Batch{v.x, v.y, v.sample_weight}, "validation_data"), 1);
}

callbacks::History fit_with(Model& model, DataAdapter& train, DataAdapter* validation,
                            const FitGeneratorOptions& options) {
  const GeneratorValidationData& v = options.validation_data;
  return Trainer(model).fit(
      train, {.what = "fit_generator",
              .epochs = detail::epochs_to_train(options.epochs, options.nb_epoch, "fit_generator"),
              .initial_epoch = options.initial_epoch,
              .verbose = options.verbose,
              .callbacks = options.callbacks,
              .validation = validation,
              .validation_batch_from_training = validation && !v.generator && !v.sequence});
}

// The rows of the predictions, with Keras 1's warning when a generator yielded more samples
// than val_samples asked for.
void warn_extra_samples(const std::vector<Tensor>& predictions, std::int64_t val_samples) {
  const std::int64_t seen = predictions.front().shape()[0];
  if (val_samples > 0 && seen > val_samples)
    std::fprintf(stderr,
                 "UserWarning: predict_generator: the generator yielded %lld samples, more than "
                 "val_samples=%lld; all %lld predictions are returned.\n",
                 static_cast<long long>(seen), static_cast<long long>(val_samples),
                 static_cast<long long>(seen));
}

}  // namespace

callbacks::History Model::fit_generator(Generator generator, const FitGeneratorOptions& options) {
  constexpr const char* what = "fit_generator";
  require_compiled("training/testing");
  const Extent extent = make_extent(options.steps_per_epoch, options.samples_per_epoch,
                                    "steps_per_epoch", "samples_per_epoch");
  detail::epochs_to_train(options.epochs, options.nb_epoch, what);
  const bool use_thread = threaded(options.workers, options.use_multiprocessing, what);
  const std::size_t capacity = queue_capacity(options.max_queue_size, options.max_q_size, what);
  // Validation first: its thread is joined after the training one (reverse order).
  auto validation =
      validation_adapter(options, extent.samples > 0, batch_standardizer(true, {}, "validation "),
                         capacity, use_thread);
  auto train = make_generator_adapter(std::move(generator), extent,
                                      batch_standardizer(true, options.class_weight), what,
                                      capacity, use_thread);
  return fit_with(*this, *train, validation.get(), options);
}

callbacks::History Model::fit_generator(SequencePtr sequence, const FitGeneratorOptions& options) {
  constexpr const char* what = "fit_generator";
  require_compiled("training/testing");
  if (options.samples_per_epoch > 0)
    throw std::invalid_argument(
        "fit_generator: a Sequence is read in batches: give steps_per_epoch (or nothing, for "
        "all of its batches), not samples_per_epoch");
  detail::epochs_to_train(options.epochs, options.nb_epoch, what);
  const bool use_thread = threaded(options.workers, options.use_multiprocessing, what);
  const std::size_t capacity = queue_capacity(options.max_queue_size, options.max_q_size, what);
  auto validation = validation_adapter(options, false, batch_standardizer(true, {}, "validation "),
                                       capacity, use_thread);
  auto train = make_sequence_adapter(std::move(sequence), options.steps_per_epoch, options.shuffle,
                                     batch_standardizer(true, options.class_weight), what);
  return fit_with(*this, *train, validation.get(), options);
}

std::vector<double> Model::evaluate_generator(Generator generator,
                                              const EvaluateGeneratorOptions& options) {
  constexpr const char* what = "evaluate_generator";
  require_compiled("training/testing");
  auto data = make_generator_adapter(
      std::move(generator), make_extent(options.steps, options.val_samples, "steps", "val_samples"),
      batch_standardizer(true), what,
      queue_capacity(options.max_queue_size, options.max_q_size, what),
      threaded(options.workers, options.use_multiprocessing, what));
  return Trainer(*this).evaluate(*data, options.verbose);
}

std::vector<double> Model::evaluate_generator(SequencePtr sequence,
                                              const EvaluateGeneratorOptions& options) {
  constexpr const char* what = "evaluate_generator";
  require_compiled("training/testing");
  threaded(options.workers, options.use_multiprocessing, what);
  auto data = make_sequence_adapter(std::move(sequence), options.steps, false,
                                    batch_standardizer(true), what);
  return Trainer(*this).evaluate(*data, options.verbose);
}

std::vector<Tensor> Model::predict_generator_outputs(Generator generator,
                                                     const PredictGeneratorOptions& options) {
  constexpr const char* what = "predict_generator";
  auto data = make_generator_adapter(
      std::move(generator), make_extent(options.steps, options.val_samples, "steps", "val_samples"),
      batch_standardizer(false), what,
      queue_capacity(options.max_queue_size, options.max_q_size, what),
      threaded(options.workers, options.use_multiprocessing, what));
  std::vector<Tensor> predictions = Trainer(*this).predict(*data, options.verbose);
  warn_extra_samples(predictions, options.val_samples);
  return predictions;
}

std::vector<Tensor> Model::predict_generator_outputs(SequencePtr sequence,
                                                     const PredictGeneratorOptions& options) {
  constexpr const char* what = "predict_generator";
  threaded(options.workers, options.use_multiprocessing, what);
  auto data = make_sequence_adapter(std::move(sequence), options.steps, false,
                                    batch_standardizer(false), what);
  return Trainer(*this).predict(*data, options.verbose);
}

Tensor Model::predict_generator(Generator generator, const PredictGeneratorOptions& options) {
  ensure_graph();
  if (outputs_.size() != 1)
    throw std::invalid_argument("predict_generator: model " + name() + " has " +
                                std::to_string(outputs_.size()) +
                                " outputs: use predict_generator_outputs for one array per output");
  return predict_generator_outputs(std::move(generator), options).front();
}

}  // namespace keras
