"""keras.layers.cudnn_recurrent: Keras 2.2.4's CuDNNGRU and CuDNNLSTM, computed on the CPU as the
GRU(reset_after=True) and the LSTM (tanh, sigmoid gates) their cuDNN-layout weights stand for, so
a script written for a GPU runs unchanged."""
from .._keras_cpp import layers as _layers

CuDNNGRU = _layers.CuDNNGRU
CuDNNLSTM = _layers.CuDNNLSTM
__all__ = ['CuDNNGRU', 'CuDNNLSTM']
