"""Run the doctests of every module of the installed package (derivations included)."""

import doctest
import importlib
import pkgutil

import pytest

import dpo_mixture
from _need import need

OPTIONAL = {"torch", "jax", "jaxlib", "matplotlib"}


def _modules():
    names = [dpo_mixture.__name__]
    for info in pkgutil.walk_packages(dpo_mixture.__path__, prefix="dpo_mixture."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_doctests(name):
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # a module for an optional extra that is not installed
        if exc.name and exc.name.split(".")[0] in OPTIONAL:
            need(False, f"{name} needs the optional package {exc.name}")
        raise
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
