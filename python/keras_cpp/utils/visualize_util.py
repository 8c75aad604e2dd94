"""keras.utils.visualize_util (Keras 1): plot and model_to_dot."""
from .vis_utils import model_to_dot, plot_model


def plot(model, to_file='model.png', show_shapes=False, show_layer_names=True):
    """Keras 1's name of plot_model."""
    plot_model(model, to_file, show_shapes, show_layer_names)


__all__ = ['plot', 'model_to_dot']
