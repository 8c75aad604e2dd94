// keras::initializers — Keras 2.2.4's weight initializers (keras/initializers.py). Keras 1 called
// the module `initializations` (keras::initializations is an alias) and used names that get()
// also accepts: 'zero', 'one', 'uniform', 'normal', 'glorot_uniform', 'he_normal', ...
//
// An Initializer makes a concrete tensor for a weight shape and dtype. Random draws come from the
// global generator (keras::detail::seed_global_generator reproduces them), or from a private
// std::mt19937_64 when a seed is given. Uniform and normal numbers are derived from the raw 64-bit
// draws here (Box-Muller for normals), so results do not depend on the standard library.
//
// Keras 1 differences not reproduced (2.2.4's formulas are used for every name): Keras 1's
// glorot_normal / he_normal / lecun were plain (untruncated) normals, and its LSTM `inner_init`
// orthogonal used scale 1.1 (pass orthogonal(1.1) for that).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json_fwd.hpp>

#include "keras/tensor/tensor.h"

namespace keras::initializers {

using Initializer = std::function<Tensor(const Shape& shape, DType dtype)>;
using Seed = std::optional<std::uint64_t>;

Initializer zeros();                       // Keras 1: 'zero'
Initializer ones();                        // Keras 1: 'one'
Initializer constant(double value = 0.0);  // Constant(value=0)
// U(minval, maxval). Keras 1: 'uniform' (scale 0.05).
Initializer random_uniform(double minval = -0.05, double maxval = 0.05, Seed seed = std::nullopt);
// N(mean, stddev). Keras 1: 'normal' (scale 0.05).
Initializer random_normal(double mean = 0.0, double stddev = 0.05, Seed seed = std::nullopt);
// N(mean, stddev) with draws beyond two standard deviations redrawn (TensorFlow's).
Initializer truncated_normal(double mean = 0.0, double stddev = 0.05, Seed seed = std::nullopt);
// scale /= max(1, fan) for mode "fan_in", "fan_out" or "fan_avg" ((fan_in + fan_out) / 2); then
// distribution "normal": truncated normal with stddev sqrt(scale) / 0.87962566103423978 (the
// stddev of a standard normal truncated at +-2, so the result has variance `scale`, as Keras
// 2.2.4), "uniform": U(+-sqrt(3 scale)). Keras 2.3+'s "truncated_normal" (= "normal") and
// "untruncated_normal" (plain normal, stddev sqrt(scale)) are accepted too.
// Throws std::invalid_argument for scale <= 0 or an unknown mode / distribution.
Initializer variance_scaling(double scale = 1.0, const std::string& mode = "fan_in",
                             const std::string& distribution = "normal", Seed seed = std::nullopt);
Initializer glorot_uniform(Seed seed = std::nullopt);  // U(+-sqrt(6 / (fan_in + fan_out)))
Initializer glorot_normal(Seed seed = std::nullopt);   // variance_scaling(1, fan_avg, normal)
Initializer he_uniform(Seed seed = std::nullopt);      // U(+-sqrt(6 / fan_in))
Initializer he_normal(Seed seed = std::nullopt);       // variance_scaling(2, fan_in, normal)
Initializer lecun_uniform(Seed seed = std::nullopt);   // U(+-sqrt(3 / fan_in))
Initializer lecun_normal(Seed seed = std::nullopt);    // variance_scaling(1, fan_in, normal)
// gain * I for a 2D shape; a rectangular one whose long side is a multiple of the short side
// holds identity blocks along it; other shapes throw std::invalid_argument (Keras 2.2.4).
Initializer identity(double gain = 1.0);
// gain * a random orthogonal matrix: a (prod(shape[:-1]), shape[-1]) N(0, 1) matrix is
// orthonormalised (Householder QR, signs fixed so that R has a positive diagonal), giving
// orthonormal columns when rows >= cols, else orthonormal rows, reshaped to `shape` (Keras 2.2.4
// takes u or v of an SVD; the distribution is the same, uniform over orthogonal matrices).
Initializer orthogonal(double gain = 1.0, Seed seed = std::nullopt);

// Keras 2.2.4's _compute_fans: 2D (fan_in, fan_out) = shape; 3D-5D convolution kernels multiply
// by the receptive field (channels_last: shape[-2] * rf, shape[-1] * rf; channels_first:
// shape[1] * rf, shape[0] * rf); other ranks sqrt(prod(shape)) for both.
std::pair<double, double> compute_fans(const Shape& shape,
                                       const std::string& data_format = "channels_last");

// An initializer by name (or a serialized {"class_name", "config"} JSON text), Keras 1 and 2 (and Keras 3 class) names: zero(s), one(s), constant,
// uniform, random_uniform, normal, random_normal, truncated_normal, variance_scaling, identity,
// orthogonal, glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal;
// CamelCase class names ('Zeros', 'RandomNormal', 'VarianceScaling', 'GlorotUniform', ...) map to
// the same. Throws std::invalid_argument "Unknown initializer: 'x'. Valid initializers are: ...".
Initializer get(const std::string& name);
// From a layer config's {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode":
// "fan_avg", "distribution": "uniform", "seed": null}} (Keras 2 and 3 forms), or a plain name.
Initializer from_config(const nlohmann::json& config);
// What Keras 2.2.4 writes in a layer config for a named initializer, e.g. "glorot_uniform" ->
// {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg",
// "distribution": "uniform", "seed": null}}. Throws like get().
nlohmann::json serialize(const std::string& name);
// The inverse of serialize for layer options that hold an initializer as a string: a name whose
// serialization equals `config` (so get_config round-trips to Keras's text), or else the config
// itself as JSON text, which get() and serialize() accept in place of a name.
std::string deserialize_name(const nlohmann::json& config);

}  // namespace keras::initializers

namespace keras {
namespace initializations = initializers;  // Keras 1's module name
}
