"""keras.preprocessing.text (Keras 2.2.4, keras_preprocessing 1.0.5): text_to_word_sequence,
one_hot, hashing_trick, Tokenizer and tokenizer_from_json, computed by the C++ engine."""
import collections
import json
import warnings

import numpy as np

from .._keras_cpp import preprocessing as _pp

_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

__all__ = ['text_to_word_sequence', 'one_hot', 'hashing_trick', 'Tokenizer',
           'tokenizer_from_json']


def text_to_word_sequence(text, filters=_FILTERS, lower=True, split=' '):
    """Lowercases, removes `filters` characters and splits `text` into a list of words."""
    return _pp.text_to_word_sequence(text, filters, lower, split)


def hashing_trick(text, n, hash_function=None, filters=_FILTERS, lower=True, split=' '):
    """Word indices in [1, n - 1]: hash(word) % (n - 1) + 1. `hash_function`: None (Python's
    hash, not stable across runs), 'md5' (stable) or a function of a string returning an int."""
    if hash_function is None:
        hash_function = hash
    elif hash_function == 'md5':
        hash_function = None  # the engine's md5
    elif not callable(hash_function):
        raise ValueError("hash_function must be None, 'md5' or a callable; got %r"
                         % (hash_function,))
    if hash_function is not None:
        # Python's own modulo keeps arbitrary-precision results exact.
        if n < 2:
            raise ValueError('hashing_trick: n must be at least 2; got %r' % (n,))
        return [(hash_function(w) % (n - 1) + 1)
                for w in text_to_word_sequence(text, filters, lower, split)]
    return _pp.hashing_trick(text, n, None, filters, lower, split)


def one_hot(text, n, filters=_FILTERS, lower=True, split=' '):
    """hashing_trick with Python's hash: indices in [1, n - 1], collisions possible."""
    return hashing_trick(text, n, hash_function=hash, filters=filters, lower=lower, split=split)


class Tokenizer(object):
    """Vectorizes a text corpus into sequences of word indices (1 = most frequent word; 0 is
    reserved) or matrices ('binary', 'count', 'freq', 'tfidf'), as Keras's Tokenizer."""

    def __init__(self, num_words=None, filters=_FILTERS, lower=True, split=' ',
                 char_level=False, oov_token=None, **kwargs):
        if 'nb_words' in kwargs:
            warnings.warn('The `nb_words` argument in `Tokenizer` has been renamed `num_words`.')
            num_words = kwargs.pop('nb_words')
        if kwargs:
            raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
        self._make(num_words, filters, lower, split, char_level, oov_token)

    def _make(self, num_words, filters, lower, split, char_level, oov_token):
        if num_words is not None and (isinstance(num_words, bool) or
                                      not isinstance(num_words, (int, np.integer))):
            raise TypeError('Tokenizer: num_words must be an int or None; got %r' % (num_words,))
        if not isinstance(split, str):
            raise TypeError('Tokenizer: split must be a string; got %r' % (split,))
        self._engine = _pp.Tokenizer(int(num_words or 0), filters, bool(lower), split,
                                     bool(char_level), oov_token)
        object.__setattr__(self, 'num_words', num_words)
        self.filters, self.lower, self.split = filters, lower, split
        self.char_level, self.oov_token = char_level, oov_token

    def __setattr__(self, name, value):
        # Keras code sets tokenizer.num_words after fitting to cap the vocabulary.
        if name == 'num_words' and '_engine' in self.__dict__:
            if value is not None and (isinstance(value, bool) or
                                      not isinstance(value, (int, np.integer))):
                raise TypeError('Tokenizer: num_words must be an int or None; got %r' % (value,))
            self._engine.set_num_words(int(value or 0))
        object.__setattr__(self, name, value)

    def _token_lists(self, texts):
        return [self._engine.tokenize(t) if isinstance(t, str) else list(t) for t in texts]

    def fit_on_texts(self, texts):
        """Builds the word index from texts (strings, or lists of tokens)."""
        texts = list(texts)
        if all(isinstance(t, str) for t in texts):
            self._engine.fit_on_texts(texts)
        else:
            self._engine.fit_on_token_lists(self._token_lists(texts))

    def fit_on_sequences(self, sequences):
        self._engine.fit_on_sequences([list(s) for s in sequences])

    def texts_to_sequences(self, texts):
        texts = list(texts)
        if all(isinstance(t, str) for t in texts):
            return self._engine.texts_to_sequences(texts)
        return self._engine.token_lists_to_sequences(self._token_lists(texts))

    def texts_to_sequences_generator(self, texts):
        for text in texts:
            yield self.texts_to_sequences([text])[0]

    def sequences_to_texts(self, sequences):
        return self._engine.sequences_to_texts([list(s) for s in sequences])

    def sequences_to_texts_generator(self, sequences):
        for sequence in sequences:
            yield self.sequences_to_texts([sequence])[0]

    def texts_to_matrix(self, texts, mode='binary'):
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode='binary'):
        return self._engine.sequences_to_matrix([list(s) for s in sequences], mode)

    @property
    def word_counts(self):
        return collections.OrderedDict(self._engine.word_counts)

    @property
    def word_docs(self):
        return collections.defaultdict(int, self._engine.word_docs)

    @property
    def word_index(self):
        return dict(self._engine.word_index)

    @property
    def index_word(self):
        return dict(self._engine.index_word)

    @property
    def index_docs(self):
        return collections.defaultdict(int, self._engine.index_docs)

    @property
    def document_count(self):
        return self._engine.document_count

    def get_config(self):
        return json.loads(self._engine.to_json())['config']

    def to_json(self, **kwargs):
        """The tokenizer (configuration and vocabulary) as JSON; json.dumps's kwargs apply."""
        return json.dumps({'class_name': 'Tokenizer', 'config': self.get_config()}, **kwargs)

    def __getstate__(self):
        return {'json': self._engine.to_json()}

    def __setstate__(self, state):
        _restore(self, state['json'])

    def __repr__(self):
        return '<keras_cpp.preprocessing.text.Tokenizer num_words=%r, %d words>' % (
            self.num_words, len(self._engine.word_index))


def _restore(tokenizer, json_string):
    engine = _pp.Tokenizer.from_json(json_string)
    config = json.loads(json_string)['config']
    object.__setattr__(tokenizer, '_engine', engine)
    for key in ('num_words', 'filters', 'lower', 'split', 'char_level', 'oov_token'):
        object.__setattr__(tokenizer, key, config[key])
    return tokenizer


def tokenizer_from_json(json_string):
    """A Tokenizer from Tokenizer.to_json()'s text."""
    return _restore(Tokenizer.__new__(Tokenizer), json_string)
