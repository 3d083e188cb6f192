"""Definitions and identities shared by the derivations of this document."""

from __future__ import annotations

import sympy as sp

from dpo_mixture import model
from dpo_mixture.notation import (
    M_A, M_U, TPM_A, TPM_U, Z, alpha_A, alpha_U, p, p_A, p_ref, p_star, p_theta, p_U, q, support_sum, y,
)
from dpo_mixture.proof import Definition, Identity

NORM_P = Identity("normalization of p", support_sum(p[y]), 1)
NORM_Q = Identity("normalization of q", support_sum(q[y]), 1)
NORM_REF = Identity("normalization of p_ref", support_sum(p_ref[y]), 1)
NORM_A = Identity("normalization of p_A", support_sum(p_A[y]), 1)
NORM_U = Identity("normalization of p_U", support_sum(p_U[y]), 1)

DEF_Z = Definition("definition of Z", Z, model.partition_function())
DEF_P_STAR = Definition("definition of p*", p_star[y], model.closed_form())
DEF_P_THETA = Definition("p_theta = p*", p_theta[y], model.closed_form())
DEF_MIXTURE = Definition("mixture p_ref = alpha p_A + (1 - alpha) p_U", p_ref[y], model.mixture_reference())
DEF_ALPHA_A = Definition("definition of alpha_A", alpha_A[y], model.weight_A())
DEF_ALPHA_U = Definition("definition of alpha_U", alpha_U[y], model.weight_U())
DEF_M_A = Definition("definition of M_A", M_A, model.component_moment(p_A))
DEF_M_U = Definition("definition of M_U", M_U, model.component_moment(p_U))
DEF_TPM_A = Definition("definition of TPM(A)", TPM_A, support_sum(alpha_A[y] * p_A[y]))
DEF_TPM_U = Definition("definition of TPM(U)", TPM_U, support_sum(alpha_U[y] * p_U[y]))

#: The support is where p_ref > 0; with the mixture unfolded, where alpha p_A + (1 - alpha) p_U > 0.
MIXTURE_SUPPORT = model.mixture_reference()

__all__ = [name for name in dir() if name.isupper()]
del sp

# --- appended for the total-mass, corrected-theorem and extension derivations ---------------
import sympy as sp  # noqa: E402

#: The moments and the partition function written back as their names (fold, not unfold):
#: lets a step keep M_A, M_U, Z as the positive quantities they are.
FOLD_M_A = Identity("M_A is the tilted moment of p_A", model.component_moment(p_A), M_A)
FOLD_M_U = Identity("M_U is the tilted moment of p_U", model.component_moment(p_U), M_U)
FOLD_Z = Identity("Z is the tilted mass of p_ref", model.partition_function(), Z)
#: Closed forms of the total masses, proved in the derivation ``tpm``.
TPM_A_RATIO = Definition("TPM(A) = alpha M_A / Z, Z split over the components", TPM_A, model.tpm_A())
TPM_U_RATIO = Definition("TPM(U) = (1 - alpha) M_U / Z, Z split over the components", TPM_U, model.tpm_U())

__all__ = [name for name in dir() if name.isupper()]
del sp
