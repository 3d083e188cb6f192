"""Review round 61a: the model a step is judged in is the engine's own, never an object that the
module's code (its definitions, its strategies) can reach and change.  The modules run in a
subprocess: they change objects of the process that imports them."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

MODULES = pathlib.Path(__file__).parent / "round61_modules"


def _report(module: str, tmp_path: pathlib.Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "dpo_mixture", "check", str(MODULES / f"{module}.py"), "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)
    if done.returncode == 2:  # the module was refused as it loaded (its attack raised): nothing decided
        return {"code": 2, "steps": {}}
    out = json.loads(done.stdout)
    return {"code": done.returncode, "steps": {s["id"]: s for s in out["steps"]}}


@pytest.mark.parametrize("module", ["made_theory_shared", "made_theory_reached"])
def test_a_strategy_that_rewrites_a_definition_never_changes_the_model_the_kernel_checks(module, tmp_path):
    """F1: a strategy rewrites the module's own definition of W in place (W := (b^2 - 2)^2 to
    W := b); F3: it asks Theory.of for the theory of the definitions it was handed and swaps its
    lookup.  W > 0 is false at b = sqrt 2 (W = 0): it is never proved."""
    report = _report(module, tmp_path)
    assert report["steps"]["w-positive"]["verdict"] != "proved"
    assert report["code"] != 0


def test_the_model_shown_for_a_step_is_the_one_it_was_checked_in(tmp_path):
    """F2: after W >= 0 was proved with W := (b^2 - 2)^2, a later strategy rewrites the module's
    definition to W := b - 5: the step still shows the model it was checked in."""
    step = _report("made_theory_shown", tmp_path)["steps"]["w-nonneg"]
    assert step["model"] and not any("b - 5" in m for m in step["model"])


@pytest.mark.parametrize("module, step", [("planted_justify_plain", "v-square"), ("planted_justify_w", "w-positive"),
                                          ("planted_justify_plain", "v-square-opened")])
def test_a_theory_a_strategy_builds_never_answers_for_the_kernels(module, step, tmp_path):
    """61b F1: a strategy built a theory equal to the kernel's with a lookup of its own (the
    constructor took one), and had it justify a made-up definition, or handed it to the kernel's
    own cache of opened theories: the kernel then read the answer for its own theory.  The
    lookup is now worked out from the definitions alone; (3V - 7)^2 > 0 with V undefined, and
    W > 0 with W := (b^2 - 2)^2, are never proved."""
    report = _report(module, tmp_path)
    assert report["steps"][step]["verdict"] != "proved"
    assert report["code"] != 0


def test_a_theory_takes_no_lookup_of_its_own():
    import sympy as sp

    from dpo_mixture.proof import Definition, Theory

    v = sp.Symbol("v_61b", real=True)
    with pytest.raises(TypeError):
        Theory((), (), {v: Definition("v", v, sp.Integer(3))})
    assert Theory(()).definition(v) is None


@pytest.mark.parametrize("module, step", [("planted_sign_context", "x-square"),
                                          ("planted_unverified_definition", "w-positive"),
                                          ("override_drops_cleared", "x-pos")])
def test_nothing_a_module_builds_stands_for_the_kernels_own_answers(module, step, tmp_path):
    """61c: a theory whose override is an object of the module's own that equals two domains
    (F2), a definition whose body is an object that equals the model's body but is another
    expression to SymPy (F3), and the list of what an override drops, emptied where it was kept
    (F1): each made the kernel read an answer for its own model that was worked out for another.
    None of the false statements is proved (or assumed)."""
    report = _report(module, tmp_path)
    assert report["steps"].get(step, {}).get("verdict") not in ("proved", "assumed")
    assert report["code"] != 0


def test_a_fact_is_built_from_sympy_objects_that_compare_as_sympy_does():
    import sympy as sp

    from dpo_mixture.proof import Definition, Identity, Theory
    from dpo_mixture.notation import Domain

    w = sp.Symbol("w_61c", positive=True)
    body = (w - 2) ** 2

    class Liar:
        def __eq__(self, other):
            return other == body

        def __hash__(self):
            return hash(body)

        def _sympy_(self):
            return w + 1

    class Twin(sp.Symbol):
        def __eq__(self, other):
            return True

        __hash__ = sp.Symbol.__hash__

    assert Definition("w", sp.Symbol("v_61c"), Liar()).expr == w + 1  # kept as SymPy read it
    with pytest.raises(ValueError, match="rule of its own"):
        Identity("twin", Twin("t_61c") + 1, 1)
    assert Identity("one", sp.Symbol("u_61c"), 1).rhs is sp.Integer(1)
    with pytest.raises(TypeError):
        Theory((), ((w, "positive"),))
    from dpo_mixture.proof.kernel import override_drops

    assert isinstance(override_drops(w, Domain.REAL), tuple)
