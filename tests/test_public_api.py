"""The curated top-level API: ``from dpo_mixture import *`` gives exactly ``__all__``, all documented."""

import inspect
import types

import dpo_mixture
from dpo_mixture import Strategy


def test_star_import_gives_exactly_all():
    namespace: dict = {}
    exec("from dpo_mixture import *", namespace)
    namespace.pop("__builtins__")
    assert sorted(namespace) == sorted(dpo_mixture.__all__)
    assert len(set(dpo_mixture.__all__)) == len(dpo_mixture.__all__)


def test_nothing_public_is_left_out_of_all():
    """Every public name the package module holds is in ``__all__`` (subpackages that Python
    attaches on import, such as ``proof``, are reached by their own path)."""
    # dir() also lists the names imported when first used (the document writers, numeric)
    public = {name for name in dir(dpo_mixture) if not name.startswith("_")
              and not (isinstance(getattr(dpo_mixture, name), types.ModuleType) and name not in dpo_mixture.__all__)}
    assert public == set(dpo_mixture.__all__)


def test_every_public_name_is_documented():
    undocumented = [name for name in dpo_mixture.__all__ if not inspect.getdoc(getattr(dpo_mixture, name))]
    assert not undocumented


def test_the_strategies_a_user_needs_are_at_the_top_level():
    wanted = {"NormalForm", "Signs", "Implication", "Certificate", "Differentiate", "LimitOf", "ConvexMinimum",
              "Termwise", "TermsVanish", "ExtremumBound", "Monotone", "Cases", "Using", "Lemmas", "Stationarity",
              "Cite"}
    assert wanted <= set(dpo_mixture.__all__)
    assert all(issubclass(getattr(dpo_mixture, name), Strategy) for name in wanted)


def test_modules_in_all_are_the_public_submodules():
    modules = {name for name in dpo_mixture.__all__ if isinstance(getattr(dpo_mixture, name), types.ModuleType)}
    assert modules == {"declare", "lemmas", "model", "notation", "numeric"}
