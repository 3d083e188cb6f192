"""Review 61a F1, against a Theory.of that kept the theories it made: Derivation.__post_init__ calls
Theory.of(context) with the module's own Definition objects, so the theory the kernel got back for
the engine's private copy of the context (an equal key) was that first theory, holding the MODULE's Definition.
A strategy that rewrites the module's definition in place (object.__setattr__) then changes what
the kernel checks against; a later step's strategy puts it back."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import NormalForm, Strategy

b = declare.temperature("b")
W = declare.scalar("W")
DEF_W = Definition("definition of W", W, (b**2 - 2) ** 2)
WRITTEN = DEF_W.expr
CLAIM = sp.Gt(W, 0)  # false: at b = sqrt 2, W = 0


class Rewrite(Strategy):
    name = "rewrite"

    def propose(self, step, context):
        object.__setattr__(DEF_W, "expr", b)  # the module's own object: W := b, positive
        cert = NormalForm().propose(step, context)
        return type(cert)(rule=cert.rule, facts=(Definition("definition of W", W, b),), instances=(), data=cert.data,
                          conclusion=cert.conclusion, hypotheses=cert.hypotheses, proposer=self.name)


class PutBack(Strategy):
    name = "put back"

    def propose(self, step, context):
        object.__setattr__(DEF_W, "expr", WRITTEN)
        return NormalForm().propose(step, context)


D = Derivation(id="shared", title="Shared", kind="Section", context=(DEF_W,), steps=(
    Step("w-positive", "W is positive", CLAIM, "", strategy=Rewrite()),
    Step("b-plus", "b + 1 > 1", sp.Gt(b + 1, 1, evaluate=False), "", strategy=PutBack()),
))
DERIVATIONS = (D,)
