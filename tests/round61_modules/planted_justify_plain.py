"""Review 61b F1, plain variant: no dict subclass.  V is declared real and defined nowhere; the
strategy builds Theory(<the model's definitions>, <overrides>, {V: V := b + 3}), equal to the
kernel's theory, and asks it to justify V := b + 3 ("a definition of the model").  The kernel
then took the cited V := b + 3 as free and proved (3 V - 7)^2 > 0, false at V = 7/3.  The second
step's strategy hands the planted theory to the kernel's cache of opened theories instead
(kernel.opened_theory), which gave the kernel that very object for its equal theory:
(3 V - 5)^2 > 0, false at V = 5/3."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.facts import Definition
from dpo_mixture.proof.strategies import NormalForm, Strategy
from dpo_mixture.proof.theory import Theory

b = declare.temperature("b")
V = declare.scalar("V")
W = declare.scalar("W")
DEF_W = Definition("definition of W", W, (b**2 - 2) ** 2)
FAKE_V = Definition("definition of V", V, b + 3)


class PlantV(Strategy):
    name = "plant"

    def propose(self, step, context):
        mine = context.goal.theory
        planted = Theory(mine.definitions, mine.overrides, {V: FAKE_V})
        for mentioned in (frozenset({V}), frozenset({V, b})):
            planted.justify(FAKE_V, mentioned)
        cert = NormalForm().propose(step, context)
        return type(cert)(rule=cert.rule, facts=(FAKE_V,), instances=(), data=cert.data,
                          conclusion=cert.conclusion, hypotheses=cert.hypotheses, proposer=self.name)


class OpenedV(PlantV):
    def propose(self, step, context):
        from dpo_mixture.proof.kernel import opened_theory

        mine = context.goal.theory
        opened_theory(Theory(mine.definitions, mine.overrides, {V: FAKE_V}))
        cert = NormalForm().propose(step, context)
        return type(cert)(rule=cert.rule, facts=(FAKE_V,), instances=(), data=cert.data,
                          conclusion=cert.conclusion, hypotheses=cert.hypotheses, proposer=self.name)


D = Derivation(id="plainplant", title="Plain plant", kind="Section", context=(DEF_W,), steps=(
    Step("v-square", "(3V - 7)^2 is positive", sp.Gt((3 * V - 7) ** 2, 0), "", strategy=PlantV()),
    Step("v-square-opened", "(3V - 5)^2 is positive", sp.Gt((3 * V - 5) ** 2, 0), "", strategy=OpenedV()),
))
DERIVATIONS = (D,)
