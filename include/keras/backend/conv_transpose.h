// The transposed convolution of any rank with a dilated kernel: Keras 2.2.4's
// K.conv2d_transpose(dilation_rate=) (TensorFlow's atrous_conv2d_transpose) and
// Conv2DTranspose(dilation_rate=). backend.h's conv2d_transpose and conv3d_transpose are its
// dilation-1 cases; this header is apart so that only the transposed convolutions' users see it.
#pragma once

#include <string>

#include "keras/backend/backend.h"

namespace keras::backend {

// kernel (spatial..., filters, in_channels): its rank gives the spatial rank; output_shape the
// full output shape in data_format's order (batch may be -1); dilation_rate one entry per
// spatial dimension (empty: all 1).
SymbolicTensor conv_transpose(const SymbolicTensor& x, const SymbolicTensor& kernel,
                              Shape output_shape, Ints strides, const std::string& padding,
                              const std::string& data_format, Ints dilation_rate);

}  // namespace keras::backend
