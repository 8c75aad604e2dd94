"""keras.layers.merge: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot and
their functions (add([a, b]), concatenate([a, b], axis=-1), ...); Keras 1's merge(mode=...)."""
from .._keras_cpp import layers as _layers

Add = _layers.Add
Subtract = _layers.Subtract
Multiply = _layers.Multiply
Average = _layers.Average
Maximum = _layers.Maximum
Minimum = _layers.Minimum
Concatenate = _layers.Concatenate
Dot = _layers.Dot
add = _layers.add
subtract = _layers.subtract
multiply = _layers.multiply
average = _layers.average
maximum = _layers.maximum
minimum = _layers.minimum
concatenate = _layers.concatenate
dot = _layers.dot
merge = _layers.merge

__all__ = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
           'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate', 'dot',
           'merge']
