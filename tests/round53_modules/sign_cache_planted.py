"""The module poisons an Abs node's assumptions only for a moment: it asks the package's `sign` about it
in the sign context the kernel will use (the lru_cache `_sign` stores "pos" under a key equal to every
Abs(b**2 - 2)), then restores the node.  At check time every object is clean; the cache still answers."""
import sympy as sp
from dpo_mixture import Derivation, Step, declare
from dpo_mixture.proof.sign import sign, sign_context
from dpo_mixture.proof.theory import Theory

b = declare.temperature("b")
x = sp.Abs(b**2 - 2, evaluate=False)
clean = x._assumptions
x._assumptions = x.default_assumptions.copy()
x._assumptions.update(positive=True, nonnegative=True, nonzero=True, zero=False, negative=False,
                      nonpositive=False, real=True, extended_positive=True, extended_nonnegative=True,
                      extended_real=True, extended_nonzero=True, extended_negative=False,
                      extended_nonpositive=False, finite=True, infinite=False, complex=True)
with sign_context(Theory.of((), {}).sign_context()):
    sign(x)
x._assumptions = clean                      # the object is as SymPy made it again

CLAIM = sp.Gt(sp.Abs(b**2 - 2), 0, evaluate=False)  # false at b = sqrt 2
DERIVATIONS = (Derivation(id="abspos", title="Abs", kind="Theorem", statement=(CLAIM,),
                          steps=(Step("abs-positive", "b^2 is never 2", CLAIM, ""),)),)
