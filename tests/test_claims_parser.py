"""The claim language: what it accepts, what it means, and what it refuses (with token and column)."""

from __future__ import annotations

import builtins

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from dpo_mixture.claims import ClaimSyntaxError, parse_claim, parse_expression, parse_hypotheses
from dpo_mixture.claims.parser import parse_labelled
from dpo_mixture.model import SupportMax, SupportMin
from dpo_mixture.notation import TPM_A, Z, alpha, beta, k, n, p_A, p_ref, p_theta, r, y


def test_scalars_and_vectors():
    assert parse_expression("alpha + beta * n") == alpha + beta * n
    # a quotient stays unevaluated (p_A / p_A must not become 1 before its condition is recorded)
    assert parse_expression("p_theta / p_ref").doit() == p_theta[y] / p_ref[y]
    assert parse_expression("Z") == Z


def test_functions_bind_their_own_index():
    s = sp.Sum
    assert parse_expression("E(p_A, exp(r/beta))") == s(p_A[k] * sp.exp(r[k] / beta), (k, 1, n))
    assert parse_expression("sum(p_ref)") == s(p_ref[k], (k, 1, n))
    assert parse_expression("E_unif(r)") == s(r[k], (k, 1, n)) / n
    assert parse_expression("max(r) - min(r)") == SupportMax(r[k], k) - SupportMin(r[k], k)
    assert parse_expression("KL(p_theta, p_ref)") == s(p_theta[k] * sp.log(p_theta[k] / p_ref[k]), (k, 1, n))
    cov = parse_expression("Cov_unif(r, p_A)")
    assert y not in cov.free_symbols and {r, p_A} <= {b.base for b in cov.atoms(sp.Indexed)}
    # max of a scalar is the scalar; several arguments are elementwise
    assert parse_expression("max(alpha)") == alpha
    assert parse_expression("max(r, 0)") == sp.Max(r[y], 0)


def test_relations_chains_and_hypotheses():
    assert parse_claim("TPM_A >= alpha") == sp.Ge(TPM_A, alpha)
    rel = parse_claim("p_theta <= p_ref")
    assert isinstance(rel, sp.LessThan) and y in rel.free_symbols  # for every y in the support
    hyps = parse_hypotheses("Cov_unif(r, p_A) > 0 and Cov_unif(r, p_U) < 0")
    assert [type(h) for h in hyps] == [sp.StrictGreaterThan, sp.StrictLessThan]
    labels = [label for label, _ in parse_labelled("0 < TPM_A <= 1 and beta > 0")]
    assert labels == ["0 < TPM_A", "TPM_A <= 1", "beta > 0"]
    # a relation between numbers stays unevaluated, so the engine decides it
    assert isinstance(parse_claim("1 < 2"), sp.StrictLessThan)


def test_numbers_are_exact():
    assert parse_expression("0.1") == sp.Rational(1, 10)
    assert parse_expression("1e-3 + 1/3") == sp.Rational(1, 1000) + sp.Rational(1, 3)
    assert parse_expression("2**-2") == sp.Rational(1, 4)


# text, token, column
INJECTIONS = [
    ("__import__('os').system('touch {tmp}')", "__import__", 1),
    ("r.__class__", "__class__", 3),
    ("(lambda: 1)()", "lambda", 2),
    ("'abc'", "'abc'", 1),
    ("open('x')", "open", 1),
    ("eval('1')", "eval", 1),
    ("[x for x in r]", "[", 1),
    ("alpha < x", "x", 9),
    ("alpha < beta.real", "real", 14),
    ("alpha < exp(beta, base=2)", "base", 19),
    ("alpha ^ 2 < 1", "^", 7),
    ("alpha != 1", "!=", 7),
    ("alpha < 1 or beta > 1", "or", 11),
    ("not alpha < 1", "not", 1),
    ("r[0] > 0", "[", 2),
    ("f'{alpha}' > 0", "f'{alpha}'", 1),
    ("alpha if beta else 1 < 2", "if", 7),
    ("(a := 1) < 2", ":=", 4),
    ("True < alpha", "True", 1),
    ("alpha(1) < 2", "alpha", 1),
    ("exp < 2", "exp", 1),
    ("1j < alpha", "1j", 1),
    ("alpha = 1", "=", 7),
    ("alpha +", "end of text", 8),
    ("alpha", "alpha", 1),
    ("(alpha < 1) + 1 < 2", "alpha < 1", 2),
    ("E(r) > 0", "E", 1),
    ("1/0 < alpha", "/", 2),
    ("2**10**10 > 1", "10**10", 4),
    ("  alpha < x", "x", 11),
    ("log(-1) < 0", "log(-1)", 1),
    ("(-1)**0.5 < 1", "(-1)**0.5", 1),
]


@pytest.mark.parametrize("text, token, column", INJECTIONS)
def test_rejected_with_token_and_column(text, token, column, tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):  # pragma: no cover - only runs if the parser evaluates
        raise AssertionError("the parser must not evaluate text")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    target = tmp_path / "pwned"
    with pytest.raises(ClaimSyntaxError) as info:
        parse_claim(text.replace("{tmp}", str(target)))
    assert isinstance(info.value, ValueError)
    assert (info.value.token, info.value.column) == (token, column)
    assert repr(token) in str(info.value) and f"column {column}" in str(info.value)
    assert not target.exists()


def test_hypotheses_are_checked_the_same_way():
    with pytest.raises(ClaimSyntaxError, match="unknown function 'open' at column 13"):
        parse_hypotheses("alpha < 1 / open('x')")


def test_oversized_input_is_refused_quickly():
    with pytest.raises(ClaimSyntaxError, match="too long"):
        parse_claim("alpha + " * 400 + "1 > 0")
    with pytest.raises(ClaimSyntaxError, match="number too large"):
        parse_claim("((10**999)**999)**999 > 1")
    with pytest.raises(ClaimSyntaxError, match="out of range"):
        parse_claim("1e999999 > 1")
    with pytest.raises(ClaimSyntaxError):
        parse_claim("(" * 300 + "alpha" + ")" * 300 + " > 0")


_ALPHABET = list("()+-*/<>=., _'0123456789") + ["alpha", "r", "p_A", "exp", "E", "max", " and ", "lambda", "x", ".__class__"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=14).map("".join))
def test_any_text_parses_or_fails_cleanly(text):
    try:
        parse_claim(text)
    except ClaimSyntaxError as exc:
        assert exc.column >= 1
