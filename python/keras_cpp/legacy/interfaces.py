"""keras.legacy.interfaces: decorators that let a function or layer constructor written for
Keras 2's argument names also take Keras 1's, converting them with a warning, as Keras 2.2.4."""
import functools
import warnings


def raise_duplicate_arg_error(old_arg, new_arg):
    raise TypeError('For the `' + new_arg + '` argument, the layer received both the legacy '
                    'keyword argument `' + old_arg + '` and the Keras 2 keyword argument `' +
                    new_arg + '`. Stick to the latter!')


def _shown(value):
    """An argument as the conversion warning shows it: strings quoted, functions by name."""
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value.__name__ if hasattr(value, '__name__') else value)


def generate_legacy_interface(allowed_positional_args=None, conversions=None,
                              preprocessor=None, value_conversions=None,
                              object_type='class'):
    """A decorator converting Keras 1 keyword names (`conversions`: [(old, new), ...]) and
    values (`value_conversions`: {name: {old_value: new_value}}) of calls to a Keras 2
    function, after an optional `preprocessor(args, kwargs) -> (args, kwargs, converted)`;
    more positional arguments than `allowed_positional_args` (besides self) raise TypeError.
    Each conversion warns with the Keras 2 call."""
    check_positional_args = allowed_positional_args is not None
    allowed_positional_args = allowed_positional_args or []
    conversions = conversions or []
    value_conversions = value_conversions or {}

    def legacy_support(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if object_type == 'class':
                object_name = args[0].__class__.__name__
            else:
                object_name = func.__name__
            if preprocessor:
                args, kwargs, converted = preprocessor(args, kwargs)
            else:
                converted = []
            if check_positional_args and len(args) > len(allowed_positional_args) + 1:
                raise TypeError('`' + object_name + '` can accept only ' +
                                str(len(allowed_positional_args)) + ' positional arguments ' +
                                str(tuple(allowed_positional_args)) + ', but you passed the '
                                'following positional arguments: ' + str(list(args[1:])))
            for key in value_conversions:
                if key in kwargs:
                    old_value = kwargs[key]
                    if old_value in value_conversions[key]:
                        kwargs[key] = value_conversions[key][old_value]
            for old_name, new_name in conversions:
                if old_name in kwargs:
                    value = kwargs.pop(old_name)
                    if new_name in kwargs:
                        raise_duplicate_arg_error(old_name, new_name)
                    kwargs[new_name] = value
                    converted.append((new_name, old_name))
            if converted:
                shown = [_shown(value) for value in args[1:]]
                shown += [name + '=' + _shown(value) for name, value in kwargs.items()]
                signature = '`' + object_name + '(' + ', '.join(shown) + ')`'
                warnings.warn('Update your `' + object_name + '` call to the Keras 2 API: ' +
                              signature, stacklevel=2)
            return func(*args, **kwargs)
        wrapper._original_function = func
        return wrapper
    return legacy_support


legacy_dense_support = generate_legacy_interface(
    allowed_positional_args=['units'],
    conversions=[('output_dim', 'units'), ('init', 'kernel_initializer'),
                 ('W_regularizer', 'kernel_regularizer'), ('b_regularizer', 'bias_regularizer'),
                 ('W_constraint', 'kernel_constraint'), ('b_constraint', 'bias_constraint'),
                 ('bias', 'use_bias')])

legacy_dropout_support = generate_legacy_interface(
    allowed_positional_args=['rate', 'noise_shape', 'seed'], conversions=[('p', 'rate')])

legacy_embedding_support = generate_legacy_interface(
    allowed_positional_args=['input_dim', 'output_dim'],
    conversions=[('init', 'embeddings_initializer'),
                 ('W_regularizer', 'embeddings_regularizer'),
                 ('W_constraint', 'embeddings_constraint')])

legacy_pooling1d_support = generate_legacy_interface(
    allowed_positional_args=['pool_size', 'strides', 'padding'],
    conversions=[('pool_length', 'pool_size'), ('stride', 'strides'),
                 ('border_mode', 'padding')])

legacy_pooling2d_support = generate_legacy_interface(
    allowed_positional_args=['pool_size', 'strides', 'padding'],
    conversions=[('border_mode', 'padding'), ('dim_ordering', 'data_format')],
    value_conversions={'dim_ordering': {'tf': 'channels_last', 'th': 'channels_first',
                                        'default': None}})

legacy_pooling3d_support = legacy_pooling2d_support

legacy_global_pooling_support = generate_legacy_interface(
    conversions=[('dim_ordering', 'data_format')],
    value_conversions={'dim_ordering': {'tf': 'channels_last', 'th': 'channels_first',
                                        'default': None}})

legacy_gaussiannoise_support = generate_legacy_interface(
    allowed_positional_args=['stddev'], conversions=[('sigma', 'stddev')])

legacy_gaussiandropout_support = generate_legacy_interface(
    allowed_positional_args=['rate'], conversions=[('p', 'rate')])

legacy_prelu_support = generate_legacy_interface(
    allowed_positional_args=['alpha_initializer'], conversions=[('init', 'alpha_initializer')])


def get_updates_arg_preprocessing(args, kwargs):
    """Keras 1's optimizer.get_updates(params, constraints, loss) as Keras 2's
    get_updates(loss, params)."""
    if len(args) > 4:
        raise TypeError('`get_update` call received more arguments than expected.')
    if len(args) == 4:
        opt, params, _, loss = args
        kwargs['loss'] = loss
        kwargs['params'] = params
        return [opt], kwargs, []
    if len(args) == 3 and isinstance(args[1], (list, tuple)):
        if not isinstance(args[2], dict) or 'loss' not in kwargs:
            raise TypeError('get_updates(params, constraints, loss=...) takes the constraints '
                            'as a dict and the loss as a keyword')
        opt, params, _ = args
        kwargs['params'] = params
        return [opt], kwargs, []
    return args, kwargs, []


legacy_get_updates_support = generate_legacy_interface(
    allowed_positional_args=None, conversions=[], preprocessor=get_updates_arg_preprocessing)
