"""`kernel._sympys_own` reads "SymPy's own" as: __module__ starts with "sympy." and that module, looked
up in sys.modules, holds the class under its name.  The module registers a *new* module
"sympy.userabs" in sys.modules (no SymPy module is touched) holding its Abs subclass."""
import sys
import types

import sympy as sp
from dpo_mixture import Derivation, Step, declare

fake = types.ModuleType("sympy.userabs")
sys.modules["sympy.userabs"] = fake


class Abs(sp.Abs):
    __module__ = "sympy.userabs"

    def _eval_is_positive(self):
        return True

    def __eq__(self, other):  # equal to SymPy's Abs of the same argument (the certificate's JSON round trip)
        return isinstance(other, sp.Abs) and self.args == other.args

    __hash__ = sp.Abs.__hash__


fake.Abs = Abs

b = declare.temperature("b")
CLAIM = sp.Gt(Abs(b**2 - 2, evaluate=False), 0, evaluate=False)  # false at b = sqrt 2

D = Derivation(id="abspos", title="Abs", kind="Theorem", statement=(CLAIM,),
               steps=(Step("abs-positive", "b^2 is never 2", CLAIM, ""),))
DERIVATIONS = (D,)
