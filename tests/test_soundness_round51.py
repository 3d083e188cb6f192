"""Review round 51: each test failed on the code before its fix (3b7028f / a7a3da4)."""

import json

import pytest
import sympy as sp

from dpo_mixture.proof import Step, Verdict
from dpo_mixture.proof.derivation import decide
from dpo_mixture.proof.strategies import Strategy

# a false claim no rational point refutes: at b = sqrt(2) the left side is 0
b = sp.Symbol("b_r51", positive=True)
NO_ROOT = sp.Gt((b**2 - 2) ** 2, 0)


# --- 51a: limits ----------------------------------------------------------------------------

def test_a_limit_sympy_gets_wrong_is_not_proved():
    # F1: SymPy's limit answers 0 for both; the limits are log(2)/1000 and 2 log 2, and the
    # numeric guard on SymPy's answer let both through
    from dpo_mixture import check_claim
    from dpo_mixture.proof.limits import limit_at_zero

    slow = "beta*log(exp(beta)+2) + beta**(1/4) + beta**beta*log(1+exp(-exp(-1/beta)))/1000"
    assert check_claim(f"limit({slow}, beta, 0) == 0").verdict is not Verdict.PROVED
    assert check_claim(f"limit({slow}, beta, 0) == log(2)/1000").verdict is Verdict.PROVED
    v = sp.Dummy("v", positive=True)
    hidden = (v * sp.log(sp.exp(v) + 2) + 2 * v**v * sp.log(1 + sp.exp(-sp.exp(-1 / v)))
              * (1 - sp.exp(-1 / (sp.Integer(10) ** 2000 * v))))
    assert limit_at_zero(hidden, v) == 2 * sp.log(2)


# --- 51c: what a strategy may reach; reports --------------------------------------------------

def test_a_strategy_cannot_add_a_lemma_the_kernel_reads():
    # F1: the lemma dict handed to the strategy was the one the kernel read
    from dpo_mixture.proof.certificate import Instance
    from dpo_mixture.proof.kernel import Lemma

    class Forger(Strategy):
        name = "forger"

        def propose(self, step, context):
            context.lemmas["ghost"] = Lemma("ghost", context.goal.claim, (), context.goal.theory, Verdict.PROVED)
            return context.certificate(step, "combination", self.name, instances=(Instance("ghost", ()),),
                                       multipliers=(sp.Integer(1),))

    assert decide(Step("forge", "no root", NO_ROOT, "", strategy=Forger())).verdict is not Verdict.PROVED


def test_a_strategy_cannot_rewrite_the_goal_the_kernel_checks():
    # F2: the Goal handed to the strategy was the one the kernel checked
    class AddHypothesis(Strategy):
        name = "addhyp"

        def propose(self, step, context):
            object.__setattr__(context.goal, "hypotheses", (NO_ROOT,))
            object.__setattr__(context.goal.theory, "overrides", ())
            return context.certificate(step, "combination", self.name, instances=(), multipliers=(sp.Integer(1),))

    assert decide(Step("rewrite", "no root", NO_ROOT, "", strategy=AddHypothesis())).verdict is not Verdict.PROVED


def test_a_users_operator_is_not_opened_by_its_own_unfold():
    # F4: a class with an unfold (x**3) printed as x^2: "b^2 = b^3" was proved, nothing assumed
    from dpo_mixture.proof.serial import register_constructor

    class Sq_r51(sp.Function):
        nargs = 1

        def unfold(self):
            return self.args[0] ** 3

    register_constructor("Sq_r51", Sq_r51)  # as the package registers its own operators
    assert decide(Step("cube", "cube", sp.Eq(Sq_r51(b), b**3), "")).verdict is not Verdict.PROVED


def test_a_report_is_read_back_with_the_checks_its_operators_make():
    # F3: loads built the package's operators unevaluated, so their checks never ran:
    # an instance naming a derived quantity, KL taken at another output, re-checked fine
    from dpo_mixture.derivations.symbols import KL, AtInstance
    from dpo_mixture.notation import M_A, n, p_A, y
    from dpo_mixture.proof.serial import dumps, loads

    j = sp.Symbol("j_r51", integer=True)
    q = sp.IndexedBase("q_r51")
    with pytest.raises(ValueError):
        KL(p_A[j], q[j])
    with pytest.raises(ValueError, match="KL"):
        loads(dumps(KL(p_A[j], q[j], evaluate=False)))
    instance = sp.Tuple(sp.Tuple(M_A, 7), sp.Tuple(n, 2))
    with pytest.raises(ValueError, match="AtInstance"):
        loads(dumps(AtInstance(M_A, instance, evaluate=False)))
    fine = KL(p_A[y], q[y])
    assert loads(dumps(fine)) == fine


def test_verify_refuses_a_report_with_two_steps_of_one_id():
    # F5: a citation of such an id did not say which step it rests on
    from dpo_mixture.proof.verify import verify_report

    with pytest.raises(ValueError, match="two steps of one id"):
        verify_report({"steps": [{"id": "L", "goal": {}}, {"id": "L", "goal": {}}]})


# --- 51b: the claim path -------------------------------------------------------------------

def test_a_comment_in_a_claim_is_refused():
    # F3: Python dropped "# and TPM_A >= alpha" unread; the whole text was shown as proved
    from dpo_mixture import ClaimSyntaxError, check_claim

    with pytest.raises(ClaimSyntaxError, match="comment"):
        check_claim("TPM_A + TPM_U == 1 # and TPM_A >= alpha")


def test_a_calculus_node_cancelled_by_an_opened_operator_keeps_its_condition():
    # F4: sigmoid(0) - 1/2 opened to 0 took Limit(1/x**2) (and a kinked derivative) with it
    from dpo_mixture import check_claim

    for claim in ("limit(1/x**2, x, 0)*(sigmoid(0) - 1/2) == 0", "limit(sigmoid(1/x), x, 0)*(sigmoid(0) - 1/2) == 0",
                  "diff(max(x, 0), x)*(sigmoid(0) - 1/2) == 0", "diff((x**2)**(1/2), x)*(sigmoid(0) - 1/2) == 0"):
        assert check_claim(claim, let={"x": "scalar"}).verdict is not Verdict.PROVED, claim


def test_a_derivative_of_a_kink_asks_where_it_is_smooth():
    # F4 (module path): 0*d/dx max(x, 0) = 0 was proved; the derivative has no value at x = 0
    x = sp.Symbol("x_r51", real=True)
    kink = sp.Mul(0, sp.Derivative(sp.Max(x, 0), x), evaluate=False)
    assert decide(Step("kink", "kink", sp.Eq(kink, 0, evaluate=False), "")).verdict is not Verdict.PROVED


def test_a_decimal_whose_exact_value_is_huge_is_refused_at_once():
    # F1: 1e-99999999 (the float 0) was built exactly, for minutes, before the time limit began
    from dpo_mixture import ClaimSyntaxError, check_claim

    with pytest.raises(ClaimSyntaxError, match="out of range"):
        check_claim("alpha > 1e-99999999")


def test_a_claim_nested_past_the_recursion_limit_is_bad_input():
    # F2: RecursionError in the search ended as an internal error (exit 4)
    from dpo_mixture import check_claim

    with pytest.raises(ValueError, match="nested too deeply"):
        check_claim("sigmoid(" * 90 + "alpha" + ")" * 90 + " > 0")


def test_let_declares_a_name_once_whatever_its_blanks(capsys):
    # F5: "x :temperature" replaced an earlier x:reward, and x >= 0 was proved for a reward
    from dpo_mixture.cli import main

    assert main(["claim", "x >= 0", "--let", "x:reward", "--let", "x :temperature"]) == 2
    assert "declared twice" in capsys.readouterr().err


# --- 51d F4: code markup in prose ------------------------------------------------------------

def test_code_markup_in_prose_carries_no_formula():
    # F4: `u**2 < 0` in a Theorem's statement text reached the documents unchecked
    from dpo_mixture.render.prose import prose

    for text in ("we have `u**2 < 0`, and so", "with `u = 1`", "where `a^2`"):
        with pytest.raises(ValueError, match="maths"):
            prose(text)
    assert prose("run `dpo-mixture check` with `--seconds=5` or `given=`").parts
