"""Review 61c F1: kernel.override_drops (public, @functools.cache) hands every caller the same
list; the module empties it once, at import.  The kernel then accepts a step's override of a
positive scalar x to the real line, while the sign rules still read x > 0: `x > 0` comes out
"assumed: for this step x is taken in the domain 'real'", which is false (x = -1)."""
import sympy as sp
from dpo_mixture import Derivation, Step, Verdict, declare
from dpo_mixture.notation import Domain
from dpo_mixture.proof.kernel import override_drops

x = declare.scalar("x", positive=True)
override_drops(x, Domain.REAL).clear()          # a public call; the cached list is now empty for everyone

D = Derivation(id="od", title="Override", kind="Section", context=(), steps=(
    Step("x-pos", "x is positive on the real line", sp.Gt(x, 0, evaluate=False), "",
         domains={x: Domain.REAL}, expected=Verdict.ASSUMED),
))
DERIVATIONS = (D,)
