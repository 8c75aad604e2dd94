// Op cases for Keras 2.2.4's backend functions added after the first table (op_cases.h includes
// this and appends them): the new primitive ops (Round, Sin, Cos, StopGradient, Cumsum, Cumprod,
// RandomUniform, TruncatedNormal, CTC) and the K:: functions composed of older ops, so that their
// gradients are checked too.
#pragma once

#include <vector>

#include "keras/backend/backend.h"

namespace keras::testing {

inline void add_keras_backend_cases(std::vector<OpCase>& c) {
  namespace K = keras::backend;
  using O = OpKind;
  using G = GradMode;
  // New elementwise ops.
  c.push_back({"round",
               O::kRound,
               {batched(uniform({4, 5}, -3, 3))},
               [](const Inputs& in) { return K::round(in[0]); },
               G::kZero});
  c.push_back({"sin", O::kSin, {batched(uniform({4, 5}, -3, 3))}, [](const Inputs& in) {
                 return K::sin(in[0]);
               }});
  c.push_back({"cos", O::kCos, {batched(uniform({4, 5}, -3, 3))}, [](const Inputs& in) {
                 return K::cos(in[0]);
               }});
  c.push_back({"stop_gradient",
               O::kStopGradient,
               {batched(uniform({4, 5}))},
               [](const Inputs& in) { return K::stop_gradient(K::square(in[0])); },
               G::kZero});
  // Scans.
  c.push_back({"cumsum_axis1", O::kCumsum, {batched(uniform({3, 5, 2}))}, [](const Inputs& in) {
                 return K::cumsum(in[0], 1);
               }});
  c.push_back({"cumsum_axis0", O::kCumsum, {uniform({4, 3})}, [](const Inputs& in) {
                 return K::cumsum(in[0]);
               }});
  c.push_back(
      {"cumprod_last", O::kCumprod, {batched(nonzero({3, 4}, 0.5, 1.5))}, [](const Inputs& in) {
         return K::cumprod(in[0], -1);
       }});
  c.push_back({"grad_of_cumprod", O::kCumprod, {nonzero({2, 4}, 0.5, 1.5)}, [](const Inputs& in) {
                 return first_gradient(K::cumprod(in[0], 1), in[0]);
               }});
  // Random draws (not finite-differenceable: they change at every run).
  c.push_back({"random_uniform",
               O::kRandomUniform,
               {batched(uniform({6, 7}))},
               [](const Inputs& in) { return in[0] + K::random_uniform_like(in[0], -2, 3, 51); },
               G::kSkip,
               true});
  c.push_back({"truncated_normal",
               O::kTruncatedNormal,
               {batched(uniform({6, 7}))},
               [](const Inputs& in) { return in[0] * K::truncated_normal_like(in[0], 1, 2, 52); },
               G::kSkip,
               true});
  // CTC: the loss of softmax outputs and its gradient; labels are ints below the blank (3).
  c.push_back({"ctc_batch_cost",
               O::kCtcLoss,
               {uniform({2, 6, 4}, -2, 2), indices({2, 3}, 3)},
               [](const Inputs& in) {
                 SymbolicTensor input_length =
                     K::constant(Tensor::from_vector<std::int32_t>({6, 5}, {2, 1}));
                 SymbolicTensor label_length =
                     K::constant(Tensor::from_vector<std::int32_t>({3, 2}, {2, 1}));
                 return K::ctc_batch_cost(in[1], K::softmax(in[0]), input_length, label_length);
               },
               G::kCheck,
               false,
               1e-6,
               1e-4});
  c.push_back(
      {"ctc_greedy_decode",
       O::kCtcGreedyDecode,
       {uniform({3, 7, 5}, 0, 1)},
       [](const Inputs& in) {
         SymbolicTensor length = K::constant(Tensor::from_vector<std::int64_t>({7, 4, 0}, {3, 1}));
         return K::ctc_decode_greedy(in[0], length).decoded;
       },
       G::kZero});
  // K:: functions composed of older ops: their gradients through those ops.
  c.push_back({"tile", O::kConcatenate, {batched(uniform({2, 3}))}, [](const Inputs& in) {
                 return K::square(K::tile(in[0], {1, 3}));
               }});
  c.push_back(
      {"repeat_elements", O::kConcatenate, {batched(uniform({2, 3, 2}))}, [](const Inputs& in) {
         return K::square(K::repeat_elements(in[0], 2, 1));
       }});
  c.push_back(
      {"reverse_and_step_slice", O::kGather, {batched(uniform({3, 5, 2}))}, [](const Inputs& in) {
         SymbolicTensor r = K::reverse(in[0], {1});
         return K::square(K::strided_slice(r, {0, 4, 0}, {INT64_MAX, -1, 2}, {1, -2, 1}));
       }});
  c.push_back(
      {"logsumexp_axis1", O::kExp, {batched(uniform({3, 4, 2}, -3, 3))}, [](const Inputs& in) {
         return K::logsumexp(in[0], {1});
       }});
  c.push_back(
      {"softmax_axis1", O::kSoftmax, {batched(uniform({3, 4, 2}, -2, 2))}, [](const Inputs& in) {
         return K::softmax(in[0], 1);
       }});
  c.push_back(
      {"resize_bilinear", O::kMatMul, {batched(uniform({2, 3, 2, 2}))}, [](const Inputs& in) {
         return K::square(K::resize_images(in[0], 2, 3, "channels_last", "bilinear"));
       }});
  c.push_back(
      {"sparse_cce_from_logits",
       O::kOneHot,
       {uniform({4, 5}, -2, 2), indices({4}, 5)},
       [](const Inputs& in) { return K::sparse_categorical_crossentropy(in[1], in[0], true); }});
  c.push_back({"cce_from_logits",
               O::kExp,
               {uniform({4, 5}, 0, 1), uniform({4, 5}, -2, 2)},
               [](const Inputs& in) { return K::categorical_crossentropy(in[0], in[1], true); }});
  c.push_back({"bce_from_logits",
               O::kSoftplus,
               {uniform({4, 5}, 0, 1), nonzero({4, 5}, 0.2, 2)},
               [](const Inputs& in) { return K::binary_crossentropy(in[0], in[1], true); }});
  c.push_back({"elementwise_switch",
               O::kMul,
               {uniform({4, 5}), nonzero({4, 5}, 0.2, 1)},
               [](const Inputs& in) {
                 return K::switch_(K::greater(in[1], K::constant(0.0, in[1].dtype())),
                                   K::square(in[0]), in[0] * 3.0);
               }});
}

}  // namespace keras::testing
