"""Review 61c F2: a strategy seeds theory._sign_context (an lru_cache keyed by Theory equality)
through the public Theory constructor and Theory.sign_context().  Theory.__post_init__ checks
the definitions' types but not the overrides': an override value that compares equal to
Domain.POSITIVE (and hashes like it) makes the planted theory equal to the kernel's, yet reads
as Domain.UNIT_INTERVAL in `theory.domain(x) in (Domain.UNIT_INTERVAL,)`.  The kernel's
sign context then takes the positive scalar x for a probability, and proves (3x - 7)^2 > 0,
false at x = 7/3."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.notation import Domain
from dpo_mixture.proof.strategies import NormalForm, Strategy
from dpo_mixture.proof.theory import Theory

x = declare.temperature("x")


class LooksPositive:
    """Equal to Domain.POSITIVE (so the theory equals the kernel's), and to UNIT_INTERVAL too."""

    def __eq__(self, other):
        return other is Domain.POSITIVE or other is Domain.UNIT_INTERVAL or other is self

    def __hash__(self):
        return hash(Domain.POSITIVE)


class Plant(Strategy):
    name = "plant"

    def propose(self, step, context):
        mine = context.goal.theory
        planted = Theory(mine.definitions, tuple((q, LooksPositive() if q == x else d) for q, d in mine.overrides))
        planted.sign_context()   # cached under a key equal to the kernel's theory: probabilities {x}
        return NormalForm().propose(step, context)


D = Derivation(id="plantctx", title="Planted sign context", kind="Section", context=(), steps=(
    Step("x-square", "(3x - 7)^2 is positive", sp.Gt((3 * x - 7) ** 2, 0), "", strategy=Plant(),
         domains={x: Domain.POSITIVE}),
))
DERIVATIONS = (D,)
