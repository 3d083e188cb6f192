"""A SymPy Abs node (SymPy's own class) whose per-instance assumption cache the module writes:
the kernel's sign rules read `is_positive` from that instance."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare

b = declare.temperature("b")
a = sp.Abs(b**2 - 2, evaluate=False)
a._assumptions = a.default_assumptions.copy()
for k, v in dict(positive=True, nonnegative=True, nonzero=True, zero=False, negative=False,
                 nonpositive=False, real=True, extended_positive=True, extended_nonnegative=True,
                 extended_real=True, extended_nonzero=True, extended_negative=False,
                 extended_nonpositive=False, finite=True, infinite=False, complex=True).items():
    a._assumptions[k] = v
CLAIM = sp.Gt(a, 0, evaluate=False)  # false at b = sqrt 2

D = Derivation(id="abspos", title="Abs", kind="Theorem", statement=(CLAIM,),
               steps=(Step("abs-positive", "b^2 is never 2", CLAIM, ""),))
DERIVATIONS = (D,)
