"""Review round 36: the uniform operators bind the output too, a sum over two indices is renamed
whole, and a compiled expm1 stays whole."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import Definition, Derivation, Step, Verdict, declare
from dpo_mixture.model import MeanUnif
from dpo_mixture.notation import n, y


def test_an_entry_defined_through_a_uniform_mean_is_read_at_the_output():
    """Q(k) := E_unif[s(y) s(k)] binds y inside the mean: Q(y) was read E_unif[s(y)^2], and the
    true Q(y) = s(y) E_unif[s] came back refuted with a soundness error."""
    s, q = declare.reward("s_r36"), declare.reward("Q_r36")
    k, j = declare.index("k_r36"), declare.index("j_r36")
    definition = Definition("Q", q[k], MeanUnif(s[y] * s[k]))
    true = sp.Eq(q[y], s[y] * sp.Sum(s[j], (j, 1, n)) / n, evaluate=False)
    false = sp.Eq(q[y], sp.Sum(s[j] ** 2, (j, 1, n)) / n, evaluate=False)
    d = Derivation(id="unif", title="t", context=(definition,), steps=(
        Step("true", "", true, "", facts=(definition,), search_samples=30),
        Step("false", "", false, "", facts=(definition,), search_samples=30)))
    results = {r.step.id: r.outcome for r in d.check()}
    assert results["true"].verdict is Verdict.PROVED and not results["true"].soundness_error
    assert results["false"].verdict is not Verdict.PROVED


def test_a_sum_over_two_indices_is_renamed_whole():
    from dpo_mixture.proof.facts import at_index

    k, j, i = declare.index("k_r36b"), declare.index("j_r36b"), declare.index("i_r36b")
    r = declare.reward("r_r36b")
    body = sp.Sum(r[k] * r[j] * r[i], (k, 1, n), (j, 1, n))  # i free
    out = at_index(body, i, k)
    (inner,) = out.atoms(sp.Sum)
    bound = {lim[0] for lim in inner.limits}
    assert k not in bound and r[k] in inner.function.atoms(sp.Indexed)


def test_a_compiled_sum_of_expm1_keeps_its_digits():
    """expm1(z) + expm1(a) was written e^z + e^a - 2: 8e-8 off at 1e-10."""
    import numpy as np
    from sympy.codegen.cfunctions import expm1

    from dpo_mixture import numeric

    z, a = declare.scalar("z_r36"), declare.scalar("a_r36")
    fn = numeric.compile(expm1(z) + expm1(a), args=[("z_r36", "array"), ("a_r36", "array")], name="f")
    got = fn(np.array([1e-10, -3e-12]), np.array([1e-10, 5e-12]))
    want = np.expm1([1e-10, -3e-12]) + np.expm1([1e-10, 5e-12])
    assert np.all(np.abs(got - want) <= 1e-15 * np.abs(want))


def test_the_log_of_expm1_does_not_overflow():
    """log(expm1(z)) was inf at z = 800 (its value is 800): it is z + log(-expm1(-z))."""
    import mpmath
    import numpy as np
    from sympy.codegen.cfunctions import expm1

    from dpo_mixture import numeric

    mpmath.mp.dps = 50
    z = declare.scalar("z_r36c")
    points = np.array([1e-10, 1e-3, 0.5, 40.0, 800.0])
    for expr, c in ((sp.log(expm1(z)), 1), (sp.log(sp.exp(z) - 1), 1), (sp.log(2 * sp.exp(z) - 2), 2)):
        got = numeric.compile(expr, args=[("z_r36c", "array")], name="f")(points)
        for x, g in zip(points, got):
            want = float(mpmath.log(c * mpmath.expm1(mpmath.mpf(float(x)))))
            assert abs(g - want) <= 1e-14 * abs(want), (expr, x, g, want)
