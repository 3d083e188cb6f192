"""Review round 40.

a: a factor whose printed form has no closing delimiter (log a, d/dx f, lim f) may not be
followed by another factor unbracketed.  e^x d/dx(x^2) = 2x e^x was proved and printed
d/dx x^2 e^x = 2x e^x, whose usual reading is false; (log a) e^u < 0 was printed
log a e^u < 0, which reads log(a e^u) < 0.

b: SymPy's sign of a number without symbols is trusted only where interval arithmetic confirms
it (SymPy evaluated log(1 + 10^-20) at low precision as 0, so log(1 + 10^-20) < 10^-20 - 10^-40/2
and its negation were both proved); an exact power in the search's float evaluation is guarded
like one in exact arithmetic (n**n**n**n ran past every time limit)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy as sp

from dpo_mixture import Derivation, NormalForm, Step, Verdict, check_claim
from dpo_mixture.claims import ClaimSyntaxError
from dpo_mixture.proof.number_signs import interval_sign
from dpo_mixture.proof.sign import sign
from dpo_mixture.render.printer import latex

x, u = sp.symbols("x u", real=True)
a, b = sp.symbols("a b", positive=True)
D = sp.Derivative(x**2, x, evaluate=False)


def test_a_derivative_comes_last_or_is_bracketed():
    assert latex(sp.exp(x) * D) == r"e^{x} \frac{d}{d x} x^{2}"
    assert latex(sp.Max(1, x) * D) == r"\max\left(1, x\right) \frac{d}{d x} x^{2}"
    two = latex(D * sp.Derivative(x**3, x, evaluate=False))
    assert two == r"\left(\frac{d}{d x} x^{2}\right) \frac{d}{d x} x^{3}"


def test_a_log_comes_last_or_is_bracketed():
    assert latex(sp.exp(u) * sp.log(a)) == r"e^{u} \log a"
    assert latex(sp.log(a) * sp.log(b)) == r"\log\left(a\right) \log b"
    assert latex(sp.log(a) * D) == r"\log\left(a\right) \frac{d}{d x} x^{2}"
    assert latex(sp.Abs(u) * sp.log(a)) == r"\left\lvert u \right\rvert \log a"  # no bare bar (52b F7)


def test_an_inline_numerator_that_is_open_on_the_right_is_bracketed():
    assert latex(sp.log(a) / b, inline=True) == r"\left(\log a\right)/b"
    assert latex(D / b, inline=True) == r"\left(\frac{d}{d x} x^{2}\right)/b"
    assert latex(sp.exp(u) / sp.log(a), inline=True) == r"e^{u}/\log a"
    assert latex(a / b, inline=True) == "a/b"


TINY = sp.Integer(10) ** -20
GAP = sp.log(1 + TINY) - TINY + TINY**2 / 2  # = +3.3e-61; SymPy's two digits said -1e-20


def test_a_constant_sign_is_confirmed_by_intervals():
    assert interval_sign(GAP) == "pos" and sign(GAP) == "pos" and sign(-GAP) == "neg"
    assert GAP.is_negative is not True and (1 / GAP).is_negative is not True
    assert sp.Max(sp.log(1 + TINY), TINY - TINY**2 / 2) != TINY - TINY**2 / 2
    assert interval_sign(sp.sin(1)) is None  # not evaluated: no sign, rather than a guess


def test_the_false_constant_inequality_is_not_proved_and_the_true_one_is():
    assert check_claim("log(1+10**-20) < 10**-20 - 10**-40/2", samples=20).verdict is not Verdict.PROVED
    assert check_claim("1/(log(1+10**-20) - 10**-20 + 10**-40/2) < 0", samples=20).verdict is not Verdict.PROVED
    assert check_claim("log(1+10**-20) > 10**-20 - 10**-40/2", samples=20).verdict is Verdict.PROVED
    assert check_claim("log(log(1+10**-20) - 10**-20 + 10**-40/2) < 0", samples=20).verdict is Verdict.PROVED
    with pytest.raises(ClaimSyntaxError, match="undefined"):  # the log of -3.3e-61
        check_claim("log(10**-20 - 10**-40/2 - log(1+10**-20)) < 0")


def test_the_false_constant_inequality_in_a_module_is_not_proved():
    claim = sp.Lt(sp.log(1 + TINY), TINY - TINY**2 / 2, evaluate=False)
    step = Step("f1", "", claim, "", strategy=NormalForm(expand=False), search_samples=10)
    (result,) = Derivation(id="gap", title="t", steps=(step,)).check()
    assert result.outcome.verdict is not Verdict.PROVED


def test_a_tower_of_powers_ends_within_its_time_limit():
    code = "from dpo_mixture import check_claim; print(check_claim('n**n**n**n > 0', seconds=20).verdict.value)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() in ("proved", "undecided"), done.stderr[-500:]
