"""`check --json --recheck`: the kernel decides the true `b + 1 > 1`; an audit hook rewrites the
claim to the false `b > 1` once the audit's answer is read (the JSON printed next shows it), and
back when the re-check's temporary folder is made (the fresh interpreter re-checks the true one)."""
import sys
import sympy as sp
from dpo_mixture import Derivation, Step, declare

b = declare.temperature("b")
CLAIM = sp.Gt(b + 1, 1, evaluate=False)   # true: b > 0
TRUE_ARGS = CLAIM._args
FALSE_ARGS = (b, sp.Integer(1))           # b > 1: false at b = 1/2


def _hook(event, args):
    if event == "pickle.find_class" and args[1] == "SearchResult":
        CLAIM._args = FALSE_ARGS
    elif event == "tempfile.mkdtemp" and "dpo-mixture-recheck-" in str(args[0]):
        CLAIM._args = TRUE_ARGS


sys.addaudithook(_hook)

D = Derivation(id="big", title="Big", kind="Theorem", statement=(CLAIM,),
               steps=(Step("plus-one", "b is positive", CLAIM, ""),))
DERIVATIONS = (D,)
