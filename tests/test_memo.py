"""The remembered free symbols of sums give SymPy's own answer, and a fresh set each time."""

import sympy as sp

from dpo_mixture.notation import k, n, p, r, support_sum, y
from dpo_mixture.proof import memo


def _sympy(expr):
    return memo._sympy_free_symbols(expr)


def test_installed_answers_are_sympys():
    x, j = sp.symbols("x j")
    f = sp.Function("f")
    cases = [
        support_sum(p[k] * r[k], k),
        support_sum(p[y] * sp.exp(r[y] + x), y),
        sp.Sum(sp.Sum(x * j * k, (j, 1, k)), (k, 1, n)),  # the inner sum's bound depends on k
        sp.Sum(f(j), (j, 1, x)),
        sp.Integral(x * j, (j, 0, 1)),
        sp.Integral(x * j, j),  # an indefinite integral keeps its variable free
        sp.Product(j + x, (j, 1, 3)),
    ]
    for e in cases:
        assert e.free_symbols == _sympy(e), e
        assert e.free_symbols == _sympy(e), e  # the second, remembered, answer too


def test_a_changed_answer_does_not_change_the_next_one():
    s = support_sum(p[k] * k, k)
    first = s.free_symbols
    first.add(sp.Symbol("intruder"))
    first.discard(n)
    assert s.free_symbols == _sympy(s)
    assert sp.Symbol("intruder") not in s.free_symbols


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(memo, "MAX_REMEMBERED", 3)
    memo._remembered.clear()
    x = sp.Symbol("x")
    for i in range(10):
        assert sp.Sum(x * k + i, (k, 1, n)).free_symbols == {x, n}
    assert len(memo._remembered) <= 3
