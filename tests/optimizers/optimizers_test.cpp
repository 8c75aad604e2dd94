// Optimizers against Keras 2.2.4's update equations, evaluated by hand in plain C++ loops.
#include "keras/optimizers.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"

namespace K = keras::backend;
namespace opt = keras::optimizers;
using K::SymbolicTensor;
using keras::DType;
using keras::Shape;
using keras::Tensor;

namespace {

// loss = 0.5 * sum((w - target)^2) + sum(u * slope): the gradient is (w - target, slope), so the
// hand computation needs no autodiff. u has a zero slope entry and gradients of both signs.
const std::vector<double> kW0 = {0.5, -1.0, 2.0};
const std::vector<double> kTarget = {1.0, 1.0, -1.0};
const std::vector<double> kU0 = {0.1, -0.2, 0.3, 0.0};
const std::vector<double> kSlope = {1.0, -2.0, 0.5, 0.0};

struct Problem {
  SymbolicTensor w, u, loss;
  DType dtype;

  explicit Problem(DType dt = DType::float64) : dtype(dt) {
    w = K::variable(Tensor::from_vector<double>(kW0).astype(dt), "w");
    u = K::variable(Tensor::from_vector<double>(kU0, {2, 2}).astype(dt), "u");
    SymbolicTensor target = K::constant(Tensor::from_vector<double>(kTarget).astype(dt));
    SymbolicTensor slope = K::constant(Tensor::from_vector<double>(kSlope, {2, 2}).astype(dt));
    loss = K::sum(K::square(w - target)) * 0.5 + K::sum(u * slope);
  }
  std::vector<SymbolicTensor> params() const { return {w, u}; }
  std::vector<double> values() const {
    std::vector<double> out = K::get_value(w).to_vector<double>();
    for (double x : K::get_value(u).to_vector<double>()) out.push_back(x);
    return out;
  }
  void set_values(const std::vector<double>& v) {
    K::set_value(w, Tensor::from_vector<double>({v[0], v[1], v[2]}).astype(dtype));
    K::set_value(u, Tensor::from_vector<double>({v[3], v[4], v[5], v[6]}, {2, 2}).astype(dtype));
  }
};

std::vector<double> gradient_at(const std::vector<double>& p) {
  std::vector<double> g(p.size());
  for (std::size_t i = 0; i < 3; ++i) g[i] = p[i] - kTarget[i];
  for (std::size_t i = 3; i < 7; ++i) g[i] = kSlope[i - 3];
  return g;
}

// Keras 2.2.4's equations (keras/optimizers.py), one parameter element at a time.
struct Hyper {
  std::string kind;
  double lr = 0.01, momentum = 0, decay = 0, rho = 0.9, epsilon = 1e-7, beta_1 = 0.9,
         beta_2 = 0.999;
  double schedule_decay = 0.004, clipnorm = 0, clipvalue = 0;
  bool nesterov = false, amsgrad = false;
};

struct Reference {
  Hyper h;
  std::vector<double> p, m, v, vhat, a, d;
  long iterations = 0;
  double m_schedule = 1.0;

  Reference(Hyper hyper, std::vector<double> start) : h(std::move(hyper)), p(std::move(start)) {
    std::size_t n = p.size();
    m.assign(n, 0);
    v.assign(n, 0);
    vhat.assign(n, 0);
    a.assign(n, 0);
    d.assign(n, 0);
  }

  void step() {
    std::vector<double> g = gradient_at(p);
    if (h.clipnorm > 0) {
      double sq = 0;
      for (double x : g) sq += x * x;
      double norm = std::sqrt(sq);
      if (norm >= h.clipnorm)
        for (double& x : g) x = x * h.clipnorm / norm;
    }
    if (h.clipvalue > 0)
      for (double& x : g) x = std::min(std::max(x, -h.clipvalue), h.clipvalue);
    double lr = h.lr;
    if (h.decay > 0) lr = lr * (1.0 / (1.0 + h.decay * static_cast<double>(iterations)));
    double t = static_cast<double>(iterations) + 1;
    double mu_t = 0, mu_t1 = 0, sched_new = 0, sched_next = 0;
    if (h.kind == "nadam") {
      mu_t = h.beta_1 * (1.0 - 0.5 * std::pow(0.96, t * h.schedule_decay));
      mu_t1 = h.beta_1 * (1.0 - 0.5 * std::pow(0.96, (t + 1) * h.schedule_decay));
      sched_new = m_schedule * mu_t;
      sched_next = m_schedule * mu_t * mu_t1;
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
      double gi = g[i];
      if (h.kind == "sgd") {
        double vel = h.momentum * m[i] - lr * gi;
        m[i] = vel;
        p[i] = h.nesterov ? p[i] + h.momentum * vel - lr * gi : p[i] + vel;
      } else if (h.kind == "rmsprop") {
        a[i] = h.rho * a[i] + (1 - h.rho) * gi * gi;
        p[i] -= lr * gi / (std::sqrt(a[i]) + h.epsilon);
      } else if (h.kind == "adagrad") {
        a[i] += gi * gi;
        p[i] -= lr * gi / (std::sqrt(a[i]) + h.epsilon);
      } else if (h.kind == "adadelta") {
        a[i] = h.rho * a[i] + (1 - h.rho) * gi * gi;
        double upd = gi * std::sqrt(d[i] + h.epsilon) / std::sqrt(a[i] + h.epsilon);
        p[i] -= lr * upd;
        d[i] = h.rho * d[i] + (1 - h.rho) * upd * upd;
      } else if (h.kind == "adam") {
        double lr_t = lr * std::sqrt(1 - std::pow(h.beta_2, t)) / (1 - std::pow(h.beta_1, t));
        m[i] = h.beta_1 * m[i] + (1 - h.beta_1) * gi;
        v[i] = h.beta_2 * v[i] + (1 - h.beta_2) * gi * gi;
        double denom = v[i];
        if (h.amsgrad) {
          vhat[i] = std::max(vhat[i], v[i]);
          denom = vhat[i];
        }
        p[i] -= lr_t * m[i] / (std::sqrt(denom) + h.epsilon);
      } else if (h.kind == "adamax") {
        double lr_t = lr / (1 - std::pow(h.beta_1, t));
        m[i] = h.beta_1 * m[i] + (1 - h.beta_1) * gi;
        v[i] = std::max(h.beta_2 * v[i], std::abs(gi));
        p[i] -= lr_t * m[i] / (v[i] + h.epsilon);
      } else if (h.kind == "nadam") {
        double g_prime = gi / (1 - sched_new);
        m[i] = h.beta_1 * m[i] + (1 - h.beta_1) * gi;
        double m_prime = m[i] / (1 - sched_next);
        v[i] = h.beta_2 * v[i] + (1 - h.beta_2) * gi * gi;
        double v_prime = v[i] / (1 - std::pow(h.beta_2, t));
        double m_bar = (1 - mu_t) * g_prime + mu_t1 * m_prime;
        p[i] -= h.lr * m_bar / (std::sqrt(v_prime) + h.epsilon);
      } else {
        ADD_FAILURE() << "unknown kind " << h.kind;
      }
    }
    if (h.kind == "nadam") m_schedule = sched_new;
    ++iterations;
  }
};

std::vector<double> start_values() {
  std::vector<double> p = kW0;
  p.insert(p.end(), kU0.begin(), kU0.end());
  return p;
}

void expect_close(const std::vector<double>& actual, const std::vector<double>& expected,
                  double rtol, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], rtol * std::max(1.0, std::abs(expected[i])))
        << what << " element " << i;
}

// Runs `steps` training steps through a compiled K::Function and checks each against Keras's
// equations.
void check_against_reference(opt::Optimizer& optimizer, const Hyper& hyper, int steps = 3) {
  Problem problem;
  auto updates = optimizer.get_updates(problem.params(), problem.loss);
  K::Function f({}, {problem.loss}, updates);
  Reference ref(hyper, start_values());
  for (int s = 0; s < steps; ++s) {
    f({});
    ref.step();
    expect_close(problem.values(), ref.p, 1e-12, hyper.kind + " step " + std::to_string(s + 1));
  }
  EXPECT_EQ(K::get_value(optimizer.iterations()).item(), steps);
}

double iterations_of(const opt::Optimizer& o) {
  return K::get_value(o.iterations()).item();
}

std::string error_of(const std::function<void()>& body) {
  try {
    body();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "no std::invalid_argument thrown";
  return "";
}

}  // namespace

// ------------------------------------------------------------------------------------ defaults

TEST(Optimizers, DefaultsAreKeras224s) {
  opt::SGD sgd;
  EXPECT_EQ(sgd.options().lr, 0.01);
  EXPECT_EQ(sgd.options().momentum, 0.0);
  EXPECT_EQ(sgd.options().decay, 0.0);
  EXPECT_FALSE(sgd.options().nesterov);
  opt::RMSprop rms;
  EXPECT_EQ(rms.options().lr, 0.001);
  EXPECT_EQ(rms.options().rho, 0.9);
  EXPECT_EQ(rms.options().epsilon, 1e-7);
  opt::Adagrad adagrad;
  EXPECT_EQ(adagrad.options().lr, 0.01);
  EXPECT_EQ(adagrad.options().epsilon, 1e-7);
  opt::Adadelta adadelta;
  EXPECT_EQ(adadelta.options().lr, 1.0);
  EXPECT_EQ(adadelta.options().rho, 0.95);
  EXPECT_EQ(adadelta.options().epsilon, 1e-7);
  opt::Adam adam;
  EXPECT_EQ(adam.options().lr, 0.001);
  EXPECT_EQ(adam.options().beta_1, 0.9);
  EXPECT_EQ(adam.options().beta_2, 0.999);
  EXPECT_EQ(adam.options().epsilon, 1e-7);
  EXPECT_FALSE(adam.options().amsgrad);
  opt::Adamax adamax;
  EXPECT_EQ(adamax.options().lr, 0.002);
  EXPECT_EQ(adamax.options().beta_2, 0.999);
  opt::Nadam nadam;
  EXPECT_EQ(nadam.options().lr, 0.002);
  EXPECT_EQ(nadam.options().schedule_decay, 0.004);
  EXPECT_EQ(nadam.options().epsilon, 1e-7);
  EXPECT_EQ(nadam.learning_rate(), 0.002);
  for (const opt::Optimizer* o : std::vector<const opt::Optimizer*>{&sgd, &rms, &adagrad, &adadelta,
                                                                    &adam, &adamax, &nadam}) {
    EXPECT_EQ(o->clipnorm(), 0.0);
    EXPECT_EQ(o->clipvalue(), 0.0);
    EXPECT_EQ(iterations_of(*o), 0.0);
    EXPECT_EQ(K::dtype(o->iterations()), DType::int64);
    EXPECT_TRUE(o->weights().empty());
  }
}

TEST(Optimizers, ClassNames) {
  EXPECT_EQ(opt::SGD().class_name(), "SGD");
  EXPECT_EQ(opt::RMSprop().class_name(), "RMSprop");
  EXPECT_EQ(opt::Adagrad().class_name(), "Adagrad");
  EXPECT_EQ(opt::Adadelta().class_name(), "Adadelta");
  EXPECT_EQ(opt::Adam().class_name(), "Adam");
  EXPECT_EQ(opt::Adamax().class_name(), "Adamax");
  EXPECT_EQ(opt::Nadam().class_name(), "Nadam");
}

// ------------------------------------------------------------------------------- update steps

TEST(OptimizerSteps, SGDPlain) {
  opt::SGD o({.lr = 0.1});
  check_against_reference(o, {.kind = "sgd", .lr = 0.1});
}

TEST(OptimizerSteps, SGDDefaults) {
  opt::SGD o;
  check_against_reference(o, {.kind = "sgd"});
}

TEST(OptimizerSteps, SGDMomentum) {
  opt::SGD o({.lr = 0.1, .momentum = 0.9});
  check_against_reference(o, {.kind = "sgd", .lr = 0.1, .momentum = 0.9}, 4);
}

TEST(OptimizerSteps, SGDNesterov) {
  opt::SGD o({.lr = 0.1, .momentum = 0.8, .nesterov = true});
  check_against_reference(o, {.kind = "sgd", .lr = 0.1, .momentum = 0.8, .nesterov = true}, 4);
}

TEST(OptimizerSteps, SGDDecay) {
  opt::SGD o({.lr = 0.1, .momentum = 0.5, .decay = 0.3});
  check_against_reference(o, {.kind = "sgd", .lr = 0.1, .momentum = 0.5, .decay = 0.3}, 4);
}

TEST(OptimizerSteps, RMSprop) {
  opt::RMSprop o;
  check_against_reference(o, {.kind = "rmsprop", .lr = 0.001});
}

TEST(OptimizerSteps, RMSpropCustomWithDecay) {
  opt::RMSprop o({.lr = 0.05, .rho = 0.8, .epsilon = 1e-3, .decay = 0.1});
  check_against_reference(
      o, {.kind = "rmsprop", .lr = 0.05, .decay = 0.1, .rho = 0.8, .epsilon = 1e-3});
}

TEST(OptimizerSteps, Adagrad) {
  opt::Adagrad o;
  check_against_reference(o, {.kind = "adagrad", .lr = 0.01});
}

TEST(OptimizerSteps, AdagradDecay) {
  opt::Adagrad o({.lr = 0.5, .epsilon = 1e-4, .decay = 0.2});
  check_against_reference(o, {.kind = "adagrad", .lr = 0.5, .decay = 0.2, .epsilon = 1e-4});
}

TEST(OptimizerSteps, Adadelta) {
  opt::Adadelta o;
  check_against_reference(o, {.kind = "adadelta", .lr = 1.0, .rho = 0.95});
}

TEST(OptimizerSteps, AdadeltaCustom) {
  opt::Adadelta o({.lr = 0.5, .rho = 0.7, .epsilon = 1e-2, .decay = 0.1});
  check_against_reference(
      o, {.kind = "adadelta", .lr = 0.5, .decay = 0.1, .rho = 0.7, .epsilon = 1e-2}, 4);
}

TEST(OptimizerSteps, Adam) {
  opt::Adam o;
  check_against_reference(o, {.kind = "adam", .lr = 0.001});
}

TEST(OptimizerSteps, AdamCustomWithDecay) {
  opt::Adam o({.lr = 0.1, .beta_1 = 0.8, .beta_2 = 0.9, .epsilon = 1e-4, .decay = 0.05});
  check_against_reference(
      o, {.kind = "adam", .lr = 0.1, .decay = 0.05, .epsilon = 1e-4, .beta_1 = 0.8, .beta_2 = 0.9},
      4);
}

TEST(OptimizerSteps, AdamAmsgrad) {
  // A gradient that shrinks (w approaches its target) makes v fall below its running max.
  opt::Adam o({.lr = 0.3, .beta_2 = 0.5, .amsgrad = true});
  check_against_reference(o, {.kind = "adam", .lr = 0.3, .beta_2 = 0.5, .amsgrad = true}, 5);
}

TEST(OptimizerSteps, Adamax) {
  opt::Adamax o;
  check_against_reference(o, {.kind = "adamax", .lr = 0.002});
}

TEST(OptimizerSteps, AdamaxCustomWithDecay) {
  opt::Adamax o({.lr = 0.2, .beta_1 = 0.5, .beta_2 = 0.6, .decay = 0.1});
  check_against_reference(
      o, {.kind = "adamax", .lr = 0.2, .decay = 0.1, .beta_1 = 0.5, .beta_2 = 0.6}, 4);
}

TEST(OptimizerSteps, Nadam) {
  opt::Nadam o;
  check_against_reference(o, {.kind = "nadam", .lr = 0.002});
}

TEST(OptimizerSteps, NadamCustom) {
  opt::Nadam o({.lr = 0.1, .beta_1 = 0.7, .beta_2 = 0.8, .epsilon = 1e-3, .schedule_decay = 0.5});
  check_against_reference(o,
                          {.kind = "nadam",
                           .lr = 0.1,
                           .epsilon = 1e-3,
                           .beta_1 = 0.7,
                           .beta_2 = 0.8,
                           .schedule_decay = 0.5},
                          4);
}

TEST(OptimizerSteps, NadamMScheduleFollowsTheProduct) {
  opt::Nadam o;
  Problem problem;
  K::Function f({}, {problem.loss}, o.get_updates(problem.params(), problem.loss));
  Reference ref({.kind = "nadam", .lr = 0.002}, start_values());
  for (int s = 0; s < 3; ++s) {
    f({});
    ref.step();
  }
  EXPECT_NEAR(K::get_value(o.m_schedule()).item(), ref.m_schedule, 1e-15);
}

TEST(OptimizerSteps, ClipnormScalesByTheGlobalNorm) {
  // The initial gradient norm is sqrt(18.5) ~ 4.3, so clipnorm 1 is active at first.
  opt::SGD o({.lr = 0.5, .clipnorm = 1.0});
  check_against_reference(o, {.kind = "sgd", .lr = 0.5, .clipnorm = 1.0}, 4);
  opt::Adam adam({.lr = 0.1, .clipnorm = 0.5});
  check_against_reference(adam, {.kind = "adam", .lr = 0.1, .clipnorm = 0.5}, 3);
}

TEST(OptimizerSteps, ClipnormAboveTheNormChangesNothing) {
  opt::SGD o({.lr = 0.1, .clipnorm = 100.0});
  check_against_reference(o, {.kind = "sgd", .lr = 0.1}, 2);
}

TEST(OptimizerSteps, Clipvalue) {
  opt::SGD o({.lr = 0.1, .clipvalue = 0.6});
  check_against_reference(o, {.kind = "sgd", .lr = 0.1, .clipvalue = 0.6}, 3);
  opt::RMSprop rms({.lr = 0.01, .clipnorm = 2.0, .clipvalue = 0.4});
  check_against_reference(rms, {.kind = "rmsprop", .lr = 0.01, .clipnorm = 2.0, .clipvalue = 0.4},
                          3);
}

TEST(OptimizerSteps, IterationsIncrementEveryStepWithoutDecay) {
  for (const std::string name :
       {"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"}) {
    auto o = opt::get(name);
    Problem problem;
    K::Function f({}, {problem.loss}, o->get_updates(problem.params(), problem.loss));
    f({});
    f({});
    EXPECT_EQ(iterations_of(*o), 2) << name;
  }
}

TEST(OptimizerSteps, Float32ParametersKeepFloat32State) {
  for (const std::string name :
       {"sgd", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"}) {
    auto o = opt::get(name);
    Problem problem(DType::float32);
    K::Function f({}, {problem.loss}, o->get_updates(problem.params(), problem.loss));
    std::vector<SymbolicTensor> state = o->weights();
    ASSERT_FALSE(state.empty());
    EXPECT_EQ(K::dtype(state[0]), DType::int64) << name;
    for (std::size_t i = name == "nadam" ? 2 : 1; i < state.size(); ++i)
      EXPECT_EQ(K::dtype(state[i]), DType::float32) << name << " slot " << i;
    Hyper h{.kind = name, .lr = o->learning_rate()};
    if (name == "adadelta") h.rho = 0.95;
    Reference ref(h, start_values());
    for (int s = 0; s < 3; ++s) {
      f({});
      ref.step();
    }
    expect_close(problem.values(), ref.p, 1e-5, name + " in float32");
  }
}

TEST(OptimizerSteps, LearningRateChangesWithoutRecompiling) {
  opt::SGD o({.lr = 0.1});
  Problem problem;
  K::Function f({}, {problem.loss}, o.get_updates(problem.params(), problem.loss));
  Reference ref({.kind = "sgd", .lr = 0.1}, start_values());
  f({});
  ref.step();
  o.set_learning_rate(0.02);
  EXPECT_EQ(o.learning_rate(), 0.02);
  ref.h.lr = 0.02;
  f({});
  ref.step();
  expect_close(problem.values(), ref.p, 1e-12, "after set_learning_rate");
  EXPECT_EQ(o.get_config()["lr"], 0.02);
}

TEST(OptimizerSteps, RejectsNonVariableParameters) {
  opt::SGD o;
  SymbolicTensor x = K::placeholder({3}, DType::float64, "x");
  SymbolicTensor loss = K::sum(K::square(x));
  EXPECT_NE(error_of([&] { o.get_updates({x}, loss); }).find("not a variable"), std::string::npos);
  SymbolicTensor i = K::variable(Tensor::from_vector<std::int32_t>({1, 2}), "ints");
  EXPECT_NE(error_of([&] { o.get_updates({i}, loss); }).find("int32"), std::string::npos);
}

TEST(OptimizerSteps, RejectsNegativeHyperparameters) {
  EXPECT_NE(error_of([] { opt::SGD({.lr = -1}); }).find("lr must be >= 0"), std::string::npos);
  EXPECT_NE(error_of([] { opt::Adam({.clipnorm = -1}); }).find("clipnorm"), std::string::npos);
}

// ------------------------------------------------------------------------------ weights / state

TEST(OptimizerWeights, LayoutFollowsKeras) {
  struct Case {
    std::string name;
    std::size_t count;
  };
  // Two parameters: w (3,) and u (2, 2).
  for (const Case& c : std::vector<Case>{{"sgd", 3},
                                         {"rmsprop", 3},
                                         {"adagrad", 3},
                                         {"adadelta", 5},
                                         {"adam", 7},
                                         {"adamax", 5},
                                         {"nadam", 6}}) {
    auto o = opt::get(c.name);
    Problem problem;
    o->get_updates(problem.params(), problem.loss);
    std::vector<Tensor> w = o->get_weights();
    ASSERT_EQ(w.size(), c.count) << c.name;
    EXPECT_EQ(w[0].shape(), Shape{}) << c.name;
    EXPECT_EQ(w[0].dtype(), DType::int64) << c.name;
    std::size_t first_slot = c.name == "nadam" ? 2 : 1;
    EXPECT_EQ(w[first_slot].shape(), Shape{3}) << c.name;
    EXPECT_EQ(w[first_slot + 1].shape(), (Shape{2, 2})) << c.name;
  }
  opt::Adam adam;
  Problem problem;
  adam.get_updates(problem.params(), problem.loss);
  auto w = adam.get_weights();
  EXPECT_EQ(w[5].shape(), Shape{1});  // Keras 2.2.4's placeholder vhat without amsgrad
  EXPECT_EQ(w[6].shape(), Shape{1});
  opt::Adam ams({.amsgrad = true});
  Problem p2;
  ams.get_updates(p2.params(), p2.loss);
  EXPECT_EQ(ams.get_weights()[6].shape(), (Shape{2, 2}));
  EXPECT_EQ(ams.weights()[0].name(), "Adam/iterations");
  EXPECT_EQ(ams.weights()[1].name(), "training/Adam/Variable");
  EXPECT_EQ(ams.weights()[2].name(), "training/Adam/Variable_1");
}

TEST(OptimizerWeights, ResumedRunEqualsUninterruptedRun) {
  // With decay where Keras has it, so that `iterations` matters; Nadam's m_schedule matters too.
  std::vector<std::shared_ptr<opt::Optimizer>> (*make)() = [] {
    return std::vector<std::shared_ptr<opt::Optimizer>>{
        std::make_shared<opt::SGD>(
            opt::SGDOptions{.lr = 0.1, .momentum = 0.9, .decay = 0.1, .nesterov = true}),
        std::make_shared<opt::RMSprop>(opt::RMSpropOptions{.lr = 0.01, .decay = 0.2}),
        std::make_shared<opt::Adagrad>(opt::AdagradOptions{.lr = 0.1, .decay = 0.2}),
        std::make_shared<opt::Adadelta>(opt::AdadeltaOptions{.decay = 0.2}),
        std::make_shared<opt::Adam>(opt::AdamOptions{.lr = 0.1, .decay = 0.1, .amsgrad = true}),
        std::make_shared<opt::Adam>(opt::AdamOptions{.lr = 0.1}),
        std::make_shared<opt::Adamax>(opt::AdamaxOptions{.lr = 0.1, .decay = 0.1}),
        std::make_shared<opt::Nadam>(opt::NadamOptions{.lr = 0.05, .schedule_decay = 0.3}),
    };
  };
  auto whole = make();
  auto first = make();
  auto second = make();
  for (std::size_t k = 0; k < whole.size(); ++k) {
    std::string name = whole[k]->class_name();
    Problem a;
    K::Function fa({}, {a.loss}, whole[k]->get_updates(a.params(), a.loss));
    for (int s = 0; s < 5; ++s) fa({});

    Problem b;
    K::Function fb({}, {b.loss}, first[k]->get_updates(b.params(), b.loss));
    for (int s = 0; s < 2; ++s) fb({});
    std::vector<Tensor> saved = first[k]->get_weights();
    std::vector<double> params = b.values();

    // Restored before the training function exists (the load-then-fit order).
    Problem c;
    c.set_values(params);
    second[k]->set_weights(saved);
    K::Function fc({}, {c.loss}, second[k]->get_updates(c.params(), c.loss));
    for (int s = 0; s < 3; ++s) fc({});
    expect_close(c.values(), a.values(), 1e-13, name + " resumed");
    EXPECT_EQ(iterations_of(*second[k]), 5) << name;
  }
}

TEST(OptimizerWeights, SetWeightsAfterBuildingRestoresState) {
  opt::Adam reference_run({.lr = 0.1});
  Problem a;
  K::Function fa({}, {a.loss}, reference_run.get_updates(a.params(), a.loss));
  fa({});
  fa({});
  std::vector<Tensor> saved = reference_run.get_weights();
  std::vector<double> params = a.values();
  fa({});

  opt::Adam resumed({.lr = 0.1});
  Problem b;
  K::Function fb({}, {b.loss}, resumed.get_updates(b.params(), b.loss));
  b.set_values(params);
  resumed.set_weights(saved);
  fb({});
  expect_close(b.values(), a.values(), 1e-14, "Adam resumed after building");
  // get_weights returns copies: running on does not change `saved`.
  EXPECT_EQ(saved[0].item(), 2);
}

TEST(OptimizerWeights, SetWeightsChecksCountAndShapes) {
  opt::Adam adam;
  Problem problem;
  adam.get_updates(problem.params(), problem.loss);
  std::vector<Tensor> w = adam.get_weights();
  std::vector<Tensor> short_list(w.begin(), w.begin() + 3);
  std::string message = error_of([&] { adam.set_weights(short_list); });
  EXPECT_NE(
      message.find(
          "Length of the specified weight list (3) does not match the number of weights of the "
          "optimizer (7)"),
      std::string::npos)
      << message;

  std::vector<Tensor> bad = w;
  bad[0] = Tensor::full({}, 9, DType::int64);
  bad[2] = Tensor::zeros({4}, DType::float64);  // the (2, 2) m of u
  message = error_of([&] { adam.set_weights(bad); });
  EXPECT_NE(message.find("Optimizer weight shape (2, 2)"), std::string::npos) << message;
  EXPECT_NE(message.find("not compatible with provided weight shape (4,)"), std::string::npos)
      << message;
  EXPECT_EQ(iterations_of(adam), 0) << "a failed set_weights must change nothing";

  // A single tensor for SGD is Keras 2.3's momentum-free layout: iterations, zero moments.
  opt::SGD sgd;
  sgd.set_weights({Tensor::full({}, 3, DType::int64)});
  Problem p2;
  EXPECT_NO_THROW(sgd.get_updates(p2.params(), p2.loss));
  EXPECT_EQ(iterations_of(sgd), 3);
  EXPECT_EQ(sgd.get_weights().size(), 3u);
}

TEST(OptimizerWeights, PendingWeightsWithWrongCountFailAtGetUpdates) {
  opt::RMSprop rms;
  rms.set_weights({Tensor::full({}, 3, DType::int64)});
  Problem problem;
  std::string message = error_of([&] { rms.get_updates(problem.params(), problem.loss); });
  EXPECT_NE(message.find("Length of the specified weight list (1)"), std::string::npos) << message;
}

TEST(OptimizerWeights, AcceptsKeras224LayoutsWithoutIterations) {
  // Keras 2.2.4's RMSprop / Adagrad / Adadelta lists hold only the slots; iterations restart at 0.
  opt::RMSprop rms;
  Problem problem;
  rms.get_updates(problem.params(), problem.loss);
  K::set_value(rms.iterations(), Tensor::full({}, 7, DType::int64));
  std::vector<Tensor> slots = {Tensor::full({3}, 0.5, DType::float64),
                               Tensor::full({2, 2}, 0.25, DType::float64)};
  rms.set_weights(slots);
  auto w = rms.get_weights();
  EXPECT_EQ(w[0].item(), 0);
  EXPECT_EQ(w[1](2), 0.5);
  EXPECT_EQ(w[2](1, 1), 0.25);

  opt::Adadelta adadelta;
  Problem p2;
  adadelta.get_updates(p2.params(), p2.loss);
  adadelta.set_weights(
      {Tensor::full({3}, 1, DType::float64), Tensor::full({2, 2}, 2, DType::float64),
       Tensor::full({3}, 3, DType::float64), Tensor::full({2, 2}, 4, DType::float64)});
  EXPECT_EQ(adadelta.get_weights()[4](0, 1), 4);

  // Keras 2.3's Adam without amsgrad drops the placeholder vhats.
  opt::Adam adam;
  Problem p3;
  adam.get_updates(p3.params(), p3.loss);
  adam.set_weights({Tensor::full({}, 2, DType::int64), Tensor::full({3}, 1, DType::float64),
                    Tensor::full({2, 2}, 1, DType::float64), Tensor::full({3}, 1, DType::float64),
                    Tensor::full({2, 2}, 1, DType::float64)});
  EXPECT_EQ(adam.get_weights().size(), 7u);
  EXPECT_EQ(iterations_of(adam), 2);
}

TEST(OptimizerWeights, NadamKeras224LayoutRecomputesMSchedule) {
  opt::Nadam trained({.schedule_decay = 0.2});
  Problem a;
  K::Function fa({}, {a.loss}, trained.get_updates(a.params(), a.loss));
  for (int s = 0; s < 4; ++s) fa({});
  std::vector<Tensor> full = trained.get_weights();
  ASSERT_EQ(full.size(), 6u);
  std::vector<Tensor> keras224 = full;
  keras224.erase(keras224.begin() + 1);  // Keras 2.2.4 did not save m_schedule

  opt::Nadam restored({.schedule_decay = 0.2});
  Problem b;
  restored.get_updates(b.params(), b.loss);
  restored.set_weights(keras224);
  EXPECT_NEAR(K::get_value(restored.m_schedule()).item(), full[1].item(), 1e-15);
  EXPECT_EQ(iterations_of(restored), 4);
}

TEST(OptimizerWeights, GetUpdatesTwiceMakesFreshSlots) {
  opt::Adam adam;
  Problem problem;
  adam.get_updates(problem.params(), problem.loss);
  auto first = adam.weights();
  adam.get_updates(problem.params(), problem.loss);
  auto second = adam.weights();
  ASSERT_EQ(first.size(), second.size());
  EXPECT_TRUE(first[0] == second[0]);   // the same iterations variable
  EXPECT_FALSE(first[1] == second[1]);  // new slots
}

TEST(OptimizerWeights, CopiesShareNoState) {
  opt::SGD a({.lr = 0.5, .momentum = 0.9});
  opt::SGD b = a;
  b.set_learning_rate(0.1);
  EXPECT_EQ(a.learning_rate(), 0.5);
  EXPECT_EQ(b.learning_rate(), 0.1);
  EXPECT_EQ(b.options().momentum, 0.9);
  EXPECT_FALSE(a.lr() == b.lr());
  EXPECT_FALSE(a.iterations() == b.iterations());
  opt::Nadam n1;
  opt::Nadam n2 = n1;
  EXPECT_FALSE(n1.m_schedule() == n2.m_schedule());
}

// ------------------------------------------------------------------------------ configuration

TEST(OptimizerConfig, GetConfigHasKeras224Keys) {
  auto keys = [](const nlohmann::json& j) {
    std::vector<std::string> out;
    for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(keys(opt::SGD().get_config()), (V{"decay", "lr", "momentum", "nesterov"}));
  EXPECT_EQ(keys(opt::RMSprop().get_config()), (V{"decay", "epsilon", "lr", "rho"}));
  EXPECT_EQ(keys(opt::Adagrad().get_config()), (V{"decay", "epsilon", "lr"}));
  EXPECT_EQ(keys(opt::Adadelta().get_config()), (V{"decay", "epsilon", "lr", "rho"}));
  EXPECT_EQ(keys(opt::Adam().get_config()),
            (V{"amsgrad", "beta_1", "beta_2", "decay", "epsilon", "lr"}));
  EXPECT_EQ(keys(opt::Adamax().get_config()), (V{"beta_1", "beta_2", "decay", "epsilon", "lr"}));
  EXPECT_EQ(keys(opt::Nadam().get_config()),
            (V{"beta_1", "beta_2", "epsilon", "lr", "schedule_decay"}));
  nlohmann::json c = opt::SGD({.lr = 0.2, .clipnorm = 1.5, .clipvalue = 0.5}).get_config();
  EXPECT_EQ(c["clipnorm"], 1.5);
  EXPECT_EQ(c["clipvalue"], 0.5);
  EXPECT_EQ(c["lr"], 0.2);
  EXPECT_EQ(opt::Adam().serialize()["class_name"], "Adam");
}

TEST(OptimizerConfig, FromConfigRoundTrips) {
  std::vector<std::shared_ptr<opt::Optimizer>> originals = {
      std::make_shared<opt::SGD>(
          opt::SGDOptions{.lr = 0.3, .momentum = 0.7, .decay = 0.01, .nesterov = true}),
      std::make_shared<opt::RMSprop>(
          opt::RMSpropOptions{.lr = 0.02, .rho = 0.8, .epsilon = 1e-5, .decay = 0.1}),
      std::make_shared<opt::Adagrad>(
          opt::AdagradOptions{.lr = 0.2, .epsilon = 1e-6, .clipnorm = 2.0}),
      std::make_shared<opt::Adadelta>(
          opt::AdadeltaOptions{.lr = 0.9, .rho = 0.5, .clipvalue = 0.25}),
      std::make_shared<opt::Adam>(
          opt::AdamOptions{.lr = 0.004, .beta_1 = 0.5, .beta_2 = 0.6, .amsgrad = true}),
      std::make_shared<opt::Adamax>(opt::AdamaxOptions{.lr = 0.003, .beta_1 = 0.1, .decay = 0.4}),
      std::make_shared<opt::Nadam>(
          opt::NadamOptions{.lr = 0.001, .epsilon = 1e-8, .schedule_decay = 0.01}),
  };
  for (const auto& o : originals) {
    nlohmann::json serialized = o->serialize();
    auto restored = opt::from_config(serialized);
    EXPECT_EQ(restored->class_name(), o->class_name());
    EXPECT_EQ(restored->get_config(), o->get_config()) << serialized.dump();
    // And through JSON text, as stored in an .h5 training_config.
    auto reparsed = opt::from_config(nlohmann::json::parse(serialized.dump()));
    EXPECT_EQ(reparsed->get_config(), o->get_config());
  }
}

TEST(OptimizerConfig, FromConfigReadsKerasFiles) {
  // What Keras 2.2.4 writes for Adam() (float32 values printed in full).
  auto adam = opt::from_config(nlohmann::json::parse(
      R"({"class_name": "Adam", "config": {"lr": 0.0010000000474974513, "beta_1": 0.8999999761581421,
          "beta_2": 0.9990000128746033, "decay": 0.0, "epsilon": 1e-07, "amsgrad": false}})"));
  EXPECT_EQ(adam->class_name(), "Adam");
  EXPECT_NEAR(adam->learning_rate(), 0.001, 1e-9);
  // Keras 2.3+ / 3 style: learning_rate, nulls, bookkeeping keys.
  auto sgd = opt::from_config(nlohmann::json::parse(
      R"({"module": "keras.optimizers", "class_name": "SGD", "registered_name": null,
          "config": {"name": "SGD", "learning_rate": 0.05, "momentum": 0.0, "nesterov": false,
                     "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": null,
                     "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
                     "loss_scale_factor": null, "gradient_accumulation_steps": null}})"));
  EXPECT_EQ(sgd->learning_rate(), 0.05);
  EXPECT_EQ(sgd->clipnorm(), 0.0);
  // Missing config: defaults; class names are case-insensitive.
  auto rms = opt::from_config({{"class_name", "rmsprop"}});
  EXPECT_EQ(rms->class_name(), "RMSprop");
  EXPECT_EQ(rms->learning_rate(), 0.001);
}

TEST(OptimizerConfig, FromConfigRejectsUnexpectedArguments) {
  std::string message = error_of([] {
    opt::from_config({{"class_name", "Adam"}, {"config", {{"momentum", 0.9}}}});
  });
  EXPECT_NE(message.find("Unexpected keyword argument passed to optimizer Adam: 'momentum'"),
            std::string::npos)
      << message;
  message = error_of([] {
    opt::from_config({{"class_name", "SGD"}, {"config", {{"weight_decay", 0.1}}}});
  });
  EXPECT_NE(message.find("weight_decay"), std::string::npos) << message;
  message = error_of([] {
    opt::from_config({{"class_name", "SGD"}, {"config", {{"lr", "fast"}}}});
  });
  EXPECT_NE(message.find("'lr' must be a number"), std::string::npos) << message;
  message = error_of([] { opt::from_config({{"config", {}}}); });
  EXPECT_NE(message.find("class_name"), std::string::npos) << message;
  message = error_of([] { opt::from_config({{"class_name", "Adamm"}}); });
  EXPECT_EQ(message,
            "Unknown optimizer: 'Adamm'. Valid optimizers are: sgd, rmsprop, adagrad, adadelta, "
            "adam, adamax, nadam.");
}

TEST(OptimizerConfig, GetByNameIsCaseInsensitive) {
  EXPECT_EQ(opt::get("sgd")->class_name(), "SGD");
  EXPECT_EQ(opt::get("SGD")->class_name(), "SGD");
  EXPECT_EQ(opt::get("RMSprop")->class_name(), "RMSprop");
  EXPECT_EQ(opt::get("adagrad")->class_name(), "Adagrad");
  EXPECT_EQ(opt::get("Adadelta")->class_name(), "Adadelta");
  EXPECT_EQ(opt::get("Adam")->class_name(), "Adam");
  EXPECT_EQ(opt::get("adamax")->class_name(), "Adamax");
  EXPECT_EQ(opt::get("NADAM")->class_name(), "Nadam");
  EXPECT_EQ(opt::get("adam")->learning_rate(), 0.001);
  // Each call makes a new optimizer.
  EXPECT_NE(opt::get("adam").get(), opt::get("adam").get());
}

TEST(OptimizerConfig, UnknownNameError) {
  EXPECT_EQ(error_of([] { opt::get("adamm"); }),
            "Unknown optimizer: 'adamm'. Valid optimizers are: sgd, rmsprop, adagrad, adadelta, "
            "adam, adamax, nadam.");
}
