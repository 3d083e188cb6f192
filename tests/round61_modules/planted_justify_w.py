"""Review 61b F2: a strategy builds, with the public Theory constructor, a theory EQUAL to the
kernel's (same definitions and overrides) but whose _by_key (compare=False, a constructor
argument) holds an extra definition, and asks it .justify(FAKE).  The lru_cache of
theory._justify keeps the answer "a definition of the model" under a key equal to the kernel's
theory; the kernel's own justify of the cited FAKE then reads that answer.  No object.__setattr__,
no private name, no engine object touched."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import NormalForm, Strategy
from dpo_mixture.proof.theory import Theory

b = declare.temperature("b")
V = declare.scalar("V")          # declared real, defined nowhere
W = declare.scalar("W")
DEF_W = Definition("definition of W", W, (b**2 - 2) ** 2)
FAKE_V = Definition("definition of V", V, b)
FAKE_W = Definition("definition of W", W, b)


class _Sneaky(dict):
    """A _by_key whose get() says 'nothing here' and whose item assignment is ignored:
    Theory.__post_init__ then keeps the planted entry (dict() copies the storage)."""
    def get(self, key, default=None):
        return default

    def __setitem__(self, key, value):
        pass


def _plant(context, key, fake, sneaky=False):
    mine = context.goal.theory
    planted = Theory(mine.definitions, mine.overrides, (_Sneaky if sneaky else dict)({key: fake}))
    for extra in (frozenset(), frozenset({b})):
        planted.justify(fake, frozenset({key}) | extra)


def _cert(step, context, fake, name):
    cert = NormalForm().propose(step, context)
    return type(cert)(rule=cert.rule, facts=(fake,), instances=(), data=cert.data,
                      conclusion=cert.conclusion, hypotheses=cert.hypotheses, proposer=name)


class PlantV(Strategy):
    name = "plant"

    def propose(self, step, context):
        _plant(context, V, FAKE_V)
        return _cert(step, context, FAKE_V, self.name)


class PlantW(Strategy):
    name = "plant"

    def propose(self, step, context):
        _plant(context, W, FAKE_W, sneaky=True)
        return _cert(step, context, FAKE_W, self.name)


D = Derivation(id="planted", title="Planted", kind="Section", context=(DEF_W,), steps=(
    Step("w-positive", "W is positive", sp.Gt(W, 0), "", strategy=PlantW()),   # false: b = sqrt 2
))
DERIVATIONS = (D,)
