"""keras.utils.multi_gpu_utils: multi_gpu_model, which keras_cpp cannot offer."""


def multi_gpu_model(model, gpus=None, cpu_merge=True, cpu_relocation=False):
    """Keras replicates `model` on several TensorFlow GPUs; keras_cpp's engine runs a model on
    the CPU (its worker threads already use every core), so this raises ValueError."""
    raise ValueError('multi_gpu_model: keras_cpp runs models on the CPU with its own worker '
                     'threads and has no GPUs to replicate ' + repr(getattr(model, 'name', model)) +
                     ' on (gpus=' + repr(gpus) + '). Train and predict with the model itself: '
                     'it already uses every core.')
