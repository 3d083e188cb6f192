"""Property-based tests of the numeric functions against the model (hypothesis).

Instances are exact: rational ``alpha``, ``beta``, rewards and probabilities (zeros allowed in
the components).  The numeric functions run in float64; the reference values come from the
SymPy expressions of :mod:`dpo_mixture.model`, evaluated with mpmath at 60 digits by
:func:`dpo_mixture.proof.evaluate.evaluate`.

Tolerances: every quantity compared here is a ratio or a log of sums of positive terms, so
float64 evaluation loses only a few ulps per operation; with ``|r| / beta`` kept below about
40 the results agree with the exact values to ``1e-12`` relative (``RTOL``), and masses that
are exactly complementary add up to one within ``1e-13``.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dpo_mixture import model, numeric
from dpo_mixture.notation import Z, alpha, beta, k, n, p_A, p_ref, p_U, r, y
from dpo_mixture.proof.evaluate import evaluate

RTOL = 1e-12
SETTINGS = settings(max_examples=60, deadline=None)


# --- the symbolic reference --------------------------------------------------------------
def unfold_extrema(expr: sp.Expr, size: int) -> sp.Expr:
    """Replace the model's support-wide max/min by ``Max``/``Min`` of the ``size`` terms."""
    def spell(cls):
        return lambda body, index: cls(*(body.subs(index, i) for i in range(1, size + 1)))

    return expr.replace(model.SupportMax, spell(sp.Max)).replace(model.SupportMin, spell(sp.Min))


def _mixture_z(expr: sp.Expr) -> sp.Expr:
    return expr.subs(Z, model.partition_function(model.mixture_reference(k)))


def symbolic_outputs(inst: dict) -> dict:
    """What ``dpo-mixture eval`` reports, from the model's expressions, as mpmath numbers.

    ``inst`` maps ``alpha``, ``beta``, ``r``, ``p_A``, ``p_U`` to exact SymPy numbers.
    """
    size = len(inst["r"])
    ref = [inst["alpha"] * a + (1 - inst["alpha"]) * u for a, u in zip(inst["p_A"], inst["p_U"])]
    values = {
        n: size, alpha: inst["alpha"], beta: inst["beta"],
        r: inst["r"], p_A: inst["p_A"], p_U: inst["p_U"], p_ref: ref,
    }
    moments = (model.component_moment(p_A), model.component_moment(p_U))
    # The maximizer with Z unfolded, and KL by its definition (not by the closed form of 3f).
    policy = model.closed_form().subs(Z, model.partition_function())
    out = {
        "tpm_A": evaluate(model.tpm_A(*moments), values, "mp"),
        "tpm_U": evaluate(model.tpm_U(*moments), values, "mp"),
        "M_A": evaluate(moments[0], values, "mp"),
        "M_U": evaluate(moments[1], values, "mp"),
        "log_Z": evaluate(sp.log(model.partition_function()), values, "mp"),
        "residual_bound": evaluate(unfold_extrema(model.residual_bound(), size), values, "mp"),
    }
    # KL(p_theta || p_ref) from its definition; terms with p_ref(y) = 0 contribute nothing.
    kl = mpmath.mpf(0)
    for i in range(1, size + 1):
        if ref[i - 1] != 0:
            kl += evaluate(model.kl(policy, p_ref[y]).function.subs(y, i), values, "mp")
    out["kl"] = kl
    for name, weight in (("alpha_A", model.weight_A()), ("alpha_U", model.weight_U())):
        out[name] = [evaluate(_mixture_z(weight).subs(y, i), values, "mp") for i in range(1, size + 1)]
    out["p_theta"] = [evaluate(policy.subs(y, i), values, "mp") for i in range(1, size + 1)]
    return out


def close(x, ref, rtol: float = RTOL, atol: float = 0.0) -> bool:
    """``|x - ref| <= atol + rtol |ref|`` with the reference in mpmath."""
    return abs(mpmath.mpf(float(x)) - ref) <= atol + rtol * abs(ref)


# --- strategies ------------------------------------------------------------------------
def distributions(size: int, positive: bool = False):
    """Exact distributions over ``size`` outputs; zeros allowed unless ``positive``."""
    low = 1 if positive else 0
    return (
        st.lists(st.integers(low, 20), min_size=size, max_size=size)
        .filter(lambda w: sum(w) > 0)
        .map(lambda w: tuple(sp.Rational(x, sum(w)) for x in w))
    )


fractions_01 = st.fractions(Fraction(1, 50), Fraction(49, 50), max_denominator=50).map(
    lambda f: sp.Rational(f.numerator, f.denominator)
)
betas = st.sampled_from([sp.Rational(1, 4), sp.Rational(1, 3), sp.Rational(1, 2), 1, sp.Rational(3, 2), 2, 5, 10, 100]).map(sp.sympify)
rewards_value = st.fractions(-6, 6, max_denominator=4).map(lambda f: sp.Rational(f.numerator, f.denominator))


@st.composite
def instances(draw, positive: bool = False):
    size = draw(st.integers(1, 6))
    return {
        "alpha": draw(fractions_01),
        "beta": draw(betas),
        "r": tuple(draw(st.lists(rewards_value, min_size=size, max_size=size))),
        "p_A": draw(distributions(size, positive)),
        "p_U": draw(distributions(size, positive)),
    }


def floats(inst: dict) -> dict:
    out = {key: float(inst[key]) for key in ("alpha", "beta")}
    out.update({key: np.array([float(v) for v in inst[key]]) for key in ("r", "p_A", "p_U")})
    out["p_ref"] = out["alpha"] * out["p_A"] + (1 - out["alpha"]) * out["p_U"]
    return out


def _tpm(f: dict, b=None):
    return numeric.tpm(f["p_A"], f["p_U"], f["alpha"], f["r"], f["beta"] if b is None else b)


# --- properties ------------------------------------------------------------------------
@SETTINGS
@given(instances())
def test_policy_is_a_distribution(inst):
    f = floats(inst)
    p_theta = numeric.policy(f["p_ref"], f["r"], f["beta"])
    assert np.all(p_theta >= 0)
    assert abs(p_theta.sum() - 1.0) <= 1e-13 * len(p_theta)
    # Lemma 1: the same policy from the mixture weights.
    a, u = numeric.mixture_weights(f["p_A"], f["p_U"], f["alpha"], f["r"], f["beta"])
    np.testing.assert_allclose(a * f["p_A"] + u * f["p_U"], p_theta, rtol=1e-12, atol=1e-15)


@SETTINGS
@given(instances())
def test_masses_add_up_to_one(inst):
    tpm_A, tpm_U = _tpm(floats(inst))
    assert 0.0 <= tpm_A <= 1.0 and 0.0 <= tpm_U <= 1.0
    assert abs(tpm_A + tpm_U - 1.0) <= 1e-13


@SETTINGS
@given(instances())
def test_gap_sign_is_the_sign_of_the_moment_difference(inst):
    f = floats(inst)
    tpm_A, _ = _tpm(f)
    ref = symbolic_outputs(inst)
    moment_gap = ref["M_A"] - ref["M_U"]
    # Where the gap is below float resolution (including M_A = M_U exactly) the float sign is noise.
    gap = ref["tpm_A"] - mpmath.mpf(f["alpha"])
    assume(abs(gap) > 1e-13)
    assert np.sign(float(tpm_A) - f["alpha"]) == mpmath.sign(moment_gap)


@SETTINGS
@given(instances(), st.sampled_from([1e-3, 1e-2, 0.1, 1.0, 10.0, 1e3]))
def test_residual_bounds_hold(inst, b):
    f = floats(inst)
    _, tpm_U = _tpm(f, b)
    bound = numeric.residual_mass_bound(f["alpha"], f["r"], b)
    assert tpm_U >= bound * (1 - 1e-12)
    # Pointwise: p_theta(y) >= p_ref(y) e^{-(r_max - r_min)/beta}.
    p_theta = numeric.policy(f["p_ref"], f["r"], b)
    floor = f["p_ref"] * np.exp(-(f["r"].max() - f["r"].min()) / b)
    assert np.all(p_theta >= floor * (1 - 1e-12))


@st.composite
def dominated_pairs(draw, likelihood_ratio: bool = False):
    """``(r, p_A, p_U)`` with distinct increasing rewards and the law of r under p_A dominating.

    First-order dominance: ``p_A`` is ``p_U`` with mass moved from lower to higher rewards.
    Likelihood-ratio order (stronger): ``p_A(y) / p_U(y)`` nondecreasing along the rewards.
    """
    size = draw(st.integers(2, 6))
    r = tuple(sorted(set(draw(st.lists(rewards_value, min_size=size, max_size=size, unique=True)))))
    size = len(r)
    p_U = list(draw(distributions(size, positive=likelihood_ratio)))
    if likelihood_ratio:
        ratios = sorted(draw(st.lists(st.integers(1, 10), min_size=size, max_size=size)))
        w = [u * c for u, c in zip(p_U, ratios)]
        p_A = [v / sum(w) for v in w]
    else:
        p_A = list(p_U)
        for _ in range(draw(st.integers(0, 4))):
            i = draw(st.integers(0, size - 2))
            j = draw(st.integers(i + 1, size - 1))
            moved = p_A[i] * draw(st.sampled_from([0, sp.Rational(1, 3), sp.Rational(1, 2), 1]))
            p_A[i] -= moved
            p_A[j] += moved
    return r, tuple(p_A), tuple(p_U)


T_GRID = np.logspace(-3, 1.5, 60)  # t = 1/beta; |r| <= 6 keeps t r below float overflow


@SETTINGS
@given(dominated_pairs(), fractions_01)
def test_dominance_keeps_tpm_A_above_alpha_for_every_beta(pair, a):
    """Result 3e: first-order dominance gives M_A >= M_U, so TPM(A) >= alpha, at every beta."""
    r_, pa, pu = (np.array([float(v) for v in x]) for x in pair)
    tpm_A, _ = numeric.tpm(pa, pu, float(a), r_, 1.0 / T_GRID)
    assert np.all(tpm_A >= float(a) * (1 - 1e-13))


@SETTINGS
@given(dominated_pairs(likelihood_ratio=True), fractions_01)
def test_likelihood_ratio_order_makes_tpm_A_monotone_in_inverse_beta(pair, a):
    """Monotone likelihood ratio survives the tilt, so E_{A,t}[r] >= E_{U,t}[r] and d TPM(A)/dt >= 0."""
    r_, pa, pu = (np.array([float(v) for v in x]) for x in pair)
    tpm_A, _ = numeric.tpm(pa, pu, float(a), r_, 1.0 / T_GRID)  # increasing t
    assert np.all(np.diff(tpm_A) >= -1e-13)
    assert np.all(numeric.tpm_sensitivity(pa, pu, float(a), r_, 1.0 / T_GRID) >= -1e-13)


def test_first_order_dominance_alone_does_not_make_tpm_A_monotone():
    """Dominance fixes the side of alpha, not the direction: TPM(A) rises, then falls, in t.

    r = (0, 1, 2), p_A = (0, 1/2, 1/2) dominates p_U = (1/2, 0, 1/2), but for large t the tilted
    p_U sits closer to r = 2 than the tilted p_A, so d TPM(A)/dt < 0 there.
    """
    r_, pa, pu = np.array([0.0, 1.0, 2.0]), np.array([0.0, 0.5, 0.5]), np.array([0.5, 0.0, 0.5])
    t = np.array([0.5, 1.0, 4.0])
    tpm_A, _ = numeric.tpm(pa, pu, 0.5, r_, 1.0 / t)
    assert tpm_A[1] > tpm_A[2] > 0.5 and tpm_A[1] > tpm_A[0]
    slope = numeric.tpm_sensitivity(pa, pu, 0.5, r_, 1.0 / t)
    assert slope[0] > 0 > slope[2]


@SETTINGS
@given(instances())
def test_numeric_functions_equal_the_model_expressions(inst):
    f = floats(inst)
    ref = symbolic_outputs(inst)
    tpm_A, tpm_U = _tpm(f)
    assert close(tpm_A, ref["tpm_A"]) and close(tpm_U, ref["tpm_U"])
    with np.errstate(divide="ignore"):
        log_Z = numeric.log_partition(np.log(f["p_ref"]), f["r"], f["beta"])
    assert close(log_Z, ref["log_Z"], atol=1e-13)
    assert close(numeric.kl_to_ref(f["p_ref"], f["r"], f["beta"]), ref["kl"], atol=1e-13)
    assert close(numeric.residual_mass_bound(f["alpha"], f["r"], f["beta"]), ref["residual_bound"], atol=1e-300)
    a, u = numeric.mixture_weights(f["p_A"], f["p_U"], f["alpha"], f["r"], f["beta"])
    for got, want in zip(a, ref["alpha_A"]):
        assert close(got, want)
    for got, want in zip(u, ref["alpha_U"]):
        assert close(got, want)
    for got, want in zip(numeric.policy(f["p_ref"], f["r"], f["beta"]), ref["p_theta"]):
        assert close(got, want, atol=1e-300)


@pytest.mark.parametrize("size", [1, 3])
def test_symbolic_reference_agrees_with_exact_rationals(size):
    """The mpmath reference itself, against exact SymPy arithmetic where beta makes it rational."""
    inst = {
        "alpha": sp.Rational(1, 3), "beta": sp.Integer(1),
        "r": tuple(sp.log(sp.Integer(i + 1)) for i in range(size)),  # e^{r} = 1, 2, 3, ...
        "p_A": tuple([sp.Rational(1, size)] * size),
        "p_U": (sp.Integer(1),) + (sp.Integer(0),) * (size - 1),
    }
    ref = symbolic_outputs(inst)
    m_A = sp.Rational(sum(range(1, size + 1)), size)  # E_{p_A}[e^r] with e^r = 1..size
    exact = inst["alpha"] * m_A / (inst["alpha"] * m_A + (1 - inst["alpha"]) * 1)
    with mpmath.workdps(60):
        assert abs(ref["tpm_A"] - mpmath.mpf(exact.p) / exact.q) < mpmath.mpf(10) ** -50
