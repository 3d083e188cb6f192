"""The worked example says only what holds at its instance: the engine decides every statement."""

import pytest
import sympy as sp

from dpo_mixture import notation as N
from dpo_mixture.derivations.example import worked_example
from dpo_mixture.proof import Verdict, decide
from dpo_mixture.proof.evaluate import evaluate
from dpo_mixture.proof.facts import unfold


def _instance(alpha, beta, r, p_A, p_U) -> dict:
    q = sp.Rational
    return {N.n: len(r), N.alpha: q(alpha), N.beta: q(beta), N.r: [q(v) for v in r],
            N.p_A: [q(v) for v in p_A], N.p_U: [q(v) for v in p_U]}


#: The seed's counterexample shape (rewards favour the unaligned component's best output), and
#: an instance where the aligned component wins: there some of the example's statements are false.
INSTANCES = {
    "hacked": _instance("1/3", "1", (6, 10, -1), (1, 0, 0), ("1/12", "1/12", "5/6")),
    "aligned wins": _instance("1/2", "1", (0, 1), (0, 1), (1, 0)),
}


def _holds(step, context) -> bool:
    """The step's claim, every link of its chain, evaluated at 60 digits (no engine involved)."""
    claim = step.claim
    parts = list(claim.args) if isinstance(claim, sp.And) else [claim]
    if step.chain:
        points = [claim.lhs, *step.chain, claim.rhs]
        parts = [sp.Eq(a, b, evaluate=False) for a, b in zip(points, points[1:-1])]
        parts.append(claim.func(points[-2], points[-1], evaluate=False))
    ok = True
    for rel in parts:
        if isinstance(rel.lhs, sp.Limit):
            continue  # a limit is not a number to evaluate; the engine's LimitOf decides it
        lhs, rhs = (sp.N(sp.sympify(unfold(side, context)), 60) for side in (rel.lhs, rel.rhs))
        ok &= bool({"==": abs(lhs - rhs) < 1e-40, "<": lhs < rhs, ">": lhs > rhs}[rel.rel_op])
    return ok


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_every_statement_of_the_example_is_decided_by_its_truth(name):
    example = worked_example(INSTANCES[name])
    verdicts = {}
    for step in example.steps:
        verdict = decide(step, samples=50, context=example.context).verdict
        verdicts[step.id] = verdict
        if _holds(step, example.context):
            assert verdict is Verdict.PROVED, step.id
        else:
            assert verdict is not Verdict.PROVED, step.id
    if name == "aligned wins":
        # the aligned component has the larger tilted moment here: the example's sentence is false
        assert verdicts["example-moments"] is not Verdict.PROVED
        assert verdicts["example-top-U"] is not Verdict.PROVED


def test_the_example_is_built_from_the_instance_values():
    inst = INSTANCES["hacked"]
    example = worked_example(inst)
    tpm = sp.sympify(evaluate(unfold(N.TPM_A, example.context), inst, "exact"))
    mass = next(s for s in example.steps if s.id == "example-mass")
    assert sp.simplify(mass.chain[0] - tpm) == 0
    assert example.extras["columns"] and example.extras["quantities"]
