"""The worked examples in module docstrings are tests too."""

import doctest
import importlib

import pytest

MODULES = ["k8sedu.sim", "k8sedu.etcd.store", "k8sedu.quantity", "k8sedu.labels", "k8sedu.objects"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0, f"{name} promises a worked example"
