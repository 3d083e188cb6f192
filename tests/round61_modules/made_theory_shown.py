"""After step 'w-nonneg' (W >= 0, W := (b^2 - 2)^2, true) is decided, a later step's strategy rewrites
the module's own DEF_W in place (W := b - 5). A theory Theory.of kept (review 61a F2) held that object, and the
report's step result keeps that theory: what does the report show as the model of 'w-nonneg'?"""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import NormalForm, Strategy

b = declare.temperature("b")
W = declare.scalar("W")
DEF_W = Definition("definition of W", W, (b**2 - 2) ** 2)


class Later(Strategy):
    name = "later"

    def propose(self, step, context):
        object.__setattr__(DEF_W, "expr", b - 5)
        return NormalForm().propose(step, context)


D = Derivation(id="shown", title="Shown", kind="Section", context=(DEF_W,), steps=(
    Step("w-nonneg", "W is nonnegative", sp.Ge(W, 0), "", facts=(DEF_W,)),
    Step("b-plus", "b + 1 > 1", sp.Gt(b + 1, 1, evaluate=False), "", strategy=Later()),
))
DERIVATIONS = (D,)
