"""Crafted configs (issue 16): deep nesting, YAML alias bombs, huge numbers, invalid UTF-8 and
wrong values raise ValueError / RuntimeError with a short, readable message instead of crashing the
interpreter; numbers read and write the same under a locale with a decimal comma."""
import json
import locale
import os
import subprocess
import zipfile

import pytest

from keras_cpp.layers import Dense, Dropout
from keras_cpp.models import Sequential, load_model, model_from_json, model_from_yaml

INTERNALS = ('_M_range_check', 'stoll', 'stod', 'basic_string', 'json.exception',
             'bad_optional_access', 'vector::')


def assert_clear(error):
    message = str(error.value)
    assert message and len(message) < 1000, message[:1000]
    for word in INTERNALS:
        assert word not in message, message


def test_deeply_nested_json_is_refused():
    with pytest.raises(ValueError, match='nested deeper than 1000 levels') as error:
        model_from_json('[' * 100000 + ']' * 100000)
    assert_clear(error)


def test_a_big_config_is_quoted_only_in_part():
    big = json.dumps(['layer_%d' % i for i in range(100000)])
    with pytest.raises(ValueError, match='A model config must be') as error:
        model_from_json(big)
    assert_clear(error)
    assert str(error.value).endswith('...')


def test_invalid_utf8_in_json_has_a_message():
    with pytest.raises(ValueError, match='not valid JSON') as error:
        model_from_json(b'{"class_name": "Seq\xff\xfe", "config": {}}')
    assert_clear(error)
    assert '\\xFF' in str(error.value)


def test_keras_archive_with_a_deeply_nested_config(tmp_path):
    path = str(tmp_path / 'deep.keras')
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('metadata.json', '{"keras_version": "3.0.0"}')
        archive.writestr('config.json', '[' * 100000 + ']' * 100000)
        archive.writestr('model.weights.h5', b'')
    with pytest.raises(RuntimeError, match='config.json is nested deeper than 1000') as error:
        load_model(path)
    assert_clear(error)


def test_h5_model_with_a_deeply_nested_config(tmp_path):
    h5py = pytest.importorskip('h5py')
    import numpy as np
    path = str(tmp_path / 'deep.h5')
    with h5py.File(path, 'w', libver='latest') as f:  # dense attributes: above 64 KB
        f.attrs['model_config'] = np.bytes_('[' * 100000 + ']' * 100000)
    with pytest.raises(RuntimeError, match='model_config attribute is nested deeper') as error:
        load_model(path)
    assert_clear(error)


def test_yaml_long_and_huge_integers():
    with pytest.raises(ValueError, match='does not fit in 64 bits') as error:
        model_from_yaml('units: ' + '1' * 40000)
    assert_clear(error)
    with pytest.raises(ValueError, match=r'integer 9223372036854775808000 at line 1, column 8 '
                                         r'does not fit in 64 bits'):
        model_from_yaml('units: 9223372036854775808000')


def test_yaml_self_referring_alias():
    with pytest.raises(ValueError, match='nested deeper than 1000 levels') as error:
        model_from_yaml('a: &x [*x]')
    assert_clear(error)


def test_yaml_billion_laughs():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip('abcdefgh', 'bcdefghi'):
        lines.append('%s: &%s [%s]' % (name, name, ','.join(['*' + prev] * 9)))
    bomb = '\n'.join(lines)
    assert len(bomb) < 600
    with pytest.raises(ValueError, match='expands to more than') as error:
        model_from_yaml(bomb)
    assert_clear(error)


def test_deep_yaml():
    for text in ('[' * 100000 + ']' * 100000, '- ' * 50000 + '1'):
        with pytest.raises(ValueError, match='model_from_yaml') as error:
            model_from_yaml(text)
        assert_clear(error)


@pytest.mark.parametrize('config', [
    # The out-of-range tensor index that gave "vector::_M_range_check".
    {'class_name': 'Model', 'config': {
        'name': 'm', 'input_layers': [['in', 0, 0]], 'output_layers': [['d', 0, 3]],
        'layers': [{'class_name': 'InputLayer', 'name': 'in', 'inbound_nodes': [],
                    'config': {'batch_input_shape': [None, 4], 'name': 'in'}},
                   {'class_name': 'Dense', 'name': 'd', 'config': {'units': 2, 'name': 'd'},
                    'inbound_nodes': [[['in', 0, 0, {}]]]}]}},
    {'class_name': 'Model', 'config': {'layers': []}},
    {'class_name': 'Sequential', 'config': [{'class_name': 'Conv1D', 'config': {'filters': 2}}]},
    {'class_name': 'Sequential', 'config': [{'class_name': 'Dense',
                                             'config': {'units': '3', 'input_dim': 2}}]},
])
def test_crafted_configs_give_clear_errors(config):
    with pytest.raises((ValueError, RuntimeError)) as error:
        model_from_json(json.dumps(config))
    assert_clear(error)


def decimal_comma_locale(tmp_path):
    """Sets LC_ALL to a locale with a decimal comma (installed, or made with localedef);
    returns the previous setting, or skips the test."""
    previous = locale.setlocale(locale.LC_ALL)
    for name in ('de_DE.UTF-8', 'de_DE.utf8', 'fr_FR.UTF-8', 'fr_FR.utf8'):
        try:
            locale.setlocale(locale.LC_ALL, name)
            if locale.localeconv()['decimal_point'] == ',':
                return previous
        except locale.Error:
            pass
    try:
        subprocess.run(['localedef', '-i', 'de_DE', '-f', 'UTF-8', str(tmp_path / 'de_DE.UTF-8')],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        os.environ['LOCPATH'] = str(tmp_path)
        locale.setlocale(locale.LC_ALL, 'de_DE.UTF-8')
        if locale.localeconv()['decimal_point'] == ',':
            return previous
    except (OSError, locale.Error):
        pass
    os.environ.pop('LOCPATH', None)
    locale.setlocale(locale.LC_ALL, previous)
    pytest.skip('no locale with a decimal comma could be set (install Debian\'s locales)')


def test_numbers_under_a_decimal_comma_locale(tmp_path):
    previous = decimal_comma_locale(tmp_path)
    try:
        restored = model_from_yaml('class_name: Sequential\nconfig:\n  layers:\n'
                                   '  - class_name: Dense\n'
                                   '    config: {units: 2, batch_input_shape: [null, 3]}\n'
                                   '  - class_name: Dropout\n    config: {rate: 0.25}\n')
        assert restored.layers[1].get_config()['rate'] == 0.25
        model = Sequential([Dense(2, input_dim=1234), Dropout(0.25)])
        text = model.to_yaml()
        assert 'rate: 0.25' in text
        assert model_from_yaml(text).get_config() == model.get_config()
        assert model_from_json(model.to_json()).get_config() == model.get_config()
    finally:
        locale.setlocale(locale.LC_ALL, previous)
        os.environ.pop('LOCPATH', None)
