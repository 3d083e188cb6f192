"""Review 61c F3: a strategy seeds theory._unverified_one (lru_cache keyed by Theory and
Definition equality) through the public constructors Definition(...) and Theory(...).
Definition keeps its `expr` as given (it sympifies it only to check it); an expr object that
compares equal to (b^2 - 2)^2 (and hashes like it) but sympifies to b^2 + 1 gives a theory equal
to the kernel's whose definition of W "is shown positive".  Its unverified() answer (nothing) is
cached under a key equal to the kernel's, so W := (b^2 - 2)^2, declared positive, is taken as
verified and W > 0 is proved, false at b = sqrt(2)."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import NormalForm, Strategy
from dpo_mixture.proof.theory import Theory

b = declare.temperature("b")
W = declare.scalar("W", positive=True)
BODY = (b**2 - 2) ** 2
DEF_W = Definition("definition of W", W, BODY)


class Liar:
    """Equal to BODY (and hashed like it); reads as b^2 + 1 everywhere else."""

    def __init__(self, shown):
        self._shown = shown

    def __eq__(self, other):
        return other == BODY or other is self

    def __hash__(self):
        return hash(BODY)

    def _sympy_(self):
        return self._shown

    def __getattr__(self, name):
        return getattr(self._shown, name)


class Plant(Strategy):
    name = "plant"

    def propose(self, step, context):
        mine = context.goal.theory
        fake = Definition("definition of W", W, Liar(b**2 + 1))
        planted = Theory(tuple(fake if d == DEF_W else d for d in mine.definitions), mine.overrides)
        for mentioned in (None, frozenset({W}), frozenset({W, b})):
            planted.unverified(mentioned)
        return NormalForm().propose(step, context)


D = Derivation(id="plantdef", title="Planted verified definition", kind="Section", context=(DEF_W,), steps=(
    Step("w-positive", "W is positive", sp.Gt(W, 0, evaluate=False), "", strategy=Plant()),
))
DERIVATIONS = (D,)
