"""keras_cpp.preprocessing.text and .sequence, checked against Keras 2.2.4's documented behaviour
(keras_preprocessing 1.0.5) with values worked out by hand."""
import hashlib
import pickle

import numpy as np
import pytest

from keras_cpp.preprocessing import sequence, text
from keras_cpp.utils import Sequence

TEXTS = ['The cat sat on the mat.', 'The dog ate my homework.', 'the cat']


def test_text_to_word_sequence_and_unicode():
    assert text.text_to_word_sequence('Hello, World! It\'s me.') == ['hello', 'world', "it's",
                                                                      'me']
    assert text.text_to_word_sequence('ÉTÉ À ὈΔΥΣΣΕΎΣ') == 'ÉTÉ À ὈΔΥΣΣΕΎΣ'.lower().split()
    assert text.text_to_word_sequence('a-b_c', filters='-', lower=False, split='_') == ['a', 'b', 'c']
    with pytest.raises(ValueError):
        text.text_to_word_sequence('a b', split='')


def test_hashing_trick_md5_and_python_hash():
    expected = [int(hashlib.md5(w.encode()).hexdigest(), 16) % 9 + 1 for w in ['hello', 'big']]
    assert text.hashing_trick('Hello big', 10, hash_function='md5') == expected
    assert text.hashing_trick('a b', 5, hash_function=len) == [2, 2]
    assert text.one_hot('x y x', 7) == [hash('x') % 6 + 1, hash('y') % 6 + 1, hash('x') % 6 + 1]
    with pytest.raises(ValueError):
        text.hashing_trick('a', 10, hash_function='sha1')


def test_tokenizer_like_keras():
    tokenizer = text.Tokenizer()
    tokenizer.fit_on_texts(TEXTS)
    assert tokenizer.document_count == 3
    assert tokenizer.word_index['the'] == 1 and tokenizer.word_index['cat'] == 2
    assert list(tokenizer.word_counts.items())[:3] == [('the', 4), ('cat', 2), ('sat', 1)]
    assert tokenizer.word_docs['the'] == 3
    assert tokenizer.index_word[2] == 'cat'
    assert tokenizer.texts_to_sequences(['the cat ate a fish']) == [[1, 2, 7]]
    assert list(tokenizer.texts_to_sequences_generator(['cat'])) == [[2]]
    assert tokenizer.sequences_to_texts([[1, 2, 7]]) == ['the cat ate']
    m = tokenizer.texts_to_matrix(['the the cat', ''], mode='tfidf')
    assert m.shape == (2, 10) and m.dtype == np.float64
    assert m[0, 1] == pytest.approx((1 + np.log(2)) * np.log(1 + 3 / 4))
    assert not m[1].any()
    with pytest.raises(ValueError, match='Unknown vectorization mode'):
        tokenizer.texts_to_matrix(['x'], mode='bogus')


def test_tokenizer_num_words_oov_lists_and_legacy_names():
    with pytest.warns(UserWarning):
        tokenizer = text.Tokenizer(nb_words=4, oov_token='<unk>')
    tokenizer.fit_on_texts(TEXTS)
    assert tokenizer.word_index['<unk>'] == 1
    assert tokenizer.texts_to_sequences(['the sat fish cat']) == [[2, 1, 1, 3]]
    tokenizer.num_words = 3  # capping the vocabulary after fitting, as Keras code does
    assert tokenizer.texts_to_sequences(['the cat']) == [[2, 1]]
    assert tokenizer.texts_to_matrix(['the'], mode='binary').shape == (1, 3)
    lists = text.Tokenizer()
    lists.fit_on_texts([['New York', 'is'], 'new york is big'])
    assert lists.word_index['new york'] == 1 or lists.word_index['is'] == 1
    assert lists.texts_to_sequences([['NEW YORK']]) == [[lists.word_index['new york']]]
    with pytest.raises(TypeError, match='Unrecognized keyword arguments'):
        text.Tokenizer(num_word=3)
    with pytest.raises(TypeError):
        text.Tokenizer(num_words=2.5)


def test_tokenizer_json_and_pickle_round_trip():
    tokenizer = text.Tokenizer(num_words=6, oov_token='?')
    tokenizer.fit_on_texts(TEXTS)
    for copy in (text.tokenizer_from_json(tokenizer.to_json()),
                 pickle.loads(pickle.dumps(tokenizer))):
        assert copy.word_index == tokenizer.word_index
        assert copy.word_counts == tokenizer.word_counts
        assert copy.num_words == 6 and copy.oov_token == '?'
        assert copy.texts_to_sequences(['the dog flew']) == \
            tokenizer.texts_to_sequences(['the dog flew'])
    assert tokenizer.get_config()['document_count'] == 3


def test_pad_sequences():
    x = sequence.pad_sequences([[1, 2, 3], [4], []])
    assert x.dtype == np.int32
    np.testing.assert_array_equal(x, [[1, 2, 3], [0, 0, 4], [0, 0, 0]])
    x = sequence.pad_sequences([[1, 2, 3], [4]], maxlen=2, padding='post', truncating='post',
                               value=-1)
    np.testing.assert_array_equal(x, [[1, 2], [4, -1]])
    x = sequence.pad_sequences([[1.7, 2.2]], maxlen=3, dtype='float32', value=0.5)
    np.testing.assert_allclose(x, [[0.5, 1.7, 2.2]])
    x = sequence.pad_sequences([np.ones((2, 3)), np.zeros((1, 3))], dtype='float64')
    assert x.shape == (2, 2, 3) and x[1, 0].sum() == 0
    assert sequence.pad_sequences([[1.9]], dtype='int64')[0, 0] == 1  # truncated like numpy
    with pytest.raises(ValueError, match='not understood'):
        sequence.pad_sequences([[1]], padding='middle')
    with pytest.raises(ValueError, match='different from expected shape'):
        sequence.pad_sequences([np.ones((1, 2)), np.ones((1, 3))])
    with pytest.raises(ValueError, match='non-iterable'):
        sequence.pad_sequences([1, 2])


def test_sampling_table_and_skipgrams():
    table = sequence.make_sampling_table(10)
    rank = np.arange(10.0)
    rank[0] = 1
    f = 1e-5 * (rank * (np.log(rank) + 0.577) + 0.5 - 1. / (12. * rank))
    np.testing.assert_allclose(table, np.minimum(1., f / np.sqrt(f)))
    couples, labels = sequence.skipgrams([1, 2, 0, 3], 10, window_size=1, shuffle=False)
    assert couples[:2] == [[1, 2], [2, 1]] and labels == [1, 1, 0, 0]
    assert all(c[0] in (1, 2) and 1 <= c[1] < 10 for c in couples[2:])
    couples, labels = sequence.skipgrams([1, 2, 3], 4, categorical=True, seed=5)
    assert len(couples) == 12 and sorted(map(tuple, labels)) == [(0, 1)] * 6 + [(1, 0)] * 6
    assert sequence.skipgrams([1, 2, 3], 4, seed=5) == sequence.skipgrams([1, 2, 3], 4, seed=5)


def test_timeseries_generator():
    data = np.arange(20, dtype='float32').reshape(20, 1)
    targets = np.arange(20)
    gen = sequence.TimeseriesGenerator(data, targets, length=10, sampling_rate=2, batch_size=2)
    assert len(gen) == 5 and isinstance(gen, Sequence)
    x, y = gen[0]
    assert x.shape == (2, 5, 1) and x.dtype == np.float32 and y.dtype == targets.dtype
    np.testing.assert_array_equal(x[:, :, 0], [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]])
    np.testing.assert_array_equal(y, [10, 11])
    rev = sequence.TimeseriesGenerator(data, targets, length=4, stride=3, reverse=True,
                                       batch_size=2)
    x, y = rev[2]
    np.testing.assert_array_equal(x[:, :, 0], [[15, 14, 13, 12], [18, 17, 16, 15]])
    assert len(list(gen)) == 5
    np.random.seed(0)
    shuffled = sequence.TimeseriesGenerator(data, targets, length=3, shuffle=True, batch_size=4)
    x, y = shuffled[0]
    assert all(3 <= t <= 19 for t in y)
    np.testing.assert_array_equal(x[:, -1, 0], y - 1)
    with pytest.raises(IndexError):
        gen[5]
    with pytest.raises(ValueError, match='same length'):
        sequence.TimeseriesGenerator(data, targets[:5], length=3)
    with pytest.raises(ValueError, match='start_index'):
        sequence.TimeseriesGenerator(data, targets, length=25)
