"""The worked counterexample: a section built from the instance the engine finds for the seed's claim.

:func:`worked_example` receives that instance (SymPy objects to exact values) and returns a
derivation whose steps state, at the instance, what the text says about it: both correlation
hypotheses hold (uniformly and under ``p_ref``), the tilted moments are ordered the wrong way,
the largest reward sits where the aligned component puts little mass, and the two ends of the
temperature range pull in opposite directions.  Every quantity is evaluated exactly from its
SymPy definition; the engine decides every step, and a false one would be refuted.
"""

from __future__ import annotations

import functools

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import M_A, M_U, TPM_A, TPM_U, Z, alpha, beta, n, p_A, p_ref, p_theta, p_U, r, t, y
from dpo_mixture.proof import Derivation, LimitOf, Step
from dpo_mixture.proof.evaluate import evaluate
from dpo_mixture.proof.facts import unfold
from dpo_mixture.render import Ref, prose

from .facts import DEF_MIXTURE, DEF_P_THETA, DEF_Z
from .symbols import AtInstance, CovRef, Mean, S_STAR, TopMass
from .tpm import CONTEXT

COV = model.cov_unif
__all__ = ["worked_example", "EXAMPLE_ID"]

EXAMPLE_ID = "example"


def pairs(instance: dict) -> sp.Tuple:
    """An instance as ``AtInstance`` holds it: ``(quantity, value)`` pairs, a vector's values as
    a tuple, in a fixed order."""
    items = sorted(instance.items(), key=lambda kv: str(kv[0]))
    return sp.Tuple(*(sp.Tuple(q, sp.Tuple(*map(sp.sympify, v)) if isinstance(v, (list, tuple)) else sp.sympify(v))
                      for q, v in items))


def instance_problem(shown: sp.Basic, held: sp.Basic) -> str:
    """Why ``AtInstance(shown, held)`` is no quantity at an instance, or ``""``: ``held`` gives
    each free quantity of the model a value in its declared domain (exact numbers, one entry per
    output), and ``shown`` holds no limit, derivative or substitution (rules of their own
    decide those) and no sum but one over the support."""
    from dpo_mixture.proof.theory import Theory, key_of

    from dpo_mixture.notation import declared_domain

    if not (isinstance(held, sp.Tuple) and all(isinstance(p, sp.Tuple) and len(p) == 2 for p in held)):
        return "the instance must be a tuple of (quantity, value) pairs"
    values = {q: v for q, v in held}
    if len(values) != len(held) or n not in values or not (values[n].is_Integer and values[n] > 0):
        return "the instance names each quantity once, and the support's size n as a positive integer"
    defined = {key_of(d.target) for d in CONTEXT}
    theory = Theory()
    for q, v in values.items():
        if q == n:
            continue
        entries = list(v) if isinstance(v, sp.Tuple) else [v]
        if not all(isinstance(x, sp.Basic) and x.is_Rational for x in entries):
            return f"the value of {q} is not exact"
        if isinstance(v, sp.Tuple) != isinstance(q, sp.IndexedBase) or isinstance(v, sp.Tuple) and len(v) != values[n]:
            return f"the value of {q} is not one {'entry per output' if isinstance(q, sp.IndexedBase) else 'number'}"
        if q in defined or declared_domain(q) == "DERIVED" or theory.domain(q) is None:
            return f"{q} is not a free quantity of the model with a declared domain"
        if not theory.admits(q, entries if isinstance(v, sp.Tuple) else v):
            return f"the value of {q} lies outside its domain ({theory.domain(q).value})"
    if shown.has(TopMass) and r not in values:
        return "the mass on the outputs of largest reward needs the instance's reward"
    for node in sp.preorder_traversal(shown):
        if isinstance(node, (sp.Limit, sp.Derivative, sp.Subs, sp.Integral, sp.Product)):
            return f"the quantity holds a {type(node).__name__}, which no instance decides"
        if isinstance(node, sp.Sum) and not (len(node.limits) == 1 and node.limits[0][1:] == (1, n)):
            return "the quantity holds a sum over another range than the support"
    return ""


def _written_out(e: sp.Expr, size: int) -> sp.Expr:
    """``e`` with every sum over the support written out term by term (``n = size``)."""
    def out(s: sp.Sum) -> sp.Expr:
        (k, _, _), = s.limits
        return sp.Add(*(s.function.xreplace({k: sp.Integer(i)}) for i in range(1, size + 1)))

    while e.has(sp.Sum):
        e = e.replace(lambda x: isinstance(x, sp.Sum) and not x.function.has(sp.Sum), out)
    return e.xreplace({n: size})


@functools.lru_cache(maxsize=1024)
def at_instance(shown: sp.Expr, held: sp.Tuple) -> sp.Expr:
    """``shown`` at the instance ``held`` (:func:`pairs`), the paper's model definitions opened:
    its exact value when the instance gives every quantity a value, else (a temperature left
    free) the expression in what is left, the sums over the support written out."""
    instance = {q: list(v) if isinstance(v, sp.Tuple) else v for q, v in held}
    # p(S*) is the mass on the outputs of largest reward: at an instance, a sum of entries
    if shown.has(TopMass):
        best = [i + 1 for i, v in enumerate(instance[r]) if v == max(instance[r])]
        shown = shown.replace(lambda e: isinstance(e, TopMass), lambda e: sp.Add(*(e.args[0][i] for i in best)))
    if beta not in instance:
        e = _written_out(unfold(shown, CONTEXT), int(instance[n]))
        subs: dict = {q: v for q, v in instance.items() if not isinstance(v, list) and q != n}
        for base, values in instance.items():
            if isinstance(values, list):
                subs.update({base[i + 1]: v for i, v in enumerate(values)})
        return e.xreplace(subs)
    exact = sp.sympify(evaluate(unfold(shown, CONTEXT), instance, "exact"))
    if exact.is_Rational:
        return exact
    # cancel over the exponentials: as readable as simplify here, and without its cost
    simple = sp.cancel(sp.powsimp(sp.expand(exact)))
    return sp.expand(simple) if isinstance(sp.expand(simple), sp.Add) else simple


class _At:
    """Quantities at one instance: exact values and the AtInstance wrappers that print them."""

    def __init__(self, instance: dict):
        self.instance = instance
        self.size = int(instance[n])
        self.held = pairs(instance)
        self.free_beta = pairs({q: v for q, v in instance.items() if q != beta})

    def value(self, expr: sp.Expr) -> sp.Expr:
        return at_instance(expr, self.held)

    def __call__(self, expr: sp.Expr) -> AtInstance:
        return AtInstance(expr, self.held)

    def of_beta(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with everything but ``beta`` replaced by the instance's values."""
        return at_instance(expr, self.free_beta)


def _sign_step(step_id: str, title: str, at: _At, expr: sp.Expr, positive: bool, text) -> Step:
    """``expr = value > 0`` (or ``< 0``) at the instance."""
    value = at.value(expr)
    rel = sp.Gt if positive else sp.Lt
    # the value is wrapped too, so that "value > 0" stays a relation for the engine to decide
    return Step(step_id, title, rel(at(expr), 0), text, chain=(at(value),))


def worked_example(instance: dict) -> Derivation:
    """The worked-example section for ``instance``, an instance of the mixture model."""
    at = _At(instance)
    rewards = [sp.sympify(v) for v in instance[r]]
    top = max(rewards)
    best = [i + 1 for i, v in enumerate(rewards) if v == top]
    a = sp.sympify(instance[alpha])
    mass_A = sum((sp.sympify(instance[p_A][i - 1]) for i in best), sp.Integer(0))
    mass_U = sum((sp.sympify(instance[p_U][i - 1]) for i in best), sp.Integer(0))
    mass_ref = a * mass_A + (1 - a) * mass_U
    limit_value = a * mass_A / mass_ref
    tpm_of_beta = at.of_beta(model.tpm_A(model.component_moment(p_A), model.component_moment(p_U)))
    slope = alpha * (1 - alpha) * (Mean(p_A, r[y]) - Mean(p_U, r[y]))

    steps = [
        _sign_step("example-hypothesis-A", "The first hypothesis holds at the instance", at, COV(r[y], p_A[y]), True,
                   prose("Both hypotheses of the claim hold at the instance:")),
        _sign_step("example-hypothesis-U", "The second hypothesis holds at the instance", at, COV(r[y], p_U[y]), False,
                   prose("and")),
        _sign_step("example-reference-A", "The first hypothesis holds under p_ref", at, CovRef(r[y], p_A[y]), True,
                   prose("They hold as well when the covariances are weighted by the reference model instead of "
                         "uniformly:")),
        _sign_step("example-reference-U", "The second hypothesis holds under p_ref", at, CovRef(r[y], p_U[y]), False,
                   prose("and")),
        _sign_step("example-moments", "The tilted moments are in the wrong order", at, M_A - M_U, False,
                   prose("Yet the aligned component has the smaller tilted moment, which by ", Ref("corrected"),
                         " is exactly what puts the aligned mass below its prior share:")),
        Step("example-mass", "The aligned mass falls below alpha", sp.Lt(at(TPM_A), at(alpha), evaluate=False),
             prose("Indeed"), chain=(at.value(TPM_A),)),
        Step("example-top-A", "The aligned component's mass on the best outputs",
             sp.Eq(at(TopMass(p_A)), mass_A, evaluate=False),
             prose("The reason lies on the outputs of largest reward. The aligned component puts on them the mass")),
        Step("example-top-U", "The unaligned component's mass on the best outputs",
             sp.Gt(at(TopMass(p_U)), 0, evaluate=False), prose("and the unaligned component the mass"),
             chain=(at(mass_U),)),
        Step(
            "example-low-temperature", "The zero-temperature limit at the instance",
            sp.Eq(sp.Limit(AtInstance(TPM_A, at.free_beta), beta, 0, "+"),
                  AtInstance(alpha * TopMass(p_A) / TopMass(p_ref), at.free_beta), evaluate=False),
            prose("As ", beta, " decreases to 0 the tilt concentrates the tuned model on ", S_STAR,
                  ", and the aligned mass tends to the share of ", p_A, " there (", Ref("low-temperature"),
                  "). At the instance the engine takes this limit directly:"),
            strategy=LimitOf(),
        ),
        Step("example-limit-value", "The value of that limit",
             sp.Eq(at(alpha * TopMass(p_A) / TopMass(p_ref)), limit_value, evaluate=False),
             prose("and its value is")),
        _sign_step("example-high-temperature", "The slope at infinite temperature is positive", at, slope, True,
                   prose("At the other end, the slope of the aligned mass in ", sp.Eq(t, 1 / beta, evaluate=False),
                         " at ", sp.Eq(t, 0, evaluate=False), " is positive (", Ref("high-temperature"), "):")),
    ]
    columns = (
        (p_ref[y], model.mixture_reference(), (DEF_MIXTURE,)),
        (p_theta[y], p_theta[y], (DEF_P_THETA, DEF_Z, DEF_MIXTURE)),
    )
    quantities = (M_A, M_U, Z, TPM_A, TPM_U)
    return Derivation(
        id=EXAMPLE_ID,
        title="A worked counterexample",
        kind="Section",
        context=CONTEXT,
        intro=prose(
            Ref(f"tab-{EXAMPLE_ID}"), " lists the instance that the search found for the seed's claim, output by "
            "output, with the reference model and the tuned model it gives; ", Ref(f"tab-{EXAMPLE_ID}-values"),
            " lists the moments and the masses. The outputs of largest reward form ",
            sp.Eq(S_STAR, sp.FiniteSet(*best), evaluate=False), ".",
        ),
        steps=tuple(steps),
        outro=prose(
            "So the aligned mass starts above ", alpha, " at high temperature and ends at ", limit_value,
            " at low temperature; ", Ref(f"fig-{EXAMPLE_ID}"), " shows the crossing in between. The seed's "
            "hypotheses see only how ", r, " co-varies with the components on average over the support, while the "
            "tilt ", model.tilt(), " magnifies the largest rewards most. Where those sit on outputs that mainly the "
            "unaligned component produces, tuning moves mass towards it: the reward is hacked by the component it "
            "was meant to penalize.",
        ),
        extras={"columns": columns, "quantities": tuple((q, CONTEXT) for q in quantities)},
    )
