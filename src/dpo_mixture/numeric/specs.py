"""Which model expression each numeric function evaluates, and what its arguments are.

A :class:`Spec` ties a public function name to the expressions of :mod:`dpo_mixture.model`
it is generated from.  The expressions are built when asked for, so a change to the model
changes the generated code.

>>> SPECS["log_partition"].expressions()
(log(Z),)
>>> [p for p, _ in SPECS["tpm"].params]
['p_A', 'p_U', 'alpha', 'r', 'beta']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sympy as sp

from .. import model
from ..notation import Z, beta, k

__all__ = ["Spec", "SPECS", "ARRAY_KINDS", "SCALAR_KINDS"]

#: Kinds of array arguments (last axis = support unless the spec says otherwise).
ARRAY_KINDS = {
    "dist": "probabilities over the support: finite, >= 0, each row sums to 1",
    "logdist": "log-probabilities over the support: no NaN or +inf (-inf is outside the support), "
    "rows log-sum-exp to 0 where the result depends on it",
    "reward": "rewards: finite, and finite divided by beta",
    "logp": "log-probabilities: finite",
    "logp_ext": "log-probabilities: finite or -inf",
    "array": "an array over the support (not checked)",
}
#: Kinds of per-row scalars: a number, or one value per batch row (shape (B,) or (B, 1)).
SCALAR_KINDS = {
    "unit": "in [0, 1]",
    "scale": "finite and > 0",
    "scalar": "a real number (not checked)",
}


@dataclass(frozen=True)
class Spec:
    """One numeric function: its parameters, outputs and the model expressions behind it."""

    name: str
    params: tuple[tuple[str, str], ...]
    outputs: tuple[str, ...]
    build: Callable[[], tuple[sp.Expr, ...]]
    summary: str
    per_row: bool = False  # outputs reduce the support axis away
    support_axis: bool = True  # the last axis is the support (else the function is elementwise)
    log_inputs: dict[str, str] = field(default_factory=dict)
    log_ratios: tuple[str, ...] = ()  # log-probability arguments whose differences are log-ratios
    #: Proved lower bounds of outputs (``{"kl": 0}``: Gibbs' inequality); rounding cannot cross them.
    lower_bounds: dict[str, int] = field(default_factory=dict)

    def expressions(self) -> tuple[sp.Expr, ...]:
        """The model expressions, as the proofs see them (named quantities not unfolded)."""
        return tuple(self.build())

    @property
    def arrays(self) -> tuple[str, ...]:
        return tuple(name for name, kind in self.params if kind in ARRAY_KINDS)

    @property
    def scalars(self) -> tuple[str, ...]:
        return tuple(name for name, kind in self.params if kind in SCALAR_KINDS)


def _mixture_z(expr: sp.Expr) -> sp.Expr:
    return expr.subs(Z, model.partition_function(model.mixture_reference(k)))


_P, _LP, _R = ("p_ref", "dist"), ("log_p_ref", "logdist"), ("r", "reward")
_PA, _PU = ("p_A", "dist"), ("p_U", "dist")
_ALPHA, _BETA = ("alpha", "unit"), ("beta", "scale")
_DPO_ARGS = ("policy_chosen_logps", "policy_rejected_logps", "ref_chosen_logps", "ref_rejected_logps")

SPECS: dict[str, Spec] = {
    spec.name: spec
    for spec in (
        Spec(
            "policy", (_P, _R, _BETA), ("p_theta",), lambda: (model.closed_form(),),
            "The maximizer p* of the KL-regularized reward (the tuned model), per row.",
        ),
        Spec(
            "log_policy", (_LP, _R, _BETA), ("log_p_theta",), lambda: (sp.log(model.closed_form()),),
            "The log of the maximizer, from log p_ref (which may hold -inf outside the support).",
            log_inputs={"p_ref": "log_p_ref"},
        ),
        Spec(
            "log_partition", (_LP, _R, _BETA), ("log_Z",), lambda: (sp.log(Z),),
            "The log of the partition function Z, per row.",
            per_row=True, log_inputs={"p_ref": "log_p_ref"},
        ),
        Spec(
            "mixture_weights", (_PA, _PU, _ALPHA, _R, _BETA), ("alpha_A", "alpha_U"),
            lambda: (_mixture_z(model.weight_A()), _mixture_z(model.weight_U())),
            "Lemma 1's output-dependent weights alpha_A and alpha_U of the two components.",
        ),
        Spec(
            "tpm", (_PA, _PU, _ALPHA, _R, _BETA), ("tpm_A", "tpm_U"),
            lambda: (model.tpm_A(), model.tpm_U()),
            "Total probability masses TPM(A) and TPM(U) of the two components, per row.",
            per_row=True,
        ),
        Spec(
            "kl_to_ref", (_P, _R, _BETA), ("kl",), lambda: (model.kl_to_reference(model.closed_form()),),
            "The divergence KL(p_theta || p_ref) of the tuned model from the reference, per row.",
            per_row=True, lower_bounds={"kl": 0},  # Gibbs' inequality (MATH.md, section 1.3)
        ),
        Spec(
            "residual_mass_bound", (_ALPHA, _R, _BETA), ("bound",), lambda: (model.residual_bound(),),
            "The residual-mass floor under TPM(U), per row.",
            per_row=True,
        ),
        Spec(
            "tpm_sensitivity", (_PA, _PU, _ALPHA, _R, _BETA), ("dtpm_A_dt",),
            lambda: (model.tpm_sensitivity(1 / beta),),
            "The derivative of TPM(A) with respect to t = 1/beta, per row.",
            per_row=True,
        ),
        Spec(
            "implicit_reward", (("log_p_theta", "logp_ext"), ("log_p_ref", "logp_ext"), _BETA), ("reward",),
            lambda: (model.implicit_reward(sp.Symbol("log_p_theta"), sp.Symbol("log_p_ref")),),
            "DPO's implicit reward (the reward up to the constant beta log Z).",
            support_axis=False, log_ratios=("log_p_theta", "log_p_ref"),
        ),
        Spec(
            "dpo_loss", tuple((name, "logp") for name in _DPO_ARGS) + (_BETA,), ("loss",),
            lambda: (model.dpo_loss(*(sp.Symbol(name) for name in _DPO_ARGS)),),
            "The DPO loss of each chosen/rejected pair.",
            support_axis=False,
        ),
    )
}
