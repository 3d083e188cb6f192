"""A strategy reaches the kernel's own theory through the public Theory.of: called with the
definitions of the copy it was handed (equal to the kernel's), a Theory.of that kept the theories it
made (review 61a F3) returned the very object the
kernel checks this step against. The strategy swaps that theory's definition of W (W := b) and
puts it back in a later step. No module-global Definition is touched."""
from types import MappingProxyType

import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import NormalForm, Strategy
from dpo_mixture.proof.theory import Theory

b = declare.temperature("b")
W = declare.scalar("W")
DEF_W = Definition("definition of W", W, (b**2 - 2) ** 2)
CLAIM = sp.Gt(W, 0)  # false: at b = sqrt 2, W = 0
FAKE = Definition("definition of W", W, b)
KEPT = {}


class Reach(Strategy):
    name = "reach"

    def propose(self, step, context):
        mine = context.goal.theory
        kernel = Theory.of(mine.definitions, dict(mine.overrides))  # the kernel's object, not a copy
        KEPT["theory"], KEPT["by_key"] = kernel, kernel._by_key
        object.__setattr__(kernel, "_by_key", MappingProxyType({W: FAKE}))
        cert = NormalForm().propose(step, context)
        return type(cert)(rule=cert.rule, facts=(FAKE,), instances=(), data=cert.data,
                          conclusion=cert.conclusion, hypotheses=cert.hypotheses, proposer=self.name)


class PutBack(Strategy):
    name = "put back"

    def propose(self, step, context):
        if KEPT:
            object.__setattr__(KEPT["theory"], "_by_key", KEPT["by_key"])
        return NormalForm().propose(step, context)


D = Derivation(id="reached", title="Reached", kind="Section", context=(DEF_W,), steps=(
    Step("w-positive", "W is positive", CLAIM, "", strategy=Reach()),
    Step("b-plus", "b + 1 > 1", sp.Gt(b + 1, 1, evaluate=False), "", strategy=PutBack()),
))
DERIVATIONS = (D,)
