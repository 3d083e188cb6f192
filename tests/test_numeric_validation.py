"""Bad input raises ValueError naming the argument and the problem; validate=False skips."""

from __future__ import annotations

import numpy as np
import pytest

from dpo_mixture import numeric

P = np.array([[0.25, 0.75], [0.5, 0.5]])
R = np.array([[0.0, 1.0], [2.0, -1.0]])


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: numeric.policy(np.array([[-0.25, 1.25], [0.5, 0.5]]), R, 1.0), r"p_ref: probabilities must be nonnegative"),
        (lambda: numeric.policy(np.array([[np.nan, 1.0], [0.5, 0.5]]), R, 1.0), r"p_ref: probabilities must be finite"),
        (lambda: numeric.policy(np.array([[0.2, 0.7], [0.5, 0.5]]), R, 1.0), r"p_ref: each row must sum to 1"),
        (lambda: numeric.log_partition(np.log([[0.2, 0.7]]), R[:1], 1.0), r"log_p_ref: each row must be normalized"),
        (lambda: numeric.log_policy(np.array([[np.inf, 0.0]]), R[:1], 1.0), r"log_p_ref: log-probabilities must be finite or -inf"),
        (lambda: numeric.tpm(P, P, 1.5, R, 1.0), r"alpha: must lie in \[0, 1\]"),
        (lambda: numeric.tpm(P, P, -0.1, R, 1.0), r"alpha: must lie in \[0, 1\]"),
        (lambda: numeric.tpm(P, P, np.nan, R, 1.0), r"alpha: must be finite"),
        (lambda: numeric.policy(P, R, 0.0), r"beta: must be > 0"),
        (lambda: numeric.policy(P, R, -1.0), r"beta: must be > 0"),
        (lambda: numeric.policy(P, R, np.inf), r"beta: must be finite"),
        (lambda: numeric.policy(P, np.array([[0.0, np.inf], [0.0, 0.0]]), 1.0), r"r: rewards must be finite"),
        (lambda: numeric.policy(P, np.zeros((3, 2)), 1.0), r"shapes do not broadcast: p_ref \(2, 2\), r \(3, 2\)"),
        (lambda: numeric.tpm(P, P, np.array([0.1, 0.2, 0.3]), R, 1.0), r"alpha: must be a scalar or one value per batch row, of shape \(2,\) or \(2, 1\); got shape \(3,\)"),
        (lambda: numeric.dpo_loss(np.zeros(2), np.array([0.0, np.nan]), np.zeros(2), np.zeros(2), 0.1), r"policy_rejected_logps: log-probabilities must be finite"),
    ],
)
def test_bad_input_raises_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_row_sum_tolerance_is_what_the_docs_say():
    from dpo_mixture.numeric.validate import row_sum_tolerance

    tol = row_sum_tolerance(2, np.float64)
    numeric.policy(np.array([0.5, 0.5 + 0.9 * tol]), np.zeros(2), 1.0)  # inside: accepted
    with pytest.raises(ValueError, match="p_ref: each row must sum to 1"):
        numeric.policy(np.array([0.5, 0.5 + 1.1 * tol]), np.zeros(2), 1.0)


def test_validate_false_skips_the_checks():
    out = numeric.policy(np.array([0.2, 0.7]), np.zeros(2), 1.0, validate=False)
    np.testing.assert_allclose(out, [2 / 9, 7 / 9])  # renormalized, no error raised


def test_alpha_and_beta_broadcast_over_the_batch():
    p = numeric.policy(P, R, np.array([1.0, 2.0]))
    np.testing.assert_allclose(p[1], numeric.policy(P[1], R[1], 2.0), rtol=1e-15)
    tpm_a, _ = numeric.tpm(P, P[::-1], np.array([0.2, 0.7]), R, 1.0)
    assert tpm_a.shape == (2,)
