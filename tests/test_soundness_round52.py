"""Review round 52: each test failed on the code before its fix (836fd69)."""

import pytest
import sympy as sp

from dpo_mixture.proof import Derivation, Report, Step, Verdict
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import Certificate, NormalForm, Strategy

# a false claim no rational point refutes: at b = sqrt(2) the left side is 0
b = sp.Symbol("b_r52", positive=True)
NO_ROOT = sp.Gt((b**2 - 2) ** 2, 0)


def _verdict(report: Report, step_id: str) -> Verdict:
    return report.result(step_id).outcome.verdict


# --- 52c: what user code can reach while a report runs -------------------------------------

def test_a_strategys_theory_never_reaches_the_kernel_through_a_cache():
    # F1: the strategy wrote "b := 1" into its copy's index and had opened_theory cache it
    from dpo_mixture.proof.kernel import opened_theory

    fake = Definition("b is one", b, sp.Integer(1))

    class Poison(Strategy):
        name = "poison"

        def propose(self, step, context):
            t = context.goal.theory
            t._by_key[b] = fake
            opened_theory(t)
            cert = context.certificate(step, "normal-form", self.name)
            return type(cert)(rule=cert.rule, facts=(fake,), instances=(), data=(), conclusion=cert.conclusion,
                              hypotheses=cert.hypotheses, proposer=self.name)

    d = Derivation("poisoned-r52", "P", (Step("no-root-r52a", "", NO_ROOT, "", strategy=Poison()),))
    assert _verdict(Report.run([d]), "no-root-r52a") is not Verdict.PROVED


def test_a_definition_rewritten_and_restored_by_strategies_is_not_what_the_kernel_reads():
    # F4: a strategy set W := b (object.__setattr__) on the definition it was handed, a later one
    # wrote W := (b^2 - 2)^2 back: the documents showed the second, the kernel read the first
    W = sp.Symbol("W_r52", real=True)
    written = (b**2 - 2) ** 2

    class Rewrite(Strategy):
        name = "rewrite"

        def propose(self, step, context):
            d = context.goal.theory.definitions[0]
            object.__setattr__(d, "expr", b)
            cert = NormalForm().propose(step, context)
            return type(cert)(rule=cert.rule, facts=(d,), instances=(), data=cert.data, conclusion=cert.conclusion,
                              hypotheses=cert.hypotheses, proposer=self.name)

    class PutBack(Strategy):
        name = "put back"

        def propose(self, step, context):
            object.__setattr__(context.goal.theory.definitions[0], "expr", written)
            return NormalForm().propose(step, context)

    steps = (Step("w-positive-r52", "", sp.Gt(W, 0), "", strategy=Rewrite()),
             Step("b-plus-r52", "", sp.Gt(b + 1, 1, evaluate=False), "", strategy=PutBack()))
    d = Derivation("shared-r52", "S", steps, context=(Definition("W", W, written),))
    assert _verdict(Report.run([d]), "w-positive-r52") is not Verdict.PROVED


def test_a_strategy_cannot_change_a_steps_instantiation():
    # F5: a strategy wrote into another step's instantiate dict and a later one put it back
    x = sp.Symbol("x_r52", real=True)
    lemma = Step("L-r52", "", sp.Gt(x, 0), "", hypotheses=(sp.Gt(x, 1),), strategy=Certificate((sp.Integer(1),)))
    cited = Step("S-r52", "", sp.Gt(b, 1), "", given=("L-r52",), instantiate={x: b - 1}, strategy=Certificate((sp.Integer(0), sp.Integer(1))))

    class Swap(Strategy):
        name = "swap"

        def propose(self, step, context):
            cited.instantiate[x] = b + 5
            return NormalForm().propose(step, context)

    class Restore(Strategy):
        name = "restore"

        def propose(self, step, context):
            cited.instantiate[x] = b - 1
            return NormalForm().propose(step, context)

    before = Step("swap-r52", "", sp.Gt(b + 1, 1, evaluate=False), "", strategy=Swap())
    after = Step("restore-r52", "", sp.Gt(b + 2, 1, evaluate=False), "", strategy=Restore())
    report = Report.run([Derivation("swap-r52", "S", (lemma, before, cited, after))])
    # what the report shows (x := b - 1, so b - 1 > 1 is assumed) is what the kernel read
    assert report.result("S-r52").step.instantiate[x] == b - 1
    assert "b_r52 - 1" in " ".join(map(str, report.result("S-r52").assumptions)) or \
        _verdict(report, "S-r52") is not Verdict.PROVED


def test_a_derivation_or_step_of_a_class_of_its_own_is_refused():
    # F6: a Derivation subclass answered check() itself; F7: a Step subclass showed one claim
    # and was decided on another
    class Liar(Derivation):
        def check(self, *args, **kwargs):
            return []

    class TwoFaced(Step):
        pass

    with pytest.raises(TypeError, match="Derivation"):
        Report.run([Liar("liar-r52", "L", (Step("l-r52", "", sp.Gt(b, 1), ""),))])
    with pytest.raises(TypeError, match="Step"):
        Report.run([Derivation("two-r52", "T", (TwoFaced("t-r52", "", sp.Gt(b, 1), ""),))])


def test_a_subclass_of_a_class_the_kernel_knows_is_refused():
    # F2: a SupportMax subclass said it was positive; F3: an Abs subclass claiming to be SymPy's
    from dpo_mixture.model import SupportMax
    from dpo_mixture.notation import k, r
    from dpo_mixture.proof.derivation import decide

    package_max = SupportMax

    class SupportMax(package_max):  # same name and print as the package's, equal to it
        def _eval_is_positive(self):
            return True

        def __eq__(self, other):
            return isinstance(other, package_max) and self.args == other.args

        __hash__ = package_max.__hash__

    class Abs(sp.Abs):
        __module__ = "sympy.functions.elementary.complexes"

        def _eval_is_positive(self):
            return True

        def __eq__(self, other):
            return isinstance(other, sp.Abs) and self.args == other.args

        __hash__ = sp.Abs.__hash__

    claims = (sp.Gt(SupportMax((r[k] ** 2 - 2) ** 2, k), 0, evaluate=False),
              sp.Gt(Abs(b**2 - 2, evaluate=False), 0, evaluate=False))
    for i, claim in enumerate(claims):
        assert decide(Step(f"sub-r52-{i}", "", claim, "")).verdict is not Verdict.PROVED


# --- 53a: the same, probed again -------------------------------------------------------------

@pytest.mark.parametrize("module", ["fake_sympy_module"])
def test_a_class_that_only_looks_like_sympys_gives_no_proof(module, tmp_path, capsys):
    # F3: a module registered as sympy.userabs held an Abs subclass that called itself positive
    import pathlib

    from dpo_mixture.cli import main

    source = pathlib.Path(__file__).parent / "round53_modules" / f"{module}.py"
    path = tmp_path / f"{module}_r53.py"
    path.write_text(source.read_text())
    main(["check", str(path), "--json"])
    import json

    steps = json.loads(capsys.readouterr().out)["steps"]
    assert steps and all(s["verdict"] != "proved" for s in steps)


def test_a_theorys_definitions_cannot_be_written_after_it_is_built():
    # F5: a plain Theory's index took "b := 1", and opened_theory cached it for the kernel's equal theory
    from dpo_mixture.proof.theory import Theory

    with pytest.raises(TypeError):
        Theory()._by_key[b] = Definition("b is one", b, sp.Integer(1))


def test_a_step_domain_must_be_a_domain():
    # F7: a value of a class of its own, equal to every Domain, read as no override by one rule
    # and as a probability by another
    class Anything:
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    x = sp.Symbol("x_r53", real=True)
    with pytest.raises(ValueError, match="Domain members"):
        Step("odd-r53", "", sp.Gt(x + 1, 0), "", hypotheses=(sp.Eq(x**2, 2),), domains={x: Anything()})
