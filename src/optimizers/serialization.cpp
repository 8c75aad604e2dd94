// optimizers::get and optimizers::from_config: Keras 2's case-insensitive deserialize().
#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include "keras/optimizers.h"
#include "saving/config_text.h"

namespace keras::optimizers {

namespace {

using nlohmann::json;

const char* const kValidNames = "sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Reads one optimizer's config, remembering which keys it used so that unknown ones can be refused.
class ConfigReader {
 public:
  ConfigReader(const json& config, std::string class_name)
      : config_(config), class_name_(std::move(class_name)) {
    if (!config_.is_object() && !config_.is_null())
      throw std::invalid_argument("Optimizer config of " + class_name_ +
                                  " must be a JSON object, got " +
                                  saving::detail::config_excerpt(config_));
  }

  double number(const std::string& key, double fallback) {
    const json* value = find(key);
    if (!value || value->is_null()) return fallback;
    if (!value->is_number())
      throw std::invalid_argument("Optimizer " + class_name_ + ": '" + key +
                                  "' must be a number, got " +
                                  saving::detail::config_excerpt(*value));
    return value->get<double>();
  }

  // `lr` (Keras 1/2.2) or `learning_rate` (Keras 2.3+/3).
  double learning_rate(double fallback) {
    double lr = number("lr", fallback);
    return number("learning_rate", lr);
  }

  bool boolean(const std::string& key, bool fallback) {
    const json* value = find(key);
    if (!value || value->is_null()) return fallback;
    if (!value->is_boolean())
      throw std::invalid_argument("Optimizer " + class_name_ + ": '" + key +
                                  "' must be true or false, got " +
                                  saving::detail::config_excerpt(*value));
    return value->get<bool>();
  }

  // Refuses keys that were not read, except Keras 3's bookkeeping keys at neutral values.
  void finish() const {
    if (!config_.is_object()) return;
    static const std::set<std::string> ignored = {"name", "is_legacy_optimizer", "jit_compile",
                                                  "ema_overwrite_frequency", "loss_scale_factor"};
    for (const auto& [key, value] : config_.items()) {
      if (used_.count(key) || ignored.count(key)) continue;
      bool neutral = value.is_null() || (value.is_boolean() && !value.get<bool>()) ||
                     (value.is_number() && value.get<double>() == 0.0);
      if (neutral && (key == "weight_decay" || key == "global_clipnorm" || key == "use_ema" ||
                      key == "gradient_accumulation_steps" || key == "centered"))
        continue;
      if (key == "ema_momentum") continue;  // only meaningful with use_ema, refused above when on
      throw std::invalid_argument("Unexpected keyword argument passed to optimizer " + class_name_ +
                                  ": '" + key + "' = " + saving::detail::config_excerpt(value));
    }
  }

 private:
  const json* find(const std::string& key) {
    used_.insert(key);
    if (!config_.is_object()) return nullptr;
    auto it = config_.find(key);
    return it == config_.end() ? nullptr : &*it;
  }

  const json& config_;
  std::string class_name_;
  std::set<std::string> used_;
};

using Factory = std::function<std::shared_ptr<Optimizer>(ConfigReader&)>;

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table = {
      {"sgd",
       [](ConfigReader& r) {
         SGDOptions d;
         SGDOptions o{.lr = r.learning_rate(d.lr),
                      .momentum = r.number("momentum", d.momentum),
                      .decay = r.number("decay", d.decay),
                      .nesterov = r.boolean("nesterov", d.nesterov),
                      .clipnorm = r.number("clipnorm", d.clipnorm),
                      .clipvalue = r.number("clipvalue", d.clipvalue)};
         return std::make_shared<SGD>(o);
       }},
      {"rmsprop",
       [](ConfigReader& r) {
         RMSpropOptions d;
         RMSpropOptions o{.lr = r.learning_rate(d.lr),
                          .rho = r.number("rho", d.rho),
                          .epsilon = r.number("epsilon", d.epsilon),
                          .decay = r.number("decay", d.decay),
                          .clipnorm = r.number("clipnorm", d.clipnorm),
                          .clipvalue = r.number("clipvalue", d.clipvalue)};
         // Keras 3's RMSprop has a momentum argument; only its neutral value maps onto Keras 2's.
         if (r.number("momentum", 0.0) != 0.0)
           throw std::invalid_argument(
               "Optimizer RMSprop: 'momentum' is not supported (Keras 2.2.4 has none)");
         return std::make_shared<RMSprop>(o);
       }},
      {"adagrad",
       [](ConfigReader& r) {
         AdagradOptions d;
         AdagradOptions o{.lr = r.learning_rate(d.lr),
                          .epsilon = r.number("epsilon", d.epsilon),
                          .decay = r.number("decay", d.decay),
                          .clipnorm = r.number("clipnorm", d.clipnorm),
                          .clipvalue = r.number("clipvalue", d.clipvalue)};
         if (r.number("initial_accumulator_value", 0.0) != 0.0)
           throw std::invalid_argument(
               "Optimizer Adagrad: 'initial_accumulator_value' other than 0 is not supported "
               "(Keras 2.2.4 "
               "starts the accumulators at 0)");
         return std::make_shared<Adagrad>(o);
       }},
      {"adadelta",
       [](ConfigReader& r) {
         AdadeltaOptions d;
         AdadeltaOptions o{.lr = r.learning_rate(d.lr),
                           .rho = r.number("rho", d.rho),
                           .epsilon = r.number("epsilon", d.epsilon),
                           .decay = r.number("decay", d.decay),
                           .clipnorm = r.number("clipnorm", d.clipnorm),
                           .clipvalue = r.number("clipvalue", d.clipvalue)};
         return std::make_shared<Adadelta>(o);
       }},
      {"adam",
       [](ConfigReader& r) {
         AdamOptions d;
         AdamOptions o{.lr = r.learning_rate(d.lr),
                       .beta_1 = r.number("beta_1", d.beta_1),
                       .beta_2 = r.number("beta_2", d.beta_2),
                       .epsilon = r.number("epsilon", d.epsilon),
                       .decay = r.number("decay", d.decay),
                       .amsgrad = r.boolean("amsgrad", d.amsgrad),
                       .clipnorm = r.number("clipnorm", d.clipnorm),
                       .clipvalue = r.number("clipvalue", d.clipvalue)};
         return std::make_shared<Adam>(o);
       }},
      {"adamax",
       [](ConfigReader& r) {
         AdamaxOptions d;
         AdamaxOptions o{.lr = r.learning_rate(d.lr),
                         .beta_1 = r.number("beta_1", d.beta_1),
                         .beta_2 = r.number("beta_2", d.beta_2),
                         .epsilon = r.number("epsilon", d.epsilon),
                         .decay = r.number("decay", d.decay),
                         .clipnorm = r.number("clipnorm", d.clipnorm),
                         .clipvalue = r.number("clipvalue", d.clipvalue)};
         return std::make_shared<Adamax>(o);
       }},
      {"nadam",
       [](ConfigReader& r) {
         NadamOptions d;
         NadamOptions o{
             .lr = r.learning_rate(d.lr),
             .beta_1 = r.number("beta_1", d.beta_1),
             .beta_2 = r.number("beta_2", d.beta_2),
             .epsilon = r.number("epsilon", d.epsilon),
             // tf.keras 2.x names Nadam's schedule decay `decay` (it has no
             // learning-rate decay): read when `schedule_decay` is absent.
             .schedule_decay = r.number("schedule_decay", r.number("decay", d.schedule_decay)),
             .clipnorm = r.number("clipnorm", d.clipnorm),
             .clipvalue = r.number("clipvalue", d.clipvalue)};
         return std::make_shared<Nadam>(o);
       }},
  };
  return table;
}

const Factory& factory_for(const std::string& name) {
  auto it = factories().find(lower(name));
  if (it == factories().end())
    throw std::invalid_argument("Unknown optimizer: '" + name +
                                "'. Valid optimizers are: " + kValidNames + ".");
  return it->second;
}

}  // namespace

std::shared_ptr<Optimizer> get(const std::string& name) {
  const Factory& make = factory_for(name);
  json empty = json::object();
  ConfigReader reader(empty, name);
  return make(reader);
}

std::shared_ptr<Optimizer> from_config(const json& config) {
  if (!config.is_object() || !config.contains("class_name") || !config["class_name"].is_string())
    throw std::invalid_argument(
        "optimizers::from_config expects {\"class_name\": \"Adam\", \"config\": {...}}, got " +
        saving::detail::config_excerpt(config));
  std::string class_name = config["class_name"].get<std::string>();
  const Factory& make = factory_for(class_name);
  static const json empty = json::object();
  auto it = config.find("config");
  ConfigReader reader(it == config.end() ? empty : *it, class_name);
  std::shared_ptr<Optimizer> optimizer = make(reader);
  reader.finish();
  return optimizer;
}

}  // namespace keras::optimizers
