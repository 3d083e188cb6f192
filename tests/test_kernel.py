"""The kernel: its rules one by one, and certificates altered in one field are rejected."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings, strategies as st

from dpo_mixture.derivations import all_derivations
from dpo_mixture.notation import beta, p, q, r, support_sum, t, y
from dpo_mixture.proof import Goal, Identity, Instance, ProofCertificate, Report, Verdict, check
from dpo_mixture.proof.kernel import Judgment, relation_parts

S = support_sum


@pytest.fixture(scope="module")
def report():
    return Report.run(all_derivations())


@pytest.fixture(scope="module")
def accepted(report):
    """(goal, certificate, lemmas) for every step the kernel proved."""
    out, lemmas = [], {}
    for res in report.all_results:
        cert = res.outcome.certificate
        if res.outcome.verdict is Verdict.PROVED and cert is not None:
            goal = Goal(res.step.claim, tuple(res.assumptions), res.theory, tuple(res.step.chain), tuple(res.step.conditions))
            out.append((res.step.id, goal, cert, dict(lemmas)))
        lemmas[res.step.id] = res.lemma()
    return out


def test_every_accepted_certificate_rechecks(accepted):
    assert len(accepted) > 50
    for sid, goal, cert, lemmas in accepted:
        assert check(goal, cert, lemmas).verdict is Verdict.PROVED, sid


def test_a_judgment_cannot_be_forged():
    fake = Judgment(Verdict.PROVED, "trust me")
    assert not fake.genuine
    goal = Goal(sp.Gt(beta, 0, evaluate=False))
    assert check(goal, ProofCertificate("normal-form", conclusion=goal.claim)).genuine


# --- one field altered ---------------------------------------------------------------------------
def _multiplier_mutations(cert: ProofCertificate, goal: Goal) -> list[ProofCertificate]:
    """Negate a positive multiplier of an inequality hypothesis (never valid)."""
    from dpo_mixture.proof.sign import sign

    mults = cert.get("multipliers")
    if not mults:
        return []
    hyps = [p for h in goal.hypotheses for p in (h.args if isinstance(h, sp.And) else (h,))]
    out = []
    for i, (c, h) in enumerate(zip(mults, hyps)):
        try:
            _, op = relation_parts(h)
        except Exception:
            continue
        if op != "==" and sign(sp.sympify(c)) == "pos":
            new = list(mults)
            new[i] = -sp.sympify(c)
            out.append(dataclasses.replace(cert, data=tuple((k, tuple(new) if k == "multipliers" else v) for k, v in cert.data)))
    return out


def _mutations(cert: ProofCertificate, goal: Goal, others: list) -> list[tuple[str, ProofCertificate]]:
    out: list[tuple[str, ProofCertificate]] = []
    other = next((g.claim for _, g, _, _ in others if g.claim != goal.claim), None)
    if other is not None:
        out.append(("conclusion", dataclasses.replace(cert, conclusion=other)))
    out.append(("extra hypothesis", dataclasses.replace(cert, hypotheses=(*cert.hypotheses, sp.Gt(beta, 1)))))
    if cert.hypotheses:
        out.append(("dropped hypothesis", dataclasses.replace(cert, hypotheses=cert.hypotheses[1:])))
    out.append(("unknown rule", dataclasses.replace(cert, rule="induction")))
    out.append(("bare citation", dataclasses.replace(cert, rule="cite", data=())))
    # a false fact about a vector the statement mentions (a fact about nothing it mentions is
    # left out by the kernel: it can change no normal form; see the test below)
    for base in sorted({i.base for i in goal.claim.atoms(sp.Indexed)}, key=str)[:1]:
        out.append(("false fact", dataclasses.replace(cert, facts=(*cert.facts, Identity(f"{base} sums to two", S(base[y]), 2)))))
    for inst_i, inst in enumerate(cert.instances):
        gone = dataclasses.replace(inst, lemma="no-such-step")
        out.append(("unknown lemma", dataclasses.replace(cert, instances=tuple(gone if j == inst_i else x for j, x in enumerate(cert.instances)))))
        for k, v in inst.subs:
            if isinstance(k, sp.Symbol) and k.is_positive and not k.is_integer:
                bad = dataclasses.replace(inst, subs=tuple((kk, -vv - 1 if kk == k else vv) for kk, vv in inst.subs))
                out.append(("substitution out of domain", dataclasses.replace(cert, instances=tuple(bad if j == inst_i else x for j, x in enumerate(cert.instances)))))
    out += [("negated multiplier", c) for c in _multiplier_mutations(cert, goal)]
    if cert.get("point") is not None:
        moved = tuple((k, v + 1 if k == "point" else v) for k, v in cert.data)
        out.append(("moved critical point", dataclasses.replace(cert, data=moved)))
    if cert.get("index") is not None and cert.rule == "extremum":
        out.append(("extremum at a number", dataclasses.replace(cert, data=(("index", sp.Integer(1000)),))))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_certificate_altered_in_one_field_is_rejected(accepted, data):
    sid, goal, cert, lemmas = data.draw(st.sampled_from(accepted), label="step")
    what, bad = data.draw(st.sampled_from(_mutations(cert, goal, accepted)), label="mutation")
    judgment = check(goal, bad, lemmas)
    assert judgment.verdict is not Verdict.PROVED, (sid, what)


def test_a_fact_about_nothing_the_statement_mentions_is_neither_used_nor_trusted():
    goal = Goal(sp.Eq(S(r[y] * 2), 2 * S(r[y])))
    unrelated = Identity("p sums to two", S(p[y]), 2)
    judgment = check(goal, ProofCertificate("normal-form", facts=(unrelated,), conclusion=goal.claim))
    assert judgment.verdict is Verdict.PROVED
    assert not any("sums to two" in text for _, text in judgment.obligations)
    related = Goal(sp.Eq(S(p[y]), 2))  # the same fact, now about what the statement says: assumed at most
    judgment = check(related, ProofCertificate("normal-form", facts=(unrelated,), conclusion=related.claim))
    assert judgment.verdict is not Verdict.PROVED


# --- the rules, each on a small case -------------------------------------------------------------
def _cert(goal: Goal, rule: str, **data) -> ProofCertificate:
    return ProofCertificate(rule, data=tuple(data.items()), conclusion=goal.claim, hypotheses=goal.hypotheses)


def test_normal_form_rule():
    goal = Goal(sp.Eq(S(p[y] * (r[y] + 1)), S(p[y] * r[y]) + S(p[y])))
    assert check(goal, _cert(goal, "normal-form")).verdict is Verdict.PROVED
    wrong = Goal(sp.Eq(S(p[y] * (r[y] + 1)), S(p[y] * r[y])))
    assert check(wrong, _cert(wrong, "normal-form")).verdict is Verdict.UNDECIDED


def test_combination_rule_needs_signed_finite_multipliers():
    a, b = sp.symbols("a b", positive=True)
    goal = Goal(sp.Gt(a / b, 1), (sp.Gt(a, b),))
    assert check(goal, _cert(goal, "combination", multipliers=(1 / b,))).verdict is Verdict.PROVED
    assert check(goal, _cert(goal, "combination", multipliers=(-1 / b,))).verdict is Verdict.UNDECIDED
    pole = Goal(sp.Gt(beta, 1), (sp.Eq(beta, 1),))
    assert check(pole, _cert(pole, "combination", multipliers=((beta - 2) / (beta - 1),))).verdict is Verdict.UNDECIDED


def test_convex_rule_checks_the_critical_point():
    goal = Goal(sp.Le(sp.log(t), t - 1))
    assert check(goal, _cert(goal, "convex", variable=t, point=sp.Integer(1))).verdict is Verdict.PROVED
    assert check(goal, _cert(goal, "convex", variable=t, point=sp.Integer(2))).verdict is Verdict.UNDECIDED
    x = sp.Symbol("x", real=True)
    wrong = Goal(sp.Le(sp.exp(x), 1 + x + x**2))  # false for large x; no convexity proof exists
    assert check(wrong, _cert(wrong, "convex", variable=x, point=sp.Integer(0))).verdict is Verdict.UNDECIDED


def test_derivative_and_limit_rules():
    d = Goal(sp.Eq(sp.Derivative(S(p[y] * sp.exp(t * r[y])), t), S(p[y] * r[y] * sp.exp(t * r[y]))))
    assert check(d, _cert(d, "derivative")).verdict is Verdict.PROVED
    lim = Goal(sp.Eq(sp.Limit(sp.exp(-1 / beta), beta, 0, "+"), 0))
    assert check(lim, _cert(lim, "limit")).verdict is Verdict.PROVED
    wrong = Goal(sp.Eq(sp.Limit(sp.exp(-1 / beta), beta, 0, "+"), 1))
    assert check(wrong, _cert(wrong, "limit")).verdict is Verdict.UNDECIDED
    # a positive parameter that only scales the variable: beta = g u leaves a function of u alone
    g = sp.Symbol("g", positive=True)
    lim = Goal(sp.Eq(sp.Limit(sp.exp(-g / beta), beta, 0, "+"), 0))
    assert check(lim, _cert(lim, "limit")).verdict is Verdict.PROVED
    # otherwise SymPy's limit would take the parameter for a generic (nonzero) value: not trusted
    c = sp.Symbol("c", real=True)
    lim = Goal(sp.Eq(sp.Limit(c**2 / (c**2 + beta), beta, 0, "+"), 1))
    judged = check(lim, _cert(lim, "limit"))
    assert judged.verdict is Verdict.UNDECIDED and "not shown nonzero" in judged.reason


def test_lemma_instances_follow_the_lemma_and_its_domain(report):
    lemmas = {r.step.id: r.lemma() for r in report.all_results}
    # Gibbs at q := p (a distribution): KL(p || p) >= 0
    goal = Goal(sp.Ge(S(p[y] * sp.log(p[y] / p[y])), 0, evaluate=False))
    inst = Instance("gibbs-inequality", ((q, p),))
    cert = ProofCertificate("combination", instances=(inst,), data=(("multipliers", (1,)),), conclusion=goal.claim)
    assert check(goal, cert, lemmas).verdict is Verdict.PROVED
    two_q = Instance("gibbs-inequality", ((q, sp.Lambda(y, 2 * q[y])),))
    goal2 = Goal(sp.Ge(S(p[y] * sp.log(p[y] / (2 * q[y]))), 0))
    cert2 = ProofCertificate("combination", instances=(two_q,), data=(("multipliers", (1,)),), conclusion=goal2.claim)
    assert check(goal2, cert2, lemmas).verdict is Verdict.UNDECIDED


def test_a_sign_form_cut_short_is_worked_out_again_in_full(monkeypatch):
    """decide_sign keeps the signs of an expression's forms for the next question about it; a
    computation stopped half way (a time limit) must not leave a shorter list behind, which
    would answer "not shown" where a later form shows the sign."""
    from dpo_mixture.proof import kernel as K

    d = sp.Symbol("x_sign_form", real=True) ** 3 + 7  # a key of its own

    def stopped(d, facts):
        yield None  # the normal form's sign decides nothing
        raise RuntimeError("stopped half way")

    def complete(d, facts):
        yield None
        yield "pos"  # the numerator's, say

    monkeypatch.setattr(K, "_sign_forms", stopped)
    with pytest.raises(RuntimeError):
        K.decide_sign(d, ">")
    monkeypatch.setattr(K, "_sign_forms", complete)
    assert K.decide_sign(d, ">") is True
    assert K.decide_sign(d, ">=") is True  # read from the kept list
