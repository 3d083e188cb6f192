"""Review round 35: a value put at an output never lets a binder capture it.  A Lambda value or
an entry's definition whose body re-binds its own variable (sum_k rho(k) s(y) for Q(k)) was
taken at y by renaming every k, the bound one too: Q(y) read sum_y rho(y) s(y)."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import Certificate, Definition, Derivation, Identity, Step, Verdict, declare
from dpo_mixture.derivations import library as lib
from dpo_mixture.notation import n, y


def _spellings(bound):
    """The same constant vector (every entry s(y)) with its sum bound by ``bound``."""
    rho, s = declare.distribution("rho_r35"), declare.reward("s_r35")
    return rho, s, sp.Sum(rho[bound] * s[y], (bound, 1, n))


def test_a_definition_that_rebinds_its_own_index_is_read_as_written():
    k, j = declare.index("k_r35"), declare.index("j_r35")
    q = declare.reward("Q_r35")
    verdicts = []
    for bound in (k, j):  # k re-binds the target's index; j does not: the same definition
        rho, s, body = _spellings(bound)
        definition = Definition("Q", q[k], body)
        norm = Identity("rho sums to one", sp.Sum(rho[j], (j, 1, n)), 1)
        false = sp.Eq(q[y], sp.Sum(rho[j] * s[j], (j, 1, n)), evaluate=False)  # Q(y) = s(y)
        true = sp.Eq(q[y], s[y], evaluate=False)
        d = Derivation(id=f"d{bound}", title="t", context=(definition,), steps=(
            Step("false", "", false, "", facts=(definition, norm), search_samples=20),
            Step("true", "", true, "", facts=(definition, norm), search_samples=20)))
        verdicts.append({r.step.id: r.outcome.verdict for r in d.check()})
    for v in verdicts:
        assert v["false"] is not Verdict.PROVED and v["true"] is Verdict.PROVED
    assert verdicts[0] == verdicts[1]  # the name of a bound index decides nothing


def test_a_lambda_value_that_rebinds_its_own_variable_captures_nothing():
    k, i, j = declare.index("k_r35b"), declare.index("i_r35b"), declare.index("j_r35b")
    rho, s = declare.distribution("rho_r35b"), declare.reward("s_r35b")
    norm = Identity("rho sums to one", sp.Sum(rho[j], (j, 1, n)), 1)
    big = sp.exp(10**8)  # positive: keeps the truth value, keeps the audit from evaluating
    claim = sp.Le(big * sp.Sum(rho[j] * s[j], (j, 1, n)), big * s[k], evaluate=False)  # false
    value = sp.Lambda(i, sp.Sum(rho[i] * s[k], (i, 1, n)))  # s(k) at every output
    d = Derivation(id="lam", title="t", steps=(
        Step("below_each", "", claim, "", strategy=Certificate((0, big)), given=("lib.max-bound",),
             instantiate={lib.f: value, y: k}, facts=(norm,), search_samples=20),))
    (result,) = d.check()
    assert result.outcome.verdict is not Verdict.PROVED


def test_at_index_renames_every_binder_of_the_variable_or_the_index():
    from dpo_mixture.proof.facts import at_index

    k, j = declare.index("k_r35c"), declare.index("j_r35c")
    x = declare.scalar("x_r35c")
    r = declare.reward("r_r35c")
    body = sp.Sum(r[k] * r[j], (k, 1, n)) + r[k]  # the free k is replaced, the bound k kept
    out = at_index(body, k, j)
    (inner,) = out.atoms(sp.Sum)
    bound = inner.limits[0][0]
    assert bound not in (j, k) and inner.function == r[bound] * r[j] and out == inner + r[j]
    # a substitution whose variable is the index to put in is renamed too
    sub = sp.Subs(x * k + j, x, 1)
    assert at_index(sub, j, x).doit() == k + x


def test_a_huge_exponential_constant_is_factored_as_one_symbol():
    """SymPy factors exp(10^9) x - exp(10^9) q as a polynomial in E of degree 10^9; the sign
    rules and the kernel factored such differences (29 s for exp(10^8) in round 35's repro)."""
    from dpo_mixture.proof.deadline import TimeLimit, time_limit
    from dpo_mixture.proof.sign import factor, sign

    x, q = declare.scalar("x_r35d", positive=True), declare.scalar("q_r35d", positive=True)
    big = sp.exp(10**9)
    try:
        with time_limit(20):
            assert sp.expand(factor(big * x - big * q) - big * (x - q)) == 0 and factor(big * x - big * q).is_Mul
            assert sign(big * x * q + big * x**2 - big * x * (x + q) + big) == "pos"
    except TimeLimit:
        raise AssertionError("factoring a difference with exp(10^9) ran past 20 s") from None


def test_compiled_differences_of_exponentials_and_hyperbolics_keep_their_digits():
    """log1p(e^z) skipped the log-space rules (inf at 800), 1 - e^z and 2e^z - 2 lost their
    digits near 0, 1 - tanh(30) was 0.  (sigmoid(z) - 1/2 and cosh z - 1 still lose theirs
    near 0: their one fraction has exponentials above and below, which overflow together.)"""
    import mpmath
    import numpy as np
    from sympy.codegen.cfunctions import expm1, log1p

    from dpo_mixture import numeric
    from dpo_mixture.model import Sigmoid

    mpmath.mp.dps = 50
    z = declare.scalar("z_r35e")
    points = np.array([-700.0, -40.0, -1e-3, -1e-10, 1e-10, 1e-3, 0.5, 30.0, 700.0])
    cases = [  # (expression, its value written plainly for mpmath)
        (log1p(sp.exp(z)), sp.log(1 + sp.exp(z))),
        (log1p(-Sigmoid(z)), -sp.log(1 + sp.exp(z))),
        (1 - sp.exp(z), 1 - sp.exp(z)),
        (2 * sp.exp(z) - 2, 2 * sp.exp(z) - 2),
        (3 * sp.exp(z) - 3, 3 * sp.exp(z) - 3),
        (1 - sp.tanh(z), 1 - sp.tanh(z)),
        (expm1(z) / z, sp.expm1(z) / z if hasattr(sp, "expm1") else (sp.exp(z) - 1) / z),
    ]
    for expr, truth in cases:
        fn = numeric.compile(expr, args=[("z_r35e", "array")], name="f", backend="numpy")
        got = fn(points)
        plain = sp.lambdify(z, truth, modules="mpmath")
        for x, g in zip(points, got):
            want = plain(mpmath.mpf(float(x)))
            if abs(want) > 1e300:  # beyond float64: only has to overflow
                assert abs(g) == np.inf or abs(g) > 1e300, (expr, x, g)
                continue
            want = float(want)
            if abs(want) < 1e-300:  # below the normal range: only has to underflow
                assert abs(g) < 1e-290, (expr, x, g)
                continue
            assert abs(g - want) <= 1e-14 * abs(want), (expr, x, g, want)


def test_sum_of_p_log_p_guards_zero_entries_of_a_declared_positive_distribution():
    """declare.distribution is positive, but a compiled function's checks allow zeros: the
    0 log 0 guard was skipped and a one-hot row gave nan."""
    import numpy as np

    from dpo_mixture import numeric
    from dpo_mixture.notation import support_sum

    k, p = declare.index("k_r35f"), declare.distribution("p_r35f")
    fn = numeric.compile(support_sum(p[k] * sp.log(p[k]), k), args=[("p_r35f", "dist")], name="negentropy")
    got = fn(np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]))
    assert np.all(np.isfinite(got)) and got[0] == 0.0 and abs(got[1] - np.log(0.5)) < 1e-15
