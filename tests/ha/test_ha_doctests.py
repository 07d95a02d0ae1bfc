"""The worked examples in the HA modules' docstrings are tests too."""

import doctest
import importlib

import pytest

MODULES = ["k8sedu.etcd.replicated", "k8sedu.client.leaderelection"]


@pytest.mark.parametrize("name", MODULES)
def test_ha_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} promises a worked example"
