"""The names a claim may use, and what each one means in SymPy.

A claim speaks of one instance of the model: a support of ``n`` outputs, a mixture
``p_ref = alpha p_A + (1 - alpha) p_U`` and a reward ``r``.  Vectors over the support are
written as expressions in the output ``y`` (so ``r`` means ``r[y]``); sums, expectations and
extrema bind their own index ``k`` and are closed.

Every derived quantity (``Z``, ``p_theta``, ``alpha_A``, ``alpha_U``, ``TPM_A``, ``TPM_U``,
``p_ref``) comes with a :class:`~dpo_mixture.proof.Definition`; the prover may unfold them and
the counterexample search always does, so an instance is a genuine instance of the model.

>>> sorted(SCALARS)
['TPM_A', 'TPM_U', 'Z', 'alpha', 'beta', 'n']
>>> DEF_TPM_A_CLAIM.expr
Sum(alpha_A[k]*p_A[k], (k, 1, n))
"""

from __future__ import annotations

import keyword

import sympy as sp

from ..derivations.facts import (
    DEF_ALPHA_A,
    DEF_ALPHA_U,
    DEF_M_A,
    DEF_M_U,
    DEF_MIXTURE,
    DEF_P_THETA,
    DEF_Z,
    MIXTURE_SUPPORT,
    NORM_A,
    NORM_U,
)
from ..notation import (
    TPM_A,
    TPM_U,
    Z,
    alpha,
    alpha_A,
    alpha_U,
    beta,
    k,
    n,
    p_A,
    p_ref,
    p_theta,
    p_U,
    r,
    support_sum,
)
from ..proof import Definition

__all__ = [
    "SCALARS",
    "VECTORS",
    "FUNCTIONS",
    "DEFINITIONS",
    "IDENTITIES",
    "FACTS",
    "SUPPORT",
    "DEF_TPM_A_CLAIM",
    "DEF_TPM_U_CLAIM",
    "describe",
    "Vocabulary",
    "KINDS",
    "vocabulary",
]

#: Scalar names and their symbols.
SCALARS: dict[str, sp.Symbol] = {
    "alpha": alpha,
    "beta": beta,
    "n": n,
    "Z": Z,
    "TPM_A": TPM_A,
    "TPM_U": TPM_U,
}

#: Names of functions over the support and their bases (the name stands for ``base[y]``).
VECTORS: dict[str, sp.IndexedBase] = {
    "r": r,
    "p_A": p_A,
    "p_U": p_U,
    "p_ref": p_ref,
    "p_theta": p_theta,
    "alpha_A": alpha_A,
    "alpha_U": alpha_U,
}

#: Function names and the numbers of arguments they accept (``None``: one or more).
FUNCTIONS: dict[str, tuple[int, ...] | None] = {
    "exp": (1,),
    "log": (1,),
    "E": (2,),
    "E_unif": (1,),
    "Cov_unif": (2,),
    "sum": (1,),
    "max": None,
    "min": None,
    "KL": (2,),
    "Var": (2,),
    "sigmoid": (1,),
    "logsigmoid": (1,),
    "diff": (2,),
    "limit": (3,),
}

# The seed's total masses, summed over the bound index ``k`` so that they never capture the
# output ``y`` of a relation between vectors.
DEF_TPM_A_CLAIM = Definition("definition of TPM(A)", TPM_A, support_sum(alpha_A[k] * p_A[k], k))
DEF_TPM_U_CLAIM = Definition("definition of TPM(U)", TPM_U, support_sum(alpha_U[k] * p_U[k], k))

#: Every definition of the model a claim lives in.
DEFINITIONS: tuple[Definition, ...] = (
    DEF_P_THETA,
    DEF_ALPHA_A,
    DEF_ALPHA_U,
    DEF_TPM_A_CLAIM,
    DEF_TPM_U_CLAIM,
    DEF_Z,
    DEF_MIXTURE,
    DEF_M_A,
    DEF_M_U,
)

#: The normalizations of the two components (``p_ref`` is unfolded into them).
IDENTITIES = (NORM_A, NORM_U)

FACTS = DEFINITIONS + IDENTITIES

#: The support: outputs where ``p_ref = alpha p_A + (1 - alpha) p_U`` is positive.
SUPPORT = MIXTURE_SUPPORT

_SCALAR_HELP = {
    "alpha": "mixture weight of the aligned component, 0 < alpha < 1",
    "beta": "KL temperature, beta > 0",
    "n": "size of the support (n >= 1)",
    "Z": "partition function sum_y p_ref(y) exp(r(y)/beta)",
    "TPM_A": "total mass of the aligned component, sum_y alpha_A(y) p_A(y)",
    "TPM_U": "total mass of the unaligned component, sum_y alpha_U(y) p_U(y)",
}
_VECTOR_HELP = {
    "r": "reward, any finite real vector",
    "p_A": "aligned component, a distribution (zeros allowed)",
    "p_U": "unaligned component, a distribution (zeros allowed)",
    "p_ref": "reference model alpha p_A + (1 - alpha) p_U; the support is where p_ref > 0",
    "p_theta": "tuned model p_ref exp(r/beta) / Z",
    "alpha_A": "weight alpha exp(r/beta) / Z",
    "alpha_U": "weight (1 - alpha) exp(r/beta) / Z",
}
_FUNCTION_HELP = {
    "exp(f), log(f)": "elementwise on vectors",
    "E(p, f)": "expectation of the vector f under the distribution p: sum_y p(y) f(y)",
    "E_unif(f)": "mean of f under the uniform distribution on the support",
    "Cov_unif(f, g)": "covariance of f and g under the uniform distribution on the support",
    "sum(f)": "sum of f over the support",
    "max(f), min(f)": "extremum of f over the support (with several arguments: elementwise)",
    "KL(p, q)": "sum_y p(y) log(p(y)/q(y))",
    "Var(p, f)": "variance of f under p: sum_y p(y) (f(y) - E(p, f))^2",
    "sigmoid(x), logsigmoid(x)": "1/(1 + exp(-x)) and its logarithm",
    "diff(f, s)": "the derivative of f in the scalar s (beta, alpha, or a --let scalar)",
    "limit(f, s, point)": "the limit of f as the scalar s tends to point (a number, or oo); from above at 0",
}

#: What ``--let NAME:KIND`` may declare, and what each kind means.
KINDS: dict[str, str] = {
    "distribution": "a distribution over the support, positive at every output",
    "sparse": "a distribution over the support, zeros allowed",
    "reward": "a real function over the support",
    "positive-vector": "a positive function over the support",
    "temperature": "a positive scalar",
    "probability": "a scalar in (0, 1)",
    "scalar": "a real scalar",
    "integer": "an integer scalar",
}


class Vocabulary:
    """The names a claim may use: the model's, plus the user's ``--let`` declarations.

    >>> v = vocabulary({"pi": "distribution", "b": "temperature"})
    >>> v.vectors["pi"].is_positive, v.scalars["b"].is_positive, "alpha" in v.scalars
    (True, True, True)
    """

    def __init__(self, let: dict[str, str] | None = None):
        from .. import declare

        self.scalars: dict[str, sp.Basic] = dict(SCALARS)
        self.vectors: dict[str, sp.IndexedBase] = dict(VECTORS)
        self.functions = dict(FUNCTIONS)
        self.let = dict(let or {})
        makers = {
            "distribution": lambda nm: declare.distribution(nm),
            "sparse": lambda nm: declare.distribution(nm, zeros=True),
            "reward": lambda nm: declare.reward(nm),
            "positive-vector": lambda nm: declare.vector(nm, positive=True),
            "temperature": lambda nm: declare.temperature(nm),
            "probability": lambda nm: declare.probability(nm),
            "scalar": lambda nm: declare.scalar(nm),
            "integer": lambda nm: declare.scalar(nm, integer=True),
        }
        for name, kind in self.let.items():
            if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"--let: {name!r} is not a name (letters, digits and '_')")
            if keyword.iskeyword(name):
                raise ValueError(f"--let: {name!r} is a reserved word of the claim language (Python's); choose another name")
            if name in self.scalars or name in self.vectors or name in self.functions or name == "oo":
                raise ValueError(f"--let: {name!r} is already a name of the vocabulary")
            if name in OUTPUT_NAMES:
                raise ValueError(f"--let: {name!r} names {OUTPUT_NAMES[name]}; choose another name")
            if kind not in makers:
                raise ValueError(f"--let {name}: unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
            obj = makers[kind](name)
            if isinstance(obj, sp.IndexedBase):
                self.vectors[name] = obj
            else:
                self.scalars[name] = obj


#: Names the claim language keeps for outputs of the support (a scalar of the same name would
#: be confused with them in a counterexample).
OUTPUT_NAMES = {"y": "the output y", "k": "the summation index k"}


def vocabulary(let: dict[str, str] | None = None) -> Vocabulary:
    """The vocabulary with the user's declarations (``{name: kind}``, kinds as in :data:`KINDS`)."""
    return Vocabulary(let)


def describe() -> str:
    """The vocabulary as plain text, for ``--help`` and the documents."""

    def block(title: str, items: dict[str, str]) -> list[str]:
        width = max(len(name) for name in items)
        return [title] + [f"  {name.ljust(width)}  {text}" for name, text in items.items()]

    lines = block("Scalars:", _SCALAR_HELP)
    lines += block("Vectors over the support (y ranges over it):", _VECTOR_HELP)
    lines += block("Functions:", _FUNCTION_HELP)
    lines += block("Your own names, with --let NAME:KIND:", KINDS)
    lines += [
        "Arithmetic: + - * / ** and numbers (decimals are read exactly: 0.1 = 1/10).",
        "Relations: < <= > >= == ; between vectors they mean 'for every y in the support'.",
        "Several relations are joined with 'and'; chains such as 0 < TPM_U <= 1 are allowed.",
    ]
    return "\n".join(lines)
