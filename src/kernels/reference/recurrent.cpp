// Reference kernels of K::recurrent (SimpleRNN, GRU, LSTM sequences) and its gradients: the
// shared implementation in kernels/recurrent.h with plain-loop matrix products.
#include "kernels/recurrent.h"

#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::reference {

void recurrent(const KernelCall& call) {
  dispatch_float(call.op, call.output.dtype,
                 [&]<typename T>() { rnn::forward<T>(call, rnn::ReferenceOps{}); });
}

void recurrent_grad(const KernelCall& call) {
  dispatch_float(call.op, call.output.dtype,
                 [&]<typename T>() { rnn::backward<T>(call, rnn::ReferenceOps{}); });
}

void recurrent_grad_weights(const KernelCall& call) {
  dispatch_float(call.op, call.output.dtype,
                 [&]<typename T>() { rnn::weights_grad<T>(call, rnn::ReferenceOps{}); });
}

}  // namespace keras::kernels::reference
