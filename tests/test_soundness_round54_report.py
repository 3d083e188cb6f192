"""Review 54a F6, F8: what ``check`` accepts, the report ``build`` writes re-checks in a fresh
interpreter.

* F6: an index declared with ``latex=`` that only stands bound (a summation index) printed
  ``\\hat{y}`` in the report but ``j`` in the fresh re-check: the report's notation held the
  prints of free names only, so ``build`` stopped with "SOUNDNESS ERROR" (exit 4).
* F8: a statement with a function the author names (``sp.Function("f")(a)``, which the kernel
  reads as an arbitrary function) was written ``Function('f')(...)``, which the report's reader
  refused, so ``build`` stopped with exit 4 where ``check`` exited 0.  The reader now reads a
  call of a plain undefined function, and nothing else of the kind: a function with
  assumptions, a name that is not plain or that names one of SymPy's or the package's
  functions stays refused.

And the reader never hands text to SymPy to parse: its constructors sympify what they are given,
and sympify evaluates text as Python (``exp('len(...)')``), so a hostile report could run code.

Each test below failed on the code before the fix (the refusals of hostile ``Function`` calls
held before as well, when every such call was refused; they guard the new reading).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import sympy as sp

from dpo_mixture import Derivation, Report, Step, declare, prose
from dpo_mixture.model import SupportMax
from dpo_mixture.notation import LATEX_NAMES, k, n
from dpo_mixture.proof.serial import dumps, loads
from dpo_mixture.proof.verify import verify_report

BOUND_ONLY = textwrap.dedent('''
    import sympy as sp
    from dpo_mixture import Derivation, Step, declare, prose
    from dpo_mixture.model import SupportMax
    from dpo_mixture.notation import k, n

    j = declare.index("j", latex=r"\\hat{y}")   # j only ever stands bound
    g = declare.distribution("g")
    r = declare.reward("r")
    C = sp.Eq(sp.Sum(SupportMax(r[k] + g[j], k) - SupportMax(r[k], k), (j, 1, n)), sp.Sum(g[j], (j, 1, n)))
    DERIVATIONS = (Derivation(id="b0", title="A shift", kind="Theorem", label="b0", statement=(C,),
                   statement_text=prose("For a distribution ", g, " and a reward ", r, ":"),
                   steps=(Step("b0-step", "Shift", C, prose("so")),)),)
''')

UNDEFINED_FUNCTION = textwrap.dedent('''
    import sympy as sp
    from dpo_mixture import Derivation, Step, Verdict, declare, prose

    a = declare.scalar("a", positive=True)
    f = sp.Function("f")
    C = sp.Ge(f(a) ** 2, a, evaluate=False)
    P = sp.Ge(f(a) + a, f(a), evaluate=False)
    DERIVATIONS = (
        Derivation(id="b0", title="Open", kind="Claim", label="b0", statement=(C,),
                   statement_text=prose("For a positive ", a, ":"),
                   steps=(Step("b0-step", "S", C, prose("we do not know"), expected=Verdict.UNDECIDED),)),
        Derivation(id="b1", title="Shift", kind="Claim", label="b1", statement=(P,),
                   statement_text=prose("For a positive ", a, ":"),
                   steps=(Step("b1-step", "S", P, prose("as a is positive")),)),
    )
''')


def _cli(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dpo_mixture", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


# --- F6: the notation of bound names ------------------------------------------------------------

def _bound_only_derivation() -> Derivation:
    j = declare.index("j_r54", latex=r"\hat{m}")
    g, r = declare.distribution("g_r54"), declare.reward("r_r54")
    claim = sp.Eq(sp.Sum(SupportMax(r[k] + g[j], k) - SupportMax(r[k], k), (j, 1, n)), sp.Sum(g[j], (j, 1, n)))
    return Derivation(id="b0r54", title="A shift", kind="Theorem", label="b0r54", statement=(claim,),
                      statement_text=prose("For a distribution ", g, " and a reward ", r, ":"),
                      steps=(Step("b0r54-step", "Shift", claim, prose("so")),))


def test_the_report_records_how_a_bound_index_prints():
    data = Report.run([_bound_only_derivation()], parallel=False).to_json()
    assert data["notation"].get("j_r54") == {"latex": r"\hat{m}"}, data["notation"]
    assert r"\sum_{\hat{m}}" in data["steps"][0]["statement"]


def test_a_report_with_a_bound_only_declared_index_verifies_where_its_name_is_not_registered():
    data = Report.run([_bound_only_derivation()], parallel=False).to_json()
    assert all(x.ok for x in verify_report(data))
    # as in a fresh interpreter, where the module that declared j never ran: the report says
    saved = LATEX_NAMES.pop("j_r54")
    try:
        results = verify_report(json.loads(json.dumps(data)))
    finally:
        LATEX_NAMES["j_r54"] = saved
    assert results and all(x.ok for x in results), [(x.step_id, x.detail) for x in results]


def _check_then_build(tmp_path, name: str, text: str) -> str:
    """Check, then build, the module ``text`` saved as ``name``; both must exit 0.  What build said."""
    (tmp_path / name).write_text(text)
    checked = _cli("check", name, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = _cli("build", name, "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert built.returncode == 0, built.stdout + built.stderr
    return built.stdout + built.stderr


def test_build_of_a_module_whose_declared_index_only_stands_bound_succeeds(tmp_path):
    _check_then_build(tmp_path, "bound_only.py", BOUND_ONLY)
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["notation"]["j"] == {"latex": r"\hat{y}"}
    verified = _cli("verify", str(tmp_path / "out" / "report.json"), cwd=tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr


# --- F8: a function the author names ------------------------------------------------------------

def test_loads_reads_a_plain_undefined_function():
    a, u = sp.Symbol("a", positive=True), sp.Symbol("u", real=True)
    f, h = sp.Function("f"), sp.Function(r"\hat{h}")
    for e in (f(a), f(a) ** 2 + h(a, u), sp.Derivative(f(u), u), sp.Ge(f(a) + a, f(a), evaluate=False)):
        back = loads(dumps(e))
        assert back == e
        assert sp.srepr(back) == sp.srepr(e)
    (applied,) = loads(dumps(f(a))).atoms(sp.core.function.AppliedUndef)
    from dpo_mixture.proof.kernel import _genuine

    assert _genuine(applied)  # read back as plain as it was written: no assumptions, no code


def test_a_report_with_an_undefined_function_verifies():
    a = declare.scalar("a_r54", positive=True)
    f = sp.Function("f_r54")
    claim = sp.Ge(f(a) + a, f(a), evaluate=False)
    d = Derivation(id="fr54", title="Shift", kind="Claim", label="fr54", statement=(claim,),
                   statement_text=prose("For a positive ", a, ":"),
                   steps=(Step("fr54-step", "S", claim, prose("as it is positive")),))
    data = Report.run([d], parallel=False).to_json()
    assert data["steps"][0]["verdict"] == "proved"
    results = verify_report(json.loads(json.dumps(data)))
    assert results and all(x.ok for x in results), [(x.step_id, x.detail) for x in results]


def test_check_and_build_agree_on_a_module_with_an_undefined_function(tmp_path):
    assert "SOUNDNESS ERROR" not in _check_then_build(tmp_path, "undefined.py", UNDEFINED_FUNCTION)


@pytest.mark.parametrize("text, why", [
    ("Function('f', positive=True)(Symbol('a'))", "without assumptions"),
    ("Function('f', real=True)(Symbol('a'))", "without assumptions"),
    ("Function('f', **{})(Symbol('a'))", "without assumptions"),
    ("Function('x + y')(Symbol('a'))", "not plain"),
    ("Function('f(b)')(Symbol('a'))", "not plain"),
    ("Function('E')(Symbol('a'))", "not plain"),
    ("Function('')(Symbol('a'))", "not plain"),
    ("Function('exp')(Symbol('a'))", "not plain"),
    ("Function('Sigmoid')(Symbol('a'))", "not plain"),
    ("Function('SupportMax')(Symbol('a'))", "not plain"),
    ("Function('f')()", "applied to no expression"),
    ("Function('f')('a + 1')", "applied to no expression"),
    ("Function('f')(Symbol('a'), evaluate=True)", "without keywords"),
    ("Function(Symbol('f'))(Symbol('a'))", "without assumptions"),
    ("Function('f', 'g')(Symbol('a'))", "without assumptions"),
    ("Function('f')(Symbol('a'))(Symbol('b'))", "only calls of plain names"),
    ("Symbol('f')(Symbol('a'))", "only calls of plain names"),
    ("exp(Symbol('a'))(Symbol('b'))", "only calls of plain names"),
])
def test_a_hostile_call_of_function_is_refused(text, why):
    with pytest.raises(ValueError, match="not a serialized expression") as err:
        loads(text)
    assert why in str(err.value), str(err.value)


# --- text is never parsed --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "exp('len(\"abc\")')",
    "Add(Symbol('x'), 'len(\"abc\")')",
    "Mul(Integer(2), 'len(\"abc\")')",
    "Max(Symbol('x'), 'len(\"abc\")')",
    "Sum(Symbol('x'), ('x', 1, 'len(\"abc\")'))",
    "Derivative(Symbol('x'), 'x')",
    "Symbol('x', real='len(\"abc\")')",
    "'len(\"abc\")'",
    "(Symbol('x'), 'len(\"abc\")')",
])
def test_text_where_no_name_stands_is_refused(text):
    # (a keyword that is no assumption is refused before its value is looked at)
    with pytest.raises(ValueError, match="text is allowed only as a name|which is no assumption"):
        loads(text)


def test_names_are_still_read_as_text():
    assert loads("Symbol('x', real=True)") == sp.Symbol("x", real=True)
    assert loads("Dummy('x')").name == "x"
    assert loads("Float('0.5', precision=53)") == sp.Float("0.5")
    from dpo_mixture.notation import beta

    assert loads(dumps(beta)) is beta


def test_a_hostile_report_runs_no_code(tmp_path):
    marker = tmp_path / "ran"
    a = declare.scalar("a_r54", positive=True)
    claim = sp.Gt(a + 1, a, evaluate=False)
    d = Derivation(id="hr54", title="T", kind="Claim", label="hr54", statement=(claim,),
                   statement_text=prose("For a positive ", a, ":"), steps=(Step("hr54-step", "S", claim, prose("so")),))
    data = Report.run([d], parallel=False).to_json()
    payload = f"open({str(marker)!r}, 'w').write('x') and 1"
    data["steps"][0]["goal"]["claim"] = f"StrictGreaterThan(Add({dumps(a)}, {payload!r}), {dumps(a)})"
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data))
    try:
        results = verify_report(json.loads(path.read_text()))
    except ValueError as exc:
        assert "text is allowed only as a name" in str(exc)
    else:
        assert results and not any(x.ok for x in results)
    done = _cli("verify", str(path), "--json", cwd=tmp_path)
    assert done.returncode != 0
    assert not marker.exists()


def test_a_certificates_parameter_may_not_be_text_that_sympify_would_run(tmp_path):
    # a multiplier written as text reached sp.sympify in the kernel, which parses and runs it
    from dpo_mixture.proof.certificate import ProofCertificate

    marker = tmp_path / "ran"
    hostile = f"__import__('pathlib').Path({str(marker)!r}).write_text('x')"
    with pytest.raises(ValueError, match="text"):
        ProofCertificate.from_json({"rule": "combination", "data": {"multipliers": {"tuple": [hostile]}}})
    with pytest.raises(ValueError, match="text"):
        ProofCertificate.from_json({"rule": "termwise", "data": {"factor": hostile}})
    kept = ProofCertificate.from_json({"rule": "combination", "data": {"reference": "Gibbs' inequality", "expand": True}})
    assert kept.get("reference") == "Gibbs' inequality" and kept.get("expand") is True
    assert not marker.exists()


def test_the_kernel_never_parses_text_as_an_expression():
    import sympy as sp

    from dpo_mixture.proof.kernel import _sympified

    assert _sympified(2) == sp.Integer(2)
    with pytest.raises(sp.SympifyError):
        _sympified("1 + 1")


# --- review 55a: only what dumps writes --------------------------------------------------------

@pytest.mark.parametrize("text, why", [
    ("log(Integer(4), Integer(2))", "takes 1 arguments"),            # prints \log 4, reads log 4 / log 2
    ("Rational(0, 5, 1)", "takes 2 arguments"),                      # an unreduced zero SymPy calls negative
    ("Symbol('x', foo=True)", "no assumption"),
    ("Float('1e10000000', precision=53)", "short decimal"),
    ("Float('0.5', precision=1000000000)", "precision"),
    ("Pow(Pow(Pow(Integer(3), Integer(10000)), Integer(10000)), Integer(10000))", "bits"),
    ("sqrt(Integer(2))", "not allowed"),                             # dumps writes Pow(2, 1/2)
    ("Integer(True)", "integers"),
    ("Rational(1, -2)", "positive denominator"),
])
def test_loads_reads_only_what_dumps_writes(text, why):
    with pytest.raises(ValueError, match=why):
        loads(text)


def test_an_operator_read_with_a_keyword_is_refused():
    # the operator's own checks ran only when the call had no keyword (evaluate=False skipped them)
    from dpo_mixture.model import Sigmoid

    text = dumps(Sigmoid(sp.Symbol("x")))
    assert loads(text) == Sigmoid(sp.Symbol("x"))
    with pytest.raises(ValueError, match="takes no keywords"):
        loads(text[:-1] + ", evaluate=False)")


@pytest.mark.parametrize("text", [
    # review 56a F1: the same 3**(10**9) written so that no literal exponent shows it
    "Pow(Integer(3), Mul(Integer(1000), Integer(1000000)))",
    "Pow(Integer(3), Pow(Integer(10), Integer(9)))",
    "Pow(Mul(Integer(3), Integer(1)), Integer(1000000000))",
    "exp(Mul(Integer(1000000000), log(Integer(3))))",
    "Max(Pow(Integer(3), Mul(Integer(1000), Integer(1000000))), Integer(1))",
])
def test_a_number_too_large_to_build_is_refused_however_written(text):
    with pytest.raises(ValueError, match="beyond 2"):
        loads(text)


def test_whatever_sympy_raises_on_a_call_is_bad_input():
    # review 56a F2: NotImplementedError from a limit at a variable point ended in exit 4
    with pytest.raises(ValueError, match="not a serialized expression"):
        loads("Limit(Symbol('x'), Symbol('x'), Symbol('x'), Str('+'))")
