"""Review round 20: holes in what the kernel checks of a certificate, each closed in general.

Every certificate here is forged, as a tampered report.json or a user's own strategy would
hand it over; none of them may prove its (false) statement.
"""

from __future__ import annotations

import copy
import json

import pytest
import sympy as sp

from dpo_mixture import Derivation, Step, Verdict, declare
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import n, support_sum
from dpo_mixture.proof import Goal, Identity, Instance, ProofCertificate, Report, check
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.kernel import Lemma
from dpo_mixture.proof.sign import sign
from dpo_mixture.proof.theory import Theory
from dpo_mixture.proof.verify import verify_report

p, q = declare.distribution("p_r20"), declare.distribution("q_r20")
f = declare.vector("f_r20")
x = declare.scalar("x_r20", positive=True)
z = declare.scalar("z_r20")
u = declare.scalar("u_r20", positive=True)
W = declare.scalar("W_r20", positive=True)
y, k = declare.index("y"), declare.index("k_r20")
M = SupportMax(f[k], k)
NORMALIZED = (Identity("p sums to one", support_sum(p[y], y), 1), Identity("q sums to one", support_sum(q[y], y), 1))


def _proved(goal: Goal, cert: ProofCertificate, lemmas=None) -> bool:
    return check(goal, cert, lemmas or {}).verdict is Verdict.PROVED


def _lemma(lemma_id, claim, hypotheses=()):
    """A proved lemma as the kernel cites it (the kernel trusts what it is handed as proved)."""
    return {lemma_id: Lemma(lemma_id, claim, tuple(hypotheses), Theory(), Verdict.PROVED)}


@pytest.mark.parametrize("relation", [sp.Eq, sp.Le, sp.Ge])
def test_the_extremum_rule_never_replaces_a_max_under_a_sum(relation):
    """One gap stands for max f - f(i) at one output; under a sum over that output's name it
    was shared by every term, which "proved" E_p f = E_q f (and both inequalities)."""
    claim = relation(support_sum((M - f[y]) * (p[y] - q[y]), y), 0, evaluate=False)
    cert = ProofCertificate("extremum", NORMALIZED, data=(("index", y),), conclusion=claim)
    judgment = check(Goal(claim), cert)
    assert judgment.verdict is not Verdict.PROVED
    assert "outside sums" in judgment.reason


def test_the_extremum_rule_refuses_a_max_whose_body_depends_on_an_enclosing_sum():
    """No name is captured here, but the gap would still vary with the sum's index."""
    j = declare.index("j_r20")
    c = p[j] - q[j]
    claim = sp.Eq(support_sum((SupportMax(f[k] * c, k) - f[y] * c) * c, j), 0, evaluate=False)
    cert = ProofCertificate("extremum", NORMALIZED, data=(("index", y),), conclusion=claim)
    assert not _proved(Goal(claim), cert)


def test_a_max_outside_every_binder_is_still_handled():
    claim = sp.Le(f[y], M, evaluate=False)
    cert = ProofCertificate("extremum", data=(("index", y),), conclusion=claim)
    assert _proved(Goal(claim), cert)


KARR = sp.Sum(1, (sp.Symbol("i", integer=True, positive=True), 3, 1))  # SymPy: -1 (a reversed range)


def test_a_sum_over_a_reversed_range_has_no_sign():
    assert KARR.doit() == -1
    assert sign(KARR) is None and sign(1 + 2 * KARR) is None
    even = sp.Symbol("m", integer=True, positive=True, even=True)
    assert sign(sp.Sum((-1) ** even, (even, 1, n))) is None  # the index's own assumptions lie
    assert sign(sp.Sum(k**2, (k, 1, n))) == "pos"  # the support: unchanged


@pytest.mark.parametrize("where", ["multiplier", "instance", "point"])
def test_certificate_data_is_held_to_the_goals_nodes(where):
    """Multipliers, instance values and points are SymPy data like the statement, and a sum in
    them must run over the support too."""
    sq = _lemma("sq_r20", sp.Ge(z**2, 0, evaluate=False))
    pos = {"pos_r20": Lemma("pos_r20", sp.Gt(x + 1, 1, evaluate=False), (), Theory(), Verdict.PROVED)}
    if where == "multiplier":  # z^2 <= 0 from z^2 >= 0 times -1
        claim = sp.Le(z**2, 0, evaluate=False)
        cert = ProofCertificate("combination", instances=(Instance("sq_r20", ()),),
                                data=(("multipliers", (KARR,)),), conclusion=claim)
        lemmas = sq
    elif where == "instance":  # (z - 1)^2 >= 1 from "-1 + 1 > 1"
        claim = sp.Ge((z - 1) ** 2, 1, evaluate=False)
        cert = ProofCertificate("combination", instances=(Instance("pos_r20", ((x, 1 + 2 * KARR),)),),
                                data=(("multipliers", (1,)),), conclusion=claim)
        lemmas = pos
    else:  # x^3 - 3x - 1 >= 0 for x > 0, "minimised" at x = -1
        claim = sp.Ge(x**3 - 3 * x - 1, 0, evaluate=False)
        cert = ProofCertificate("convex", data=(("variable", x), ("point", 1 + 2 * KARR)), conclusion=claim)
        lemmas = {}
    judgment = check(Goal(claim), cert, lemmas)
    assert judgment.verdict is not Verdict.PROVED
    assert "1..n" in judgment.reason


def test_a_fact_that_discharges_a_lemmas_hypothesis_is_judged():
    """Lemma: z = u with u > 0 gives z > 0.  The fact u = z discharged its hypothesis, and was
    then dropped as irrelevant to the statement z > 0: never trusted, never recorded."""
    lemmas = _lemma("L_r20", sp.Gt(z, 0, evaluate=False), (sp.Eq(z, u, evaluate=False),))
    claim = sp.Gt(z, 0, evaluate=False)
    for fact in (Identity("u is z", u, z), Definition("u is z", u, z)):
        cert = ProofCertificate("combination", (fact,), (Instance("L_r20", ()),), (("multipliers", (1,)),),
                                conclusion=claim)
        judgment = check(Goal(claim), cert, lemmas)
        assert judgment.verdict is not Verdict.PROVED
        assert judgment.verdict is Verdict.UNDECIDED or any("u is z" in a for a in judgment.assumed)


def test_a_model_definition_reached_through_an_instance_is_charged():
    """W is declared positive and the model defines W := z; the certificate uses it only as the
    value of the lemma's u.  The declaration is not shown, so the proof assumes it."""
    lemmas = _lemma("L2_r20", sp.Gt(z, 0, evaluate=False), (sp.Eq(z, u, evaluate=False),))
    claim = sp.Gt(z, 0, evaluate=False)
    goal = Goal(claim, (), Theory.of([Definition("W is z", W, z)]))
    cert = ProofCertificate("combination", instances=(Instance("L2_r20", ((u, W),)),),
                            data=(("multipliers", (1,)),), conclusion=claim)
    judgment = check(goal, cert, lemmas)
    assert judgment.verdict is Verdict.ASSUMED
    assert any("W_r20 is declared positive" in a for a in judgment.assumed)
    assert len(judgment.assumed) == len(set(judgment.assumed))  # each assumption once


@pytest.fixture(scope="module")
def report():
    d = Derivation("r20", "r20", (
        Step("sq", "", sp.Ge(z**2, 0, evaluate=False), ""),
        Step("bad", "", sp.Gt(z, 0), "", expected=Verdict.REFUTED),
    ))
    data = json.loads(json.dumps(Report.run([d]).to_json()))
    assert all(r.ok for r in verify_report(data))
    return data


def test_verify_compares_the_listed_assumptions_and_method_with_the_certificate(report):
    bad = copy.deepcopy(report)
    step = next(s for s in bad["steps"] if s["id"] == "sq")
    step["assumed"] = ["cited: a textbook"]
    assert not {r.step_id: r for r in verify_report(bad)}["sq"].ok
    bad = copy.deepcopy(report)
    step = next(s for s in bad["steps"] if s["id"] == "sq")
    step["method"] = "cited from a textbook"
    result = {r.step_id: r for r in verify_report(bad)}["sq"]
    assert not result.ok and "method" in result.detail


def test_verify_refuses_a_quantity_declared_twice(report):
    bad = copy.deepcopy(report)
    pair = next(p for p in bad["declarations"] if "z_r20" in p[0])
    bad["declarations"].append([pair[0], "UNIT_INTERVAL"])
    with pytest.raises(ValueError, match="twice"):
        verify_report(bad)


def test_a_derivative_in_an_integer_is_refused():
    """A function of the support's size or of an output has no derivative; "d(n^2)/dn = 2n"
    would be meaningless, not proved."""
    from dpo_mixture.notation import n as size

    for v in (size, y):
        claim = sp.Eq(sp.Derivative(v**2, v), 2 * v)
        judgment = check(Goal(claim), ProofCertificate("derivative", conclusion=claim))
        assert judgment.verdict is not Verdict.PROVED and "integer" in judgment.reason


def test_a_probability_used_as_a_sums_index_is_read_as_an_output():
    """Round 21: sum_{alpha=1}^n (1 - alpha) is 0, -1, -3, ...; the sign rules read the index as
    the probability alpha in (0, 1) and called it positive, and the kernel took it as a point
    and as a positive lemma value."""
    from dpo_mixture.notation import alpha, beta

    total = sp.Sum(1 - alpha, (alpha, 1, n))
    assert [total.subs(n, m).doit() for m in (1, 2, 3)] == [0, -1, -3]
    assert sign(total) != "pos"
    g = beta**3 / 3 - total**2 * beta + sp.Rational(2, 3) * total**3  # -4/3 at n = 2, beta = 1
    claim = sp.Ge(g, 0, evaluate=False)
    assert not _proved(Goal(claim), ProofCertificate("convex", data=(("variable", beta), ("point", total)),
                                                     conclusion=claim))


def test_a_lemma_value_must_be_defined_everywhere():
    """1/(z^2 + 1) > 0 at z := 1/(z - 1), times 1 + (z - 1)^2, cancels to (z - 1)^2 > 0: false
    at z = 1, where the value was undefined."""
    claim = sp.Gt((z - 1) ** 2, 0, evaluate=False)
    lemmas = _lemma("recip_r21", sp.Gt(1 / (z**2 + 1), 0, evaluate=False))
    cert = ProofCertificate("combination", instances=(Instance("recip_r21", ((z, 1 / (z - 1)),)),),
                            data=(("multipliers", (1 + (z - 1) ** 2,)),), conclusion=claim)
    judgment = check(Goal(claim), cert, lemmas)
    assert judgment.verdict is not Verdict.PROVED and "definedness" in judgment.reason
