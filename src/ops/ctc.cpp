// Connectionist temporal classification: CtcLoss(logits (batch, time, classes), labels (batch,
// max_label_length), input_length, label_length (batch[, 1])) -> (batch, 1), its gradient
// CtcLossGrad (the four inputs and the output's gradient) -> shaped like the logits, and
// CtcGreedyDecode(y_pred, input_length) -> (batch, time) int64. The blank is the last class.
// Kernels: kernels/reference/ctc.cpp, kernels/cuda/ctc.cu (the greedy decoder).
#include "keras/backend/backend.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

// A per-sample length: (batch,) or (batch, 1).
void check_lengths(OpKind op, const Shape& lengths, std::int64_t batch, const char* what) {
  const bool vector = lengths.size() == 1 || (lengths.size() == 2 && lengths[1] == 1);
  if (!vector || dims_conflict(lengths[0], batch))
    fail(op, std::string(what) + " must be (batch, 1) with batch " + std::to_string(batch) +
                 ", got " + shape_to_string(lengths));
}

void check_logits(OpKind op, const Shape& logits) {
  if (logits.size() != 3)
    fail(op, "y_pred must be (batch, time, classes), got " + shape_to_string(logits));
  if (logits[2] >= 0 && logits[2] < 2)
    fail(op,
         "needs at least 2 classes (the last one is the blank), got " + shape_to_string(logits));
}

Shape ctc_loss_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 4);
  const Shape& logits = *in[0];
  check_logits(op, logits);
  const Shape& labels = *in[1];
  if (labels.size() != 2 || dims_conflict(labels[0], logits[0]))
    fail(op, "y_true must be (batch, max_label_length) with the batch of y_pred " +
                 shape_to_string(logits) + ", got " + shape_to_string(labels));
  check_lengths(op, *in[2], logits[0], "input_length");
  check_lengths(op, *in[3], logits[0], "label_length");
  return {logits[0], 1};
}

DType ctc_loss_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (!is_floating(in[0])) fail(op, std::string("y_pred must be float, got ") + dtype_name(in[0]));
  return in[0];
}

Shape ctc_loss_grad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 5);
  return *in[0];
}

Grads ctc_loss_gradient(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {
      K::make_node(OpKind::kCtcLossGrad, {input(n, 0), input(n, 1), input(n, 2), input(n, 3), g}),
      SymbolicTensor(), SymbolicTensor(), SymbolicTensor()};
}

Shape greedy_decode_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  check_logits(op, *in[0]);
  check_lengths(op, *in[1], (*in[0])[0], "input_length");
  return {(*in[0])[0], (*in[0])[1]};
}

DType int64_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (!is_floating(in[0])) fail(op, std::string("y_pred must be float, got ") + dtype_name(in[0]));
  return DType::int64;
}

}  // namespace

void register_ctc_ops(OpTable& table) {
  table.add({.op = OpKind::kCtcLoss,
             .name = "CtcLoss",
             .shape = &ctc_loss_shape,
             .dtype = &ctc_loss_dtype,
             .gradient = &ctc_loss_gradient,
             .reference = KERAS_KERNEL(kernels::reference::ctc_loss)});
  table.add({.op = OpKind::kCtcLossGrad,
             .name = "CtcLossGrad",
             .shape = &ctc_loss_grad_shape,
             .dtype = &ctc_loss_dtype,
             .reference = KERAS_KERNEL(kernels::reference::ctc_loss_grad)});
  table.add({.op = OpKind::kCtcGreedyDecode,
             .name = "CtcGreedyDecode",
             .shape = &greedy_decode_shape,
             .dtype = &int64_dtype,
             .gradient = &no_gradient,  // piecewise constant
             .reference = KERAS_KERNEL(kernels::reference::ctc_greedy_decode),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::ctc_greedy_decode)});
}

}  // namespace keras::ops
