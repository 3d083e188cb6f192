"""The public numeric functions: dispatch, checks, then the compiled generated code.

Every function here is a thin wrapper.  It picks the backend from the argument types
(:mod:`.backend`), checks the arguments unless ``validate=False`` (:mod:`.validate`), and
calls the function that :mod:`.codegen` generated from :mod:`dpo_mixture.model` for that
backend.  Leading axes are the batch and the last axis is the support; ``alpha`` and ``beta``
are scalars or one value per batch row, of shape ``(B,)`` or ``(B, 1)``; any other shape is a
``ValueError`` naming the argument, with or without the checks.
"""

from __future__ import annotations

import math

from .backend import backend_of
from .codegen import compiled
from .specs import ARRAY_KINDS, SPECS
from .validate import block_check, check_arguments, check_scalars

__all__ = [
    "policy",
    "log_policy",
    "log_partition",
    "mixture_weights",
    "tpm",
    "kl_to_ref",
    "residual_mass_bound",
    "tpm_sensitivity",
    "implicit_reward",
    "dpo_loss",
]


def call(spec, function, validate: bool, values: dict):
    """Check ``values`` against ``spec`` (unless ``validate`` is false) and call ``function``.

    On NumPy the checks of the arrays run block by block inside the computation, on rows it is
    about to read; a failed block stops it, and the full check then says what is wrong.
    """
    params = [p for p, _ in spec.params]
    args = [values[p] for p in params]
    if not validate:
        return function(*args)
    backend = backend_of(args)
    runtime = function.__globals__
    kinds = "".join("a" if kind in ARRAY_KINDS else "s" for _, kind in spec.params)
    prepared_values, shape = runtime["_prepare"](params, args, kinds, spec.support_axis)
    prepared = dict(zip(params, prepared_values))
    if math.prod(shape) == 0 and not (spec.support_axis and shape and shape[-1] == 0):
        check_scalars(spec, prepared, backend)  # an empty batch (no row at all): an empty result
        return function(*args)
    if backend.name != "numpy":
        check_arguments(spec, prepared, backend)
        return function(*args)
    check_scalars(spec, prepared, backend)
    block = runtime["_" + spec.name]
    result = runtime["_rows"](block, tuple(params), args, kinds, spec.support_axis, spec.per_row, block_check(spec, backend),
                                 len(spec.outputs))
    if result is None:
        check_arguments(spec, prepared, backend)  # raises, naming the argument
        raise ValueError(f"{spec.name}: invalid arguments")  # pragma: no cover - the checks agree
    return result


def _call(name: str, validate: bool, **values):
    backend = backend_of(list(values.values()))
    return call(SPECS[name], compiled(name, backend.name), validate, values)


def policy(p_ref, r, beta, *, validate: bool = True):
    """The maximizer ``p*(y) = p_ref(y) e^{r(y)/beta} / Z`` of the KL-regularized reward.

    Computed as ``p_ref e^{(r - m)/beta}`` normalized, with ``m`` the largest reward on the
    support, so it is zero where ``p_ref`` is zero and exact however large ``r/beta`` is.

    >>> import numpy as np
    >>> policy(np.array([0.5, 0.5, 0.0]), np.array([0.0, np.log(3.0), 9.0]), 1.0)
    array([0.25, 0.75, 0.  ])
    """
    return _call("policy", validate, p_ref=p_ref, r=r, beta=beta)


def log_policy(log_p_ref, r, beta, *, validate: bool = True):
    """``log p*(y) = log p_ref(y) + r(y)/beta - log Z``; ``log_p_ref`` may hold ``-inf``.

    The result does not depend on the scale of ``p_ref``: logits work as well.

    >>> import numpy as np
    >>> log_policy(np.log([0.5, 0.5]), np.array([0.0, 2e6]), 1e-3)
    array([-2.e+09,  0.e+00])
    """
    return _call("log_policy", validate, log_p_ref=log_p_ref, r=r, beta=beta)


def log_partition(log_p_ref, r, beta, *, validate: bool = True):
    """``log Z = log sum_y p_ref(y) e^{r(y)/beta}`` per row (the last axis is summed over).

    >>> import numpy as np
    >>> float(log_partition(np.log([0.5, 0.5]), np.array([0.0, 0.0]), 2.0))
    0.0
    >>> float(log_partition(np.log([0.5, 0.5]), np.array([1e3, 1e3]), 1e-6))  # Z = e^(1e9)
    1000000000.0
    """
    return _call("log_partition", validate, log_p_ref=log_p_ref, r=r, beta=beta)


def mixture_weights(p_A, p_U, alpha, r, beta, *, validate: bool = True):
    """Lemma 1's weights ``(alpha_A(y), alpha_U(y))`` with ``p_theta = alpha_A p_A + alpha_U p_U``.

    ``alpha_A = alpha e^{r/beta} / Z`` and ``alpha_U = (1 - alpha) e^{r/beta} / Z`` with
    ``Z = sum_y (alpha p_A + (1 - alpha) p_U) e^{r/beta}``.

    >>> import numpy as np
    >>> a, u = mixture_weights(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.5, np.zeros(2), 1.0)
    >>> a, u
    (array([0.5, 0.5]), array([0.5, 0.5]))
    """
    return _call("mixture_weights", validate, p_A=p_A, p_U=p_U, alpha=alpha, r=r, beta=beta)


def tpm(p_A, p_U, alpha, r, beta, *, validate: bool = True):
    """Total probability masses ``(TPM(A), TPM(U))`` per row; they sum to 1.

    ``TPM(A) = alpha M_A / Z`` with ``M_A = sum_y p_A(y) e^{r(y)/beta}``.  The common factor
    ``e^{m/beta}`` (``m`` the largest reward on the support) cancels from the ratio, so the
    moments are sums of tilts at most 1: right where ``e^{r/beta}`` overflows.

    >>> import numpy as np
    >>> p_A, p_U = np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5])
    >>> tpm(p_A, p_U, 0.5, np.array([1.0, 0.0, 0.0]), 1e-3)  # e^{1000} overflows
    (array(1.), array(0.))
    >>> [round(float(m), 6) for m in tpm(p_A, p_U, 0.5, np.array([1.0, 0.0, 0.0]), 1.0)]
    [0.650245, 0.349755]
    """
    return _call("tpm", validate, p_A=p_A, p_U=p_U, alpha=alpha, r=r, beta=beta)


def kl_to_ref(p_ref, r, beta, *, validate: bool = True):
    """``KL(p* || p_ref) = E_{p*}[r] / beta - log Z`` per row.

    >>> import numpy as np
    >>> float(kl_to_ref(np.array([0.5, 0.5]), np.array([0.0, 0.0]), 1.0))
    0.0
    """
    return _call("kl_to_ref", validate, p_ref=p_ref, r=r, beta=beta)


def residual_mass_bound(alpha, r, beta, *, validate: bool = True):
    """The floor ``(1 - alpha) e^{-(r_max - r_min)/beta}`` under ``TPM(U)``, per row.

    >>> import numpy as np
    >>> float(residual_mass_bound(0.5, np.array([0.0, np.log(2.0)]), 1.0))
    0.25
    """
    return _call("residual_mass_bound", validate, alpha=alpha, r=r, beta=beta)


def tpm_sensitivity(p_A, p_U, alpha, r, beta, *, validate: bool = True):
    """``d TPM(A)/dt = TPM(A) TPM(U) (E_{A,t}[r] - E_{U,t}[r])`` at ``t = 1/beta``, per row.

    >>> import numpy as np
    >>> round(float(tpm_sensitivity(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.5, np.array([1.0, 0.0]), 1e9)), 12)
    0.25
    """
    return _call("tpm_sensitivity", validate, p_A=p_A, p_U=p_U, alpha=alpha, r=r, beta=beta)


def implicit_reward(log_p_theta, log_p_ref, beta, *, validate: bool = True):
    """DPO's implicit reward ``beta log(p_theta / p_ref)`` (the reward up to ``beta log Z``).

    >>> import numpy as np
    >>> implicit_reward(np.log([0.5, 0.5]), np.log([0.25, 0.75]), 0.1)
    array([ 0.06931472, -0.04054651])
    """
    return _call("implicit_reward", validate, log_p_theta=log_p_theta, log_p_ref=log_p_ref, beta=beta)


def dpo_loss(
    policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps, beta, *, validate: bool = True
):
    """The DPO loss per pair: ``-log sigmoid(beta (log-ratio chosen) - beta (log-ratio rejected))``.

    Arguments are sequence log-probabilities of shape ``(batch,)``; ``beta`` broadcasts.
    Computed as ``logaddexp(0, -margin)``, so it neither overflows nor loses small losses.

    >>> import numpy as np
    >>> float(dpo_loss(np.array(-1.0), np.array(-1.0), np.array(-1.0), np.array(-1.0), 0.1))  # log 2
    0.6931471805599453
    >>> float(dpo_loss(np.array(0.0), np.array(-1e4), np.array(0.0), np.array(0.0), 1.0))
    0.0
    """
    return _call(
        "dpo_loss",
        validate,
        policy_chosen_logps=policy_chosen_logps,
        policy_rejected_logps=policy_rejected_logps,
        ref_chosen_logps=ref_chosen_logps,
        ref_rejected_logps=ref_rejected_logps,
        beta=beta,
    )
