// Reference elementwise kernels: one element at a time, numpy broadcasting by strides.
#include "kernels/elementwise_math.h"
#include "kernels/kernel.h"
#include "kernels/reference/indexing.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::reference {

void unary(const KernelCall& call) {
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* x = call.inputs[0].as<T>();
    T* y = call.output.as<T>();
    const ops::UnaryAttrs params = ops::unary_params(*call.attrs);
    const double alpha = params.alpha, beta = params.beta;
    with_static_op(call.op, [&](auto op) {
      if constexpr (op.value < OpKind::kAdd)
        for (std::int64_t i = 0; i < call.output.numel; ++i)
          y[i] = unary_op<op.value, T>(x[i], alpha, beta);
    });
  });
}

void binary(const KernelCall& call) {
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename T>() {
    const T* a = call.inputs[0].as<T>();
    const T* b = call.inputs[1].as<T>();
    T* y = call.output.as<T>();
    const Shape& out_shape = call.output.shape;
    const Strides strides[2] = {broadcast_strides(call.inputs[0].shape, out_shape),
                                broadcast_strides(call.inputs[1].shape, out_shape)};
    with_static_op(call.op, [&](auto op) {
      if constexpr (op.value >= OpKind::kAdd) {
        Odometer<2> it(out_shape, strides);
        for (std::int64_t i = 0; i < call.output.numel; ++i, it.next())
          y[i] = binary_op<op.value, T>(a[it.offset[0]], b[it.offset[1]]);
      }
    });
  });
}

void cast(const KernelCall& call) {
  dispatch_all(call.op, call.inputs[0].dtype, [&]<typename From>() {
    dispatch_all(call.op, call.output.dtype, [&]<typename To>() {
      const From* x = call.inputs[0].as<From>();
      To* y = call.output.as<To>();
      for (std::int64_t i = 0; i < call.output.numel; ++i) y[i] = static_cast<To>(x[i]);
    });
  });
}

// Copies `src` broadcast (numpy rules) into `dst`.
void broadcast_copy(const Buffer& src, const Buffer& dst) {
  dispatch_all(OpKind::kBroadcastLike, dst.dtype, [&]<typename T>() {
    const T* x = src.as<T>();
    T* y = dst.as<T>();
    const Strides strides[1] = {broadcast_strides(src.shape, dst.shape)};
    Odometer<1> it(dst.shape, strides);
    for (std::int64_t i = 0; i < dst.numel; ++i, it.next()) y[i] = x[it.offset[0]];
  });
}

void switch_(const KernelCall& call) {
  double condition = 0;
  dispatch_all(call.op, call.inputs[0].dtype,
               [&]<typename T>() { condition = static_cast<double>(call.inputs[0].as<T>()[0]); });
  broadcast_copy(condition != 0 ? call.inputs[1] : call.inputs[2], call.output);
}

}  // namespace keras::kernels::reference
