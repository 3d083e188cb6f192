"""A strategy walks up the interpreter's frames (sys._getframe, no monkeypatching, no setattr) to the
engine's `_outcome`, whose `lemmas` is the plain dict the kernel is then handed, and adds a lemma of
its own making ("b > 1", PROVED); its certificate cites that lemma."""
import sys

import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.certificate import Instance, ProofCertificate
from dpo_mixture.proof.kernel import Lemma
from dpo_mixture.proof.strategies import Strategy
from dpo_mixture.proof.verdict import Verdict

b = declare.temperature("b")
CLAIM = sp.Gt((b**2 - 2)**2, 0, evaluate=False)  # false at b = sqrt 2 (the audit draws rationals)


class Forge(Strategy):
    name = "forge"

    def propose(self, step, context):
        f = sys._getframe(1)
        while f is not None and "lemmas" not in f.f_locals or not isinstance(f.f_locals.get("lemmas"), dict):
            f = f.f_back
        f.f_locals["lemmas"]["forged"] = Lemma("forged", CLAIM, (), context.goal.theory, Verdict.PROVED)
        return ProofCertificate("combination", instances=(Instance("forged", ()),),
                                data=(("multipliers", (sp.Integer(1),)),),
                                conclusion=context.goal.claim, hypotheses=tuple(context.goal.hypotheses))


D = Derivation(id="big", title="Big", kind="Theorem", statement=(CLAIM,),
               steps=(Step("big", "b above one", CLAIM, "", strategy=Forge()),))
DERIVATIONS = (D,)
