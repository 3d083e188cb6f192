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
    "n": "size of the support (n >= 2)",
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
}


def describe() -> str:
    """The vocabulary as plain text, for ``--help`` and the documents."""

    def block(title: str, items: dict[str, str]) -> list[str]:
        width = max(len(name) for name in items)
        return [title] + [f"  {name.ljust(width)}  {text}" for name, text in items.items()]

    lines = block("Scalars:", _SCALAR_HELP)
    lines += block("Vectors over the support (y ranges over it):", _VECTOR_HELP)
    lines += block("Functions:", _FUNCTION_HELP)
    lines += [
        "Arithmetic: + - * / ** and numbers (decimals are read exactly: 0.1 = 1/10).",
        "Relations: < <= > >= == ; between vectors they mean 'for every y in the support'.",
        "Several relations are joined with 'and'; chains such as 0 < TPM_U <= 1 are allowed.",
    ]
    return "\n".join(lines)
